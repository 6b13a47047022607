import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallsClock } from '../src/calls/calls.clock.js';
import { consentEvidence, createTenant, ownCallerId, publishedTemplate, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const WORKER_TOKEN = 'worker-token-for-the-webhooks-e2e-tests-0123456789';
const CALLER_ID = '+12125550199';
const NOW = '2026-11-24T16:00:00.000Z';
const DISCLOSURE =
  'By clicking Submit I agree that Acme may call me at the number above with artificial or prerecorded voice calls. Consent is not a condition of purchase.';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver on 127.0.0.1:0 answering with the next status of `statuses` (then the last one). */
class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  private waiters: Array<() => void> = [];

  constructor(private readonly statuses: number[] = [200]) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = this.statuses[Math.min(this.received.length, this.statuses.length - 1)] ?? 200;
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(status).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** resolves once `count` requests have arrived (the test's own timeout bounds it) */
  async waitFor(count: number): Promise<Received[]> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('webhooks: /v1/webhooks, signed deliveries, retries and the log', () => {
  let app: NestExpressApplication;
  let a: TestTenant;
  let b: TestTenant;
  let flowA: string;
  const receivers: Receiver[] = [];
  const http = () => request(app.getHttpServer());
  const worker = `Bearer ${WORKER_TOKEN}`;

  async function receiver(statuses?: number[]): Promise<{ receiver: Receiver; url: string }> {
    const r = new Receiver(statuses);
    receivers.push(r);
    return { receiver: r, url: await r.start() };
  }

  const register = (tenant: TestTenant, body: Json, role: Parameters<TestTenant['bearer']>[0] = 'admin') =>
    http().post('/v1/webhooks').set('authorization', tenant.bearer(role)).send(body);

  const deliveries = async (tenant: TestTenant, id: string): Promise<Json[]> =>
    (await http().get(`/v1/webhooks/${id}/deliveries`).set('authorization', tenant.bearer('admin')).expect(200)).body
      .items as Json[];

  beforeAll(async () => {
    process.env.WEBHOOK_RETRY_DELAYS_MS = '50,50';
    app = await createTestApp({ env: { WORKER_TOKEN, RATE_LIMIT_PER_MINUTE: '0' } });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => new Date(NOW));
    [a, b] = await Promise.all([createTenant(app, 'Hooks Acme LLC'), createTenant(app, 'Hooks Beta Inc')]);
    await ownCallerId(app, a, CALLER_ID);
    flowA = await publishedTemplate(app, a);
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    delete process.env.WEBHOOK_RETRY_DELAYS_MS;
    await app?.close();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('creates an endpoint: the whsec_ secret is shown once, never listed', async () => {
    const res = await register(a, {
      url: 'https://hooks.invalid/switchboard',
      events: ['call.completed'],
      description: 'CRM',
    }).expect(201);
    expect(res.body).toMatchObject({
      url: 'https://hooks.invalid/switchboard',
      events: ['call.completed'],
      description: 'CRM',
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const list = await http().get('/v1/webhooks').set('authorization', a.bearer('admin')).expect(200);
    const listed = (list.body.items as Json[]).find((item) => item.id === res.body.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret as string);
  });

  it('bad input is a 400 naming the field', async () => {
    const ftp = await register(a, { url: 'ftp://hooks.example/x', events: ['call.completed'] }).expect(400);
    expect(JSON.stringify(ftp.body.error.details)).toContain('url');
    const events = await register(a, { url: 'https://hooks.invalid/x', events: ['call.exploded'] }).expect(400);
    expect(JSON.stringify(events.body.error.details)).toContain('events');
    const extra = await register(a, { url: 'https://hooks.invalid/x', events: ['call.completed'], x: 1 }).expect(400);
    expect(extra.body.error.code).toBeDefined();
  });

  it('roles: webhooks:manage (admin, operator) only', async () => {
    await register(a, { url: 'https://hooks.invalid/o', events: ['call.failed'] }, 'operator').expect(201);
    await register(a, { url: 'https://hooks.invalid/v', events: ['call.failed'] }, 'viewer').expect(403);
    await register(a, { url: 'https://hooks.invalid/d', events: ['call.failed'] }, 'designer').expect(403);
    await http().get('/v1/webhooks').set('authorization', a.bearer('viewer')).expect(403);
    await http()
      .post('/v1/webhooks')
      .send({ url: 'https://hooks.invalid/x', events: ['call.failed'] })
      .expect(401);
  });

  it("tenant isolation: another organisation's endpoint is a 404 and is never listed", async () => {
    const own = await register(a, { url: 'https://hooks.invalid/a', events: ['call.completed'] }).expect(201);
    const id = own.body.id as string;
    await http().get(`/v1/webhooks/${id}/deliveries`).set('authorization', b.bearer('admin')).expect(404);
    await http().delete(`/v1/webhooks/${id}`).set('authorization', b.bearer('admin')).expect(404);
    const list = await http().get('/v1/webhooks').set('authorization', b.bearer('admin')).expect(200);
    expect((list.body.items as Json[]).map((item): unknown => item.id)).not.toContain(id);
  });

  it('a call blocked by the schedule-time gate emits call.blocked to the endpoints subscribed to it', async () => {
    const { receiver: blocked, url } = await receiver([200]);
    const hook = await register(a, { url, events: ['call.blocked'] }).expect(201);
    const placed = await http()
      .post('/v1/calls')
      .set('authorization', a.bearer('operator'))
      .send({
        to: '+12125559876',
        flowId: flowA,
        callerId: CALLER_ID,
        variables: { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' },
      });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    expect(placed.body.status).toBe('blocked');
    const [event] = await blocked.waitFor(1);
    const verified = new Webhook(hook.body.secret as string).verify(event!.body, {
      'webhook-id': String(event!.headers['webhook-id']),
      'webhook-timestamp': String(event!.headers['webhook-timestamp']),
      'webhook-signature': String(event!.headers['webhook-signature']),
    }) as Json;
    expect(verified).toMatchObject({ type: 'call.blocked', data: { callId: placed.body.id as string } });
    expect(event!.body).not.toContain('9876');
  }, 30_000);

  it('a completed call is delivered signed (Standard Webhooks), retried after a 500, both attempts logged', async () => {
    const { receiver: ok, url: okUrl } = await receiver([200]);
    const { receiver: flaky, url: flakyUrl } = await receiver([500, 200]);
    const { receiver: gone, url: goneUrl } = await receiver([200]);
    const okHook = await register(a, { url: okUrl, events: ['call.completed'] }).expect(201);
    const flakyHook = await register(a, { url: flakyUrl, events: ['call.completed'] }).expect(201);
    const goneHook = await register(a, { url: goneUrl, events: ['call.completed'] }).expect(201);
    // another tenant's endpoint never sees A's events
    const { receiver: other, url: otherUrl } = await receiver([200]);
    await register(b, { url: otherUrl, events: ['call.completed'] }).expect(201);
    await http()
      .delete(`/v1/webhooks/${goneHook.body.id as string}`)
      .set('authorization', a.bearer('admin'))
      .expect(204);

    const phone = '+12125551234';
    await http()
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(
        consentEvidence(a, phone, {
          disclosureText: DISCLOSURE,
          scope: 'appointment reminders by artificial-voice calls',
          certificateUrl: 'https://cert.example/abc',
        }),
      )
      .expect(201);
    const placed = await http()
      .post('/v1/calls')
      .set('authorization', a.bearer('operator'))
      .send({
        to: phone,
        flowId: flowA,
        callerId: CALLER_ID,
        variables: { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' },
      });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const callId = placed.body.id as string;
    await http()
      .post(`/internal/calls/${callId}/claim`)
      .set('authorization', worker)
      .send({ attempt: 1, workerId: 'worker-1' })
      .expect(200);
    await http()
      .post(`/internal/calls/${callId}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'completed' })
      .expect(200);

    const [delivered] = await ok.waitFor(1);
    const verified = new Webhook(okHook.body.secret as string).verify(delivered!.body, {
      'webhook-id': String(delivered!.headers['webhook-id']),
      'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
      'webhook-signature': String(delivered!.headers['webhook-signature']),
    }) as Json;
    expect(verified).toMatchObject({
      type: 'call.completed',
      timestamp: expect.any(String),
      data: { callId, status: 'completed', disposition: 'completed' },
    });
    expect(() =>
      new Webhook(flakyHook.body.secret as string).verify(delivered!.body, {
        'webhook-id': String(delivered!.headers['webhook-id']),
        'webhook-timestamp': String(delivered!.headers['webhook-timestamp']),
        'webhook-signature': String(delivered!.headers['webhook-signature']),
      }),
    ).toThrow();

    const attempts = await flaky.waitFor(2);
    expect(attempts[0]!.headers['webhook-id']).toBe(attempts[1]!.headers['webhook-id']);
    let log: Json[] = [];
    await vi.waitFor(
      async () => {
        log = await deliveries(a, flakyHook.body.id as string);
        expect(log).toHaveLength(2);
      },
      { timeout: 10_000, interval: 100 },
    );
    const byAttempt = [...log].sort((x, y) => (x.attempt as number) - (y.attempt as number));
    expect(byAttempt[0]).toMatchObject({
      event: 'call.completed',
      attempt: 1,
      statusCode: 500,
      success: false,
      error: 'HTTP 500',
      nextRetryAt: expect.any(String),
    });
    expect(byAttempt[1]).toMatchObject({ attempt: 2, statusCode: 200, success: true, error: null, nextRetryAt: null });

    // the deleted endpoint and the other tenant's received nothing
    expect(gone.received).toHaveLength(0);
    expect(other.received).toHaveLength(0);
  }, 30_000);
});
