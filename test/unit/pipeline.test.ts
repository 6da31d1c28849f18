import { describe, expect, it } from 'vitest';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pipeline } from '../../src/http/pipeline.js';

/** Runs the pipeline for `path`; resolves with what it handed on to express ('next', or the error). */
function run(steps: Parameters<typeof pipeline>[0], path: string): Promise<unknown> {
  return new Promise((resolve) => {
    const done: NextFunction = (err?: unknown) => resolve(err ?? 'next');
    void pipeline(steps)({ path } as Request, {} as Response, done);
  });
}

const step = (name: string, ran: string[]): RequestHandler => (_req, _res, next) => {
  ran.push(name);
  next();
};

describe('the request pipeline', () => {
  it('runs its steps in order, prefixed ones only at or under their prefix, then hands on', async () => {
    for (const [path, expected] of [
      ['/api/v1/public', ['a', 'p', 'z']],
      ['/api/v1/public/x', ['a', 'p', 'z']],
      ['/api/v1/publicity', ['a', 'z']],
      ['/other', ['a', 'z']],
    ] as const) {
      const ran: string[] = [];
      expect(await run([step('a', ran), { prefix: '/api/v1/public', handler: step('p', ran) }, step('z', ran)], path)).toBe('next');
      expect(ran, path).toEqual(expected);
    }
  });

  it('leaves at the first error, passed to next, thrown, or rejected', async () => {
    const boom = new Error('boom');
    const cases: RequestHandler[] = [
      (_q, _s, next) => next(boom),
      () => {
        throw boom;
      },
      async () => {
        await Promise.resolve();
        throw boom;
      },
    ];
    for (const failing of cases) {
      const ran: string[] = [];
      expect(await run([step('a', ran), failing, step('never', ran)], '/x')).toBe(boom);
      expect(ran).toEqual(['a']);
    }
  });

  it('stops when a step answers without calling next', async () => {
    const ran: string[] = [];
    let handedOn = false;
    pipeline([step('a', ran), () => undefined, step('never', ran)])({ path: '/' } as Request, {} as Response, () => (handedOn = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual(['a']);
    expect(handedOn).toBe(false);
  });
});
