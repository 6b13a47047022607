import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import PinoPretty from 'pino-pretty';
import type { AppConfig } from '../../config/app-config.js';
import { maskPhone } from './mask-phone.js';

export type { Logger } from 'pino';

/** Secrets that may sit in a serialized request or response; never logged. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-worker-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

export interface CreateLoggerOptions {
  level: AppConfig['logLevel'];
  /** Where JSON lines go; stdout by default (pretty-printed only when stdout is a terminal). */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger({ level, destination, name = 'api' }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Masking the serialized line covers the message, every field and every child binding at once.
    hooks: { streamWrite: maskPhone },
  };
  const stream =
    destination ??
    (process.stdout.isTTY ? PinoPretty({ colorize: true, sync: true }) : pino.destination({ sync: true }));
  return pino(options, stream);
}
