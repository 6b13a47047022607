import { createHash } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { FlowsModule } from '../flows/flows.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CallLifecycle } from './call-lifecycle.js';
import { CallsClock } from './calls.clock.js';
import { CallsController, InternalCallsController } from './calls.controller.js';
import { CallsRepository } from './calls.repository.js';
import { CallsService } from './calls.service.js';
import { CALLS_QUEUE, CallsQueue } from './jobs/calls.queue.js';

/**
 * Single calls (`/v1/calls`) and the worker's routes (`/internal/calls`): the schedule-time gate,
 * the `calls` queue (one job per attempt, `call:<callId>:<attempt>`), the dial-time gate and lease.
 */
@Module({
  imports: [
    FlowsModule,
    ComplianceModule,
    WebhooksModule,
    BullModule.registerQueueAsync({
      name: CALLS_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl },
        // The queue belongs to one database: installations (and test runs) sharing a Redis keep apart.
        prefix: `sb:${createHash('sha256').update(config.databaseUrl).digest('hex').slice(0, 12)}`,
      }),
    }),
  ],
  controllers: [CallsController, InternalCallsController],
  providers: [CallsRepository, CallsService, CallsQueue, CallsClock, CallLifecycle],
  exports: [CallsService, CallLifecycle, CallsClock],
})
export class CallsModule {}
