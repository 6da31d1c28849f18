import type { Response } from 'express';
import { RenderableError } from '../../http/renderable-error.js';

// An auth-scheme token (RFC 9110 §11.1); anything else in an Authorization header is not echoed.
const SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32})(?: |$)/;

/**
 * An error of the token endpoint, answered as RFC 6749 §5.2 JSON (`error`, `error_description`), never
 * cached. A 401 to a client that tried to authenticate with the `Authorization` header carries a
 * `WWW-Authenticate` challenge for the scheme it used, as §5.2 asks.
 */
export class OAuthError extends RenderableError {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  /** Writes the §5.2 answer. */
  render(res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    for (const [k, v] of Object.entries(this.headers)) res.setHeader(k, v);
    const scheme = this.status === 401 ? SCHEME.exec(res.req.headers.authorization ?? '')?.[1] : undefined;
    if (scheme !== undefined) res.setHeader('WWW-Authenticate', `${scheme} realm="zcd-gateway"`);
    res.status(this.status).json({ error: this.error, error_description: this.description });
  }
}
