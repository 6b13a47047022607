import type { AgentConfig } from './config.js';
import { describeConfig } from './config.js';
import type { Logger } from './logger.js';

export interface Worker {
  /** Resolves once the worker is ready to take work. */
  start(): Promise<void>;
  /** Stops taking work and lets work in progress end; resolves when nothing is left running. */
  stop(reason: string): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
}

/**
 * The call worker's lifecycle. For now it takes no work: it states what it will do and idles
 * until told to stop. Consuming call jobs (BullMQ), dialling (LiveKit) and running flows come in
 * later issues, each behind this same start/stop.
 */
export function createWorker(config: AgentConfig, logger: Logger): Worker {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let idle: NodeJS.Timeout | undefined;
  let stopping = false;

  return {
    stopped,
    async start() {
      logger.info(describeConfig(config), 'agent worker starting');
      logger.info(
        'not consuming call jobs yet: a later issue connects this worker to the call queue in Redis, ' +
          'dials through LiveKit (or the simulated callee) and runs each call flow, reporting to the API',
      );
      // Keeps the event loop alive until stop(); the worker has no open connection of its own yet.
      idle = setInterval(() => undefined, 60_000);
      logger.info('agent worker ready');
    },
    async stop(reason) {
      if (stopping) return stopped;
      stopping = true;
      logger.info({ reason }, 'agent worker stopping');
      clearInterval(idle);
      logger.info('agent worker stopped');
      resolveStopped();
      return stopped;
    },
  };
}
