import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** How long shared caches and browsers may reuse a public answer. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=300';

/** True when an `If-None-Match` header names `etag` (or is `*`); weak comparison, as RFC 9110 asks for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/** Sends `body` as JSON with a strong ETag and Cache-Control, or 304 when the client's copy is current. */
export function sendCacheable(req: Request, res: Response, body: unknown): undefined {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 32)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', PUBLIC_CACHE_CONTROL);
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return undefined;
  }
  res.status(200).type('application/json').send(json);
  return undefined;
}
