import type { ModuleRef } from '@nestjs/core';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attemptDueAt, CallMetrics, foldDispositions, MAX_DISPOSITIONS } from './call-metrics.js';
import type { CallCountRow, MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

function build(callCounts: () => Promise<CallCountRow[]>) {
  const metrics = new MetricsService();
  const callCountsQuery = vi.fn(callCounts);
  const repository = { callCounts: callCountsQuery } as unknown as MetricsRepository;
  const logger = { warn: vi.fn() } as unknown as Logger & { warn: ReturnType<typeof vi.fn> };
  const moduleRef = {
    get: () => {
      throw new Error('no calls feature in this test');
    },
  } as unknown as ModuleRef;
  const calls = new CallMetrics(metrics, repository, moduleRef, logger);
  return { metrics, callCountsQuery, logger, calls };
}

describe('CallMetrics', () => {
  const services: MetricsService[] = [];
  afterEach(() => {
    for (const service of services.splice(0)) service.onModuleDestroy();
  });

  it('dates an attempt from its creation, or from when it was scheduled for when that is later', () => {
    const createdAt = new Date('2026-11-24T16:00:00Z');
    expect(attemptDueAt({ createdAt, scheduledFor: null })).toEqual(createdAt);
    expect(attemptDueAt({ createdAt, scheduledFor: new Date('2026-11-24T15:00:00Z') })).toEqual(createdAt);
    const retryAt = new Date('2026-11-24T18:00:00Z');
    expect(attemptDueAt({ createdAt, scheduledFor: retryAt })).toEqual(retryAt);
  });

  it('observes the queued → dialling latency of a claim, never below 0', async () => {
    const { metrics, calls } = build(() => Promise.resolve([]));
    services.push(metrics);
    const createdAt = new Date('2026-11-24T16:00:00Z');
    calls.attemptClaimed({ createdAt, scheduledFor: null }, new Date('2026-11-24T16:00:03Z'));
    calls.attemptClaimed(
      { createdAt, scheduledFor: new Date('2026-11-24T17:00:00Z') },
      new Date('2026-11-24T17:00:00.2Z'),
    );
    // a claim dated before the attempt was due (clocks apart): 0, not a negative duration
    calls.attemptClaimed({ createdAt, scheduledFor: null }, new Date('2026-11-24T15:59:00Z'));
    const text = await metrics.render();
    expect(text).toContain('switchboard_call_attempt_latency_seconds_count 3');
    expect(text).toContain('switchboard_call_attempt_latency_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('switchboard_call_attempt_latency_seconds_bucket{le="0.25"} 2');
    expect(text).toContain('switchboard_call_attempt_latency_seconds_bucket{le="2.5"} 2');
    expect(text).toContain('switchboard_call_attempt_latency_seconds_bucket{le="5"} 3');
    expect(text).toMatch(/^switchboard_call_attempt_latency_seconds_sum 3\.2\d*$/m);
  });

  it('counts calls by status and disposition at scrape time, one query per cache window', async () => {
    const { metrics, callCountsQuery } = build(() =>
      Promise.resolve([
        { status: 'queued', disposition: null, count: 4 },
        { status: 'completed', disposition: 'confirmed', count: 2 },
        { status: 'completed', disposition: 'Not A Label!', count: 1 },
      ]),
    );
    services.push(metrics);
    const text = await metrics.render();
    expect(text).toContain('switchboard_calls{status="queued",disposition="none"} 4');
    expect(text).toContain('switchboard_calls{status="completed",disposition="confirmed"} 2');
    expect(text).toContain('switchboard_calls{status="completed",disposition="other"} 1');
    await metrics.render();
    expect(callCountsQuery).toHaveBeenCalledTimes(1);
  });

  it('leaves the call counts out of a scrape Postgres cannot answer, counts the failure, logs once', async () => {
    const { metrics, logger } = build(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    services.push(metrics);
    // the series of one scrape share one count: scrapes apart (as over HTTP) count again
    const nextScrape = () => new Promise((resolve) => setImmediate(resolve));
    const first = await metrics.render();
    expect(first).not.toMatch(/^switchboard_calls\{/m);
    expect(first).toMatch(/^switchboard_calls_scrape_errors_total 1$/m);
    await nextScrape();
    await metrics.render();
    await nextScrape();
    const text = await metrics.render();
    expect(text).toMatch(/^switchboard_calls_scrape_errors_total 3$/m);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('counts finished attempts by status and a bounded set of disposition labels', async () => {
    const { metrics, calls } = build(() => Promise.resolve([]));
    services.push(metrics);
    calls.callFinished('completed', 'confirmed');
    calls.callFinished('no_answer', null);
    for (let i = 0; i < MAX_DISPOSITIONS + 5; i++) calls.callFinished('completed', `disposition_${i}`);
    const text = await metrics.render();
    expect(text).toContain('switchboard_calls_finished_total{status="completed",disposition="confirmed"} 1');
    expect(text).toContain('switchboard_calls_finished_total{status="no_answer",disposition="none"} 1');
    const labels = new Set(
      [...text.matchAll(/^switchboard_calls_finished_total\{status="[^"]+",disposition="([^"]+)"\}/gm)].map(
        (match) => match[1],
      ),
    );
    expect(labels.size).toBe(MAX_DISPOSITIONS + 1);
    expect(labels.has('other')).toBe(true);
  });

  it('folds dispositions beyond the most frequent into "other"', () => {
    const rows = Array.from({ length: MAX_DISPOSITIONS + 2 }, (_, i) => ({
      status: 'completed',
      disposition: `d_${i}`,
      count: i + 1,
    }));
    const folded = foldDispositions(rows);
    expect(folded).toHaveLength(MAX_DISPOSITIONS + 1);
    // the two least frequent (d_0: 1, d_1: 2) are summed into "other"
    expect(folded.find((row) => row.disposition === 'other')).toEqual({
      status: 'completed',
      disposition: 'other',
      count: 3,
    });
  });
});
