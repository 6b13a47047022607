import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  CALLS_DEAD_LETTER_QUEUE_NAME,
  type CallDeadLetterJob,
  DEAD_LETTER_JOB_OPTIONS,
  deadLetterJobId,
} from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { CALLS_QUEUE } from './calls.queue.js';

/** Call jobs that failed for good; the worker and the reconciler add, the API's processor records. */
export const CALLS_DEAD_LETTER_QUEUE = CALLS_DEAD_LETTER_QUEUE_NAME;

/** Every queue of the calls feature, for the queue dashboard. */
export const CALL_QUEUE_NAMES = [CALLS_QUEUE, CALLS_DEAD_LETTER_QUEUE] as const;

/** The producer side of `calls-dead-letter` (the API's own: the reconciler's findings). */
@Injectable()
export class CallsDeadLetterQueue {
  constructor(@InjectQueue(CALLS_DEAD_LETTER_QUEUE) private readonly queue: Queue<CallDeadLetterJob>) {}

  /** One dead letter per attempt: reporting the same attempt again adds nothing. */
  async report(entry: CallDeadLetterJob): Promise<void> {
    await this.queue.add('dead-letter', entry, {
      ...DEAD_LETTER_JOB_OPTIONS,
      backoff: { ...DEAD_LETTER_JOB_OPTIONS.backoff },
      jobId: deadLetterJobId(entry.callId, entry.attempt),
    });
  }
}
