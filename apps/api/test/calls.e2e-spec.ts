import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallsClock } from '../src/calls/calls.clock.js';
import { CALLS_QUEUE } from '../src/calls/jobs/calls.queue.js';
import { createTenant, ownCallerId, publishedTemplate, recordConsent, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// The API's JSON, navigated freely: the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const WORKER_TOKEN = 'worker-token-for-the-calls-e2e-tests-0123456789';
const CALLER_ID = '+12125550199';
/** the clock of the calls feature in these tests: a Tuesday, 11:00 in New York (EST) */
const NOW = '2026-11-24T16:00:00.000Z';
const VARIABLES = { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' };

describe('calls: POST /v1/calls, reads, cancel and the worker routes', () => {
  let app: NestExpressApplication;
  let queue: Queue;
  let a: TestTenant;
  let b: TestTenant;
  let flowA: string;
  let flowB: string;
  let phoneSeq = 10;

  const http = () => request(app.getHttpServer());
  const worker = `Bearer ${WORKER_TOKEN}`;

  /** a fresh 212 number, so no test sees another's consent, attempts or opt-outs */
  const nextPhone = () => `+1212555${String(1000 + phoneSeq++).slice(-4)}`;

  const consent = (tenant: TestTenant, phone: string) => recordConsent(app, tenant, phone);

  const callBody = (tenant: TestTenant, to: string, extra: Json = {}): Json => ({
    to,
    flowId: tenant === a ? flowA : flowB,
    variables: VARIABLES,
    callerId: CALLER_ID,
    ...extra,
  });

  const place = (
    tenant: TestTenant,
    body: Json,
    key?: string,
    role: Parameters<TestTenant['bearer']>[0] = 'operator',
  ) => {
    const req = http().post('/v1/calls').set('authorization', tenant.bearer(role));
    if (key !== undefined) req.set('idempotency-key', key);
    return req.send(body);
  };

  /** a consented number, called: the call is queued */
  async function queuedCall(tenant: TestTenant = a): Promise<{ id: string; phone: string }> {
    const phone = nextPhone();
    await consent(tenant, phone);
    const res = await place(tenant, callBody(tenant, phone));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).toBe('queued');
    return { id: res.body.id as string, phone };
  }

  const claim = (id: string, attempt = 1, workerId = 'worker-1') =>
    http().post(`/internal/calls/${id}/claim`).set('authorization', worker).send({ attempt, workerId });

  beforeAll(async () => {
    app = await createTestApp({
      env: { WORKER_TOKEN, RATE_LIMIT_PER_MINUTE: '0' },
    });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => new Date(NOW));
    queue = app.get<Queue>(getQueueToken(CALLS_QUEUE));
    [a, b] = await Promise.all([createTenant(app, 'Calls Acme LLC'), createTenant(app, 'Calls Beta Inc')]);
    for (const tenant of [a, b]) await ownCallerId(app, tenant, CALLER_ID);
    [flowA, flowB] = await Promise.all([publishedTemplate(app, a), publishedTemplate(app, b)]);
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  it('ALLOWED: 202 queued, one job with the attempt-derived id and only {callId, attempt}', async () => {
    const phone = nextPhone();
    await consent(a, phone);
    const res = await place(a, callBody(a, phone)).expect(202);
    const id = res.body.id as string;
    expect(res.body).toMatchObject({ status: 'queued', decision: { outcome: 'ALLOWED' }, runAt: NOW });

    const job = await queue.getJob(`call:${id}:1`);
    expect(job?.data).toEqual({ callId: id, attempt: 1 });
    expect(job?.opts.delay ?? 0).toBe(0);

    const asOperator = await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('operator')).expect(200);
    expect(asOperator.body).toMatchObject({
      status: 'queued',
      to: '+1212*****' + phone.slice(-2),
      flowId: flowA,
      flowVersion: 1,
      purpose: 'INFORMATIONAL',
      variables: VARIABLES,
      attempt: 1,
      lastDecision: { outcome: 'ALLOWED' },
    });
    expect(asOperator.body.decisionIds).toHaveLength(1);
    const asCompliance = await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('compliance')).expect(200);
    expect(asCompliance.body.to).toBe(phone);

    const list = await http()
      .get('/v1/calls?status=queued&limit=1')
      .set('authorization', a.bearer('viewer'))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].to).toMatch(/\*/);
    expect(typeof list.body.nextCursor === 'string' || list.body.nextCursor === null).toBe(true);
  });

  it('idempotency: the same key and body → the same call (200); another body → 409; keys are per organisation', async () => {
    const phone = nextPhone();
    await consent(a, phone);
    const key = `key-${phone}`;
    const first = await place(a, callBody(a, phone), key).expect(202);
    const again = await place(a, callBody(a, phone), key).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.status).toBe('queued');

    const other = await place(a, callBody(a, phone, { subject: 'another' }), key).expect(409);
    expect(other.body.error.code).toBe('CALL_IDEMPOTENCY_CONFLICT');
    expect(other.body.error.details[0].path).toBe('headers.idempotency-key');

    // the other organisation's identical key is its own
    const elsewhere = await place(b, callBody(b, phone), key).expect(202);
    expect(elsewhere.body.id).not.toBe(first.body.id);

    // kept 24 h: once expired, the key is free for another body
    await app
      .get(DataSource)
      .query(
        `UPDATE call_idempotency_keys SET expires_at = now() - interval '1 second' WHERE organization_id = $1 AND key = $2`,
        [a.organizationId, key],
      );
    const reused = await place(a, callBody(a, phone, { subject: 'another' }), key).expect(202);
    expect(reused.body.id).not.toBe(first.body.id);

    // a request refused for bad input does not burn its key
    const badKey = `bad-${phone}`;
    await place(a, callBody(a, 'not a number'), badKey).expect(400);
    await place(a, callBody(a, phone, { subject: 'fixed' }), badKey).expect(202);

    // a used key is answered before the body is judged: the same body replays its call even once
    // the flow is gone, another body is a conflict whatever is wrong with it
    const flowId = await publishedTemplate(app, a);
    const usedKey = `used-${phone}`;
    const placed = await place(a, callBody(a, phone, { flowId }), usedKey).expect(202);
    await http().delete(`/v1/flows/${flowId}`).set('authorization', a.bearer('designer')).expect(204);
    const replayed = await place(a, callBody(a, phone, { flowId }), usedKey).expect(200);
    expect(replayed.body.id).toBe(placed.body.id);
    const conflict = await place(a, callBody(a, phone, { flowId, version: 99 }), usedKey).expect(409);
    expect(conflict.body.error.code).toBe('CALL_IDEMPOTENCY_CONFLICT');
    await place(a, callBody(a, phone, { flowId }), `fresh-${phone}`).expect(404);
  });

  it('BLOCKED (no consent): 202 blocked with the decision, nothing in the queue', async () => {
    const res = await place(a, callBody(a, nextPhone())).expect(202);
    expect(res.body.status).toBe('blocked');
    expect(res.body.decision.outcome).toBe('BLOCKED_NO_CONSENT');
    expect(res.body.runAt).toBeNull();
    expect(await queue.getJob(`call:${res.body.id as string}:1`)).toBeUndefined();
    const call = await http()
      .get(`/v1/calls/${res.body.id as string}`)
      .set('authorization', a.bearer('operator'));
    expect(call.body.status).toBe('blocked');
  });

  it('DEFERRED (outside the window): status scheduled, a delayed job at nextAllowedAt', async () => {
    const phone = nextPhone();
    await consent(a, phone);
    // 22:00 in New York: the next allowed instant is 08:00 there
    const res = await place(a, callBody(a, phone, { scheduleAt: '2026-11-25T03:00:00Z' })).expect(202);
    expect(res.body.status).toBe('scheduled');
    expect(res.body.decision.outcome).toBe('DEFERRED');
    const nextAllowedAt = res.body.decision.nextAllowedAt as string;
    expect(new Date(nextAllowedAt).toISOString()).toBe('2026-11-25T13:00:00.000Z');
    const job = await queue.getJob(`call:${res.body.id as string}:1`);
    expect(job?.opts.delay).toBe(Date.parse(nextAllowedAt) - Date.parse(NOW));
    expect(await job?.getState()).toBe('delayed');
  });

  it('ALLOWED with scheduleAt in the future: scheduled, delayed to scheduleAt', async () => {
    const phone = nextPhone();
    await consent(a, phone);
    const scheduleAt = '2026-11-24T18:30:00.000Z';
    const res = await place(a, callBody(a, phone, { scheduleAt })).expect(202);
    expect(res.body).toMatchObject({ status: 'scheduled', runAt: scheduleAt });
    const job = await queue.getJob(`call:${res.body.id as string}:1`);
    expect(job?.opts.delay).toBe(Date.parse(scheduleAt) - Date.parse(NOW));
  });

  it('bad input is a 4xx naming the field, and creates nothing', async () => {
    const phone = nextPhone();
    const before = await http().get('/v1/calls?limit=200').set('authorization', a.bearer('admin')).expect(200);

    const badNumber = await place(a, callBody(a, '12345')).expect(400);
    expect(badNumber.body.error.details[0].path).toBe('body.to');
    const badCaller = await place(a, callBody(a, phone, { callerId: 'nope' })).expect(400);
    expect(badCaller.body.error.details[0].path).toBe('body.callerId');

    const unknownFlow = await place(a, callBody(a, phone, { flowId: '00000000-0000-4000-8000-000000000000' })).expect(
      404,
    );
    expect(unknownFlow.body.error).toMatchObject({ code: 'CALL_FLOW_NOT_FOUND', details: [{ path: 'body.flowId' }] });
    // another organisation's flow does not exist for the caller
    await place(a, callBody(a, phone, { flowId: flowB })).expect(404);
    const unknownVersion = await place(a, callBody(a, phone, { version: 9 })).expect(404);
    expect(unknownVersion.body.error.details[0].path).toBe('body.version');

    const missing = await place(a, callBody(a, phone, { variables: {} })).expect(422);
    expect(missing.body.error.code).toBe('CALL_INVALID_VARIABLES');
    expect((missing.body.error.details as Json[]).map((d) => d.path as string).sort()).toEqual([
      'body.variables.appointment_at',
      'body.variables.first_name',
    ]);
    const wrongType = await place(
      a,
      callBody(a, phone, { variables: { first_name: 42, appointment_at: 'tomorrow', shoe_size: 9 } }),
    ).expect(422);
    expect(wrongType.body.error.details).toEqual([
      { path: 'body.variables.first_name', message: expect.stringContaining('must be a string') },
      { path: 'body.variables.appointment_at', message: expect.stringContaining('ISO 8601') },
      { path: 'body.variables.shoe_size', message: expect.stringContaining('no input variable') },
    ]);

    const past = await place(a, callBody(a, phone, { scheduleAt: '2026-11-24T15:59:00Z' })).expect(400);
    expect(past.body.error.details[0].path).toBe('body.scheduleAt');
    const notADate = await place(a, callBody(a, phone, { scheduleAt: 'soon' })).expect(400);
    expect(notADate.body.error.details[0].path).toContain('scheduleAt');
    const unknownField = await place(a, callBody(a, phone, { priority: 'high' })).expect(400);
    expect(JSON.stringify(unknownField.body.error.details)).toContain('priority');
    const badKey = await place(a, callBody(a, phone), 'x'.repeat(300)).expect(400);
    expect(badKey.body.error.details[0].path).toBe('headers.idempotency-key');

    const after = await http().get('/v1/calls?limit=200').set('authorization', a.bearer('admin')).expect(200);
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('cancel: a queued call → cancelled and its job removed; again → 409; a call being dialled → 409', async () => {
    const { id } = await queuedCall();
    expect(await queue.getJob(`call:${id}:1`)).toBeDefined();
    const cancelled = await http()
      .post(`/v1/calls/${id}/cancel`)
      .set('authorization', a.bearer('operator'))
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await queue.getJob(`call:${id}:1`)).toBeUndefined();
    const again = await http().post(`/v1/calls/${id}/cancel`).set('authorization', a.bearer('operator')).expect(409);
    expect(again.body.error.code).toBe('CALL_NOT_CANCELLABLE');
    const refused = await claim(id).expect(409);
    expect(refused.body.error.code).toBe('CALL_CANCELLED');

    const dialling = await queuedCall();
    await claim(dialling.id).expect(200);
    const busy = await http()
      .post(`/v1/calls/${dialling.id}/cancel`)
      .set('authorization', a.bearer('operator'))
      .expect(409);
    expect(busy.body.error.code).toBe('CALL_NOT_CANCELLABLE');
  });

  it('the claim is a lease: two concurrent claims → one 200, one 409; it answers the pinned flow', async () => {
    const { id, phone } = await queuedCall();
    const results = await Promise.all([claim(id, 1, 'worker-1'), claim(id, 1, 'worker-2')]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const won = results.find((r) => r.status === 200)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.error.code).toBe('CALL_ALREADY_CLAIMED');
    expect(won.body).toMatchObject({
      id,
      attempt: 1,
      to: phone,
      variables: VARIABLES,
      decision: { outcome: 'ALLOWED' },
    });
    expect(won.body.flow.meta.name).toBe('Appointment reminder');
    expect(Date.parse(won.body.leaseUntil as string)).toBeGreaterThan(Date.now());
    // a later claim of the same attempt is refused too, and a wrong attempt number is never claimable
    expect((await claim(id)).status).toBe(409);
    const other = await queuedCall();
    expect((await claim(other.id, 2)).body.error.code).toBe('CALL_ALREADY_CLAIMED');

    const call = await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('operator')).expect(200);
    expect(call.body.status).toBe('dialing');
    expect(call.body.decisionIds).toHaveLength(2);
  });

  it('the claim re-runs the gate: consent revoked after queuing → 409 CALL_BLOCKED, the call ends blocked', async () => {
    const { id, phone } = await queuedCall();
    await http()
      .post('/v1/revocations')
      .set('authorization', a.bearer('operator'))
      .send({ phone, channel: 'sms', words: 'STOP', receivedAt: '2026-11-24T15:00:00Z' })
      .expect(201);
    const res = await claim(id).expect(409);
    expect(res.body.error.code).toBe('CALL_BLOCKED');
    expect(res.body.error.details[0]).toEqual({ path: 'decision.outcome', message: 'BLOCKED_CONSENT_REVOKED' });
    const call = await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('operator')).expect(200);
    expect(call.body).toMatchObject({ status: 'blocked', lastDecision: { outcome: 'BLOCKED_CONSENT_REVOKED' } });
    expect(call.body.decisionIds).toHaveLength(2);
  });

  it('events (idempotent by seq), an opt-out that blocks the next call, and completion', async () => {
    const { id, phone } = await queuedCall();
    await claim(id).expect(200);
    const events = [
      { seq: 0, type: 'call.started', at: NOW, answeredBy: 'human' },
      { seq: 1, type: 'node.entered', at: NOW, nodeId: 'greet', nodeType: 'say' },
      { seq: 2, type: 'callee.said', at: NOW, nodeId: 'greet', text: 'stop calling me' },
    ];
    const sent = await http()
      .post(`/internal/calls/${id}/events`)
      .set('authorization', worker)
      .send({ events })
      .expect(200);
    expect(sent.body).toEqual({ accepted: 3, lastSeq: 2 });
    const resent = await http()
      .post(`/internal/calls/${id}/events`)
      .set('authorization', worker)
      .send({ events: [...events, { seq: 3, type: 'opted_out', at: NOW, nodeId: 'greet', channel: 'voice' }] })
      .expect(200);
    expect(resent.body).toEqual({ accepted: 1, lastSeq: 3 });

    const optOut = await http()
      .post(`/internal/calls/${id}/opt-out`)
      .set('authorization', worker)
      .send({ channel: 'voice', words: 'stop calling me' })
      .expect(200);
    expect(optOut.body.revocationId).toEqual(expect.any(String));

    // the next call to that number is blocked by the internal DNC entry
    const next = await place(a, callBody(a, phone)).expect(202);
    expect(next.body).toMatchObject({ status: 'blocked', decision: { outcome: 'BLOCKED_DNC_INTERNAL' } });

    const done = await http()
      .post(`/internal/calls/${id}/complete`)
      .set('authorization', worker)
      .send({
        disposition: 'opted_out',
        path: ['greet', 'opt_out'],
        transcript: [{ role: 'agent', text: 'Hi' }],
        variables: { confirmed: false },
      })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed', disposition: 'opted_out', path: ['greet', 'opt_out'] });
    const call = await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('operator')).expect(200);
    expect(call.body.events).toHaveLength(4);
    expect(call.body.variables).toEqual({ ...VARIABLES, confirmed: false });
    expect(call.body.completedAt).toEqual(expect.any(String));

    const twice = await http()
      .post(`/internal/calls/${id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'completed' })
      .expect(409);
    expect(twice.body.error.code).toBe('CALL_NOT_CLAIMED');
    await http().post(`/internal/calls/${id}/events`).set('authorization', worker).send({ events }).expect(409);
  });

  it('a simulation script given at creation is handed to the worker by the claim (absent otherwise)', async () => {
    const phone = nextPhone();
    await consent(a, phone);
    const simulation = { answeredBy: 'human', callee: ['take me off your list', { dtmf: '9' }, { silence: true }] };
    const res = await place(a, callBody(a, phone, { simulation }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const claimed = await claim(res.body.id as string).expect(200);
    expect(claimed.body.simulation).toEqual(simulation);

    const { id } = await queuedCall();
    expect((await claim(id).expect(200)).body.simulation).toBeUndefined();

    const bad = await place(a, callBody(a, nextPhone(), { simulation: { callee: [{ dtmf: 'x' }] } }));
    expect(bad.status).toBe(400);
  });

  it('a no-answer disposition ends the call no_answer', async () => {
    const { id } = await queuedCall();
    await claim(id).expect(200);
    const done = await http()
      .post(`/internal/calls/${id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'no_answer' })
      .expect(200);
    expect(done.body.status).toBe('no_answer');
  });

  it("keeps the flow's own disposition; the outcome sets the status", async () => {
    const { id } = await queuedCall();
    await claim(id).expect(200);
    const done = await http()
      .post(`/internal/calls/${id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'confirmed', outcome: 'completed' })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed', disposition: 'confirmed' });

    const other = await queuedCall();
    await claim(other.id).expect(200);
    await http()
      .post(`/internal/calls/${other.id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'left_voicemail', outcome: 'voicemail' })
      .expect(200)
      .then((res) => expect(res.body).toMatchObject({ status: 'voicemail', disposition: 'left_voicemail' }));
    const bad = await queuedCall();
    await claim(bad.id).expect(200);
    await http()
      .post(`/internal/calls/${bad.id}/complete`)
      .set('authorization', worker)
      .send({ disposition: 'Not A Disposition' })
      .expect(400);
  });

  it('internal routes take the worker token only; public routes refuse it', async () => {
    const { id } = await queuedCall();
    for (const path of ['claim', 'events', 'opt-out', 'complete']) {
      await http().post(`/internal/calls/${id}/${path}`).set('authorization', a.bearer('admin')).send({}).expect(401);
      await http().post(`/internal/calls/${id}/${path}`).send({}).expect(401);
    }
    await http().get(`/v1/calls/${id}`).set('authorization', worker).expect(401);
    await http().post('/v1/calls').set('authorization', worker).send(callBody(a, nextPhone())).expect(401);
    await claim('00000000-0000-4000-8000-000000000000').expect(404);
    const badBody = await http()
      .post(`/internal/calls/${id}/claim`)
      .set('authorization', worker)
      .send({ attempt: 0 })
      .expect(400);
    expect(JSON.stringify(badBody.body.error.details)).toContain('workerId');
  });

  it('roles: calls:write for admin and operator; calls:read for viewer and compliance', async () => {
    const { id } = await queuedCall();
    for (const role of ['viewer', 'compliance', 'designer'] as const) {
      await place(a, callBody(a, nextPhone()), undefined, role).expect(403);
      await http().post(`/v1/calls/${id}/cancel`).set('authorization', a.bearer(role)).expect(403);
    }
    await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('designer')).expect(403);
    for (const role of ['viewer', 'compliance', 'operator', 'admin'] as const) {
      await http().get(`/v1/calls/${id}`).set('authorization', a.bearer(role)).expect(200);
    }
    await place(a, callBody(a, nextPhone()), undefined, 'admin').expect(202);
  });

  it("tenant isolation: another organisation's call is a 404 and never listed", async () => {
    const { id } = await queuedCall(a);
    await http().get(`/v1/calls/${id}`).set('authorization', b.bearer('admin')).expect(404);
    await http().post(`/v1/calls/${id}/cancel`).set('authorization', b.bearer('admin')).expect(404);
    const list = await http().get('/v1/calls?limit=200').set('authorization', b.bearer('admin')).expect(200);
    expect((list.body.items as Json[]).some((call) => call.id === id)).toBe(false);
    await http().get(`/v1/calls/${id}`).set('authorization', a.bearer('admin')).expect(200);
  });

  it('every calls route is in the OpenAPI document', async () => {
    const doc = await http().get('/docs-json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, Json>>;
    expect(Object.keys(paths['/v1/calls'] ?? {}).sort()).toEqual(['get', 'post']);
    for (const path of [
      '/v1/calls/{id}',
      '/v1/calls/{id}/cancel',
      '/internal/calls/{id}/claim',
      '/internal/calls/{id}/complete',
    ]) {
      expect(paths[path], path).toBeDefined();
    }
  });
});
