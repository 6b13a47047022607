import { createHash } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DncBitmapCache } from './dnc-bitmap-cache.js';
import { DncController } from './dnc.controller.js';
import { DncImportService } from './dnc-import.service.js';
import { DncRegistryService } from './dnc-registry.service.js';
import { DncRepository } from './dnc.repository.js';
import { DncImportProcessor } from './jobs/dnc-import.processor.js';
import { DNC_IMPORT_QUEUE, DncImportQueue } from './jobs/dnc-import.queue.js';

/**
 * National and state Do-Not-Call registries: snapshots imported by a background job (queue
 * `dnc-import`) into per-area-code bitmaps, and the lookups the compliance gate makes.
 * Exports DncRegistryService (`nationalStatus`, `stateStatus`, `scrub`).
 */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: DNC_IMPORT_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl },
        // The queue belongs to one database: installations (and test runs) sharing a Redis keep apart.
        prefix: `sb:${createHash('sha256').update(config.databaseUrl).digest('hex').slice(0, 12)}`,
      }),
    }),
  ],
  controllers: [DncController],
  providers: [DncRepository, DncBitmapCache, DncRegistryService, DncImportService, DncImportQueue, DncImportProcessor],
  exports: [DncRegistryService],
})
export class DncModule {}
