import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

export const CALLS_QUEUE = 'calls';

/** The payload of a `calls` job: only which call and which attempt; the worker claims the rest. */
export interface CallJob {
  callId: string;
  attempt: number;
}

/** The job id of an attempt: a retried producer adds the same id, which BullMQ ignores. */
export const callJobId = (callId: string, attempt: number): string => `call:${callId}:${attempt}`;

/** The producer side of the `calls` queue, behind a class so the service does not see BullMQ. */
@Injectable()
export class CallsQueue {
  constructor(@InjectQueue(CALLS_QUEUE) private readonly queue: Queue<CallJob>) {}

  async enqueue(job: CallJob, delayMs: number): Promise<string> {
    const jobId = callJobId(job.callId, job.attempt);
    await this.queue.add('dial', job, {
      jobId,
      delay: Math.max(0, Math.round(delayMs)),
      // the claim decides whether a call is dialled: a failed job is not retried blindly
      attempts: 1,
      removeOnComplete: 10_000,
      removeOnFail: 10_000,
    });
    return jobId;
  }

  /** Removes a waiting or delayed attempt; true when there was one to remove. */
  async remove(callId: string, attempt: number): Promise<boolean> {
    const job = await this.queue.getJob(callJobId(callId, attempt));
    if (!job) return false;
    const state = await job.getState();
    if (state === 'active') return false;
    await job.remove();
    return true;
  }
}
