import { pino, type Logger } from 'pino';

/** The root logger: JSON lines on stdout, one child per module. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'zcd-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.dpop', 'req.headers.cookie', '*.client_assertion'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
