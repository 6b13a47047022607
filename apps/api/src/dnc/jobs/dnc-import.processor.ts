import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.module.js';
import { DncImportService } from '../dnc-import.service.js';
import { DNC_IMPORT_QUEUE, type DncImportJob } from './dnc-import.queue.js';

/** Unpacks a `dnc-import` job and hands it to the service; one import at a time per process. */
@Processor(DNC_IMPORT_QUEUE, { concurrency: 1 })
export class DncImportProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly imports: DncImportService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    super();
  }

  async process(job: Job<DncImportJob>): Promise<void> {
    await this.imports.runImport(job.data, (progress) => job.updateProgress(progress));
  }

  /**
   * With Redis unreachable, BullMQ's graceful close waits forever for a main loop that cannot
   * reach Redis, and the API would never shut down: close by force then (an import cut short is
   * picked up again as a stalled job). With Redis up, the usual graceful close follows.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'ready') await this.worker.close(true);
  }
}
