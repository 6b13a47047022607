import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';

export const WEBHOOKS_QUEUE = 'webhooks';

/** One attempt to deliver one event to one endpoint; the message is signed at send time. */
export interface WebhookJob {
  organizationId: string;
  endpointId: string;
  /** the `webhook-id`: the same for every attempt of one event to one endpoint */
  messageId: string;
  attempt: number;
  type: string;
  /** ISO instant of the event (the body's `timestamp`) */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The producer side of the `webhooks` queue, behind a class so the service does not see BullMQ. */
@Injectable()
export class WebhooksQueue {
  constructor(@InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<WebhookJob>) {}

  async enqueue(job: WebhookJob, delayMs: number): Promise<void> {
    await this.queue.add('deliver', job, {
      // a re-added attempt is ignored by BullMQ
      jobId: `${job.messageId}-${job.attempt}`,
      delay: Math.max(0, Math.round(delayMs)),
      // retries are the service's own (each attempt is logged with its next retry)
      attempts: 1,
      removeOnComplete: 10_000,
      removeOnFail: 10_000,
    });
  }
}
