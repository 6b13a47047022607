import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DashboardAccess } from './dashboard-access.js';
import { QueueDashboard } from './queue-dashboard.js';
import { QueueMetrics } from './queue-metrics.js';
import { QueueRegistry } from './queue-registry.js';
import { QUEUES_CONFIG, queuesConfigOf } from './queues.config.js';
import { QueuesController } from './queues.controller.js';
import { QueuesRepository } from './queues.repository.js';

/**
 * The queues of the whole API, seen from outside: the bull-board dashboard at `/admin/queues` and
 * `GET /v1/admin/queues` (installation admins only), and queue depth and age in `/metrics`. Owns
 * no queue: every BullMQ queue registered by a feature module is found at start-up (QueueRegistry).
 */
@Module({
  imports: [DiscoveryModule, AuthModule, CallsModule],
  controllers: [QueuesController],
  providers: [
    { provide: QUEUES_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig) => queuesConfigOf(config.queues) },
    QueueRegistry,
    QueueMetrics,
    QueuesRepository,
    DashboardAccess,
    QueueDashboard,
  ],
})
export class QueuesModule {}
