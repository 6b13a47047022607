import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { CallLifecycle } from '../calls/call-lifecycle.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { MetricsService } from './metrics.service.js';
import { type CallCountRow, MetricsRepository } from './metrics.repository.js';

/** Queued → dialling, seconds: from a worker idling on the queue to a campaign paced over hours. */
export const ATTEMPT_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** A scrape reuses the call counts this long: a scrape storm costs Postgres one GROUP BY per window. */
export const CALL_COUNTS_TTL_MS = 5_000;

/**
 * At most this many disposition label values per series; the rest are "other". Dispositions are
 * named by flow designers, so they are bounded in practice but not by construction.
 */
export const MAX_DISPOSITIONS = 50;

const NO_DISPOSITION = 'none';
const OTHER = 'other';
const LABEL_SAFE = /^[a-z][a-z0-9_]{0,39}$/;

function dispositionLabel(disposition: string | null): string {
  if (disposition === null || disposition === '') return NO_DISPOSITION;
  return LABEL_SAFE.test(disposition) ? disposition : OTHER;
}

/** The attempt's due time: when it was created, or when it was scheduled for if later (deferrals, retries). */
export function attemptDueAt(call: { scheduledFor: Date | null; createdAt: Date }): Date {
  const scheduled = call.scheduledFor?.getTime() ?? 0;
  return new Date(Math.max(scheduled, call.createdAt.getTime()));
}

/**
 * The calls' Prometheus series, installation-wide (never labelled by tenant or number):
 *
 * - `switchboard_calls{status, disposition}`: calls by status and disposition, counted by one
 *   `GROUP BY` at scrape time, cached `CALL_COUNTS_TTL_MS`. When Postgres cannot answer, the series
 *   is left out of that scrape (not frozen at stale values) and `switchboard_calls_scrape_errors_total`
 *   goes up; /metrics itself still answers.
 * - `switchboard_call_attempt_latency_seconds`: queued → dialling, observed by the claim.
 * - `switchboard_calls_finished_total{status, disposition}`: attempts that reached a final status,
 *   counted by a `CallLifecycle` listener (every end of an attempt goes through it).
 */
@Injectable()
export class CallMetrics implements OnApplicationBootstrap {
  private readonly latency: Histogram;
  private readonly finished: Counter<'status' | 'disposition'>;
  private readonly scrapeErrors: Counter;
  private readonly finishedDispositions = new Set<string>();
  private cached: { at: number; rows: Promise<CallCountRow[]> } | null = null;
  private lastFailureLoggedAt = 0;

  constructor(
    metrics: MetricsService,
    private readonly repository: MetricsRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.latency = metrics.histogram({
      name: 'switchboard_call_attempt_latency_seconds',
      help: 'Time from an attempt becoming due (max(scheduled_for, created_at)) to its claim by a worker (queued → dialling)',
      buckets: ATTEMPT_LATENCY_BUCKETS,
    });
    this.finished = metrics.counter({
      name: 'switchboard_calls_finished_total',
      help: 'Call attempts that reached a final status, by status and disposition',
      labelNames: ['status', 'disposition'],
    });
    // one count per scrape for both series; a failure is counted before either reads its values
    let pending: Promise<CallCountRow[] | null> | null = null;
    const scrape = (): Promise<CallCountRow[] | null> => {
      pending ??= this.callCounts()
        .catch((error: unknown) => {
          this.scrapeFailed(error);
          return null;
        })
        .finally(() => {
          setImmediate(() => {
            pending = null;
          });
        });
      return pending;
    };
    this.scrapeErrors = metrics.counter({
      name: 'switchboard_calls_scrape_errors_total',
      help: 'Scrapes that could not count the calls (Postgres unreachable): switchboard_calls was left out',
      // waits for this scrape's count, so that a failure shows in the scrape it left the series out of
      async collect() {
        await scrape();
      },
    });
    metrics.gauge({
      name: 'switchboard_calls',
      help: 'Calls of every organisation by status and disposition ("none" before there is one), counted at scrape time',
      labelNames: ['status', 'disposition'],
      async collect(this: Gauge<'status' | 'disposition'>) {
        const rows = await scrape();
        this.reset();
        if (rows === null) return;
        for (const row of foldDispositions(rows))
          this.set({ status: row.status, disposition: row.disposition }, row.count);
      },
    });
  }

  /** Registers the finished-attempt listener when the calls feature is part of this app. */
  onApplicationBootstrap(): void {
    let lifecycle: CallLifecycle;
    try {
      lifecycle = this.moduleRef.get(CallLifecycle, { strict: false });
    } catch {
      return;
    }
    lifecycle.onFinished((call) => {
      this.callFinished(call.status, call.disposition);
      return Promise.resolve();
    });
  }

  observeAttemptLatency(seconds: number): void {
    if (Number.isFinite(seconds)) this.latency.observe(Math.max(0, seconds));
  }

  /** The claim of an attempt at `claimedAt`: its latency from the moment it became due. */
  attemptClaimed(call: { scheduledFor: Date | null; createdAt: Date }, claimedAt: Date): void {
    this.observeAttemptLatency((claimedAt.getTime() - attemptDueAt(call).getTime()) / 1000);
  }

  callFinished(status: string, disposition: string | null): void {
    let label = dispositionLabel(disposition);
    if (!this.finishedDispositions.has(label)) {
      if (this.finishedDispositions.size >= MAX_DISPOSITIONS) label = OTHER;
      else this.finishedDispositions.add(label);
    }
    this.finished.inc({ status, disposition: label });
    // the next scrape recounts, so a finished call shows at once rather than after the cache window
    this.cached = null;
  }

  private callCounts(): Promise<CallCountRow[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < CALL_COUNTS_TTL_MS) return this.cached.rows;
    const rows = this.repository.callCounts();
    // concurrent scrapes share the query in flight; a failure is not cached
    this.cached = { at: now, rows };
    rows.catch(() => {
      if (this.cached?.rows === rows) this.cached = null;
    });
    return rows;
  }

  private scrapeFailed(error: unknown): void {
    this.scrapeErrors.inc();
    const now = Date.now();
    // one line a minute while Postgres is down, not one per scrape
    if (now - this.lastFailureLoggedAt > 60_000) {
      this.lastFailureLoggedAt = now;
      this.logger.warn({ err: error }, 'switchboard_calls could not be counted: left out of /metrics');
    }
  }
}

/** Sanitised disposition labels, the `MAX_DISPOSITIONS` most frequent kept and the rest summed as "other". */
export function foldDispositions(rows: CallCountRow[]): { status: string; disposition: string; count: number }[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const label = dispositionLabel(row.disposition);
    totals.set(label, (totals.get(label) ?? 0) + row.count);
  }
  const kept = new Set(
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_DISPOSITIONS)
      .map(([label]) => label),
  );
  const folded = new Map<string, { status: string; disposition: string; count: number }>();
  for (const row of rows) {
    let disposition = dispositionLabel(row.disposition);
    if (!kept.has(disposition)) disposition = OTHER;
    const key = `${row.status}\u0000${disposition}`;
    const entry = folded.get(key);
    if (entry) entry.count += row.count;
    else folded.set(key, { status: row.status, disposition, count: row.count });
  }
  return [...folded.values()];
}
