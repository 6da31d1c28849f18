import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RenderableError } from './renderable-error.js';

/** Base of every problem `type` URI: stable, absolute, never dereferenced by clients. */
export const PROBLEM_TYPE_BASE = 'tag:zcd-gateway,2026:problem:';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem document as the gateway writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  log_id?: string;
  [extension: string]: unknown;
}

/** Writes `problem` as `application/problem+json`. */
export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Builds a problem for a status and stable code. */
export function problem(status: number, code: string, detail?: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** body-parser's error types, mapped to what the client did wrong. */
const bodyParserErrors: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'body_too_large', 'The request body is larger than the gateway accepts.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The content encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_charset', 'The request charset is not supported; send UTF-8.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted before its body arrived.'],
  'request.size.invalid': [400, 'request_size_invalid', 'The request body does not match its Content-Length.'],
  'parameters.too.many': [413, 'too_many_parameters', 'The request has too many parameters.'],
};

/** The last handler before errors: nothing matched the path. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  sendProblem(res, problem(404, 'route_not_found', 'No operation is published at this path.'));
};

/**
 * The one error middleware: maps every thrown error to problem+json (5xx bodies carry only a log id),
 * except a {@link RenderableError}, which writes its own answer.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof DomainError) {
      if (err.status >= 500) {
        const logId = randomUUID();
        logger.error({ err, log_id: logId, request_id: req.id }, 'request failed');
        sendProblem(res, problem(err.status, err.code, err.message, { log_id: logId }), err.headers);
        return;
      }
      sendProblem(res, problem(err.status, err.code, err.message, err.extra), err.headers);
      return;
    }
    if (err instanceof RenderableError) {
      if (err.status >= 500) logger.error({ err, request_id: req.id }, 'request failed');
      err.render(res);
      return;
    }
    const type = (err as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type in bodyParserErrors) {
      const [status, code, detail] = bodyParserErrors[type]!;
      sendProblem(res, problem(status, code, detail));
      return;
    }
    const logId = randomUUID();
    logger.error({ err, log_id: logId, request_id: req.id }, 'unhandled error');
    sendProblem(
      res,
      problem(500, 'internal_error', 'The gateway could not complete the request. Quote the log id when reporting it.', {
        log_id: logId,
      }),
    );
  };
}

/**
 * The HTTP server's own refusals (a request line or headers it cannot read: 400, 431 for headers too large)
 * as problem+json, like every other answer. Attach with `server.on('clientError', clientErrorAnswer)`.
 */
export function clientErrorAnswer(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than the gateway accepts.']
      : [400, 'bad_request', 'The request could not be read as HTTP.'];
  const body = JSON.stringify(problem(status, code, detail));
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
