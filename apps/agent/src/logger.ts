import { type DestinationStream, type Logger, pino } from 'pino';
import PinoPretty from 'pino-pretty';
import type { AgentConfig } from './config.js';

export type { Logger } from 'pino';

/** JSON lines on stdout; pretty-printed only when stdout is a terminal. */
export function createLogger(level: AgentConfig['logLevel'], destination?: DestinationStream): Logger {
  const stream =
    destination ??
    (process.stdout.isTTY ? PinoPretty({ colorize: true, sync: true }) : pino.destination({ sync: true }));
  return pino(
    { name: 'agent', level, redact: { paths: ['workerToken', 'config.workerToken'], censor: '[redacted]' } },
    stream,
  );
}
