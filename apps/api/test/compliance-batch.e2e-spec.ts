import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ComplianceGateService, type GateRequest, type GateResult } from '../src/compliance/compliance-gate.service.js';
import { DncStatusPort } from '../src/compliance/dnc-status.port.js';
import { consentEvidence, createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const CALLER_ID = '+12125550199';
/** a Tuesday, 12:00 in New York (EDT), 11:00 in Miami's neighbour zones: inside every window */
const AT = new Date('2026-03-10T16:00:00Z');
/** 23:00 the evening before in New York: outside the calling window */
const NIGHT = new Date('2026-03-10T03:00:00Z');
/** the registry snapshots are obtained five days before AT: fresh */
const OBTAINED = '2026-03-05T00:00:00Z';

describe('ComplianceGateService.checkMany: the campaign gate', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let tenant: TestTenant;
  let gate: ComplianceGateService;

  async function importList(path: string, numbers: string[]): Promise<void> {
    const accepted = await http
      .post(path)
      .query({ mode: 'full', obtainedAt: OBTAINED })
      .set('authorization', tenant.bearer('admin'))
      .set('content-type', 'text/plain')
      .send(`${numbers.join('\n')}\n`)
      .expect(202);
    for (;;) {
      const res = await http
        .get(`/v1/dnc/imports/${accepted.body.jobId as string}`)
        .set('authorization', tenant.bearer('compliance'))
        .expect(200);
      if (res.body.status !== 'importing') {
        expect(res.body.status).toBe('ready');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const consent = (phone: string) =>
    http
      .post('/v1/consents')
      .set('authorization', tenant.bearer('operator'))
      .send(consentEvidence(tenant, phone))
      .expect(201);

  const telemarketing = (phone: string, extra: Partial<GateRequest> = {}): GateRequest => ({
    phone,
    purpose: 'TELEMARKETING',
    subject: 'solar',
    callerId: CALLER_ID,
    mode: 'DIAL_NOW',
    at: AT,
    ...extra,
  });

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    http = request(app.getHttpServer());
    tenant = await createTenant(app, 'Acme Solar LLC');
    gate = app.get(ComplianceGateService);
    await http
      .post('/v1/caller-ids')
      .set('authorization', tenant.bearer('operator'))
      .send({ phone: CALLER_ID, verifiedOwned: true })
      .expect(201);
    await importList('/v1/dnc/national/import', ['2125550130', '2125550131', '3055550160']);
    await importList('/v1/dnc/states/FL/import', ['3055550177']);

    // consented, revoked, on the internal list, listed with and without consent, capped, EBR, reassigned
    for (const phone of [
      '2125550101',
      '2125550102',
      '2125550103',
      '2125550130',
      '2125550140',
      '3055550150',
      '3055550177',
    ]) {
      await consent(phone);
    }
    await http
      .post('/v1/revocations')
      .set('authorization', tenant.bearer('operator'))
      .send({ phone: '2125550102', channel: 'sms', words: 'STOP', receivedAt: '2026-03-01T12:00:00Z' })
      .expect(201);
    await http
      .post('/v1/dnc/internal')
      .set('authorization', tenant.bearer('operator'))
      .send({ phone: '2125550103', requestedAt: '2026-03-01T00:00:00Z', reason: 'asked by email' })
      .expect(201);
    for (const at of ['2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z', '2026-03-10T15:00:00Z', '2026-02-01T15:00:00Z']) {
      await gate.recordAttempt(tenant.organizationId, { phone: '+13055550150', at: new Date(at), subject: 'solar' });
    }
    await gate.recordBusinessRelationship(tenant.organizationId, {
      phone: '2125550131',
      lastTransactionAt: new Date('2026-01-20T00:00:00Z'),
    });
    await gate.recordReassignedCheck(tenant.organizationId, {
      phone: '2125550101',
      queriedAt: new Date('2026-03-11T00:00:00Z'), // after AT: not yet known at AT
      result: 'YES',
    });
    await gate.recordReassignedCheck(tenant.organizationId, {
      phone: '2125550140',
      queriedAt: new Date('2026-03-09T00:00:00Z'),
      result: 'YES',
    });
    await http
      .post('/v1/compliance/emergencies')
      .set('authorization', tenant.bearer('operator'))
      .send({ state: 'LA', from: '2026-03-01T00:00:00Z', to: '2026-03-20T00:00:00Z' })
      .expect(201);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  /** one of each kind of decision, some numbers twice (another instant, another mode), in mixed spellings */
  const mixed = (): GateRequest[] => [
    telemarketing('(212) 555-0101'), // consented → ALLOWED
    telemarketing('212-555-0102'), // consent revoked
    telemarketing('+12125550103'), // internal DNC
    telemarketing('2125550130'), // national registry, with consent
    telemarketing('2125550131'), // national registry, EBR, no consent
    telemarketing('3055550160'), // national registry, no consent
    telemarketing('3055550177'), // Florida's list, with consent
    telemarketing('3055550150'), // Florida cap reached (3 in 24 h)
    telemarketing('3055550150', { mode: 'SCHEDULE' }), // … deferred to the next allowed instant
    telemarketing('3055550150', { at: new Date('2026-03-12T16:00:00Z') }), // two days later: under the cap
    telemarketing('2125550101', { at: NIGHT }), // outside the window, dialling now
    telemarketing('2125550101', { at: NIGHT, mode: 'SCHEDULE' }), // outside the window, scheduling
    telemarketing('2125550140', { purpose: 'INFORMATIONAL', subject: undefined }), // reassigned
    telemarketing('5045550100', { address: { state: 'LA' } }), // state emergency
    telemarketing('12345'), // not a number
    telemarketing('2125550101', { callerId: '+13125550100' }), // caller id not owned
    telemarketing('2125550101', {
      purpose: 'INFORMATIONAL',
      subject: undefined,
      callId: 'call-1',
      campaignId: 'cmp-1',
    }),
  ];

  it('gives each request exactly the decision and logged input `check` gives, and the chain verifies', async () => {
    const requests = mixed();
    const single: GateResult[] = [];
    for (const req of requests) single.push(await gate.check(tenant.organizationId, req, { dryRun: true }));
    const batch = await gate.checkMany(tenant.organizationId, requests, { dryRun: true });

    expect(batch).toHaveLength(requests.length);
    batch.forEach((result, i) => {
      const expected = single[i]!;
      expect({ i, decision: result.decision }).toEqual({ i, decision: expected.decision });
      expect({ i, input: result.input }).toEqual({ i, input: expected.input });
      expect(result.record).not.toBeNull();
      const { id: _a, seq: _b, prevHash: _c, hash: _d, createdAt: _e, ...loggedBatch } = result.record!;
      const { id: _f, seq: _g, prevHash: _h, hash: _i, createdAt: _j, ...loggedSingle } = expected.record!;
      expect(JSON.parse(JSON.stringify(loggedBatch))).toEqual(JSON.parse(JSON.stringify(loggedSingle)));
    });

    // the mix really covers every kind of decision the brief names
    const outcomes = batch.map((result) => result.decision.outcome);
    expect(outcomes).toEqual([
      'ALLOWED',
      'BLOCKED_CONSENT_REVOKED',
      'BLOCKED_DNC_INTERNAL',
      'ALLOWED', // a PEWC overrides the registry
      expect.stringMatching(/^BLOCKED_/),
      expect.stringMatching(/^BLOCKED_/),
      'ALLOWED',
      'BLOCKED_FREQUENCY_CAP',
      'DEFERRED',
      'ALLOWED',
      expect.stringMatching(/^BLOCKED_/),
      'DEFERRED',
      'BLOCKED_REASSIGNED_NUMBER',
      'BLOCKED_STATE_EMERGENCY',
      expect.stringMatching(/^BLOCKED_/),
      expect.stringMatching(/^BLOCKED_/),
      'ALLOWED',
    ]);
    const reasonCodes = (i: number) => batch[i]!.decision.reasons.map((reason) => reason.code);
    expect(reasonCodes(5)).toContain('DNC_NATIONAL');
    expect(batch[3]!.input?.facts).toMatchObject({ nationalDnc: { listed: true } });
    expect(batch[6]!.input?.facts).toMatchObject({ stateDnc: { FL: { listed: true } } });
    expect(batch[6]!.record?.dncSnapshotIds).toEqual({ national: expect.any(String), FL: expect.any(String) });
    expect(reasonCodes(10).join(',')).toMatch(/TIME|WINDOW|QUIET|HOUR/);
    expect(reasonCodes(14)).toContain('INVALID_NUMBER');

    // one chained INSERT: consecutive seqs, each pointing at the previous hash
    const records = batch.map((result) => result.record!);
    records.forEach((record, i) => {
      if (i > 0) {
        expect(record.seq).toBe(records[i - 1]!.seq + 1);
        expect(record.prevHash).toBe(records[i - 1]!.hash);
      }
    });
    const verified = await http.get('/v1/audit/verify').set('authorization', tenant.bearer('compliance')).expect(200);
    expect(verified.body).toEqual({ ok: true, checked: requests.length * 2 });
  });

  it('single decisions and batches appended at the same time never fork the chain', async () => {
    const before = await http.get('/v1/audit/verify').set('authorization', tenant.bearer('compliance')).expect(200);
    const requests = mixed();
    await Promise.all([
      gate.checkMany(tenant.organizationId, requests, { dryRun: false }),
      ...requests.slice(0, 5).map((req) => gate.check(tenant.organizationId, req, { dryRun: false })),
      gate.checkMany(tenant.organizationId, requests.slice(3), { dryRun: false }),
    ]);
    const after = await http.get('/v1/audit/verify').set('authorization', tenant.bearer('compliance')).expect(200);
    expect(after.body).toEqual({
      ok: true,
      checked: (before.body as Json).checked + requests.length + 5 + requests.length - 3,
    });
  });

  it('fails closed for the whole batch when the registry cannot answer, and logs every block', async () => {
    const spy = vi.spyOn(app.get(DncStatusPort), 'statusMany').mockRejectedValue(new Error('registry unreachable'));
    try {
      const results = await gate.checkMany(tenant.organizationId, mixed().slice(0, 3), { dryRun: false });
      for (const result of results) {
        expect(result.decision.outcome).toBe('BLOCKED_EVALUATION_FAILED');
        expect(result.decision.reasons[0]?.detail).toMatch(/registry unreachable/);
        expect(result.input).toBeNull();
        expect(result.record?.outcome).toBe('BLOCKED_EVALUATION_FAILED');
      }
    } finally {
      spy.mockRestore();
    }
    const verified = await http.get('/v1/audit/verify').set('authorization', tenant.bearer('compliance')).expect(200);
    expect(verified.body.ok).toBe(true);
  });

  it('an empty batch is no decision; other tenants see none of the batch', async () => {
    expect(await gate.checkMany(tenant.organizationId, [], { dryRun: false })).toEqual([]);
    const other = await createTenant(app);
    const verified = await http.get('/v1/audit/verify').set('authorization', other.bearer('compliance')).expect(200);
    expect(verified.body).toEqual({ ok: true, checked: 0 });
    // the other tenant has no consents, no snapshot: the same numbers are blocked there
    const [result] = await gate.checkMany(other.organizationId, [telemarketing('2125550101')], { dryRun: true });
    expect(result?.decision.outcome).toMatch(/^BLOCKED_/);
  });

  it('counts every decision in /metrics by outcome, reason and mode', async () => {
    const res = await http.get('/metrics').expect(200);
    const text = res.text;
    expect(text).toMatch(
      /switchboard_compliance_decisions_total\{outcome="ALLOWED",reason="none",mode="DIAL_NOW"\} \d+/,
    );
    expect(text).toMatch(
      /switchboard_compliance_decisions_total\{outcome="BLOCKED_CONSENT_REVOKED",reason="CONSENT_REVOKED",mode="DIAL_NOW"\} \d+/,
    );
    expect(text).toMatch(
      /switchboard_compliance_decisions_total\{outcome="DEFERRED",reason="[A-Z_]+",mode="SCHEDULE"\} \d+/,
    );
    expect(text).not.toContain('2125550101');
  });

  // throughput is measured by `npm run bench -- campaign`, not here
  it('logs and chains every decision of consecutive batches of 1,000', async () => {
    const requests: GateRequest[] = [];
    for (let i = 0; i < 3_000; i += 1) {
      const npa = [212, 305, 504, 202][i % 4]!;
      requests.push(telemarketing(`+1${npa}555${String(1000 + (i % 9000)).padStart(4, '0')}`));
    }
    let logged = 0;
    for (let i = 0; i < requests.length; i += 1000) {
      const results = await gate.checkMany(tenant.organizationId, requests.slice(i, i + 1000), { dryRun: false });
      logged += results.filter((r) => r.record !== null).length;
    }
    expect(logged).toBe(3_000);
    const verified = await http.get('/v1/audit/verify').set('authorization', tenant.bearer('compliance')).expect(200);
    expect(verified.body.ok).toBe(true);
  }, 60_000);
});
