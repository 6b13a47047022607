import { randomUUID } from 'node:crypto';
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
import { CallsRepository, type WaitingCall } from '../calls.repository.js';
import { CallsQueueInspector } from '../jobs/calls-queue.inspector.js';
import { CALLS_QUEUE, type CallJob, CallsQueue, callJobId, parseCallJobId } from '../jobs/calls.queue.js';
import { CallsDeadLetterQueue } from '../jobs/dead-letter.queue.js';
import { ADVISORY_LOCKS, withAdvisoryLock } from './advisory-lock.js';
import { BackgroundLoop } from './background-loop.js';

/** Calls checked per round trip to Postgres and to Redis. */
const PAGE = 500;
/** A call changed this recently is left to its creator, who is enqueueing it right now. */
const SETTLE_SECONDS = 5;
/** How far a pass over changed calls reaches back past the previous one (a server clock stepped back). */
const OVERLAP_SECONDS = 5;
/** How far the look for failed jobs reaches back past the previous pass: the workers' clocks stamp them. */
const FAILED_OVERLAP_MS = 60_000;
/** Below every call id: the first page of a pass starts at (from, NIL_UUID). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Why a pass looked at every waiting call. */
export type FullPassReason =
  /** the first pass of this process: it does not know what changed before it started */
  | 'start-up'
  /** the reconciler's marker is gone: Redis lost its data (restarted empty, flushed) */
  | 'redis-lost-data'
  /** the marker says a full pass began and never finished (its process died, Redis failed it) */
  | 'unfinished'
  /** the queue's connection came back: a Redis restarted from an older snapshot, or a replica
   * promoted, keeps the marker but may have lost the latest jobs */
  | 'reconnected'
  /** CALL_RECONCILE_FULL_INTERVAL_MS passed: the safety net for what no other sign reveals */
  | 'interval'
  /** reconcile({ full: true }) */
  | 'asked';

export interface ReconcileReport {
  /** `full`: every waiting call; `changes`: the calls changed since the previous pass and the jobs failed since */
  pass: 'full' | 'changes';
  /** why a full pass ran */
  reason?: FullPassReason;
  /** queued or scheduled calls looked at */
  checked: number;
  /** jobs that were missing from Redis and were added again */
  enqueued: number;
  /** calls whose job had failed for good without a dead letter recorded, now reported */
  deadLettered: number;
}

/**
 * Postgres is the truth, Redis holds nothing that cannot be rebuilt: every queued or scheduled
 * call must have its job. A missing job is added again (delayed to `scheduled_for`) with its id,
 * `call:<callId>:<attempt>`, so re-adding one that exists is a no-op and nothing is ever enqueued
 * twice; a job found failed for good is reported to the dead-letter queue (the worker that failed
 * it may have died before reporting it).
 *
 * It does not look at every waiting call every time: with a campaign's 100,000 calls waiting for
 * hours, that cost a quarter of the API's CPU. A job goes missing in two ways only, and each has a
 * sign the reconciler watches:
 * - its producer did not add it (Redis down for a moment, the process died between the commit and
 *   the add): the call changed recently, and each pass checks the calls changed since the previous
 *   one (`reconcileWindow` makes sure a transaction that commits late is not skipped). A pass that
 *   fails (Redis still down) does not move on, so the next one covers its calls too;
 * - Redis lost it: then Redis lost the reconciler's marker too (`<prefix>:calls:reconciled`,
 *   written by every full pass), or the queue's connection dropped; either makes the next pass a
 *   full one, over every waiting call.
 * A job that fails for good lands in BullMQ's `failed` set, which each pass reads from where the
 * previous one was. A full pass also runs at start-up and every CALL_RECONCILE_FULL_INTERVAL_MS, as
 * a safety net (a key evicted or deleted by hand).
 *
 * It runs every CALL_RECONCILE_INTERVAL_MS and whenever the queue's Redis connection becomes ready
 * again, on one API replica at a time (advisory lock).
 */
