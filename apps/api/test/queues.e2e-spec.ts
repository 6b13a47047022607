import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallsQueueInspector } from '../src/calls/jobs/calls-queue.inspector.js';
import { CALLS_QUEUE } from '../src/calls/jobs/calls.queue.js';
import { WEBHOOKS_QUEUE } from '../src/webhooks/jobs/webhooks.queue.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// The API's JSON, navigated freely: the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const QUEUES = ['calls', 'calls-dead-letter', 'dnc-import', 'webhooks'];
const SECRET = 'a-dashboard-secret-for-the-queues-e2e-tests-0123456789';
/** a number that must never be shown in clear */
const PHONE = '+12125550142';

/** The sb_queues cookie of a Set-Cookie answer, as a browser would send it back. */
function cookieOf(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = header?.find((line) => line.startsWith('sb_queues='));
  if (!cookie) throw new Error(`no sb_queues cookie in ${JSON.stringify(header)}`);
  return cookie.split(';')[0]!;
}

/** An answer in the API's error shape, and nothing of the dashboard. */
function expectRefused(res: request.Response, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    error: {
      code,
      message: expect.any(String),
      requestId: expect.any(String),
      // a 5xx also names the log line of its cause
      ...(status >= 500 ? { errorId: expect.any(String) } : {}),
    },
  });
  expect(res.text).not.toMatch(/<html|bull-board|__UI_CONFIG__/i);
}

