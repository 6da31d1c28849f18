import { z } from 'zod';

/** Cursor pagination parameters shared by every list operation. */
export const pageQuery = {
  page_size: z.coerce.number().int().min(1).max(500).default(100),
  page_token: z.string().max(512).optional(),
};

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
