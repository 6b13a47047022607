import {
  CALLS_DEAD_LETTER_QUEUE_NAME,
  type CallDeadLetterJob,
  CallDeadLetterJobSchema,
  DEAD_LETTER_JOB_OPTIONS,
  deadLetterJobId,
} from '@switchboard/contracts';
import { type Job, Queue } from 'bullmq';
import type { CallJob } from './call-session/run-call.js';

/** Where the worker reports the call jobs that failed for good. */
export interface DeadLetterSink {
  report(entry: CallDeadLetterJob): Promise<void>;
  close(): Promise<void>;
}

/** How long one report may wait for Redis before it is given up (and logged). */
export const DEAD_LETTER_TIMEOUT_MS = 5_000;

/**
 * Has BullMQ failed this job for good? Asked in the worker's `failed` event, after BullMQ counted
 * the attempt: the same rule as its own retry decision (Job.shouldRetryJob). An
 * UnrecoverableError covers AttemptFailed and a job that stalled more than `maxStalledCount`.
 */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  return error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** The dead letter of a failed `calls` job, as the API's CallsDeadLetterProcessor reads it. */
export function deadLetterOf(job: Job<CallJob>, workerId: string): CallDeadLetterJob {
  return CallDeadLetterJobSchema.parse({
    callId: job.data.callId,
    attempt: job.data.attempt,
    jobId: job.id,
    reason: (job.failedReason || 'unknown').slice(0, 2000),
    attemptsMade: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
    source: 'worker',
    workerId,
  });
}

/**
 * The `calls-dead-letter` queue (same prefix as `calls`), producer side; the API consumes it and
 * fails a call no worker claimed (apps/api/src/calls/recovery/dead-letters.service.ts). One job
 * per attempt (`dead:<callId>:<attempt>`): a report repeated by the API's reconciler adds nothing.
 * A report gives up after DEAD_LETTER_TIMEOUT_MS with Redis away: the reconciler finds the
 * failed job later anyway.
 */
export class DeadLetterQueue implements DeadLetterSink {
  private readonly queue: Queue<CallDeadLetterJob>;

  constructor(
    redisUrl: string,
    prefix: string,
    private readonly timeoutMs = DEAD_LETTER_TIMEOUT_MS,
  ) {
    // a producer: commands fail while Redis is away rather than wait in the offline queue
    this.queue = new Queue<CallDeadLetterJob>(CALLS_DEAD_LETTER_QUEUE_NAME, {
      connection: { url: redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix,
    });
    // connection errors surface on each report; without a listener they would be thrown
    this.queue.on('error', () => undefined);
  }

  async report(entry: CallDeadLetterJob): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([
        this.queue.add('dead-letter', entry, {
          ...DEAD_LETTER_JOB_OPTIONS,
          backoff: { ...DEAD_LETTER_JOB_OPTIONS.backoff },
          jobId: deadLetterJobId(entry.callId, entry.attempt),
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
