import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

export const DNC_IMPORT_QUEUE = 'dnc-import';

/** The payload of a `dnc-import` job: which snapshot to build from which uploaded file. */
export interface DncImportJob {
  snapshotId: string;
  organizationId: string;
  /** the upload, streamed to a temp file on this machine (removed when the job ends) */
  filePath: string;
}

export interface DncImportLiveProgress {
  state: string;
  progress: { linesRead: number; numbersChanged: number; malformed: number } | null;
}

/** The producer side of the `dnc-import` queue, behind a class so the service does not see BullMQ. */
@Injectable()
export class DncImportQueue {
  constructor(@InjectQueue(DNC_IMPORT_QUEUE) private readonly queue: Queue<DncImportJob>) {}

  async add(job: DncImportJob, jobId: string): Promise<void> {
    // No retries: a failed import leaves a failed snapshot and the temp file is gone; upload again.
    await this.queue.add('import', job, { jobId, attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async progress(jobId: string): Promise<DncImportLiveProgress | null> {
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    const progress = job.progress;
    const counters =
      typeof progress === 'object' && progress !== null && 'linesRead' in progress
        ? (progress as { linesRead: number; numbersChanged: number; malformed: number })
        : null;
    return { state, progress: counters };
  }
}
