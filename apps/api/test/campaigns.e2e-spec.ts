import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallLifecycle } from '../src/calls/call-lifecycle.js';
import { CallsClock } from '../src/calls/calls.clock.js';
import { CallsRepository } from '../src/calls/calls.repository.js';
import { CALLS_QUEUE } from '../src/calls/jobs/calls.queue.js';
import { WebhooksService } from '../src/webhooks/webhooks.service.js';
import { createTenant, ownCallerId, publishedTemplate, recordConsent, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

type Json = Record<string, unknown>;

const WORKER_TOKEN = 'worker-token-for-the-campaigns-e2e-tests-0123456789';
const CALLER_ID = '+12125550199';
/** a Tuesday, 11:00 in New York (EST, UTC−5), 08:00 in Los Angeles */
const NOW = '2026-11-24T16:00:00.000Z';
const VARIABLES = { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' };
const MINUTE = 60_000;

describe('campaigns: /v1/campaigns, contacts, planning, pacing, retries', () => {
  let app: NestExpressApplication;
  let queue: Queue;
  let db: DataSource;
  let a: TestTenant;
  let b: TestTenant;
  let flowA: string;
  let flowB: string;
  let now = new Date(NOW);
  let phoneSeq = 0;
  const emitted: Array<{ organizationId: string; type: string; data: Json }> = [];

  const http = () => request(app.getHttpServer());
  const worker = `Bearer ${WORKER_TOKEN}`;
  /** a fresh New York number, so no test sees another's consent, attempts or opt-outs */
  const nextPhone = (area = '212') => `+1${area}555${String(2000 + phoneSeq++).padStart(4, '0')}`;

  const consent = (tenant: TestTenant, phone: string) => recordConsent(app, tenant, phone);

  async function consentedPhones(n: number, area = '212', tenant: TestTenant = a): Promise<string[]> {
    const phones = Array.from({ length: n }, () => nextPhone(area));
    for (const phone of phones) await consent(tenant, phone);
    return phones;
  }

  const campaignBody = (extra: Json = {}): Json => ({
    name: 'November reminders',
    flowId: flowA,
    callerId: CALLER_ID,
    pacing: { maxConcurrent: 10, perMinute: 60 },
    variables: { appointment_at: VARIABLES.appointment_at },
    ...extra,
  });

  async function createCampaign(extra: Json = {}, tenant: TestTenant = a): Promise<string> {
    const res = await http()
      .post('/v1/campaigns')
      .set('authorization', tenant.bearer('operator'))
      .send(campaignBody({ ...(tenant === b ? { flowId: flowB } : {}), ...extra }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  const addJson = (id: string, contacts: Json[], tenant: TestTenant = a) =>
    http().post(`/v1/campaigns/${id}/contacts`).set('authorization', tenant.bearer('operator')).send({ contacts });

  const addCsv = (id: string, csv: string, query = '') =>
    http()
      .post(`/v1/campaigns/${id}/contacts${query}`)
      .set('authorization', a.bearer('operator'))
      .set('content-type', 'text/csv')
      .send(csv);

  const action = (id: string, verb: string, tenant: TestTenant = a) =>
    http().post(`/v1/campaigns/${id}/${verb}`).set('authorization', tenant.bearer('operator')).send();

  type CampaignBody = Json & { counters: Record<string, unknown> };
  const getCampaign = async (id: string): Promise<CampaignBody> =>
    (await http().get(`/v1/campaigns/${id}`).set('authorization', a.bearer('viewer')).expect(200)).body as CampaignBody;

  async function contactsOf(id: string, state?: string): Promise<Json[]> {
    const res = await http()
      .get(`/v1/campaigns/${id}/contacts?limit=200${state ? `&state=${state}` : ''}`)
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    return res.body.items as Json[];
  }

  async function callsOf(id: string): Promise<Json[]> {
    const res = await http().get(`/v1/campaigns/${id}/calls?limit=200`).set('authorization', a.bearer('compliance'));
    expect(res.status).toBe(200);
    return res.body.items as Json[];
  }

  const claim = (id: string, attempt = 1, workerId = 'worker-1') =>
    http().post(`/internal/calls/${id}/claim`).set('authorization', worker).send({ attempt, workerId });

  const complete = (id: string, disposition: string) =>
    http().post(`/internal/calls/${id}/complete`).set('authorization', worker).send({ disposition });

  const campaignRows = async (tenant: TestTenant): Promise<number> =>
    Number(
      (
        await db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM campaigns WHERE organization_id = $1`, [
          tenant.organizationId,
        ])
      )[0]?.n,
    );

  beforeAll(async () => {
    app = await createTestApp({ env: { WORKER_TOKEN, RATE_LIMIT_PER_MINUTE: '0' } });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => now);
    const webhooks = app.get(WebhooksService);
    const emit = webhooks.emit.bind(webhooks);
    vi.spyOn(webhooks, 'emit').mockImplementation(async (organizationId, type, data) => {
      emitted.push({ organizationId, type, data });
      await emit(organizationId, type, data);
    });
    queue = app.get<Queue>(getQueueToken(CALLS_QUEUE));
    db = app.get(DataSource);
    [a, b] = await Promise.all([createTenant(app, 'Campaigns Acme LLC'), createTenant(app, 'Campaigns Beta Inc')]);
    for (const tenant of [a, b]) await ownCallerId(app, tenant, CALLER_ID);
    [flowA, flowB] = await Promise.all([publishedTemplate(app, a), publishedTemplate(app, b)]);
  }, 60_000);

  beforeEach(() => {
    now = new Date(NOW);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  it('create: 201 draft with the pinned version; every bad input is a 4xx naming the field and creates nothing', async () => {
    const created = await http()
      .post('/v1/campaigns')
      .set('authorization', a.bearer('operator'))
      .send(
        campaignBody({
          window: { start: '09:00', end: '17:00' },
          retry: { maxAttempts: 3, on: ['no_answer'] },
          endAt: '2026-12-01T00:00:00Z',
        }),
      )
      .expect(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      flowId: flowA,
      flowVersion: 1,
      purpose: 'INFORMATIONAL',
      callerId: CALLER_ID,
      window: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '09:00', end: '17:00' },
      pacing: { maxConcurrent: 10, perMinute: 60 },
      retry: { maxAttempts: 3, minGapMinutes: 60, on: ['no_answer'] },
      endAt: '2026-12-01T00:00:00.000Z',
      counters: { contacts: 0, pending: 0 },
    });

    const before = await campaignRows(a);
    const unpublished = await http()
      .post('/v1/flows')
      .set('authorization', a.bearer('designer'))
      .send({ templateId: 'appointment-reminder' })
      .expect(201);
    const cases: Array<[Json, number, string]> = [
      [{ flowId: '00000000-0000-4000-8000-000000000000' }, 404, 'body.flowId'],
      [{ flowId: flowB }, 404, 'body.flowId'],
      [{ flowId: unpublished.body.id }, 422, 'body.version'],
      [{ version: 9 }, 422, 'body.version'],
      [{ startAt: '2026-11-25T10:00:00Z', endAt: '2026-11-25T09:00:00Z' }, 400, 'body.endAt'],
      [{ startAt: '2026-11-25T10:00:00Z', endAt: '2026-11-25T10:00:00Z' }, 400, 'body.endAt'],
      [{ endAt: '2026-11-20T10:00:00Z' }, 400, 'body.endAt'],
      [{ window: { start: '17:00', end: '09:00' } }, 400, 'body.window.end'],
      [{ window: { start: '9am', end: '17:00' } }, 400, 'body.window.start'],
      [{ window: { days: ['mon', 'funday'], start: '09:00', end: '17:00' } }, 400, 'body.window.days.1'],
      [{ callerId: 'nope' }, 400, 'body.callerId'],
      [{ pacing: { maxConcurrent: 0, perMinute: 10 } }, 400, 'body.pacing.maxConcurrent'],
      [{ pacing: { maxConcurrent: 1 } }, 400, 'body.pacing.perMinute'],
      [{ retry: { maxAttempts: 11 } }, 400, 'body.retry.maxAttempts'],
      [{ retry: { on: ['completed'] } }, 400, 'body.retry.on.0'],
      [{ startAt: 'tomorrow' }, 400, 'body.startAt'],
      [{ variables: { appointment_at: 'next week' } }, 422, 'body.variables.appointment_at'],
      [{ variables: { shoe_size: 42 } }, 422, 'body.variables.shoe_size'],
      [{ name: '' }, 400, 'body.name'],
    ];
    for (const [extra, status, path] of cases) {
      const res = await http()
        .post('/v1/campaigns')
        .set('authorization', a.bearer('operator'))
        .send(campaignBody(extra));
      expect(res.status, `${JSON.stringify(extra)} → ${JSON.stringify(res.body)}`).toBe(status);
      expect(
        (res.body.error.details as Json[]).map((d) => d.path),
        JSON.stringify(extra),
      ).toContain(path);
    }
    expect(await campaignRows(a)).toBe(before);

    // an operator reads the organisation's own caller ids whole: it must send one to create a campaign
    const callerIds = await http().get('/v1/caller-ids').set('authorization', a.bearer('operator')).expect(200);
    expect((callerIds.body.items as Json[]).map((c) => c.phone)).toEqual([CALLER_ID]);

    // a viewer reads but does not create
    await http().post('/v1/campaigns').set('authorization', a.bearer('viewer')).send(campaignBody()).expect(403);
    // two campaigns, one page each
    await http().post('/v1/campaigns').set('authorization', a.bearer('operator')).send(campaignBody()).expect(201);
    const list = await http().get('/v1/campaigns?limit=1').set('authorization', a.bearer('viewer')).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const next = await http()
      .get(`/v1/campaigns?limit=1&cursor=${list.body.nextCursor as string}`)
      .set('authorization', a.bearer('viewer'))
      .expect(200);
    expect(next.body.items[0]?.id).not.toBe(list.body.items[0].id);
  });

  it('a campaign may not run an informational flow as telemarketing when the flow lacks what that needs', async () => {
    // the reminder without its press-9 opt-out: fine for reminders, not for telemarketing
    const document = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../../flows/appointment-reminder.flow.json', import.meta.url)), 'utf8'),
    ) as { globals: Array<{ id: string }>; tests: Array<{ name: string }> };
    document.globals = document.globals.filter((global) => global.id !== 'g_opt_out_key');
    document.tests = document.tests.filter((test) => !test.name.includes('pressing 9'));
    const created = await http()
      .post('/v1/flows')
      .set('authorization', a.bearer('designer'))
      .send({ document, name: 'Reminder without a key opt-out' })
      .expect(201);
    const flowId = created.body.id as string;
    await http()
      .post(`/v1/flows/${flowId}/publish`)
      .set('authorization', a.bearer('designer'))
      .send({ message: 'v1' })
      .expect(201);

    const before = await campaignRows(a);
    const refused = await http()
      .post('/v1/campaigns')
      .set('authorization', a.bearer('operator'))
      .send(campaignBody({ flowId, purpose: 'TELEMARKETING', subject: 'dental-offers' }));
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.code).toBe('CAMPAIGN_FLOW_FAILS_COMPLIANCE');
    expect((refused.body.error.details as Json[]).map((d) => d.message).join(' ')).toContain('OPT_OUT_BY_KEY_MISSING');
    expect(await campaignRows(a)).toBe(before);
    // as what it was published for, it runs
    await http()
      .post('/v1/campaigns')
      .set('authorization', a.bearer('operator'))
      .send(campaignBody({ flowId }))
      .expect(201);

    // the same rule for a single call
    const phone = nextPhone();
    await consent(a, phone);
    const call = await http().post('/v1/calls').set('authorization', a.bearer('operator')).send({
      to: phone,
      flowId,
      callerId: CALLER_ID,
      variables: VARIABLES,
      purpose: 'TELEMARKETING',
      subject: 'offers',
    });
    expect(call.status, JSON.stringify(call.body)).toBe(422);
    expect(call.body.error).toMatchObject({ code: 'CALL_FLOW_FAILS_COMPLIANCE' });
    expect(call.body.error.details[0].path).toBe('body.purpose');
  });

  it('contacts by CSV with a column mapping: bad rows reported, good rows kept, duplicates merged; then JSON', async () => {
    const id = await createCampaign();
    const [p1, p2, p3] = [nextPhone(), nextPhone(), nextPhone()];
    const csv = [
      'Mobile,First,When,Ref',
      `${p1},Ada,2026-11-26T15:00:00Z,crm-1`,
      `(${p2.slice(2, 5)}) ${p2.slice(5, 8)}-${p2.slice(8)},Grace,,crm-2`,
      `12345,Bob,2026-11-26T15:00:00Z,crm-3`,
      `${p3},Linus,next tuesday,crm-4`,
      `${p3.slice(2)},Linus`,
      `+1 ${p1.slice(2)},Ada again,2026-11-27T15:00:00Z,crm-5`,
    ].join('\n');
    const res = await addCsv(id, csv, '?phone=Mobile&externalId=Ref&var.first_name=First&var.appointment_at=When');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ received: 6, added: 2, merged: 1 });
    const rejected = res.body.rejected as Json[];
    expect(rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, field: 'phone' }),
        expect.objectContaining({ row: 4, field: 'variables.appointment_at' }),
        expect.objectContaining({ row: 5, field: 'variables.appointment_at', message: 'missing column "When"' }),
      ]),
    );
    expect(new Set(rejected.map((r) => r.row))).toEqual(new Set([3, 4, 5]));

    const contacts = await contactsOf(id);
    expect(contacts.map((c) => c.phone).sort()).toEqual([p1, p2].sort());
    expect(contacts.find((c) => c.phone === p1)).toMatchObject({
      externalId: 'crm-1',
      state: 'pending',
      attempts: 0,
      lastCallId: null,
    });
    // the operator sees masked numbers
    const masked = await http().get(`/v1/campaigns/${id}/contacts`).set('authorization', a.bearer('operator'));
    expect((masked.body.items as Json[]).every((c) => String(c.phone).includes('*'))).toBe(true);

    // JSON: one number already there (another format) merged, one new added, one bad reported
    const p4 = nextPhone();
    const json = await addJson(id, [
      { phone: p2.slice(1), variables: { first_name: 'Grace' } },
      { phone: p4, variables: { first_name: 'Alan' }, externalId: 'crm-9', simulation: { answeredBy: 'no_answer' } },
      { phone: nextPhone(), variables: { first_name: 7 } },
    ]).expect(200);
    expect(json.body).toMatchObject({ received: 3, added: 1, merged: 1 });
    expect(json.body.rejected).toEqual([expect.objectContaining({ row: 3, field: 'variables.first_name' })]);
    expect((await getCampaign(id)).counters).toMatchObject({ contacts: 3, pending: 3 });

    // the default mapping: `phone`, and columns named like input variables
    const p5 = nextPhone();
    const byDefault = await addCsv(id, `phone,first_name,appointment_at,notes\n${p5},Edsger,2026-11-26T15:00:00Z,x\n`);
    expect(byDefault.body).toMatchObject({ received: 1, added: 1, merged: 0, rejected: [] });

    // a simulation column: answers per attempt, or a JSON script; a bad cell rejects its row
    const [p6, p7, p8] = [nextPhone(), nextPhone(), nextPhone()];
    const simulated = await addCsv(
      id,
      [
        'phone,first_name,appointment_at,sim',
        `${p6},Barbara,2026-11-26T15:00:00Z,no_answer|human`,
        `${p7},Ken,2026-11-26T15:00:00Z,"{""answeredBy"":""busy""}"`,
        `${p8},Dennis,2026-11-26T15:00:00Z,fax_machine`,
      ].join('\n'),
      '?simulation=sim',
    );
    expect(simulated.body).toMatchObject({ received: 3, added: 2, rejected: [{ row: 3, field: 'simulation' }] });
    const rows = await db.query<Array<{ phone: string; simulation: unknown }>>(
      `SELECT phone, simulation FROM campaign_contacts WHERE campaign_id = $1 AND phone = ANY($2::text[])`,
      [id, [p6, p7]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.phone, row.simulation]))).toEqual({
      [p6]: { answeredBy: ['no_answer', 'human'] },
      [p7]: { answeredBy: 'busy' },
    });

    // a mapping naming a column the file does not have: 400, nothing written
    const bad = await addCsv(id, `Mobile\n${nextPhone()}\n`, '?phone=Phone');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.phone');
    const badVar = await addCsv(id, `phone,x\n${nextPhone()},1\n`, '?var.shoe_size=x');
    expect(badVar.status).toBe(400);
    expect(badVar.body.error.details[0].path).toBe('query.var.shoe_size');
    await http()
      .post(`/v1/campaigns/${id}/contacts`)
      .set('authorization', a.bearer('operator'))
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    expect((await getCampaign(id)).counters.contacts).toBe(6);
  });

  it('state machine: start needs contacts; pause withdraws waiting calls; resume re-plans; cancel ends all; wrong state → 409', async () => {
    const id = await createCampaign();
    const noContacts = await action(id, 'start').expect(422);
    expect(noContacts.body.error.code).toBe('CAMPAIGN_NO_CONTACTS');
    const notRunning = await action(id, 'pause').expect(409);
    expect(notRunning.body.error).toMatchObject({ code: 'CAMPAIGN_WRONG_STATUS', details: [{ message: 'draft' }] });

    const phones = await consentedPhones(3);
    await addJson(
      id,
      phones.map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    const started = await action(id, 'start').expect(200);
    expect(started.body.status).toBe('running');
    expect(started.body.counters).toMatchObject({ contacts: 3, queued: 3, pending: 0 });
    const first = await callsOf(id);
    expect(first).toHaveLength(3);
    for (const call of first) {
      expect(call).toMatchObject({ campaignId: id, status: 'queued', attempt: 1 });
      expect(await queue.getJob(`call:${call.id as string}:1`)).toBeDefined();
    }
    expect((await action(id, 'start').expect(409)).body.error.details[0].message).toBe('running');

    const paused = await action(id, 'pause').expect(200);
    expect(paused.body).toMatchObject({ status: 'paused', counters: { pending: 3, queued: 0 } });
    for (const call of first) expect(await queue.getJob(`call:${call.id as string}:1`)).toBeUndefined();
    expect((await claim(first[0]?.id as string).expect(409)).body.error.code).toBe('CALL_CANCELLED');

    const resumed = await action(id, 'resume').expect(200);
    expect(resumed.body).toMatchObject({ status: 'running', counters: { queued: 3, pending: 0 } });
    const again = (await callsOf(id)).filter((call) => call.status === 'queued');
    expect(again).toHaveLength(3);
    // the same attempt, on new call rows
    expect(again.every((call) => call.attempt === 1 && !first.some((f) => f.id === call.id))).toBe(true);

    // one call is being dialled when the campaign is cancelled: it finishes, the others are cancelled
    const dialling = again[0]?.id as string;
    await claim(dialling).expect(200);
    const cancelled = await action(id, 'cancel').expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', counters: { cancelled: 2, inProgress: 1 } });
    for (const call of again.slice(1)) expect(await queue.getJob(`call:${call.id as string}:1`)).toBeUndefined();
    await complete(dialling, 'completed').expect(200);
    expect((await getCampaign(id)).counters).toMatchObject({ cancelled: 2, completed: 1, inProgress: 0 });
    expect((await action(id, 'resume').expect(409)).body.error.details[0].message).toBe('cancelled');
    await addJson(id, [{ phone: nextPhone(), variables: { first_name: 'Ada' } }]).expect(409);
    // a cancelled campaign never reports completion
    const final = await getCampaign(id);
    expect(final.status).toBe('cancelled');
    // the list carries each campaign's counters, the same as the campaign's own page
    const listed = await http().get('/v1/campaigns?limit=200').set('authorization', a.bearer('viewer')).expect(200);
    const items = listed.body.items as Array<Json & { counters: Json }>;
    expect(items.find((c) => c.id === id)?.counters).toEqual(final.counters);
    const fresh = await createCampaign();
    const withFresh = await http().get('/v1/campaigns?limit=1').set('authorization', a.bearer('viewer')).expect(200);
    expect(withFresh.body.items[0]).toMatchObject({ id: fresh, counters: { contacts: 0, pending: 0 } });
  });

  it("consent coverage of a campaign's contacts for the compliance reviewer; another organisation's campaign is a 404", async () => {
    const consented = await consentedPhones(2);
    const unconsented = nextPhone();
    const id = await createCampaign();
    await addJson(
      id,
      [...consented, unconsented].map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    const coverage = (tenant: TestTenant, query: string, role: 'compliance' | 'operator' = 'compliance') =>
      http().get(`/v1/compliance/reports/consent-coverage?${query}`).set('authorization', tenant.bearer(role));

    const report = await coverage(a, `campaignId=${id}`).expect(200);
    expect(report.body).toMatchObject({
      total: 3,
      covered: 2,
      uncovered: [{ phone: unconsented, gap: 'NO_CONSENT' }],
    });
    expect(report.body.share).toBeCloseTo(2 / 3);
    // the same numbers given as a list are judged the same
    const listed = await http()
      .post('/v1/compliance/reports/consent-coverage')
      .set('authorization', a.bearer('compliance'))
      .send({ phones: [...consented, unconsented] })
      .expect(200);
    expect({ ...listed.body, at: null }).toEqual({ ...report.body, at: null });

    await coverage(a, `campaignId=${id}`, 'operator').expect(403);
    const stranger = await coverage(b, `campaignId=${id}`).expect(404);
    expect(stranger.body.error).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
    expect(JSON.stringify(stranger.body)).not.toContain(unconsented);
    const bad = await coverage(a, 'campaignId=7').expect(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('campaignId');
    await coverage(a, '').expect(400);
  });

  it('tenant isolation: another organisation gets 404 for every route', async () => {
    const id = await createCampaign();
    await http().get(`/v1/campaigns/${id}`).set('authorization', b.bearer('operator')).expect(404);
    await http().get(`/v1/campaigns/${id}/contacts`).set('authorization', b.bearer('operator')).expect(404);
    await http().get(`/v1/campaigns/${id}/calls`).set('authorization', b.bearer('operator')).expect(404);
    await addJson(id, [{ phone: nextPhone(), variables: { first_name: 'Ada' } }], b).expect(404);
    for (const verb of ['start', 'pause', 'resume', 'cancel']) await action(id, verb, b).expect(404);
    const list = await http().get('/v1/campaigns?limit=200').set('authorization', b.bearer('viewer')).expect(200);
    expect((list.body.items as Json[]).some((c) => c.id === id)).toBe(false);
    expect((await getCampaign(id)).status).toBe('draft');
  });

  it("window: before it opens → runAt is the window's start in the callee's zone; inside → now; endAt before the window → expired", async () => {
    // 11:00 in New York: a 13:00–17:00 window opens at 18:00Z; a Los Angeles number (08:00 there) at 21:00Z
    const [ny] = await consentedPhones(1);
    const [la] = await consentedPhones(1, '310');
    const later = await createCampaign({ window: { start: '13:00', end: '17:00' } });
    await addJson(
      later,
      [ny, la].map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    await action(later, 'start').expect(200);
    const planned = await contactsOf(later);
    const runAt = (phone: string | undefined) => planned.find((c) => c.phone === phone)?.nextAttemptAt as string;
    expect(planned.every((c) => c.state === 'scheduled')).toBe(true);
    expect(runAt(ny)).toBe('2026-11-24T18:00:00.000Z');
    expect(runAt(la)).toBe('2026-11-24T21:00:00.000Z');
    const nyCall = planned.find((c) => c.phone === ny)?.lastCallId as string;
    const job = await queue.getJob(`call:${nyCall}:1`);
    expect(job?.opts.delay).toBe(Date.parse('2026-11-24T18:00:00Z') - Date.parse(NOW));
    expect(await job?.getState()).toBe('delayed');
    expect((await getCampaign(later)).counters).toMatchObject({ scheduled: 2 });

    // a window on other days only: the next Thursday
    const [thu] = await consentedPhones(1);
    const thursday = await createCampaign({ window: { days: ['thu'], start: '10:00', end: '12:00' } });
    await addJson(thursday, [{ phone: thu, variables: { first_name: 'Ada' } }]).expect(200);
    await action(thursday, 'start').expect(200);
    expect((await contactsOf(thursday))[0]?.nextAttemptAt).toBe('2026-11-26T15:00:00.000Z');

    // inside the window: now
    const [inside] = await consentedPhones(1);
    const open = await createCampaign({ window: { start: '09:00', end: '17:00' } });
    await addJson(open, [{ phone: inside, variables: { first_name: 'Ada' } }]).expect(200);
    await action(open, 'start').expect(200);
    expect((await contactsOf(open))[0]).toMatchObject({ state: 'queued', nextAttemptAt: NOW, attempts: 1 });

    // the campaign ends before the window opens: the contact expires, no call is made
    const [late] = await consentedPhones(1);
    const ending = await createCampaign({ window: { start: '13:00', end: '17:00' }, endAt: '2026-11-24T17:00:00Z' });
    await addJson(ending, [{ phone: late, variables: { first_name: 'Ada' } }]).expect(200);
    const started = await action(ending, 'start').expect(200);
    expect(started.body.counters).toMatchObject({ contacts: 1, expired: 1 });
    expect((await contactsOf(ending))[0]).toMatchObject({
      state: 'expired',
      reasons: ['CAMPAIGN_ENDED'],
      lastCallId: null,
    });
    expect(await callsOf(ending)).toHaveLength(0);
    // nothing left to call: the campaign is completed
    expect((await getCampaign(ending)).status).toBe('completed');
  });

  it('pacing: perMinute 2 spreads 5 contacts over 3 minutes, 30 s apart; a contact without consent is blocked by reason', async () => {
    const phones = await consentedPhones(5);
    const unconsented = nextPhone();
    const id = await createCampaign({ pacing: { maxConcurrent: 5, perMinute: 2 } });
    await addJson(
      id,
      [...phones, unconsented].map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    const started = await action(id, 'start').expect(200);
    expect(started.body.counters).toMatchObject({ contacts: 6, blocked: 1 });
    expect(
      Object.values(started.body.counters.blockedByReason as Json).reduce((x: number, y) => x + Number(y), 0),
    ).toBeGreaterThan(0);
    const contacts = await contactsOf(id);
    const runAts = contacts
      .filter((c) => c.state !== 'blocked')
      .map((c) => Date.parse(c.nextAttemptAt as string))
      .sort((x, y) => x - y);
    const t0 = Date.parse(NOW);
    expect(runAts).toEqual([t0, t0 + 30_000, t0 + MINUTE, t0 + MINUTE + 30_000, t0 + 2 * MINUTE]);
    for (const contact of contacts.filter((c) => c.state !== 'blocked')) {
      const job = await queue.getJob(`call:${contact.lastCallId as string}:1`);
      expect(job?.opts.delay).toBe(Date.parse(contact.nextAttemptAt as string) - t0);
    }
    const blocked = contacts.find((c) => c.state === 'blocked');
    expect(blocked?.phone).toBe(unconsented);
    expect((blocked?.reasons as unknown[]).length).toBeGreaterThan(0);
    const blockedCall = (await callsOf(id)).find((call) => call.id === blocked?.lastCallId);
    expect(blockedCall?.status).toBe('blocked');
    expect(await queue.getJob(`call:${blocked?.lastCallId as string}:1`)).toBeUndefined();
    const rows = await db.query<Array<{ minute: Date; used: number }>>(
      `SELECT minute, used FROM campaign_minute_slots WHERE campaign_id = $1 ORDER BY minute`,
      [id],
    );
    expect(rows.map((row) => row.used)).toEqual([2, 2, 1]);
  });

  it('retries: no_answer is retried up to maxAttempts, minGap apart; then the contact fails and campaign.completed is emitted', async () => {
    const [phone] = await consentedPhones(1);
    const id = await createCampaign({ retry: { maxAttempts: 3, minGapMinutes: 30, on: ['no_answer', 'busy'] } });
    await addJson(id, [{ phone, variables: { first_name: 'Ada' }, simulation: { answeredBy: 'no_answer' } }]).expect(
      200,
    );
    await action(id, 'start').expect(200);
    const attemptTimes: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [contact] = await contactsOf(id);
      expect(contact).toMatchObject({ attempts: attempt });
      expect(['queued', 'scheduled']).toContain(contact?.state);
      const runAt = Date.parse(contact?.nextAttemptAt as string);
      attemptTimes.push(runAt);
      const callId = contact?.lastCallId as string;
      const job = await queue.getJob(`call:${callId}:${attempt}`);
      expect(job?.data).toEqual({ callId, attempt });
      expect(job?.opts.delay).toBe(runAt - now.getTime());
      now = new Date(runAt);
      const claimed = await claim(callId, attempt).expect(200);
      expect(claimed.body.simulation).toEqual({ answeredBy: 'no_answer' });
      now = new Date(runAt + 2 * MINUTE);
      await complete(callId, 'no_answer').expect(200);
    }
    expect(attemptTimes[1]! - attemptTimes[0]!).toBeGreaterThanOrEqual(32 * MINUTE);
    expect(attemptTimes[2]! - attemptTimes[1]!).toBeGreaterThanOrEqual(32 * MINUTE);
    const [done] = await contactsOf(id);
    expect(done).toMatchObject({ state: 'failed', attempts: 3, lastDisposition: 'no_answer', lastStatus: 'no_answer' });
    const calls = await callsOf(id);
    expect(calls.map((call) => call.attempt).sort()).toEqual([1, 2, 3]);
    const campaign = await getCampaign(id);
    expect(campaign).toMatchObject({ status: 'completed', finishedAt: expect.any(String) });
    expect(campaign.counters).toMatchObject({ contacts: 1, failed: 1, byDisposition: { no_answer: 1 } });
    const event = emitted.find((e) => e.type === 'campaign.completed' && e.data.campaignId === id);
    expect(event).toMatchObject({ organizationId: a.organizationId, data: { counters: { failed: 1 } } });

    // the listener is idempotent: the same end reported again plans nothing
    const lifecycle = app.get(CallLifecycle);
    const last = await app.get(CallsRepository).findByIdForWorker(calls.find((c) => c.attempt === 3)?.id as string);
    await lifecycle.finished(last!, 'completed');
    const first = await app.get(CallsRepository).findByIdForWorker(calls.find((c) => c.attempt === 1)?.id as string);
    await lifecycle.finished(first!, 'completed');
    expect(await callsOf(id)).toHaveLength(3);
    expect(emitted.filter((e) => e.type === 'campaign.completed' && e.data.campaignId === id)).toHaveLength(1);
  });

  it('a completed call is final (no retry); opted-out callers end completed with disposition opted_out', async () => {
    const [p1, p2] = await consentedPhones(2);
    const id = await createCampaign({ retry: { maxAttempts: 3, minGapMinutes: 0, on: ['no_answer'] } });
    await addJson(
      id,
      [p1, p2].map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    await action(id, 'start').expect(200);
    const [c1, c2] = await contactsOf(id);
    await claim(c1?.lastCallId as string).expect(200);
    await complete(c1?.lastCallId as string, 'confirmed').expect(200);
    await claim(c2?.lastCallId as string).expect(200);
    await complete(c2?.lastCallId as string, 'opted_out').expect(200);
    const campaign = await getCampaign(id);
    expect(campaign.status).toBe('completed');
    expect(campaign.counters).toMatchObject({ completed: 2, byDisposition: { confirmed: 1, opted_out: 1 } });
  });

  it('maxConcurrent: a claim over the limit is 409 CALL_PACED with retryAt, changes nothing and logs no decision', async () => {
    const [p1, p2] = await consentedPhones(2);
    const id = await createCampaign({ pacing: { maxConcurrent: 1, perMinute: 60 } });
    await addJson(
      id,
      [p1, p2].map((phone) => ({ phone, variables: { first_name: 'Ada' } })),
    ).expect(200);
    await action(id, 'start').expect(200);
    const [first, second] = (await callsOf(id)).map((call) => call.id as string);
    await claim(first!).expect(200);
    const decisionsBefore = await db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM compliance_decisions WHERE call_id = $1`,
      [second],
    );
    const paced = await claim(second!).expect(409);
    expect(paced.body.error.code).toBe('CALL_PACED');
    const retryAt = (paced.body.error.details as Json[]).find((d) => d.path === 'retryAt')?.message as string;
    expect(Date.parse(retryAt)).toBeGreaterThan(now.getTime());
    const untouched = await http().get(`/v1/calls/${second!}`).set('authorization', a.bearer('operator')).expect(200);
    expect(untouched.body.status).toBe('queued');
    const decisionsAfter = await db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM compliance_decisions WHERE call_id = $1`,
      [second],
    );
    expect(decisionsAfter[0]?.n).toBe(decisionsBefore[0]?.n);

    await complete(first!, 'completed').expect(200);
    await claim(second!).expect(200);
  });

  it('a claim of a paused campaign is refused (CALL_CAMPAIGN_NOT_RUNNING) and the contact waits for resume; /v1/calls filters by campaign', async () => {
    const [phone] = await consentedPhones(1);
    const id = await createCampaign();
    await addJson(id, [{ phone, variables: { first_name: 'Ada' } }]).expect(200);
    await action(id, 'start').expect(200);
    const [call] = await callsOf(id);
    // the job was already taken by a worker when the pause came: only the claim can refuse it
    await db.query(`UPDATE campaigns SET status = 'paused' WHERE id = $1`, [id]);
    const refused = await claim(call?.id as string).expect(409);
    expect(refused.body.error.code).toBe('CALL_CAMPAIGN_NOT_RUNNING');
    expect((await contactsOf(id))[0]).toMatchObject({ state: 'pending', attempts: 1 });
    await action(id, 'resume').expect(200);
    const [contact] = await contactsOf(id);
    expect(contact).toMatchObject({ state: 'queued', attempts: 1 });
    expect(contact?.lastCallId).not.toBe(call?.id);
    await claim(contact?.lastCallId as string).expect(200);

    const filtered = await http()
      .get(`/v1/calls?campaignId=${id}&limit=200`)
      .set('authorization', a.bearer('viewer'))
      .expect(200);
    expect((filtered.body.items as Json[]).map((c) => c.id).sort()).toEqual([call?.id, contact?.lastCallId].sort());
    await http().get('/v1/calls?campaignId=nope').set('authorization', a.bearer('viewer')).expect(400);

    // and by contact: both calls of the contact (the cancelled one too), newest first; another
    // organisation's contact id lists nothing
    const byContact = await http()
      .get(`/v1/calls?contactId=${contact?.id as string}`)
      .set('authorization', a.bearer('viewer'))
      .expect(200);
    expect((byContact.body.items as Json[]).map((c) => c.id)).toEqual([contact?.lastCallId, call?.id]);
    expect((byContact.body.items as Json[]).map((c) => c.status)).toEqual(['dialing', 'cancelled']);
    const stranger = await http()
      .get(`/v1/calls?contactId=${contact?.id as string}`)
      .set('authorization', b.bearer('viewer'))
      .expect(200);
    expect(stranger.body.items).toEqual([]);
    const bad = await http().get('/v1/calls?contactId=7').set('authorization', a.bearer('viewer')).expect(400);
    expect(JSON.stringify(bad.body)).toContain('contactId');
  });
});
