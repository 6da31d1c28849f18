import type { Response } from 'express';

/**
 * An error whose answer is not a problem document — the token endpoint's OAuth errors (RFC 6749 §5.2)
 * are the case — so it writes the answer itself. Routes throw it like any other error; the one error
 * middleware ({@link errorHandler}) calls {@link RenderableError.render}, so there is no second channel.
 */
export abstract class RenderableError extends Error {
  /** The HTTP status the answer carries. */
  abstract readonly status: number;

  /** Writes the whole answer: status, headers and body. `res.req` is the request it answers. */
  abstract render(res: Response): void;
}
