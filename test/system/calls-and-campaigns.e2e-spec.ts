/**
 * The product end to end, as it runs: the BUILT API and one call worker (simulated callee, local
 * understanding) as processes, over HTTP, on a database and a Redis of this run's own.
 *
 * The calls clock starts at 08:59:15 New York time on a coming weekday (CLOCK_START), so within a
 * minute of real time the run shows what the calling rules do at the opening of the day: a
 * Chicago number (07:59 there) is deferred to 08:00 local, a campaign whose operator window opens
 * at 09:00 waits for it, no-answer contacts are retried a minute later, a paused campaign dials
 * nothing until resumed and a cancelled one never does.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comingWorkday, consent, numbers } from '../../scripts/reliability/lib/calls.js';
import { buildProduct, Product } from '../../scripts/reliability/lib/product.js';
import { createDatabase, dropDatabase, PrivateRedis, sleep } from '../../scripts/reliability/lib/services.js';

const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const VARIABLES = { first_name: 'Ada', appointment_at: '2030-01-15T15:00:00Z' };

interface Delivery {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A webhook endpoint that answers 200 and keeps what it was sent. */
async function webhookReceiver(): Promise<{ server: Server; url: string; received: Delivery[] }> {
  const received: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks`, received };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

describe('the product: single calls and campaigns through the real worker', () => {
  const clockStart = comingWorkday(8, 59, 15);
  /** 09:00 in New York = 08:00 in Chicago: the campaign window and the Chicago calling day open */
  const windowOpens = new Date(clockStart.getTime() + 45_000);
  let redis: PrivateRedis;
  let databaseUrl: string;
  let product: Product;
  let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
  let hookSecret: string;

  // numbers: New York (08:59 at the start) and Chicago (07:59); a block per purpose so none share facts
  const [allowedPhone, optOutPhone, idempotentPhone, unconsentedPhone] = numbers('212', 4, 100);
  const [deferredPhone, cancelledPhone] = numbers('312', 2, 100);
  const campaignPhones = numbers('212', 49, 200);
  const campaignUnconsented = numbers('212', 1, 300)[0]!;
  const pausedPhones = numbers('212', 5, 400);
  const cancelledCampaignPhones = numbers('212', 5, 500);

  const ids: Record<string, string> = {};
  /** each campaign contact's planned first slot, by contact id */
  const plannedSlot = new Map<string, number>();
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    product.request('POST', path, body, { headers, timeoutMs: 60_000 });
  const get = (path: string) => product.request('GET', path);

  /** every dial (a claim that passed the dial-time gate), with the calls clock's instant */
  async function dials(callIds: string[]): Promise<Array<{ callId: string; at: Date }>> {
    const rows = await product.query<{ call_id: string; attempted_at: Date }>(
      `SELECT call_id, attempted_at FROM call_attempts WHERE call_id = ANY($1::text[]) ORDER BY attempted_at`,
      [callIds],
    );
    return rows.map((row) => ({ callId: row.call_id, at: row.attempted_at }));
  }

  async function campaignCallIds(campaignId: string): Promise<string[]> {
    const rows = await product.query<{ id: string }>(`SELECT id FROM calls WHERE campaign_id = $1`, [campaignId]);
    return rows.map((row) => row.id);
  }

  /** A draft campaign of the business day, 240 dials a minute, one retry of no_answer a minute later. */
  async function draftCampaign(name: string): Promise<string> {
    const created = await post('/v1/campaigns', {
      name,
      flowId: product.tenant.flowId,
      callerId: product.tenant.callerId,
      window: { start: '09:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      pacing: { maxConcurrent: 3, perMinute: 240 },
      retry: { maxAttempts: 2, minGapMinutes: 1, on: ['no_answer'] },
      variables: { appointment_at: VARIABLES.appointment_at },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }

  async function createCampaign(name: string, phones: string[], csvExtra = ''): Promise<string> {
    const id = await draftCampaign(name);
    const csv = ['phone,first_name,sim', ...phones.map((phone) => `${phone},Ada,`)].join('\n') + csvExtra;
    const added = await product.request('POST', `/v1/campaigns/${id}/contacts`, csv, { contentType: 'text/csv' });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    return id;
  }

  beforeAll(async () => {
    buildProduct();
    redis = await PrivateRedis.start();
    databaseUrl = await createDatabase(SERVER_URL);
    product = new Product({
      label: 'system',
      databaseUrl,
      redisUrl: redis.url,
      logDir: mkdtempSync(join(tmpdir(), 'switchboard-system-')),
      apiEnv: { NODE_ENV: 'test', CLOCK_START: clockStart.toISOString(), CALL_LEASE_SECONDS: '15' },
      workerEnv: { NODE_ENV: 'test' },
    });
    await product.prepare();
    await product.startApi();
    await product.startWorker();
    await consent(product, [
      allowedPhone!,
      optOutPhone!,
      idempotentPhone!,
      deferredPhone!,
      cancelledPhone!,
      ...campaignPhones,
      ...pausedPhones,
      ...cancelledCampaignPhones,
    ]);
    hooks = await webhookReceiver();
    const hook = await post('/v1/webhooks', {
      url: hooks.url,
      events: ['call.completed', 'call.blocked', 'campaign.completed'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    hookSecret = hook.body.secret as string;
  });

  afterAll(async () => {
    await product?.shutdown();
    await redis?.kill();
    hooks?.server.close();
    if (databaseUrl) await dropDatabase(databaseUrl).catch(() => undefined);
  });

  it('stands just before 09:00 New York time before the day opens (the rest of the run relies on it)', () => {
    const apiNow = product.now().getTime();
    expect(apiNow).toBeGreaterThanOrEqual(clockStart.getTime());
    expect(windowOpens.getTime() - apiNow, 'the set-up took most of the minute before 09:00').toBeGreaterThan(12_000);
  });

  it('single calls: allowed → dialled and completed; unconsented → 202 blocked; idempotent; a deferred call waits; cancel', async () => {
    const body = (to: string, extra: Record<string, unknown> = {}) => ({
      to,
      flowId: product.tenant.flowId,
      callerId: product.tenant.callerId,
      variables: VARIABLES,
      ...extra,
    });

    const allowed = await post('/v1/calls', body(allowedPhone!));
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(202);
    expect(allowed.body).toMatchObject({ status: 'queued', decision: { outcome: 'ALLOWED' } });
    ids.allowed = allowed.body.id as string;

    const blocked = await post('/v1/calls', body(unconsentedPhone!));
    expect(blocked.status).toBe(202);
    expect(blocked.body).toMatchObject({ status: 'blocked', runAt: null, decision: { outcome: 'BLOCKED_NO_CONSENT' } });
    ids.blocked = blocked.body.id as string;

    const key = { 'idempotency-key': 'system-order-1' };
    const first = await post('/v1/calls', body(idempotentPhone!), key);
    expect(first.status).toBe(202);
    const again = await post('/v1/calls', body(idempotentPhone!), key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await post('/v1/calls', body(idempotentPhone!, { subject: 'other' }), key);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.details[0].path).toBe('headers.idempotency-key');
    ids.idempotent = first.body.id as string;

    // 07:59 in Chicago: deferred to 08:00 there, a delayed job
    const deferred = await post('/v1/calls', body(deferredPhone!));
    expect(deferred.status).toBe(202);
    expect(deferred.body).toMatchObject({
      status: 'scheduled',
      decision: { outcome: 'DEFERRED' },
      runAt: windowOpens.toISOString(),
    });
    expect(Date.parse(deferred.body.decision.nextAllowedAt as string)).toBe(windowOpens.getTime());
    ids.deferred = deferred.body.id as string;
    const toCancel = await post('/v1/calls', body(cancelledPhone!));
    expect(toCancel.body.status).toBe('scheduled');
    ids.cancelled = toCancel.body.id as string;
    const cancelled = await post(`/v1/calls/${ids.cancelled}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');

    // bad input: 4xx naming the field, nothing created
    const noVariables = await post('/v1/calls', body(allowedPhone!, { variables: {} }));
    expect(noVariables.status).toBe(422);
    expect(noVariables.body.error.details.map((d: { path: string }) => d.path)).toContain('body.variables.first_name');
    const badNumber = await post('/v1/calls', body('555-0100'));
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.details[0].path).toBe('body.to');

    // the worker dials the allowed call and completes it with the flow's record
    const done = await until('the allowed call to complete', 30_000, async () => {
      const call = await get(`/v1/calls/${ids.allowed!}`);
      return call.body.status === 'completed' ? call.body : undefined;
    });
    expect(done).toMatchObject({
      status: 'completed',
      attempt: 1,
      flowVersion: 1,
      variables: expect.objectContaining({ first_name: 'Ada' }),
      lastDecision: expect.objectContaining({ outcome: 'ALLOWED' }),
    });
    expect(done.decisionIds).toHaveLength(2); // schedule time and dial time
    expect(done.path.length).toBeGreaterThan(1);
    expect(done.transcript.length).toBeGreaterThan(1);
    expect(typeof done.disposition).toBe('string');
    expect((await dials([ids.allowed])).length).toBe(1);
  });

  it('an opt-out heard during a call is recorded before it completes; the next call to the number is blocked', async () => {
    const placed = await post('/v1/calls', {
      to: optOutPhone,
      flowId: product.tenant.flowId,
      callerId: product.tenant.callerId,
      variables: VARIABLES,
      simulation: { callee: ['take me off your list'] },
    });
    expect(placed.body.status).toBe('queued');
    const done = await until('the opt-out call to complete', 30_000, async () => {
      const call = await get(`/v1/calls/${placed.body.id as string}`);
      return call.body.status === 'completed' ? call.body : undefined;
    });
    expect(done.disposition).toBe('opted_out');
    const next = await post('/v1/calls', {
      to: optOutPhone,
      flowId: product.tenant.flowId,
      callerId: product.tenant.callerId,
      variables: VARIABLES,
    });
    expect(next.body.status).toBe('blocked');
    expect(next.body.decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(next.body.decision.reasons.map((r: { code: string }) => r.code)).toContain('CONSENT_REVOKED');
  });

  it('campaigns before 09:00: contacts from CSV are planned at the window opening; pause and cancel stop dialling', async () => {
    // 49 consented contacts: 37 answer, 6 miss the first call and answer the retry, 4 never
    // answer, 2 are busy (not retried: retry.on is no_answer only); 1 has no consent; bad rows
    const sims = [
      ...Array<string>(37).fill(''),
      ...Array<string>(6).fill('no_answer|human'),
      ...Array<string>(4).fill('no_answer'),
      'busy',
      'busy',
    ];
    const rows = campaignPhones.map((phone, i) => `${phone},Ada ${i},${sims[i] ?? ''}`);
    const csv = [
      'phone,first_name,sim',
      ...rows,
      `${campaignUnconsented},Nobody,`,
      `12345,Bad number,`,
      `${campaignPhones[0]!.slice(2)},Duplicate,`,
      `${numbers('212', 1, 600)[0]!},Bad sim,fax`,
    ].join('\n');
    ids.campaign = await draftCampaign('Morning reminders');
    const added = await product.request('POST', `/v1/campaigns/${ids.campaign}/contacts?simulation=sim`, csv, {
      contentType: 'text/csv',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ received: 53, added: 50, merged: 1 });
    expect(added.body.rejected.map((r: { row: number; field: string }) => `${r.row}:${r.field}`).sort()).toEqual([
      '51:phone',
      '53:simulation',
    ]);

    const started = await post(`/v1/campaigns/${ids.campaign}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.counters).toMatchObject({
      contacts: 50,
      scheduled: 49,
      queued: 0,
      blocked: 1,
      blockedByReason: { NO_CONSENT: 1 },
    });
    const contacts = await get(`/v1/campaigns/${ids.campaign}/contacts?limit=100&state=scheduled`);
    const scheduled = contacts.body.items as Array<{ id: string; nextAttemptAt: string }>;
    for (const contact of scheduled) plannedSlot.set(contact.id, Date.parse(contact.nextAttemptAt));
    const runAts = [...plannedSlot.values()];
    expect(runAts).toHaveLength(49);
    expect(Math.min(...runAts)).toBe(windowOpens.getTime());
    // perMinute 240: one dial every quarter of a second from the opening
    expect(Math.max(...runAts) - Math.min(...runAts)).toBe(48 * 250);

    ids.paused = await createCampaign('Paused before the opening', pausedPhones);
    expect((await post(`/v1/campaigns/${ids.paused}/start`)).body.counters).toMatchObject({ scheduled: 5 });
    const paused = await post(`/v1/campaigns/${ids.paused}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', counters: { pending: 5, scheduled: 0, queued: 0 } });

    ids.cancelledCampaign = await createCampaign('Cancelled before the opening', cancelledCampaignPhones);
    await post(`/v1/campaigns/${ids.cancelledCampaign}/start`);
    const cancelled = await post(`/v1/campaigns/${ids.cancelledCampaign}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', counters: { cancelled: 5, scheduled: 0 } });
    expect((await post(`/v1/campaigns/${ids.cancelledCampaign}/resume`)).status).toBe(409);
  });

  it('after 09:00: the campaign runs to completion with retries a minute apart, nothing dialled before the window', async () => {
    const campaign = await until('the campaign to complete', 200_000, async () => {
      const res = await get(`/v1/campaigns/${ids.campaign!}`);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(campaign.counters).toMatchObject({ contacts: 50, completed: 43, failed: 6, blocked: 1, pending: 0 });

    const contacts = (await get(`/v1/campaigns/${ids.campaign!}/contacts?limit=100`)).body.items as Array<{
      phone: string;
      state: string;
      attempts: number;
      lastStatus: string | null;
    }>;
    const byPhone = new Map(contacts.map((c) => [c.phone, c]));
    const expectations: Array<[string[], Record<string, unknown>]> = [
      [campaignPhones.slice(0, 37), { state: 'completed', attempts: 1 }],
      [campaignPhones.slice(37, 43), { state: 'completed', attempts: 2 }],
      [campaignPhones.slice(43, 47), { state: 'failed', attempts: 2, lastStatus: 'no_answer' }],
      [campaignPhones.slice(47, 49), { state: 'failed', attempts: 1, lastStatus: 'busy' }],
      [[campaignUnconsented], { state: 'blocked', attempts: 1 }],
    ];
    for (const [phones, expected] of expectations) {
      for (const phone of phones) expect(byPhone.get(phone), phone).toMatchObject(expected);
    }

    // every dial inside the window, each attempt dialled once, retries at least a minute after the miss
    const callIds = await campaignCallIds(ids.campaign!);
    const dialled = await dials(callIds);
    expect(dialled).toHaveLength(49 + 10);
    expect(new Set(dialled.map((d) => d.callId)).size).toBe(dialled.length);
    expect(Math.min(...dialled.map((d) => d.at.getTime()))).toBeGreaterThanOrEqual(windowOpens.getTime());
    const attempts = await product.query<{ contact_id: string; attempt: number; attempted_at: Date }>(
      `SELECT c.contact_id, c.attempt, a.attempted_at FROM calls c JOIN call_attempts a ON a.call_id = c.id::text
        WHERE c.campaign_id = $1 ORDER BY c.contact_id, c.attempt`,
      [ids.campaign],
    );
    const firstOf = new Map<string, number>();
    for (const row of attempts) {
      if (row.attempt === 1) firstOf.set(row.contact_id, row.attempted_at.getTime());
      else expect(row.attempted_at.getTime() - firstOf.get(row.contact_id)!).toBeGreaterThanOrEqual(60_000);
    }
    // the pacing held: no first attempt dialled before its planned quarter-second slot (a delayed
    // job may fire a little late, never early), so the first attempts spread over the 12 s planned
    expect(firstOf.size).toBe(49);
    for (const [contactId, at] of firstOf) expect(at, contactId).toBeGreaterThanOrEqual(plannedSlot.get(contactId)!);
    const firsts = [...firstOf.values()];
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThanOrEqual(48 * 250 - 1000);

    // campaign.completed reached the webhook, signed per Standard Webhooks
    const delivery = await until('campaign.completed to be delivered', 30_000, async () =>
      hooks.received.find((d) => d.body.includes('"campaign.completed"')),
    );
    const event = new Webhook(hookSecret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    }) as { type: string; data: { campaignId: string } };
    expect(event).toMatchObject({ type: 'campaign.completed', data: { campaignId: ids.campaign } });
  });

  it('after 09:00: the deferred single call was dialled at 08:00 Chicago time; cancelled and blocked ones never', async () => {
    const deferred = await until('the deferred call to complete', 60_000, async () => {
      const call = await get(`/v1/calls/${ids.deferred!}`);
      return call.body.status === 'completed' ? call.body : undefined;
    });
    expect(deferred.decisionIds).toHaveLength(2);
    const [dial] = await dials([ids.deferred!]);
    expect(dial!.at.getTime()).toBeGreaterThanOrEqual(windowOpens.getTime());
    expect(await dials([ids.cancelled!, ids.blocked!])).toEqual([]);
    expect((await get(`/v1/calls/${ids.cancelled!}`)).body.status).toBe('cancelled');
    expect((await get(`/v1/calls/${ids.blocked!}`)).body.status).toBe('blocked');
  });

  it('a paused campaign dialled nothing; resumed, it completes; a cancelled one never dials', async () => {
    expect(await dials(await campaignCallIds(ids.paused!))).toEqual([]);
    expect(await dials(await campaignCallIds(ids.cancelledCampaign!))).toEqual([]);
    const resumedAt = product.now().getTime();
    const resumed = await post(`/v1/campaigns/${ids.paused!}/resume`);
    expect(resumed.body).toMatchObject({ status: 'running', counters: { queued: 5 } });
    const done = await until('the resumed campaign to complete', 60_000, async () => {
      const res = await get(`/v1/campaigns/${ids.paused!}`);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(done.counters).toMatchObject({ completed: 5 });
    const dialled = await dials(await campaignCallIds(ids.paused!));
    expect(dialled).toHaveLength(5);
    expect(Math.min(...dialled.map((d) => d.at.getTime()))).toBeGreaterThanOrEqual(resumedAt - 1_000);
    expect((await get(`/v1/campaigns/${ids.cancelledCampaign!}`)).body.counters).toMatchObject({ cancelled: 5 });
  });

  it('never dialled any call twice for the same attempt, and every call ended', async () => {
    const open = await product.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM calls WHERE status NOT IN ('completed','failed','no_answer','busy','voicemail','blocked','cancelled') GROUP BY status`,
    );
    expect(open).toEqual([]);
    const twice = await product.query<{ call_id: string }>(
      `SELECT call_id FROM call_attempts WHERE call_id IS NOT NULL GROUP BY call_id HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
  });
});
