import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Command, Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { CallsClock } from '../src/calls/calls.clock.js';
import { CallsRepository } from '../src/calls/calls.repository.js';
import { CALLS_QUEUE, CallsQueue, callJobId } from '../src/calls/jobs/calls.queue.js';
import { CallLeaseSweeper } from '../src/calls/recovery/lease-sweeper.js';
import { CallsQueueReconciler, type ReconcileReport } from '../src/calls/recovery/queue-reconciler.js';
import type { AppConfig } from '../src/config/app-config.js';
import { APP_CONFIG } from '../src/config/config.module.js';
import { createScratchDatabase, dropDatabase, runMigrations } from '../src/database/migrate.js';
import { REDIS_CLIENT } from '../src/redis/redis.module.js';
import { createTenant, ownCallerId, publishedTemplate, recordConsent, type TestTenant } from './fixtures.js';
import { createTestApp, LogCapture } from './test-app.js';

const CALLER_ID = '+12125550199';
/** the clock of the calls feature in these tests: a Tuesday, 11:00 in New York (EST) */
const NOW = '2026-11-24T16:00:00.000Z';
const WAITING = 1_200;

/**
 * The queue reconciler's guarantees, on a database of this file's own: its queue prefix and
 * advisory locks are its own, so no other test file's API reconciles these calls, and the
 * reconciler runs only when a test asks (CALL_RECONCILE_INTERVAL_MS=0).
 */
