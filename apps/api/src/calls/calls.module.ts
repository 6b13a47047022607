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
import { CallsQueueInspector } from './jobs/calls-queue.inspector.js';
import { CALLS_QUEUE, CallsQueue, FAIL_FAST_REDIS } from './jobs/calls.queue.js';
import { CallsDeadLetterProcessor } from './jobs/dead-letter.processor.js';
import { CALLS_DEAD_LETTER_QUEUE, CallsDeadLetterQueue } from './jobs/dead-letter.queue.js';
import { CallDeadLetters } from './recovery/dead-letters.service.js';
import { CallLeaseSweeper } from './recovery/lease-sweeper.js';
import { CallsQueueReconciler } from './recovery/queue-reconciler.js';

/** The queues belong to one database: installations (and test runs) sharing a Redis keep apart. */
const queuePrefix = (config: AppConfig) =>
  `sb:${createHash('sha256').update(config.databaseUrl).digest('hex').slice(0, 12)}`;

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
        // a producer on the request path: fail fast while Redis is down (the reconciler catches up)
        connection: { url: config.redisUrl, ...FAIL_FAST_REDIS },
        prefix: queuePrefix(config),
      }),
    }),
    BullModule.registerQueueAsync({
      name: CALLS_DEAD_LETTER_QUEUE,
      inject: [APP_CONFIG],
      // consumed here (CallsDeadLetterProcessor): a worker's connection waits for Redis to return
      useFactory: (config: AppConfig) => ({ connection: { url: config.redisUrl }, prefix: queuePrefix(config) }),
    }),
  ],
  controllers: [CallsController, InternalCallsController],
  providers: [
    CallsRepository,
    CallsService,
    CallsQueue,
    CallsClock,
    CallLifecycle,
    CallsQueueInspector,
    CallsDeadLetterQueue,
    CallDeadLetters,
    CallsDeadLetterProcessor,
    CallLeaseSweeper,
    CallsQueueReconciler,
  ],
  exports: [CallsService, CallLifecycle, CallsClock, CallsQueue, CallsQueueInspector],
})
export class CallsModule {}
