import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../errors.js';

type Segment = { literal: string } | { param: string };

interface Entry {
  method: string;
  segments: Segment[];
  handler: RequestHandler;
}

/** What a request path matched: a route and its decoded parameters, or only other methods of the path. */
export type RouteMatch = { entry: Entry; params: Record<string, string> } | { allow: string[] };

function decodeParam(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DomainError(400, 'invalid_path', `The path parameter ${name} is not valid percent-encoding.`);
  }
}

/**
 * The gateway's routing: every published operation by method and spec path template, looked up by
 * segment count and then segment by segment — a few string comparisons instead of a regular
 * expression per registered route. Paths match as the spec writes them: exact case, no trailing slash,
 * no empty segment; the first registered route that matches wins. A path that exists under other
 * methods answers 405 with `Allow` (OPTIONS: 204 with `Allow`); a parameter that is not valid
 * percent-encoding answers 400.
 */
export class RouteTable {
  private readonly bySegments = new Map<number, Entry[]>();

  /** Adds `handler` for `method` (lower or upper case) at a spec path such as `/api/v1/regions/{code}`. */
  add(method: string, specPath: string, handler: RequestHandler): void {
    const segments = specPath.split('/').map((s): Segment => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(s);
      return param ? { param: param[1]! } : { literal: s };
    });
    const list = this.bySegments.get(segments.length) ?? [];
    list.push({ method: method.toUpperCase(), segments, handler });
    this.bySegments.set(segments.length, list);
  }

  /** The route `method` and `path` reach (GET routes answer HEAD too), or the methods the path has. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/');
    const candidates = this.bySegments.get(parts.length);
    if (!candidates) return undefined;
    let allow: string[] | undefined;
    for (const entry of candidates) {
      if (!sameShape(entry.segments, parts)) continue;
      if (entry.method === method || (method === 'HEAD' && entry.method === 'GET')) {
        const params: Record<string, string> = {};
        entry.segments.forEach((s, i) => {
          if ('param' in s) params[s.param] = decodeParam(parts[i]!, s.param);
        });
        return { entry, params };
      }
      (allow ??= []).push(entry.method);
    }
    if (!allow) return undefined;
    if (allow.includes('GET')) allow.push('HEAD');
    return { allow: [...new Set(allow)] };
  }

  /** The express middleware that dispatches to the table; unmatched paths go on to the next handler. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const found = this.match(req.method, req.path);
      if (!found) {
        next();
        return;
      }
      if ('allow' in found) {
        const allow = found.allow.join(', ');
        if (req.method === 'OPTIONS') {
          res.setHeader('Allow', allow);
          res.status(204).end();
          return;
        }
        throw new DomainError(405, 'method_not_allowed', `This path does not take ${req.method}; it takes ${allow}.`, {}, { Allow: allow });
      }
      req.params = found.params;
      return found.entry.handler(req, res, next);
    };
  }
}

function sameShape(segments: Segment[], parts: string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const part = parts[i]!;
    if ('param' in s) {
      if (part === '') return false;
    } else if (part !== s.literal) {
      return false;
    }
  }
  return true;
}
