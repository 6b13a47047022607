import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallsClock } from '../src/calls/calls.clock.js';
import { CALLS_QUEUE } from '../src/calls/jobs/calls.queue.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { consentEvidence, createTenant, ownCallerId, publishedTemplate, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

/** The value of one series in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  if (wanted.length === 0) {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1).trim());
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const have = labelText.split(',');
    if (wanted.every((pair) => have.includes(pair)) && have.length === wanted.length) {
      return Number(line.slice(line.indexOf('}') + 1).trim());
    }
  }
  return undefined;
}

describe('GET /metrics', () => {
  let app: NestExpressApplication;
  const scrape = async () => (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers Prometheus text, without credentials, with the process metrics', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(res.text).toContain('# TYPE http_requests_total counter');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('counts requests by route template, not by raw URL', async () => {
    const route = { method: 'GET', route: '/docs/:asset', status: '200' };
    const before = sample(await scrape(), 'http_requests_total', route) ?? 0;
    await request(app.getHttpServer()).get('/docs/index.css').expect(200);
    await request(app.getHttpServer()).get('/docs/favicon-16x16.png').expect(200);
    await request(app.getHttpServer()).get('/docs/not-a-file.js').expect(400);

    const text = await scrape();
    expect(sample(text, 'http_requests_total', route)).toBe(before + 2);
    expect(sample(text, 'http_requests_total', { ...route, status: '400' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', route)).toBe(before + 2);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(before + 2);
    // the ids and file names of the URLs are nowhere in the labels
    expect(text).not.toContain('index.css');
    expect(text).not.toContain('not-a-file.js');
  });

  it('labels requests no route matched as unmatched, whatever their path', async () => {
    await request(app.getHttpServer()).get('/no/such/route/123').expect(404);
    await request(app.getHttpServer()).get('/no/such/route/456').expect(404);
    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    expect(text).not.toContain('/no/such/route');
  });

  it('counts the scrapes themselves', async () => {
    await scrape();
    const text = await scrape();
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: '/metrics', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('exposes what other modules register through MetricsService', async () => {
    const metrics = app.get(MetricsService);
    const published = metrics.counter({
      name: 'test_flows_published_total',
      help: 'flows published',
      labelNames: ['purpose'],
    });
    published.inc({ purpose: 'INFORMATIONAL' }, 3);
    // asking again by name gives the same counter, so a module may register in its constructor
    expect(
      metrics.counter({ name: 'test_flows_published_total', help: 'flows published', labelNames: ['purpose'] }),
    ).toBe(published);
    metrics.gauge({ name: 'test_queue_depth', help: 'jobs waiting' }).set(7);

    const text = await scrape();
    expect(sample(text, 'test_flows_published_total', { purpose: 'INFORMATIONAL' })).toBe(3);
    expect(text).toMatch(/^test_queue_depth 7$/m);
  });
});

describe('GET /metrics: calls, decisions and queues', () => {
  const WORKER_TOKEN = 'worker-token-for-the-metrics-e2e-tests-0123456789';
  const CALLER_ID = '+12125550199';
  /** the calls' clock: a Tuesday, 11:00 in New York, inside every calling window */
  const NOW = Date.parse('2026-11-24T16:00:00.000Z');
  let app: NestExpressApplication;
  let tenant: TestTenant;
  let flowId: string;
  let calls: Queue;
  let clock = NOW;
  let phoneSeq = 0;
  const http = () => request(app.getHttpServer());
  const scrape = async () => (await http().get('/metrics').expect(200)).text;
  const worker = `Bearer ${WORKER_TOKEN}`;
  /** numbers of this file alone (the 646 area code, which no other test file calls) */
  const nextPhone = () => `+1646555${String(1000 + phoneSeq++).slice(-4)}`;

  async function consented(): Promise<string> {
    const phone = nextPhone();
    await http()
      .post('/v1/consents')
      .set('authorization', tenant.bearer('operator'))
      .send(consentEvidence(tenant, phone, { scope: 'appointment reminders by artificial-voice calls' }))
      .expect(201);
    return phone;
  }

  const place = (to: string) =>
    http()
      .post('/v1/calls')
      .set('authorization', tenant.bearer('operator'))
      .send({
        to,
        flowId,
        callerId: CALLER_ID,
        variables: { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' },
      })
      .expect(202);

  /** The calls queue's waiting count as /metrics shows it, read between two equal reads of Redis. */
  async function waitingDepth(): Promise<number> {
    for (let tries = 0; tries < 10; tries++) {
      const before = (await calls.getJobCounts('wait')).wait;
      const shown = sample(await scrape(), 'switchboard_queue_jobs', { queue: 'calls', state: 'waiting' });
      const after = (await calls.getJobCounts('wait')).wait;
      if (before === after) {
        expect(shown).toBe(after);
        return after ?? 0;
      }
    }
    throw new Error('the calls queue kept changing under the scrapes');
  }

  beforeAll(async () => {
    app = await createTestApp({ env: { WORKER_TOKEN, RATE_LIMIT_PER_MINUTE: '0' } });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => new Date(clock));
    calls = app.get<Queue>(getQueueToken(CALLS_QUEUE));
    tenant = await createTenant(app, 'Metrics Acme LLC');
    await ownCallerId(app, tenant, CALLER_ID);
    flowId = await publishedTemplate(app, tenant);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  it('queue depth per state and the oldest waiting age, for every queue, read from Redis at scrape time', async () => {
    const text = await scrape();
    for (const queue of ['calls', 'calls-dead-letter', 'dnc-import', 'webhooks']) {
      for (const state of ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children', 'completed', 'failed']) {
        expect(sample(text, 'switchboard_queue_jobs', { queue, state }), `${queue} ${state}`).toEqual(
          expect.any(Number),
        );
      }
      expect(sample(text, 'switchboard_queue_oldest_waiting_age_seconds', { queue })).toBeGreaterThanOrEqual(0);
    }
    expect(text).toContain('# TYPE switchboard_queue_scrape_errors_total counter');

    const before = await waitingDepth();
    const { body } = await place(await consented());
    expect(await calls.getJob(`call:${body.id as string}:1`)).toBeDefined();
    expect(await waitingDepth()).toBeGreaterThanOrEqual(before + 1);
    const age = sample(await scrape(), 'switchboard_queue_oldest_waiting_age_seconds', { queue: 'calls' });
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(3_600);
  });

  it('calls by status and disposition, finished attempts, and the queued → dialling latency of a claim', async () => {
    const queued = { status: 'queued', disposition: 'none' };
    const completed = { status: 'completed', disposition: 'confirmed' };
    const counted = (text: string, labels: Record<string, string>) => sample(text, 'switchboard_calls', labels) ?? 0;
    const first = await scrape();
    const latencyBefore = sample(first, 'switchboard_call_attempt_latency_seconds_count', {}) ?? 0;
    const within5Before = sample(first, 'switchboard_call_attempt_latency_seconds_bucket', { le: '5' }) ?? 0;
    const within2Before = sample(first, 'switchboard_call_attempt_latency_seconds_bucket', { le: '2.5' }) ?? 0;
    const completedBefore = counted(first, completed);

    const { body } = await place(await consented());
    const id = body.id as string;
    // counted by one GROUP BY at scrape time, cached 5 s: the new call shows within that
    await vi.waitFor(async () => expect(counted(await scrape(), queued)).toBeGreaterThanOrEqual(1), {
      timeout: 8_000,
      interval: 500,
    });

    // the row's created_at is Postgres' real now(); the calls' clock is pinned: align them, then
    // claim 3 s after the attempt became due
    await app.get(DataSource).query(`UPDATE calls SET created_at = $2 WHERE id = $1`, [id, new Date(NOW)]);
    clock = NOW + 3_000;
    try {
      await http()
        .post(`/internal/calls/${id}/claim`)
        .set('authorization', worker)
        .send({ attempt: 1, workerId: 'w-1' })
        .expect(200);
    } finally {
      clock = NOW;
    }
    const claimed = await scrape();
    expect(sample(claimed, 'switchboard_call_attempt_latency_seconds_count', {})).toBe(latencyBefore + 1);
    expect(sample(claimed, 'switchboard_call_attempt_latency_seconds_bucket', { le: '2.5' })).toBe(within2Before);
    expect(sample(claimed, 'switchboard_call_attempt_latency_seconds_bucket', { le: '5' })).toBe(within5Before + 1);

    await http()
      .post(`/internal/calls/${id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'confirmed', outcome: 'completed' })
      .expect(200);
    // a finished attempt drops the cached counts: the next scrape has it
    const done = await scrape();
    expect(counted(done, completed)).toBe(completedBefore + 1);
    expect(sample(done, 'switchboard_calls_finished_total', completed)).toBe(1);
    // labelled by status and disposition only: no tenant, no number, no call id
    expect(done).not.toContain(tenant.organizationId);
    expect(done).not.toContain(id);
    expect(done).not.toMatch(/\+1646555/);
  });

  it('decisions by outcome, reason and mode', async () => {
    const blocked = { outcome: 'BLOCKED_NO_CONSENT', reason: 'NO_CONSENT', mode: 'SCHEDULE' };
    const allowed = { outcome: 'ALLOWED', reason: 'none', mode: 'SCHEDULE' };
    const before = await scrape();
    const blockedBefore = sample(before, 'switchboard_compliance_decisions_total', blocked) ?? 0;
    const allowedBefore = sample(before, 'switchboard_compliance_decisions_total', allowed) ?? 0;

    const refused = await place(nextPhone());
    expect(refused.body.decision.outcome).toBe('BLOCKED_NO_CONSENT');
    await place(await consented());

    const after = await scrape();
    expect(sample(after, 'switchboard_compliance_decisions_total', blocked)).toBe(blockedBefore + 1);
    expect(sample(after, 'switchboard_compliance_decisions_total', allowed)).toBe(allowedBefore + 1);
    // a call blocked when it was placed has finished too
    const finishedBlocked = { status: 'blocked', disposition: 'none' };
    expect(sample(after, 'switchboard_calls_finished_total', finishedBlocked)).toBe(
      (sample(before, 'switchboard_calls_finished_total', finishedBlocked) ?? 0) + 1,
    );
  });
});

describe('GET /metrics with Redis unreachable', () => {
  let app: NestExpressApplication;
  let closed = false;
  beforeAll(async () => {
    // nothing listens on port 1: connections are refused at once
    app = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    if (!closed) await app?.close();
  });

  it('still answers 200 quickly, without the queue series, counting the failed reads; the app then closes', async () => {
    const started = Date.now();
    const text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(text).not.toMatch(/^switchboard_queue_jobs\{/m);
    expect(text).not.toMatch(/^switchboard_queue_oldest_waiting_age_seconds\{/m);
    for (const queue of ['calls', 'calls-dead-letter', 'dnc-import', 'webhooks']) {
      expect(sample(text, 'switchboard_queue_scrape_errors_total', { queue })).toBe(1);
    }
    // what does not need Redis is still there
    expect(text).toMatch(/^switchboard_calls\{/m);
    expect(text).toContain('# TYPE http_requests_total counter');

    const closing = Date.now();
    await app.close();
    closed = true;
    expect(Date.now() - closing).toBeLessThan(5_000);
  });
});
