import { hostname } from 'node:os';
import { Worker as BullWorker, type Job } from 'bullmq';
import { InternalClient } from './api/internal-client.js';
import { type CallJob, FlowCache, type RunCallDeps, type RunCallResult, runCall } from './call-session/run-call.js';
import type { AgentConfig } from './config.js';
import { describeConfig } from './config.js';
import type { Logger } from './logger.js';

/** The API's queue of call attempts (apps/api/src/calls/jobs/calls.queue.ts). */
export const CALLS_QUEUE = 'calls';

export interface Worker {
  /** Resolves once the worker is ready to take work. */
  start(): Promise<void>;
  /** Stops taking work and lets work in progress end; resolves when nothing is left running. */
  stop(reason: string): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
}

export interface WorkerOverrides {
  client?: InternalClient;
  /** called after each job, for tests and metrics */
  onResult?: (job: CallJob, result: RunCallResult) => void;
  batching?: RunCallDeps['batching'];
}

/**
 * The call worker: a BullMQ Worker on the API's `calls` queue (same prefix), running up to
 * `concurrency` calls at once, each through runCall. stop() closes the BullMQ worker, which
 * waits for the calls in progress to finish (simulated calls take milliseconds; the process
 * grace period in main.ts bounds the wait) and takes no new job.
 */
export function createWorker(config: AgentConfig, logger: Logger, overrides: WorkerOverrides = {}): Worker {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping = false;
  let bull: BullWorker<CallJob, RunCallResult> | undefined;
  const workerId = config.workerId ?? `${hostname()}:${process.pid}`;
  const client = overrides.client ?? new InternalClient({ apiUrl: config.apiUrl, workerToken: config.workerToken });
  const flows = new FlowCache();

  const process_ = async (job: Job<CallJob, RunCallResult>): Promise<RunCallResult> => {
    const { callId, attempt } = job.data;
    const result = await runCall(
      { callId, attempt },
      {
        client,
        logger,
        workerId,
        flows,
        httpTools: config.httpTools,
        ...(overrides.batching ? { batching: overrides.batching } : {}),
      },
    );
    overrides.onResult?.({ callId, attempt }, result);
    return result;
  };

  return {
    stopped,
    async start() {
      logger.info({ ...describeConfig(config), workerId }, 'agent worker starting');
      bull = new BullWorker<CallJob, RunCallResult>(CALLS_QUEUE, process_, {
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: config.queuePrefix,
        concurrency: config.concurrency,
        autorun: false,
      });
      bull.on('failed', (job, error) => {
        logger.error({ callId: job?.data.callId, attempt: job?.data.attempt, err: error }, 'call job failed');
      });
      bull.on('error', (error) => logger.error({ err: error }, 'queue connection error'));
      void bull.run().catch((error: unknown) => logger.error({ err: error }, 'worker stopped on an error'));
      await bull.waitUntilReady();
      logger.info({ queue: `${config.queuePrefix}:${CALLS_QUEUE}` }, 'agent worker ready');
    },
    async stop(reason) {
      if (stopping) return stopped;
      stopping = true;
      logger.info({ reason }, 'agent worker stopping');
      // close() stops fetching jobs and waits for the active ones to finish
      await bull?.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing the worker'));
      logger.info('agent worker stopped');
      resolveStopped();
      return stopped;
    },
  };
}
