import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module.js';
import { CALLS_QUEUE, type CallJob } from './calls.queue.js';

/** Where a job stands in Redis, as the reconciler needs to know it. */
export type JobPresence =
  | { kind: 'missing' }
  | { kind: 'pending' }
  | { kind: 'failed'; reason: string; attemptsMade: number }
  | { kind: 'completed'; returnValue: string };

/**
 * Reads the `calls` jobs' hashes in one pipeline: the reconciler checks pages of hundreds of
 * calls every few seconds, far cheaper than a Lua `add` or a `getJob` per call.
 */
@Injectable()
export class CallsQueueInspector {
  constructor(
    @InjectQueue(CALLS_QUEUE) private readonly queue: Queue<CallJob>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async inspect(jobIds: readonly string[]): Promise<Map<string, JobPresence>> {
    const result = new Map<string, JobPresence>();
    if (jobIds.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const id of jobIds)
      pipeline.hmget(this.queue.toKey(id), 'name', 'finishedOn', 'failedReason', 'atm', 'returnvalue');
    const answers = (await pipeline.exec()) ?? [];
    jobIds.forEach((id, index) => {
      const [error, value] = answers[index] ?? [new Error('no answer'), null];
      if (error) throw error;
      const [name, finishedOn, failedReason, attemptsMade, returnValue] = value as Array<string | null>;
      if (name === null || name === undefined) result.set(id, { kind: 'missing' });
      else if (!finishedOn) result.set(id, { kind: 'pending' });
      else if (failedReason)
        result.set(id, { kind: 'failed', reason: failedReason, attemptsMade: Number(attemptsMade ?? 0) });
      else result.set(id, { kind: 'completed', returnValue: returnValue ?? '' });
    });
    return result;
  }
}