@Injectable()
export class CallsQueueReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: BackgroundLoop;
  private readonly fullIntervalMs: number;
  /** a reconnection asks for a full pass; the loop runs one when it is started */
  private readonly onReconnect = () => {
    this.fullAsked++;
    void this.loop.trigger();
  };
  private client: { off(event: 'ready', listener: () => void): unknown } | undefined;
  private destroyed = false;
  /** passes of this process run one after the other (the advisory lock keeps other replicas out) */
  private serial: Promise<unknown> = Promise.resolve();
  /** where the next pass over changed calls starts (Postgres text); null: no pass yet */
  private changedFrom: string | null = null;
  /** where the next look for failed jobs starts (ms, the workers' clocks) */
  private failedFrom = 0;
  private nextFullAt = 0;
  private fullAsked = 0;
  private fullDone = 0;

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
    this.fullIntervalMs = config.calls.reconcileFullIntervalMs;
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
    // fully on every later reconnection
    void this.bullQueue
      .getBackend()
      .client.then((client) => {
        if (this.destroyed) return;
        this.client = client;
        client.on('ready', this.onReconnect);
        void this.loop.trigger();
      })
      .catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    // not `await queue.client`: with Redis unreachable it never resolves, and shutdown would hang
    this.destroyed = true;
    this.client?.off('ready', this.onReconnect);
    await this.loop.stop();
  }

  /**
   * One pass: over the calls changed since the previous pass, or over every waiting call when one
   * of the signs says Redis may have lost jobs (or `full`). Null when another replica is reconciling.
   */
  reconcile(options: { full?: boolean } = {}): Promise<ReconcileReport | null> {
    const pass = this.serial.then(() => this.pass(options.full === true));
    this.serial = pass.catch(() => undefined);
    return pass;
  }

  private async pass(asked: boolean): Promise<ReconcileReport | null> {
    const outcome = await withAdvisoryLock(this.dataSource, ADVISORY_LOCKS.queueReconciler, async () => {
      const startedAt = Date.now();
      const fullAsked = this.fullAsked;
      const reason = this.fullPassReason(asked, await this.inspector.readMarker(), startedAt);
      const window = await this.calls.reconcileWindow(SETTLE_SECONDS, OVERLAP_SECONDS);
      const report: ReconcileReport = {
        pass: reason ? 'full' : 'changes',
        ...(reason ? { reason } : {}),
        checked: 0,
        enqueued: 0,
        deadLettered: 0,
      };
      // written first, confirmed last: a pass that dies half-way, or during which Redis loses its
      // data, leaves no `done:` marker behind, and the next pass is a full one again
      const running = `running:${randomUUID()}`;
      if (reason) await this.inspector.writeMarker(running);

      const from = reason || this.changedFrom === null ? '-infinity' : this.changedFrom;
      let after = { at: from, id: NIL_UUID };
      for (;;) {
        const page = await this.calls.findWaitingChanged(after, window.until, PAGE);
        const last = page.at(-1);
        if (!last) break;
        after = { at: last.at, id: last.id };
        await this.reconcilePage(page, report);
        if (page.length < PAGE) break;
      }
      // a full pass read every waiting call's job, the failed ones with them
      if (!reason) await this.reconcileFailed(this.failedFrom, report);

      if (reason && !(await this.inspector.replaceMarker(running, running.replace(/^running:/, 'done:')))) {
        throw new Error('Redis lost its data during a full reconciliation pass: the next pass is a full one again');
      }
      this.changedFrom = window.nextFrom;
      this.failedFrom = startedAt - FAILED_OVERLAP_MS;
      if (reason) {
        this.fullDone = fullAsked;
        this.nextFullAt = startedAt + this.fullIntervalMs;
      }
      return report;
    });
    if (!outcome.ran) return null;
    const report = outcome.value;
    if (report.enqueued > 0 || report.deadLettered > 0) {
      this.logger.warn({ ...report }, 'queue reconciled: jobs missing from Redis were added again');
    } else if (report.reason === 'redis-lost-data' || report.reason === 'unfinished') {
      this.logger.warn({ ...report }, 'queue reconciled after Redis lost its data: no job was missing');
    }
    return report;
  }

  private fullPassReason(asked: boolean, marker: string | null, now: number): FullPassReason | null {
    if (asked) return 'asked';
    if (this.changedFrom === null) return 'start-up';
    if (marker === null) return 'redis-lost-data';
    if (!marker.startsWith('done:')) return 'unfinished';
    if (this.fullAsked > this.fullDone) return 'reconnected';
    if (this.fullIntervalMs > 0 && now >= this.nextFullAt) return 'interval';
    return null;
  }

  /** The jobs failed since `sinceMs` whose call still waits for that attempt: reported if no one did. */
  private async reconcileFailed(sinceMs: number, report: ReconcileReport): Promise<void> {
    const failed = (await this.inspector.failedSince(sinceMs)).flatMap((jobId) => parseCallJobId(jobId) ?? []);
    for (let start = 0; start < failed.length; start += PAGE) {
      const jobs = failed.slice(start, start + PAGE);
      const waiting = await this.calls.findWaitingByIds([...new Set(jobs.map((job) => job.callId))]);
      const failedAttempts = new Set(jobs.map((job) => callJobId(job.callId, job.attempt)));
      const stuck = waiting.filter((call) => failedAttempts.has(callJobId(call.id, call.attempt)));
      if (stuck.length > 0) await this.reconcilePage(stuck, report);
    }
  }

  /** Asks Redis about a page of waiting calls in one call; re-adds the missing jobs in one more. */
  private async reconcilePage(page: readonly WaitingCall[], report: ReconcileReport): Promise<void> {
    const presence = await this.inspector.inspect(page.map((call) => callJobId(call.id, call.attempt)));
    const now = this.clock.now().getTime();
    const missing: Array<{ job: CallJob; delayMs: number }> = [];
    for (const call of page) {
      const jobId = callJobId(call.id, call.attempt);
      const state = presence.get(jobId);
      if (state?.kind === 'missing') {
        missing.push({
          job: { callId: call.id, attempt: call.attempt },
          delayMs: (call.scheduledFor?.getTime() ?? now) - now,
        });
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
    }
    if (missing.length > 0) {
      await this.queue.enqueueMany(missing);
      report.enqueued += missing.length;
    }
    report.checked += page.length;
  }
}
