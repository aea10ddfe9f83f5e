import pino from 'pino';

/**
 * Structured JSON logs, one object per line. Every field that could carry a
 * credential is redacted before it is written.
 */
export const log = pino({
  level: process.env.CROWSNEST_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { service: 'crowsnest' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: {
    paths: [
      'token',
      'password',
      'secret',
      'headers.authorization',
      'headers.cookie',
      'req.headers.authorization',
      'req.headers.cookie',
    ],
    censor: '[redacted]',
  },
});

export type Logger = typeof log;
