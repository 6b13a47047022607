import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import { CallDeadLetterJobSchema } from '@switchboard/contracts';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module.js';
import { CallDeadLetters, type DeadLetterOutcome } from '../recovery/dead-letters.service.js';
import { CALLS_DEAD_LETTER_QUEUE } from './dead-letter.queue.js';

/**
 * Unpacks a `calls-dead-letter` job and hands it to CallDeadLetters. A Worker rather than a
 * QueueEvents 'failed' listener: a dead letter is a job, so it waits in Redis while every API is
 * down (QueueEvents only sees the events of while it listens), one replica takes each (every
 * QueueEvents listener would get every event), and recording it is retried while Postgres is down.
 */
@Processor(CALLS_DEAD_LETTER_QUEUE, { concurrency: 2 })
export class CallsDeadLetterProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly deadLetters: CallDeadLetters,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    super();
  }

  async process(job: Job<unknown>): Promise<DeadLetterOutcome> {
    const entry = CallDeadLetterJobSchema.safeParse(job.data);
    if (!entry.success) throw new UnrecoverableError(`not a call dead letter: ${entry.error.message}`);
    return this.deadLetters.record(entry.data);
  }

  /** With Redis unreachable BullMQ's graceful close never returns: close by force then. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'ready') await this.worker.close(true);
  }
}
