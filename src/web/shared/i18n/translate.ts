import { messages, type MessageKey } from './messages.js';

/** The languages of the pages: Chinese first, English second. */
export const LOCALES = ['zh-CN', 'en'] as const;

/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/** Values for a message's `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

type Entry = readonly [zh: string, en: string];

/** The table: the shared texts, and each area's own once its app module has loaded (see addMessages). */
const table = new Map<string, Entry>(Object.entries(messages));

/** Adds an area's texts to the table; its app module calls this when it loads, before any of its pages renders. */
export function addMessages(more: Readonly<Record<string, Entry>>): void {
  for (const [key, entry] of Object.entries(more)) table.set(key, entry);
}

/** A message of the table in `locale`, its `{name}` placeholders filled from `params` (the key itself if unknown). */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const entry = table.get(key);
  if (!entry) return key;
  const [zh, en] = entry;
  const text = locale === 'en' ? en : zh;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The placeholder names a message uses, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
}
