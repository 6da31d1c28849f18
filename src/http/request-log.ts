import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';
import { requestId } from './request-id.js';

const reqFields = (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] });

const probes = new Set(['/healthz', '/readyz']);

/**
 * Request ids and access logs. At `info` and below, pino-http logs every request (5xx at warn); above
 * `info` only failed requests would be logged, so a plain middleware gives every request its id and
 * logs 5xx answers alone, without a child logger per request.
 */
export function requestLogging(logger: Logger): RequestHandler {
  if (logger.isLevelEnabled('info')) {
    return pinoHttp({
      logger,
      genReqId: requestId,
      // Probes come every few seconds from the orchestrator: at debug, unless they fail.
      customLogLevel: (req, res, err) => (err || res.statusCode >= 500 ? 'warn' : probes.has((req.url ?? '').split('?')[0]!) ? 'debug' : 'info'),
      serializers: {
        req: reqFields,
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    });
  }
  const warn = logger.isLevelEnabled('warn');
  return (req, res, next) => {
    req.id = requestId(req, res);
    if (warn) {
      const started = Date.now();
      res.once('finish', () => {
        if (res.statusCode < 500) return;
        logger.warn(
          { req: reqFields(req), res: { status: res.statusCode }, err: new Error(`failed with status code ${res.statusCode}`), responseTime: Date.now() - started },
          'request errored',
        );
      });
    }
    next();
  };
}
