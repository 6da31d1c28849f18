/** Local date and time of an ISO timestamp, in China Standard Time as the bureaus read it. */
export const when = (iso: string, locale: string): string => new Date(iso).toLocaleString(locale, { timeZone: 'Asia/Shanghai', hour12: false });