describe('calls queue reconciler: every waiting call has its job, at the cost of what changed', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let queue: Queue;
  let redis: Redis;
  let reconciler: CallsQueueReconciler;
  let tenant: TestTenant;
  let flowId: string;
  let prefix: string;
  let waitingIds: string[] = [];
  const logs = new LogCapture();

  const http = () => request(app.getHttpServer());
  const sql = <T>(text: string, params: unknown[] = []) => app.get(DataSource).query<T>(text, params);

  /** `count` waiting calls written straight to Postgres (no job), last changed `ageSeconds` ago. */
  async function insertWaiting(
    count: number,
    ageSeconds: number,
    scheduledInSeconds: number | null,
  ): Promise<string[]> {
    const rows = await sql<Array<{ id: string }>>(
      `INSERT INTO calls (organization_id, flow_id, flow_version, "to", caller_id, purpose, variables, status,
                          scheduled_for, updated_at)
       SELECT $1, $2, 1, '+1212556' || lpad(g::text, 4, '0'), $3, 'INFORMATIONAL', '{}'::jsonb, 'scheduled',
              now() + make_interval(secs => $5), now() - make_interval(secs => $4)
         FROM generate_series(1, $6) AS g
       RETURNING id`,
      [tenant.organizationId, flowId, CALLER_ID, ageSeconds, scheduledInSeconds ?? 0, count],
    );
    if (scheduledInSeconds === null) {
      await sql(`UPDATE calls SET status = 'queued', scheduled_for = NULL WHERE id = ANY($1::uuid[])`, [
        rows.map((row) => row.id),
      ]);
    }
    return rows.map((row) => row.id);
  }

  const jobOf = (callId: string, attempt = 1) => queue.getJob(callJobId(callId, attempt));

  /**
   * The commands about this queue (a key of its prefix in their arguments) that the API sends to
   * Redis while `work` runs: on its own connection (the inspector's) and on the queue's (BullMQ's
   * adds); `inspections`: those of the API's that name job keys, and how many they name.
   */
  async function redisCommandsOf<T>(work: () => Promise<T>): Promise<{
    value: T;
    api: string[];
    queue: string[];
    inspections: number;
    jobKeys: number;
  }> {
    const bullClient = (await queue.getBackend().client) as unknown as Redis;
    const seen = { api: [] as string[], queue: [] as string[], inspections: 0, jobKeys: 0 };
    const spies = (
      [
        ['api', redis],
        ['queue', bullClient],
      ] as const
    ).map(([which, client]) => {
      const original = client.sendCommand.bind(client);
      return vi.spyOn(client, 'sendCommand').mockImplementation((command: Command, ...rest) => {
        const args = command.args.map(String);
        if (args.some((arg) => arg.startsWith(`${prefix}:calls:`))) {
          seen[which].push(command.name);
          const jobKeys = args.filter((arg) => arg.startsWith(`${prefix}:calls:call:`)).length;
          if (which === 'api' && jobKeys > 0) {
            seen.inspections++;
            seen.jobKeys += jobKeys;
          }
        }
        return original(command, ...rest);
      });
    });
    try {
      return { value: await work(), ...seen };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  async function reconcile(options: { full?: boolean } = {}): Promise<ReconcileReport> {
    const report = await reconciler.reconcile(options);
    if (!report) throw new Error('another reconciler holds the lock of this database');
    return report;
  }

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase(inject('databaseUrl'), 'reconciler');
    await runMigrations(databaseUrl);
    app = await createTestApp({
      env: {
        DATABASE_URL: databaseUrl,
        CALL_RECONCILE_INTERVAL_MS: '0',
        CALL_RECONCILE_FULL_INTERVAL_MS: '0',
        CALL_SWEEP_INTERVAL_MS: '0',
        RATE_LIMIT_PER_MINUTE: '0',
      },
      logs,
    });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => new Date(NOW));
    queue = app.get<Queue>(getQueueToken(CALLS_QUEUE));
    prefix = queue.opts.prefix ?? 'bull';
    redis = app.get<Redis>(REDIS_CLIENT);
    reconciler = app.get(CallsQueueReconciler);
    tenant = await createTenant(app, 'Reconciler Ltd');
    await ownCallerId(app, tenant, CALLER_ID);
    flowId = await publishedTemplate(app, tenant);
    // the start-up pass (and the one of the connection's first `ready`) are behind this one
    await queue.getBackend().client;
    await reconcile();
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('a steady pass over 1,200 waiting calls reads none of them; a full pass reads them a page per command', async () => {
    waitingIds = await insertWaiting(WAITING, 60, 86_400);

    const full = await redisCommandsOf(() => reconcile({ full: true }));
    expect(full.value).toEqual({ pass: 'full', reason: 'asked', checked: WAITING, enqueued: WAITING, deadLettered: 0 });
    // the jobs are looked up a page (500) per command (one more: a script Redis did not know yet)
    expect(full.jobKeys).toBeGreaterThanOrEqual(WAITING);
    expect(full.inspections).toBeLessThanOrEqual(Math.ceil(WAITING / 500) + 1);
    expect(await queue.getJobCounts('delayed')).toMatchObject({ delayed: WAITING });

    const steady = await redisCommandsOf(() => reconcile());
    expect(steady.value).toEqual({ pass: 'changes', checked: 0, enqueued: 0, deadLettered: 0 });
    // the marker and the jobs failed since the last pass; not a word about a waiting call
    expect(steady.jobKeys).toBe(0);
    expect(steady.api.sort()).toEqual(['get', 'zrangebyscore']);
    expect(steady.queue).toEqual([]);
  });

  it("Redis lost its data (the run's keys flushed): the next pass sees the marker gone and re-adds every job", async () => {
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(WAITING);
    await redis.del(...keys);
    expect(await jobOf(waitingIds[0]!)).toBeUndefined();

    expect(await reconcile()).toEqual({
      pass: 'full',
      reason: 'redis-lost-data',
      checked: WAITING,
      enqueued: WAITING,
      deadLettered: 0,
    });
    expect(await queue.getJobCounts('delayed')).toMatchObject({ delayed: WAITING });
    expect(await reconcile()).toMatchObject({ pass: 'changes', checked: 0 });
  });

  it('a call whose enqueue failed when it was created gets its job from the next pass', async () => {
    const phone = '+12125557001';
    await recordConsent(app, tenant, phone);
    const enqueue = vi.spyOn(app.get(CallsQueue), 'enqueue').mockRejectedValueOnce(new Error('Redis is down'));
    const created = await http()
      .post('/v1/calls')
      .set('authorization', tenant.bearer('operator'))
      .send({
        to: phone,
        flowId,
        variables: { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' },
        callerId: CALLER_ID,
      })
      .expect(202);
    enqueue.mockRestore();
    const callId = created.body.id as string;
    expect(created.body.status).toBe('queued');
    expect(logs.lines.some((line) => line.callId === callId && String(line.msg).includes('reconciler will'))).toBe(
      true,
    );
    expect(await jobOf(callId)).toBeUndefined();

    // (a call changed in the last 5 s is left to its creator: this one settled)
    await sql(`UPDATE calls SET updated_at = updated_at - interval '6 seconds' WHERE id = $1`, [callId]);
    expect(await reconcile()).toEqual({ pass: 'changes', checked: 1, enqueued: 1, deadLettered: 0 });
    expect(await jobOf(callId)).toMatchObject({ data: { callId, attempt: 1 } });
    // (the next pass may look at it again: passes overlap by a few seconds) and adds nothing more
    expect(await reconcile()).toMatchObject({ pass: 'changes', enqueued: 0 });

    // out of the next test's way: its worker takes the waiting jobs
    await http().post(`/v1/calls/${callId}/cancel`).set('authorization', tenant.bearer('operator')).expect(200);
    expect(await jobOf(callId)).toBeUndefined();
  });

  it('a transaction still open during a pass holds the next pass back to its start (its rows carry it)', async () => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'switchboard-api' });
    await client.connect();
    try {
      await client.query('BEGIN');
      const [open] = (await client.query<{ started: string }>(`SELECT now()::text AS started`)).rows;
      const window = await app.get(CallsRepository).reconcileWindow(0, 0);
      const [order] = await sql<Array<{ next_is_start: boolean; until_after: boolean }>>(
        `SELECT $1::timestamptz = $2::timestamptz AS next_is_start, $3::timestamptz > $2::timestamptz AS until_after`,
        [window.nextFrom, open!.started, window.until],
      );
      // rows it writes have updated_at = its start, before `until`, yet invisible to this pass
      expect(order).toEqual({ next_is_start: true, until_after: true });
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    const alone = await app.get(CallsRepository).reconcileWindow(0, 0);
    expect(alone.nextFrom).toBe(alone.until);
  });

  it('a job failed for good whose dead letter was never reported is dead-lettered by the next pass', async () => {
    const [callId] = await insertWaiting(1, 60, null);
    await app.get(CallsQueue).enqueue({ callId: callId!, attempt: 1 }, 0);
    // a worker fails it for good and dies before reporting the dead letter
    const worker = new Worker(CALLS_QUEUE, () => Promise.reject(new UnrecoverableError('the claim kept failing')), {
      connection: { url: app.get<AppConfig>(APP_CONFIG).redisUrl },
      prefix,
    });
    try {
      await vi.waitFor(async () => expect(await (await jobOf(callId!))?.getState()).toBe('failed'), {
        timeout: 10_000,
        interval: 50,
      });
    } finally {
      await worker.close();
    }

    // the call last changed long before the last pass: found through the failed jobs, not the calls
    expect(await reconcile()).toEqual({ pass: 'changes', checked: 1, enqueued: 0, deadLettered: 1 });
    await vi.waitFor(
      async () => {
        const [call] = await sql<Array<{ status: string; disposition: string; failure_reason: string }>>(
          `SELECT status, disposition, failure_reason FROM calls WHERE id = $1`,
          [callId],
        );
        expect(call).toMatchObject({ status: 'failed', disposition: 'dead_lettered' });
        expect(call?.failure_reason).toContain('the claim kept failing');
      },
      { timeout: 10_000, interval: 50 },
    );
    // reported once: the call does not wait any more
    expect(await reconcile()).toMatchObject({ pass: 'changes', deadLettered: 0 });
  });

  it('a job lost while the call stays unchanged waits for a sign: a reconnection, or the full pass', async () => {
    const [first, second] = waitingIds as [string, string];
    await (await jobOf(first))?.remove();
    await (await jobOf(second))?.remove();
    // no sign (the marker is there, the call did not change): not looked at
    expect(await reconcile()).toMatchObject({ pass: 'changes', checked: 0, enqueued: 0 });
    expect(await jobOf(first)).toBeUndefined();

    // the queue's connection drops and comes back (a Redis restored from an older snapshot keeps
    // the marker): the pass it triggers is a full one
    const bullClient = (await queue.getBackend().client) as unknown as Redis;
    bullClient.disconnect(true);
    await vi.waitFor(async () => expect(await jobOf(first)).toBeDefined(), { timeout: 15_000, interval: 100 });
    expect(await jobOf(second)).toBeDefined();
    expect(await reconcile()).toMatchObject({ pass: 'changes', checked: 0 });

    await (await jobOf(first))?.remove();
    expect(await reconcile({ full: true })).toMatchObject({ pass: 'full', checked: WAITING, enqueued: 1 });
  });

  it("the recovery loops' queries are served by their partial indexes", async () => {
    const dataSource = app.get(DataSource);
    const statements: Array<{ text: string; params: unknown[] }> = [];
    const original = dataSource.query.bind(dataSource);
    const spy = vi.spyOn(dataSource, 'query').mockImplementation((text, params, runner) => {
      if (/\bFROM calls\b/.test(text)) statements.push({ text, params: Array.isArray(params) ? params : [] });
      return original(text, params, runner);
    });
    try {
      expect(await app.get(CallLeaseSweeper).sweep()).toEqual([]);
      await reconcile();
      await reconcile({ full: true });
    } finally {
      spy.mockRestore();
    }
    const plans = new Map<string, string>();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('ANALYZE calls');
      for (const { text, params } of statements) {
        // whether Postgres can serve them from the index; its choice on a small table is its own
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
        await client.query('ROLLBACK');
        plans.set(text, JSON.stringify(rows[0]?.['QUERY PLAN']));
      }
    } finally {
      await client.end();
    }
    const planOf = (pattern: RegExp) => [...plans.entries()].filter(([text]) => pattern.test(text));
    const sweeps = planOf(/worker_lost/);
    const pages = planOf(/ORDER BY updated_at, id/);
    expect(sweeps).toHaveLength(1);
    expect(pages.length).toBeGreaterThan(0);
    for (const [, plan] of sweeps) expect(plan).toContain('"Index Name":"idx_calls_lease"');
    for (const [, plan] of pages) expect(plan).toContain('"Index Name":"idx_calls_waiting"');
  });
});
