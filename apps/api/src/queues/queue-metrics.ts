import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { assertQueueReady, withTimeout } from './queue-connection.js';
import { QueueRegistry } from './queue-registry.js';

/** The job states reported per queue (BullMQ's names; `wait` is shown as `waiting`). */
export const QUEUE_JOB_STATES = [
  'waiting',
  'delayed',
  'prioritized',
  'active',
  'waiting-children',
  'completed',
  'failed',
] as const;

/** A queue whose Redis does not answer within this long is left out of the scrape. */
export const QUEUE_SCRAPE_TIMEOUT_MS = 1_000;

export interface QueueSnapshot {
  name: string;
  counts: Record<(typeof QUEUE_JOB_STATES)[number], number>;
  /** paused: its waiting jobs are held until it is resumed */
  paused: boolean;
  /** seconds the oldest waiting job has waited since it became due (0 when none waits) */
  oldestWaitingAgeSeconds: number;
}

/**
 * Queue depth and age in /metrics, read from Redis at scrape time for every queue of the API:
 * `switchboard_queue_jobs{queue, state}` and `switchboard_queue_oldest_waiting_age_seconds{queue}`.
 * A queue whose Redis is down or slow is left out of that scrape (its series are not frozen at
 * old values) and `switchboard_queue_scrape_errors_total{queue}` goes up; /metrics still answers.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  private readonly errors: Counter<'queue'>;
  private lastFailureLoggedAt = 0;

  constructor(
    metrics: MetricsService,
    private readonly registry: QueueRegistry,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    // one read of Redis per scrape for every series: the first collect starts it, the others reuse it
    let pending: Promise<QueueSnapshot[]> | null = null;
    const snapshots = (): Promise<QueueSnapshot[]> => {
      pending ??= this.snapshots().finally(() => {
        setImmediate(() => {
          pending = null;
        });
      });
      return pending;
    };
    this.errors = metrics.counter({
      name: 'switchboard_queue_scrape_errors_total',
      help: 'Reads of a queue from Redis that failed or timed out (its switchboard_queue_* series were left out of that scrape)',
      labelNames: ['queue'],
      // waits for this scrape's read, so that a failure shows in the scrape it left series out of
      async collect() {
        await snapshots();
      },
    });
    metrics.gauge({
      name: 'switchboard_queue_jobs',
      help: 'Jobs per BullMQ queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      async collect(this: Gauge<'queue' | 'state'>) {
        const found = await snapshots();
        this.reset();
        for (const queue of found) {
          for (const state of QUEUE_JOB_STATES) this.set({ queue: queue.name, state }, queue.counts[state]);
        }
      },
    });
    metrics.gauge({
      name: 'switchboard_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest waiting job per BullMQ queue, since it became due (0 when none waits)',
      labelNames: ['queue'],
      async collect(this: Gauge<'queue'>) {
        const found = await snapshots();
        this.reset();
        for (const queue of found) this.set({ queue: queue.name }, queue.oldestWaitingAgeSeconds);
      },
    });
  }

  /** Every queue's error count starts at 0: a rate can be computed from the first failure on. */
  onApplicationBootstrap(): void {
    for (const queue of this.registry.names()) this.errors.inc({ queue }, 0);
  }

  /** Every queue that answered; a failing one is counted as an error and left out. */
  async snapshots(): Promise<QueueSnapshot[]> {
    return (await this.read()).queues;
  }

  /** The queues that answered, and the names of those that did not (counted as scrape errors). */
  async read(): Promise<{ queues: QueueSnapshot[]; unavailable: string[] }> {
    const unavailable: string[] = [];
    const results = await Promise.all(
      this.registry.queues().map(async (queue) => {
        try {
          return await withTimeout(this.snapshot(queue), QUEUE_SCRAPE_TIMEOUT_MS, `queue ${queue.name}`);
        } catch (error) {
          this.failed(queue.name, error);
          unavailable.push(queue.name);
          return null;
        }
      }),
    );
    return { queues: results.filter((result): result is QueueSnapshot => result !== null), unavailable };
  }

  private async snapshot(queue: Queue): Promise<QueueSnapshot> {
    await assertQueueReady(queue, QUEUE_SCRAPE_TIMEOUT_MS);
    const [counts, oldest, paused] = await Promise.all([
      queue.getJobCounts('wait', 'delayed', 'prioritized', 'active', 'waiting-children', 'completed', 'failed'),
      // asc = true: the oldest end of the wait list
      queue.getJobs(['wait'], 0, 0, true),
      queue.isPaused(),
    ]);
    const job = oldest[0];
    const dueAt = job ? job.timestamp + (job.delay > 0 ? job.delay : 0) : null;
    return {
      name: queue.name,
      counts: {
        waiting: counts.wait ?? 0,
        delayed: counts.delayed ?? 0,
        prioritized: counts.prioritized ?? 0,
        active: counts.active ?? 0,
        'waiting-children': counts['waiting-children'] ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      paused,
      oldestWaitingAgeSeconds: dueAt === null ? 0 : Math.max(0, (Date.now() - dueAt) / 1000),
    };
  }

  private failed(queue: string, error: unknown): void {
    this.errors.inc({ queue });
    const now = Date.now();
    if (now - this.lastFailureLoggedAt > 60_000) {
      this.lastFailureLoggedAt = now;
      this.logger.warn({ err: error, queue }, 'queue metrics could not be read: left out of /metrics');
    }
  }
}