describe('the queue dashboard (/admin/queues) and GET /v1/admin/queues', () => {
  let app: NestExpressApplication;
  /** the installation admin organisation (ADMIN_ORGANIZATION_IDS) */
  let installation: TestTenant;
  /** another organisation, with admins of its own */
  let other: TestTenant;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // the tenants first, then the app that names the first one in ADMIN_ORGANIZATION_IDS
    const setup = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      [installation, other] = await Promise.all([createTenant(setup), createTenant(setup)]);
    } finally {
      await setup.close();
    }
    app = await createTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '0',
        ADMIN_ORGANIZATION_IDS: installation.organizationId,
        QUEUES_DASHBOARD_SECRET: SECRET,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('refused to anyone but an installation admin, in the API error shape', () => {
    it('401 without a credential: page, JSON and assets alike', async () => {
      for (const path of [
        '/admin/queues',
        '/admin/queues/',
        '/admin/queues/api/queues',
        '/admin/queues/static/favicon-32x32.png',
      ]) {
        expectRefused(await http().get(path), 401, 'UNAUTHORIZED');
      }
      expectRefused(await http().put('/admin/queues/api/queues/pause'), 401, 'UNAUTHORIZED');
    });

    it('401 with a bad credential or a cookie that does not open', async () => {
      expectRefused(await http().get('/admin/queues').set('authorization', 'Bearer sk_nope'), 401, 'UNAUTHORIZED');
      expectRefused(await http().get('/admin/queues').set('authorization', 'Basic abc'), 401, 'UNAUTHORIZED');
      expectRefused(await http().get('/admin/queues').set('cookie', 'sb_queues=garbage'), 401, 'UNAUTHORIZED');
      // a real cookie, altered by one character
      const cookie = cookieOf(
        await http().post('/v1/admin/queues/session').set('authorization', installation.adminSession()).expect(200),
      );
      const last = cookie.at(-1) === 'A' ? 'B' : 'A';
      expectRefused(
        await http()
          .get('/admin/queues')
          .set('cookie', cookie.slice(0, -1) + last),
        401,
        'UNAUTHORIZED',
      );
    });

    it('403 for every role but admin of the installation organisation', async () => {
      for (const role of ['designer', 'operator', 'compliance', 'viewer'] as const) {
        expectRefused(
          await http().get('/admin/queues/api/queues').set('authorization', installation.bearer(role)),
          403,
          'FORBIDDEN',
        );
      }
    });

    it('403 for the admins of another organisation (session or API key)', async () => {
      for (const credential of [other.adminSession(), other.bearer('admin')]) {
        expectRefused(
          await http().get('/admin/queues').set('authorization', credential),
          403,
          'QUEUES_NOT_INSTALLATION_ADMIN',
        );
        expectRefused(
          await http().post('/v1/admin/queues/session').set('authorization', credential),
          403,
          'QUEUES_NOT_INSTALLATION_ADMIN',
        );
        expectRefused(
          await http().get('/v1/admin/queues').set('authorization', credential),
          403,
          'QUEUES_NOT_INSTALLATION_ADMIN',
        );
      }
      expectRefused(await http().post('/v1/admin/queues/session'), 401, 'UNAUTHORIZED');
      expectRefused(
        await http().post('/v1/admin/queues/session').set('authorization', installation.bearer('operator')),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('served to an installation admin', () => {
    it('with a Bearer credential: the page, and its JSON listing every queue with counts', async () => {
      const page = await http().get('/admin/queues').set('authorization', installation.bearer('admin')).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<base href="/admin/queues/"');
      expect(page.text).toContain('Switchboard queues');
      expect(page.headers['cache-control']).toBe('no-store');
      // nothing from another origin (the board links a Google font), never framed
      expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'; .*frame-ancestors 'none'/);

      const api = await http()
        .get('/admin/queues/api/queues')
        .set('authorization', installation.adminSession())
        .expect(200);
      const queues = api.body.queues as Json[];
      expect(queues.map((queue) => String(queue.name)).sort()).toEqual(QUEUES);
      for (const queue of queues) {
        expect(queue.counts).toMatchObject({
          waiting: expect.any(Number),
          delayed: expect.any(Number),
          active: expect.any(Number),
          completed: expect.any(Number),
          failed: expect.any(Number),
        });
      }
      // the Redis panel (BullMQ 6 has no queue.client: the adapter reads the backend's)
      const redis = await http()
        .get('/admin/queues/api/redis/stats')
        .set('authorization', installation.adminSession())
        .expect(200);
      expect(redis.body.version).toMatch(/^\d+\./);
    });

    it('in a browser: the session route sets a sealed cookie that opens the dashboard, and dies with the session', async () => {
      const session = await http()
        .post('/v1/auth/login')
        .send({ email: installation.admin.email, password: installation.admin.password })
        .expect(200);
      const bearer = `Bearer ${session.body.token as string}`;
      const opened = await http().post('/v1/admin/queues/session').set('authorization', bearer).expect(200);
      expect(opened.body).toEqual({ path: '/admin/queues', expiresAt: expect.any(String) });
      const ttl = Date.parse(opened.body.expiresAt as string) - Date.now();
      expect(ttl).toBeGreaterThan(29 * 60_000);
      expect(ttl).toBeLessThanOrEqual(30 * 60_000);
      const line = (opened.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sb_queues='))!;
      expect(line).toMatch(/; Path=\/admin\/queues; Max-Age=1800; HttpOnly; SameSite=Strict$/);
      const cookie = cookieOf(opened);
      // sealed: the credential is not readable in it
      expect(cookie).not.toContain(session.body.token as string);
      expect(Buffer.from(cookie.slice('sb_queues='.length), 'base64url').toString('latin1')).not.toContain('sess_');

      const page = await http().get('/admin/queues').set('cookie', cookie).expect(200);
      expect(page.text).toContain('__UI_CONFIG__');
      await http().get('/admin/queues/static/favicon-32x32.png').set('cookie', cookie).expect(200);
      const api = await http().get('/admin/queues/api/queues').set('cookie', cookie).expect(200);
      expect((api.body.queues as Json[]).length).toBe(QUEUES.length);

      // the cookie is no credential for the rest of the API
      await http().get('/v1/auth/me').set('cookie', cookie).expect(401);

      await http().post('/v1/auth/logout').set('authorization', bearer).expect(204);
      expectRefused(await http().get('/admin/queues').set('cookie', cookie), 401, 'UNAUTHORIZED');

      const closed = await http().delete('/v1/admin/queues/session').expect(204);
      expect((closed.headers['set-cookie'] as unknown as string[])[0]).toMatch(
        /^sb_queues=; Path=\/admin\/queues; Max-Age=0/,
      );
    });

    it('shows job data, logs and names with phone numbers masked', async () => {
      const queue = app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
      // delayed a day: the API's webhook processor leaves it alone during the test
      const job = await queue.add(
        `deliver ${PHONE}`,
        {
          organizationId: other.organizationId,
          endpointId: '6a3c1f0e-8b2d-4e5f-9a1b-2c3d4e5f6a7b',
          messageId: 'msg_masking',
          attempt: 1,
          type: 'call.completed',
          timestamp: new Date().toISOString(),
          data: { to: PHONE, nested: [{ from: '(212) 555-0142' }] },
        },
        { delay: 86_400_000 },
      );
      await job.log(`dialled ${PHONE}`);
      const auth = installation.adminSession();

      const one = await http()
        .get(`/admin/queues/api/queues/webhooks/${job.id!}`)
        .set('authorization', auth)
        .expect(200);
      expect(one.body.job.data.data).toEqual({ to: '+1******0142', nested: [{ from: '+1******0142' }] });
      expect(one.body.job.name).toBe('deliver +1******0142');
      const list = await http()
        .get('/admin/queues/api/queues')
        .query({ activeQueue: 'webhooks', status: 'delayed', jobsPerPage: 50 })
        .set('authorization', auth)
        .expect(200);
      const logs = await http()
        .get(`/admin/queues/api/queues/webhooks/${job.id!}/logs`)
        .set('authorization', auth)
        .expect(200);
      expect(logs.body).toEqual(['dialled +1******0142']);
      for (const text of [one.text, list.text, logs.text]) {
        expect(text).not.toContain('5550142');
        expect(text).not.toContain('555-0142');
      }
      expect(list.text).toContain('msg_masking');

      // still the real job underneath: removing it from the board removes it from Redis
      await http().put(`/admin/queues/api/queues/webhooks/${job.id!}/clean`).set('authorization', auth).expect(204);
      expect(await queue.getJob(job.id!)).toBeUndefined();
    });

    it('a change to the calls queue from the board makes the calls reconciler check every waiting call next', async () => {
      const auth = installation.adminSession();
      const inspector = app.get(CallsQueueInspector);
      const calls = app.get<Queue>(getQueueToken(CALLS_QUEUE));
      const webhooks = app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
      await inspector.writeMarker('done:1');
      const other = await webhooks.add('deliver', { messageId: 'msg_marker' }, { delay: 86_400_000 });
      await http().put(`/admin/queues/api/queues/webhooks/${other.id!}/clean`).set('authorization', auth).expect(204);
      await vi.waitFor(async () => expect(await inspector.readMarker()).toBe('done:1'));

      const job = await calls.add(
        'dial',
        { callId: '00000000-0000-4000-8000-00000000beef', attempt: 1 },
        { delay: 86_400_000 },
      );
      await http().put(`/admin/queues/api/queues/calls/${job.id!}/clean`).set('authorization', auth).expect(204);
      await vi.waitFor(async () => expect(await inspector.readMarker()).toBeNull());
    });

    it('changes from a cookie only from the dashboard itself; adding or editing jobs never; each change in the activity log', async () => {
      const queue = app.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
      const job = await queue.add('deliver', { messageId: 'msg_changes' }, { delay: 86_400_000 });
      const cookie = cookieOf(
        await http().post('/v1/admin/queues/session').set('authorization', installation.adminSession()).expect(200),
      );
      const clean = `/admin/queues/api/queues/webhooks/${job.id!}/clean`;

      expectRefused(await http().put(clean).set('cookie', cookie), 403, 'FORBIDDEN');
      expectRefused(
        await http().put(clean).set('cookie', cookie).set('origin', 'https://evil.example'),
        403,
        'FORBIDDEN',
      );
      expectRefused(await http().put(clean).set('cookie', cookie).set('sec-fetch-site', 'same-site'), 403, 'FORBIDDEN');
      expect(await queue.getJob(job.id!)).toBeDefined();

      expectRefused(
        await http()
          .post('/admin/queues/api/queues/calls/add')
          .set('cookie', cookie)
          .set('sec-fetch-site', 'same-origin')
          .send({ name: 'dial', data: { callId: 'x', attempt: 1 } }),
        405,
        'METHOD_NOT_ALLOWED',
      );
      expectRefused(
        await http()
          .patch(`/admin/queues/api/queues/webhooks/${job.id!}/update-data`)
          .set('authorization', installation.adminSession())
          .send({ jobData: { messageId: 'changed' } }),
        405,
        'METHOD_NOT_ALLOWED',
      );

      await http().put(clean).set('cookie', cookie).set('sec-fetch-site', 'same-origin').expect(204);
      expect(await queue.getJob(job.id!)).toBeUndefined();

      // written once the change has answered
      await vi.waitFor(async () => {
        const activity = await http()
          .get('/v1/activity')
          .query({ limit: 200 })
          .set('authorization', installation.adminSession())
          .expect(200);
        expect((activity.body.items as Json[]).filter((item) => item.action === 'queue.changed')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              subjectType: 'queue',
              subjectId: 'webhooks',
              actor: expect.objectContaining({ kind: 'user', id: installation.admin.userId }),
              details: { method: 'PUT', operation: `webhooks/${job.id!}/clean` },
            }),
          ]),
        );
      });
    });

    it('GET /v1/admin/queues: every queue with counts and the oldest waiting age', async () => {
      const res = await http().get('/v1/admin/queues').set('authorization', installation.bearer('admin')).expect(200);
      expect(res.body.unavailable).toEqual([]);
      expect((res.body.queues as Json[]).map((queue) => String(queue.name))).toEqual(QUEUES);
      for (const queue of res.body.queues as Json[]) {
        expect(queue).toEqual({
          name: expect.any(String),
          counts: {
            waiting: expect.any(Number),
            delayed: expect.any(Number),
            prioritized: expect.any(Number),
            active: expect.any(Number),
            'waiting-children': expect.any(Number),
            paused: 0,
            completed: expect.any(Number),
            failed: expect.any(Number),
          },
          oldestWaitingAgeSeconds: expect.any(Number),
        });
      }
      expectRefused(
        await http().get('/v1/admin/queues').set('authorization', installation.bearer('operator')),
        403,
        'FORBIDDEN',
      );
    });

    it('documents its API routes in the OpenAPI document', async () => {
      const doc = await http().get('/docs-json').expect(200);
      const paths = doc.body.paths as Json;
      expect(paths['/v1/admin/queues/session']).toMatchObject({ post: expect.any(Object), delete: expect.any(Object) });
      expect(paths['/v1/admin/queues']).toMatchObject({ get: expect.any(Object) });
      expect(JSON.stringify(paths['/v1/admin/queues/session'])).toContain('/admin/queues');
    });
  });

  describe('read-only (QUEUES_DASHBOARD_READ_ONLY=true)', () => {
    let readOnly: NestExpressApplication;
    beforeAll(async () => {
      readOnly = await createTestApp({
        env: {
          RATE_LIMIT_PER_MINUTE: '0',
          ADMIN_ORGANIZATION_IDS: installation.organizationId,
          QUEUES_DASHBOARD_READ_ONLY: 'true',
        },
      });
    });
    afterAll(async () => {
      await readOnly?.close();
    });

    it('shows the queues and refuses every change (405), the board hiding its actions', async () => {
      const auth = installation.adminSession();
      const board = await request(readOnly.getHttpServer())
        .get('/admin/queues/api/queues')
        .set('authorization', auth)
        .expect(200);
      for (const queue of board.body.queues as Json[])
        expect(queue).toMatchObject({ readOnlyMode: true, allowRetries: false });
      for (const path of ['/admin/queues/api/queues/pause', '/admin/queues/api/queues/calls/retry/failed']) {
        expectRefused(
          await request(readOnly.getHttpServer()).put(path).set('authorization', auth),
          405,
          'METHOD_NOT_ALLOWED',
        );
      }
    });
  });

  describe('with Redis unreachable', () => {
    let down: NestExpressApplication;
    let closed = false;
    afterAll(async () => {
      if (!closed) await down?.close();
    });
    beforeAll(async () => {
      down = await createTestApp({
        env: {
          REDIS_URL: 'redis://127.0.0.1:1',
          RATE_LIMIT_PER_MINUTE: '0',
          ADMIN_ORGANIZATION_IDS: installation.organizationId,
        },
      });
    });

    it('serves the page, answers its JSON 503 quickly, lists every queue as unavailable, and closes without hanging', async () => {
      const auth = installation.bearer('admin');
      await request(down.getHttpServer()).get('/admin/queues').set('authorization', auth).expect(200);
      const started = Date.now();
      expectRefused(
        await request(down.getHttpServer()).get('/admin/queues/api/queues').set('authorization', auth),
        503,
        'SERVICE_UNAVAILABLE',
      );
      const overview = await request(down.getHttpServer())
        .get('/v1/admin/queues')
        .set('authorization', auth)
        .expect(200);
      expect(overview.body).toEqual({ queues: [], unavailable: QUEUES });
      expect(Date.now() - started).toBeLessThan(5_000);

      const closing = Date.now();
      await down.close();
      closed = true;
      expect(Date.now() - closing).toBeLessThan(5_000);
    });
  });
});
