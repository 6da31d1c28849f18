import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';

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

/** What {@link serveWithoutRouter} answers with. */
export interface Dispatch {
  /** Every request goes through this first (the {@link pipeline}). */
  chain: RequestHandler;
  /** What the chain handed on: nothing matched. */
  notFound: RequestHandler;
  /** Every error the chain or `notFound` raised. */
  onError: ErrorRequestHandler;
}

/**
 * Makes `app` answer with `dispatch` and bypass express's router, which still ran for the three layers
 * left (its per-request `next` closures, path matching and prefix trimming, about 6 % of S1's CPU). What
 * express's own `app.handle` does besides routing stays: request and response get the app's prototypes
 * (`req.query`, `req.path`, `res.json` …), a reference to each other and `res.locals`. `app.use` has no
 * effect afterwards. When `onError` hands an error on (the answer had already started), the connection
 * is closed, as express's final handler does.
 */
export function serveWithoutRouter(app: Express, dispatch: Dispatch): void {
  const { request, response } = app;
  const handle = (req: Request, res: Response, callback?: NextFunction): void => {
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, request);
    Object.setPrototypeOf(res, response);
    res.locals ??= Object.create(null) as Response['locals'];
    const lastResort = (err?: unknown) => {
      if (callback) callback(err);
      else if (err !== undefined) req.socket.destroy();
    };
    const fail = (err: unknown) => {
      try {
        dispatch.onError(err, req, res, lastResort);
      } catch (e) {
        lastResort(e);
      }
    };
    dispatch.chain(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        fail(err);
        return;
      }
      try {
        const r: unknown = dispatch.notFound(req, res, (e?: unknown) => (e === undefined ? lastResort() : fail(e)));
        if (r instanceof Promise) r.then(undefined, fail);
      } catch (e) {
        fail(e);
      }
    });
  };
  (app as unknown as { handle: typeof handle }).handle = handle;
}
