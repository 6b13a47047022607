import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module.js';
import { WebhooksService } from '../webhooks.service.js';
import { WEBHOOKS_QUEUE, type WebhookJob } from './webhooks.queue.js';

/** Unpacks a `webhooks` job and hands it to the service. */
@Processor(WEBHOOKS_QUEUE, { concurrency: 4 })
export class WebhooksProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    super();
  }

  async process(job: Job<WebhookJob>): Promise<void> {
    await this.webhooks.deliver(job.data);
  }

  /**
   * With Redis unreachable, BullMQ's graceful close waits forever for a main loop that cannot reach
   * Redis: close by force then (an attempt cut short is picked up again as a stalled job).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'ready') await this.worker.close(true);
  }
}
