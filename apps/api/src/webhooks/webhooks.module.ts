import { createHash } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WebhooksProcessor } from './jobs/webhooks.processor.js';
import { WEBHOOKS_QUEUE, WebhooksQueue } from './jobs/webhooks.queue.js';
import { loadWebhooksConfig, WEBHOOKS_CONFIG } from './webhooks.config.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Signed webhooks (`/v1/webhooks`): endpoints, the `webhooks` queue and its delivery log. */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: WEBHOOKS_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl },
        // The queue belongs to one database: installations (and test runs) sharing a Redis keep apart.
        prefix: `sb:${createHash('sha256').update(config.databaseUrl).digest('hex').slice(0, 12)}`,
      }),
    }),
  ],
  controllers: [WebhooksController],
  providers: [
    { provide: WEBHOOKS_CONFIG, useFactory: () => loadWebhooksConfig() },
    WebhooksRepository,
    WebhooksService,
    WebhooksQueue,
    WebhooksProcessor,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
