import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config';

export type { Logger };

/**
 * Structured JSON lines on stdout. Secrets never reach a log call, and the
 * redaction below is the second line of defence should one be passed by mistake.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        '*.authorization',
        '*.headers.authorization',
        '*["x-coinapi-key"]',
        '*.coinApiKey',
        '*.publishToken',
        '*.jwtKey',
        '*.amqpUrl',
      ],
      censor: '<hidden>',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
