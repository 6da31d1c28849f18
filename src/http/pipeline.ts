import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** One step of the request pipeline: a middleware, or a middleware for the paths under `prefix` only. */
export type Step = RequestHandler | { prefix: string; handler: RequestHandler };

const under = (path: string, prefix: string) => path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/');

/**
 * Runs `steps` in order as one express middleware. express's router does, per registered layer and
 * request, a path match, a prefix trim and a closure or two; the gateway's fixed chain (logging,
 * headers, body, routes) needs none of that, and the sampled allocation profile of S1 had the router's
 * per-request objects as the largest group surviving into the old generation. A step's error — passed
 * to `next`, thrown, or a rejected promise — leaves the pipeline for express's error handlers; a
 * `next()` from the last step goes on to express's next layer (the 404).
 */
export function pipeline(steps: readonly Step[]): RequestHandler {
  const all = steps.map((s) => (typeof s === 'function' ? { prefix: undefined, handler: s } : s));
  return (req: Request, res: Response, done: NextFunction) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) {
        done(err);
        return;
      }
      while (i < all.length) {
        const { prefix, handler } = all[i++]!;
        if (prefix !== undefined && !under(req.path, prefix)) continue;
        try {
          const r: unknown = handler(req, res, next);
          if (r instanceof Promise) r.then(undefined, done);
        } catch (e) {
          done(e);
        }
        return;
      }
      done();
    };
    next();
  };
}
