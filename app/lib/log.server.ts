// Structured JSON logs (pino). Ids only: never names, e-mails, phone numbers or addresses.
import pino from 'pino';
import { remember } from './remember.server';

export const log = remember('log', () =>
  pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service: process.env.WHARF_SERVICE ?? 'web' },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.email'],
      remove: true,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  }),
);
