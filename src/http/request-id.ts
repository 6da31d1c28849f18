import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a well-formed `x-request-id` or makes a new one; never trusts an odd one. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && acceptable.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
