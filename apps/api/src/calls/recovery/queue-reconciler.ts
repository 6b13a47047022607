import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER } from '../../common/logging/app-logger.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { CallsClock } from '../calls.clock.js';
import { CallsRepository } from '../calls.repository.js';
import { CallsQueueInspector } from '../jobs/calls-queue.inspector.js';
import { CALLS_QUEUE, type CallJob, CallsQueue, callJobId } from '../jobs/calls.queue.js';
import { CallsDeadLetterQueue } from '../jobs/dead-letter.queue.js';
import { ADVISORY_LOCKS, withAdvisoryLock } from './advisory-lock.js';
import { BackgroundLoop } from './background-loop.js';

/** Calls checked per round trip to Postgres and to Redis. */
const PAGE = 500;
/** A call changed this recently is left to its creator, who is enqueueing it right now. */
const SETTLE_SECONDS = 5;

export interface ReconcileReport {
  /** queued or scheduled calls looked at */
  checked: number;
  /** jobs that were missing from Redis and were added again */
  enqueued: number;
  /** calls whose job had failed for good without a dead letter recorded, now reported */
  deadLettered: number;
}

/**
 * Postgres is the truth, Redis holds nothing that cannot be rebuilt: every queued or scheduled
 * call must have its job. The reconciler pages through those calls and re-adds the missing jobs
 * (delayed to `scheduled_for`); the job id is `call:<callId>:<attempt>`, so re-adding one that
 * exists is a no-op and nothing is ever enqueued twice. A job found failed for good is reported to
 * the dead-letter queue (the worker that failed it may have died before reporting it).
 *
 * It runs at start-up, every CALL_RECONCILE_INTERVAL_MS, and whenever the queue's Redis connection
 * becomes ready again (a restarted Redis without persistence comes back empty); on one API replica
 * at a time (advisory lock).
 */
@Injectable()
export class CallsQueueReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: BackgroundLoop;
  private readonly onReady = () => void this.loop.trigger();
  private client: { off(event: 'ready', listener: () => void): unknown } | undefined;
  private destroyed = false;

  constructor(
    private readonly calls: CallsRepository,
    private readonly queue: CallsQueue,
    private readonly inspector: CallsQueueInspector,
    private readonly deadLetters: CallsDeadLetterQueue,
    private readonly clock: CallsClock,
    @InjectQueue(CALLS_QUEUE) private readonly bullQueue: Queue<CallJob>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new BackgroundLoop(
      'queue-reconciler',
      config.calls.reconcileIntervalMs,
      () => this.reconcile(),
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
    // resolves once the connection is first ready (maybe long after start-up): reconcile then, and
    // on every later reconnection
    void this.bullQueue
      .getBackend()
      .client.then((client) => {
        if (this.destroyed) return;
        this.client = client;
        client.on('ready', this.onReady);
        this.onReady();
      })
      .catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    // not `await queue.client`: with Redis unreachable it never resolves, and shutdown would hang
    this.destroyed = true;
    this.client?.off('ready', this.onReady);
    await this.loop.stop();
  }

  /** One pass over every waiting call; null when another replica is reconciling. */
  async reconcile(): Promise<ReconcileReport | null> {
    const outcome = await withAdvisoryLock(this.dataSource, ADVISORY_LOCKS.queueReconciler, async () => {
      const report: ReconcileReport = { checked: 0, enqueued: 0, deadLettered: 0 };
      let after: string | null = null;
      for (;;) {
        const page = await this.calls.findWaiting(after, PAGE, SETTLE_SECONDS);
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
        await this.reconcilePage(page, report);
        report.checked += page.length;
        if (page.length < PAGE) break;
      }
      return report;
    });
    if (!outcome.ran) return null;
    const report = outcome.value;
    if (report.enqueued > 0 || report.deadLettered > 0) {
      this.logger.warn({ ...report }, 'queue reconciled: jobs missing from Redis were added again');
    }
    return report;
  }

  private async reconcilePage(
    page: Array<{ id: string; attempt: number; scheduledFor: Date | null }>,
    report: ReconcileReport,
  ): Promise<void> {
    const presence = await this.inspector.inspect(page.map((call) => callJobId(call.id, call.attempt)));
    const now = this.clock.now().getTime();
    await Promise.all(
      page.map(async (call) => {
        const jobId = callJobId(call.id, call.attempt);
        const state = presence.get(jobId);
        if (state?.kind === 'missing') {
          await this.queue.enqueue(
            { callId: call.id, attempt: call.attempt },
            (call.scheduledFor?.getTime() ?? now) - now,
          );
          report.enqueued++;
        } else if (state?.kind === 'failed') {
          await this.deadLetters.report({
            callId: call.id,
            attempt: call.attempt,
            jobId,
            reason: state.reason.slice(0, 2000),
            attemptsMade: state.attemptsMade,
            failedAt: new Date().toISOString(),
            source: 'reconciler',
          });
          report.deadLettered++;
        }
        // pending: the job waits or runs; completed: a claim refusal ended it, and the call's owner
        // (a paused campaign, say) decides what comes next
      }),
    );
  }
}
