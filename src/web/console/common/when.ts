const formats = new Map<string, [date: Intl.DateTimeFormat, time: Intl.DateTimeFormat]>();

/**
 * The date and the time of day of an ISO timestamp in China Standard Time, as the bureaus read them, to the
 * second and written the portal's way: 2026年12月1日, 23:08:31.
 */
export function momentParts(iso: string, locale: string): [date: string, time: string] {
  let f = formats.get(locale);
  if (!f) {
    const zone = { timeZone: 'Asia/Shanghai' } as const;
    formats.set(locale, (f = [new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...zone }), new Intl.DateTimeFormat(locale, { timeStyle: 'medium', hourCycle: 'h23', ...zone })]));
  }
  const at = new Date(iso);
  return [f[0].format(at), f[1].format(at)];
}
