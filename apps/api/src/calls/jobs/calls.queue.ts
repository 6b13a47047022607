import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { AppConfig } from '../../config/app-config.js';
import { GroupCommit } from '../../common/batching/group-commit.js';
import { APP_CONFIG } from '../../config/config.module.js';

export const CALLS_QUEUE = 'calls';

/** The payload of a `calls` job: only which call and which attempt; the worker claims the rest. */
export interface CallJob {
  callId: string;
  attempt: number;
}

/** The job id of an attempt: a retried producer adds the same id, which BullMQ ignores. */
export const callJobId = (callId: string, attempt: number): string => `call:${callId}:${attempt}`;

/** The call and attempt of a job id (`call:<callId>:<attempt>`); null for any other id. */
export function parseCallJobId(jobId: string): CallJob | null {
  const match = /^call:([0-9a-f-]{36}):(\d+)$/.exec(jobId);
  return match ? { callId: match[1]!, attempt: Number(match[2]) } : null;
}

/**
 * How long a producer waits for Redis: the queue's connection does not queue commands while Redis
 * is down, and this bounds the wait for a connection that never came up. Past it the call stays
 * queued in Postgres and the reconciler enqueues it when Redis is back.
 */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/** The Redis options of the `calls` producer connection: fail fast, never hang a request. */
export const FAIL_FAST_REDIS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 250, 5_000),
} as const;

async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer from Redis within ${ENQUEUE_TIMEOUT_MS} ms`)),
      ENQUEUE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The producer side of the `calls` queue, behind a class so the service does not see BullMQ. */
@Injectable()
export class CallsQueue {
  /**
   * single jobs, grouped with the concurrent ones into one `addBulk` (one round trip to Redis);
   * a failure is Redis's, not a job's: every job of the group fails with it
   */
  private readonly adds = new GroupCommit<{ job: CallJob; delayMs: number }, void>(
    async (jobs) => {
      await this.enqueueMany(jobs);
      return jobs.map(() => undefined);
    },
    { retryAlone: () => false },
  );

  constructor(
    @InjectQueue(CALLS_QUEUE) private readonly queue: Queue<CallJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Adds the attempt's job (delayed by `delayMs`); resolves once Redis has it. */
  async enqueue(job: CallJob, delayMs: number): Promise<string> {
    await this.adds.run({ job, delayMs });
    return callJobId(job.callId, job.attempt);
  }

  /**
   * The options of every call job (use them for bulk adds too). `attempts`/`backoff` only serve
   * claims that failed for a transient reason (API or Postgres unreachable): the worker ends the
   * job without retry on a refusal, and fails it unrecoverably after a successful claim, so a
   * retry never dials an attempt twice.
   */
  jobOptions(jobId: string, delayMs: number): JobsOptions {
    return {
      jobId,
      delay: Math.max(0, Math.round(delayMs)),
      attempts: this.config.calls.jobAttempts,
      backoff: { type: 'exponential', delay: this.config.calls.jobBackoffMs },
      removeOnComplete: 10_000,
      removeOnFail: 10_000,
    };
  }

  /**
   * Adds many attempts in one round trip (a campaign's planning batch). Job ids are the attempts',
   * so a batch added twice adds each job once.
   */
  async enqueueMany(jobs: Array<{ job: CallJob; delayMs: number }>): Promise<void> {
    if (jobs.length === 0) return;
    await bounded(
      this.queue.addBulk(
        jobs.map(({ job, delayMs }) => ({
          name: 'dial',
          data: job,
          opts: this.jobOptions(callJobId(job.callId, job.attempt), delayMs),
        })),
      ),
      'enqueueMany',
    );
  }

  /** Removes a waiting or delayed attempt; true when there was one to remove. */
  async remove(callId: string, attempt: number): Promise<boolean> {
    const job = await bounded(this.queue.getJob(callJobId(callId, attempt)), 'remove');
    if (!job) return false;
    const state = await job.getState();
    if (state === 'active') return false;
    await job.remove();
    return true;
  }
}
