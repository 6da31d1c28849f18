import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { chars } from './fields.js';

// Every list the gateway serves pages the same way: the service asks its store for one row more than the
// page holds, to know whether more follow; the route turns the page token back into the store's cursor and
// the last item of the page into the next token. Tokens are opaque base64url JSON to clients.

/** Cursor pagination parameters shared by every list operation. */
export const pageQuery = {
  page_size: z.coerce.number().int().min(1).max(500).default(100),
  page_token: chars(512).optional(),
};

/** One page of a list, and whether more follow it. */
export interface Page<T> {
  items: T[];
  more: boolean;
}

/** Reads `limit` items with `read(limit + 1)`: the extra row, dropped, says whether more follow. */
export async function readPage<T>(limit: number, read: (limit: number) => Promise<T[]>): Promise<Page<T>> {
  const rows = await read(limit + 1);
  return { items: rows.length > limit ? rows.slice(0, limit) : rows, more: rows.length > limit };
}

/** Every item of a paged list, reading page after page from the cursor `idOf` gives of each page's last item. */
export async function readAll<T>(page: (after: string | undefined) => Promise<Page<T>>, idOf: (item: T) => string): Promise<T[]> {
  const items: T[] = [];
  for (let after: string | undefined; ; ) {
    const p = await page(after);
    items.push(...p.items);
    if (!p.more || p.items.length === 0) return items;
    after = idOf(p.items.at(-1)!);
  }
}

/** Encodes a cursor; clients treat it as opaque. */
export function encodePageToken(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor made by {@link encodePageToken}; undefined when it is not one. */
export function decodePageToken<T>(token: string, schema: z.ZodType<T>): T | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The cursor in a list's `page_token`: undefined without one, a 400 for a token this list did not make. */
export function pageCursor<T>(token: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (token === undefined) return undefined;
  const value = decodePageToken(token, schema);
  if (value === undefined) throw new ValidationError([{ in: 'query', pointer: '/page_token', detail: 'not a page token of this list' }]);
  return value;
}

/** The `next_page_token` member of a page's answer: the cursor of its last item when more follow, else nothing. */
export function nextPageToken<T>(page: Page<T>, cursor: (last: T) => Record<string, string | number>): { next_page_token?: string } {
  const last = page.items.at(-1);
  return page.more && last !== undefined ? { next_page_token: encodePageToken(cursor(last)) } : {};
}

/** The cursor of lists ordered by one key ascending (ids, codes, client ids): `{ after }`. */
export const afterCursor = z.strictObject({ after: chars(64) });
