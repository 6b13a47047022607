import { hostname } from 'node:os';
import { CALLS_QUEUE_NAME } from '@switchboard/contracts';
import { Worker as BullWorker, DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { InternalClient } from './api/internal-client.js';
import {
  AttemptFailed,
  type CallJob,
  ClaimPaced,
  FlowCache,
  type RunCallDeps,
  type RunCallResult,
  runCall,
} from './call-session/run-call.js';
import type { AgentConfig } from './config.js';
import { describeConfig } from './config.js';
import { type DeadLetterSink, DeadLetterQueue, deadLetterOf, failedForGood } from './dead-letter-queue.js';
import type { Logger } from './logger.js';
import { type VoiceDeps, voiceDeps } from './voice/index.js';

/** The API's queue of call attempts (apps/api/src/calls/jobs/calls.queue.ts). */
export const CALLS_QUEUE = CALLS_QUEUE_NAME;

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
  /** called after each job that completed, for tests and metrics */
  onResult?: (job: CallJob, result: RunCallResult) => void;
  batching?: RunCallDeps['batching'];
  /** media and understanding instead of what the configuration switches on (voiceDeps) */
  voice?: VoiceDeps;
  /** where failed-for-good jobs are reported (default: the `calls-dead-letter` queue) */
  deadLetters?: DeadLetterSink;
}

/**
 * How often BullMQ looks for jobs whose worker died (lock expired): half the lock, so a killed
 * worker's job is back in the queue within about twice WORKER_LOCK_MS.
 */
export function stalledIntervalMs(lockMs: number): number {
  return Math.max(500, Math.round(lockMs / 2));
}

/** An AttemptFailed as BullMQ's UnrecoverableError: the job fails now, whatever attempts it has left. */
function unrecoverable(error: AttemptFailed): UnrecoverableError {
  const wrapped = new UnrecoverableError(error.message);
  wrapped.cause = error;
  // the stack of the failure, not of this line, is what the failed job should show
  wrapped.stack = `UnrecoverableError: ${error.stack ?? error.message}`;
  return wrapped;
}

/**
 * The call worker: a BullMQ Worker on the API's `calls` queue (same prefix), running up to
 * `concurrency` calls at once, each through runCall, on the media and understanding the
 * configuration switches on (voice/). What a job's outcome means to BullMQ:
 *
 * - completed: the call was completed, or its claim was refused (nothing was dialled);
 * - ClaimPaced: the job goes back to `delayed` until the API's `retryAt`, same id, no attempt used;
 * - AttemptFailed (after the claim): UnrecoverableError, never retried (the attempt may have rung);
 * - anything else (before the claim: API unreachable, 5xx): thrown, BullMQ retries it with the
 *   job's attempts and backoff (set by the API).
 *
 * A job that fails for good is reported to the `calls-dead-letter` queue. stop() closes the BullMQ
 * worker, which waits for the calls in progress (the process grace period in main.ts bounds the
 * wait) and takes no new job, then waits for the reports under way.
 */
export function createWorker(config: AgentConfig, logger: Logger, overrides: WorkerOverrides = {}): Worker {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping = false;
  let bull: BullWorker<CallJob, RunCallResult> | undefined;
  let deadLetters: DeadLetterSink | undefined;
  const reports = new Set<Promise<void>>();
  const workerId = config.workerId ?? `${hostname()}:${process.pid}`;
  const client = overrides.client ?? new InternalClient({ apiUrl: config.apiUrl, workerToken: config.workerToken });
  const flows = new FlowCache();

  const processJob = async (
    job: Job<CallJob, RunCallResult>,
    voice: VoiceDeps,
    token: string | undefined,
  ): Promise<RunCallResult> => {
    const { callId, attempt } = job.data;
    let result: RunCallResult;
    try {
      result = await runCall(
        { callId, attempt },
        {
          client,
          logger,
          workerId,
          flows,
          httpTools: config.httpTools,
          simulatedTurnDelayMs: config.simulatedTurnDelayMs,
          ...voice,
          ...(overrides.batching ? { batching: overrides.batching } : {}),
        },
      );
    } catch (error) {
      if (error instanceof ClaimPaced) {
        if (token === undefined)
          throw new Error('a paced job cannot be delayed without its lock token', { cause: error });
        await job.moveToDelayed(error.retryAt.getTime(), token);
        logger.info({ callId, attempt, retryAt: error.retryAt.toISOString() }, 'claim paced: job delayed');
        // tells BullMQ the job was moved (not failed): no attempt is counted
        throw new DelayedError();
      }
      if (error instanceof AttemptFailed) throw unrecoverable(error);
      throw error;
    }
    overrides.onResult?.({ callId, attempt }, result);
    return result;
  };

  const reportDeadLetter = (job: Job<CallJob, RunCallResult>) => {
    const sink = deadLetters;
    if (!sink) return;
    const report = (async () => {
      const entry = deadLetterOf(job, workerId);
      await sink.report(entry);
      logger.warn(
        { callId: entry.callId, attempt: entry.attempt, attemptsMade: entry.attemptsMade },
        'call job failed for good: dead letter reported',
      );
    })()
      .catch((error: unknown) => {
        // the API's reconciler finds failed jobs without a dead letter: nothing is lost for good
        logger.error(
          { callId: job.data.callId, attempt: job.data.attempt, jobId: job.id, err: error },
          'could not report the dead letter of a failed call job (the API reconciler will find it)',
        );
      })
      .finally(() => reports.delete(report));
    reports.add(report);
  };

  return {
    stopped,
    async start() {
      logger.info({ ...describeConfig(config), workerId }, 'agent worker starting');
      const voice = overrides.voice ?? (await voiceDeps(config, logger));
      deadLetters = overrides.deadLetters ?? new DeadLetterQueue(config.redisUrl, config.queuePrefix);
      bull = new BullWorker<CallJob, RunCallResult>(CALLS_QUEUE, (job, token) => processJob(job, voice, token), {
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: config.queuePrefix,
        concurrency: config.concurrency,
        name: workerId,
        // a killed worker's jobs come back after the lock runs out; the re-run's claim is refused
        lockDuration: config.lockMs,
        stalledInterval: stalledIntervalMs(config.lockMs),
        autorun: false,
      });
      bull.on('failed', (job, error) => {
        if (!job) return;
        const final = failedForGood(job, error);
        const context = { callId: job.data.callId, attempt: job.data.attempt, attemptsMade: job.attemptsMade };
        if (final) {
          logger.error({ ...context, err: error }, 'call job failed for good');
          reportDeadLetter(job);
        } else {
          logger.warn({ ...context, err: error }, 'call job failed: BullMQ retries it');
        }
      });
      bull.on('error', (error) => logger.error({ err: error }, 'queue error'));
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
      await Promise.all([...reports]);
      await deadLetters
        ?.close()
        .catch((error: unknown) => logger.error({ err: error }, 'error while closing the dead-letter queue'));
      logger.info('agent worker stopped');
      resolveStopped();
      return stopped;
    },
  };
}
