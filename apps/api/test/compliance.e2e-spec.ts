import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ComplianceGateService } from '../src/compliance/compliance-gate.service.js';
import { ConsentsService } from '../src/compliance/consents.service.js';
import { DncStatusPort } from '../src/compliance/dnc-status.port.js';
import { consentEvidence, createTenant, type TestTenant } from './fixtures.js';
import { createTestApp, LogCapture } from './test-app.js';

// The API's JSON, navigated freely: the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const CALLER_ID = '+12125550199';
/** a Tuesday, 12:00 in New York (EDT): inside every window */
const AT = '2026-03-10T16:00:00Z';
const DISCLOSURE =
  'By clicking Submit I agree that Acme may call me at the number above with artificial or prerecorded voice marketing calls. Consent is not a condition of purchase.';

/** the reason codes of a decision answer */
const codes = (res: request.Response): string[] =>
  (res.body as { reasons: { code: string }[] }).reasons.map((r) => r.code);

function consentBody(tenant: TestTenant, phone: string, overrides: Json = {}): Json {
  return consentEvidence(tenant, phone, {
    disclosureText: DISCLOSURE,
    sellers: [tenant.organizationName, 'Other Seller LLC'],
    scope: 'solar quotes by artificial-voice calls',
    certificateUrl: 'https://cert.example/abc',
    ...overrides,
  });
}

describe('compliance: consents, revocations, internal DNC, the gate and the decision log', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let a: TestTenant;
  let b: TestTenant;

  const check = (tenant: TestTenant, body: Json, role: Parameters<TestTenant['bearer']>[0] = 'operator') =>
    http
      .post('/v1/compliance/check')
      .set('authorization', tenant.bearer(role))
      .send({ purpose: 'INFORMATIONAL', callerId: CALLER_ID, mode: 'DIAL_NOW', at: AT, ...body });

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    http = request(app.getHttpServer());
    [a, b] = await Promise.all([createTenant(app, 'Acme Solar LLC'), createTenant(app, 'Beta Energy Inc')]);
    for (const tenant of [a, b]) {
      await http
        .post('/v1/caller-ids')
        .set('authorization', tenant.bearer('operator'))
        .send({ phone: '(212) 555-0199', verifiedOwned: true, label: 'main line' })
        .expect(201);
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await app.close();
  });

  it('consent lifecycle: create → E1–E8 stored → ALLOWED → revoke → BLOCKED_CONSENT_REVOKED', async () => {
    const created = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '(212) 555-0101'))
      .expect(201);
    const consent = created.body as Json;
    expect(consent.phone).toBe('+1212*****01'); // operator: no compliance:read
    expect(consent.disclosure.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((consent.elements as Json[]).map((e) => e.element as string)).toEqual([
      'E1',
      'E2',
      'E3',
      'E4',
      'E5',
      'E6',
      'E7',
      'E8',
    ]);
    expect((consent.elements as Json[]).every((e) => e.ok === true)).toBe(true);
    expect(consent.valid).toBe(true);

    const full = await http.get(`/v1/consents/${consent.id}`).set('authorization', a.bearer('compliance')).expect(200);
    expect(full.body.phone).toBe('+12125550101');
    expect(full.body.disclosure.text).toBe(DISCLOSURE);
    expect(full.body.ip).toBe('203.0.113.7');

    const allowed = await check(a, { phone: '212.555.0101' }).expect(200);
    expect(allowed.body.outcome).toBe('ALLOWED');
    expect(allowed.body.dryRun).toBe(true);

    await http
      .post('/v1/revocations')
      .set('authorization', a.bearer('operator'))
      .send({ phone: '+1 212 555 0101', channel: 'sms', words: 'STOP', receivedAt: '2026-03-01T12:00:00Z' })
      .expect(201);
    const blocked = await check(a, { phone: '2125550101' }).expect(200);
    expect(blocked.body.outcome).toBe('BLOCKED_CONSENT_REVOKED');
    expect(codes(blocked)).toContain('CONSENT_REVOKED');
  });

  it('a consent missing elements stores which fail', async () => {
    const res = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('admin'))
      .send(
        consentBody(a, '212-555-0111', {
          type: 'PEC',
          affirmativeAct: false,
          notConditionOfPurchase: false,
          sellers: ['Someone Else'],
        }),
      )
      .expect(201);
    const failing = (res.body.elements as Json[])
      .filter((e) => !e.ok)
      .map((e) => [e.element as string, e.subCode as string]);
    expect(failing).toEqual([
      ['E2', 'CONSENT_NOT_SIGNED'],
      ['E3', 'CONSENT_SELLER_MISMATCH'],
      ['E7', 'CONSENT_DISCLOSURE_INCOMPLETE'],
      ['E8', 'CONSENT_TYPE_INSUFFICIENT'],
    ]);
    expect(res.body.valid).toBe(false);
  });

  it('evidence cannot be changed, even by SQL through the API connection', async () => {
    const res = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('admin'))
      .send(consentBody(a, '2125550112'))
      .expect(201);
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      await expect(
        client.query(`UPDATE consents SET disclosure_text = 'changed' WHERE id = $1`, [res.body.id]),
      ).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM consents WHERE id = $1`, [res.body.id])).rejects.toThrow(/append-only/);
      const entry = await http
        .post('/v1/dnc/internal')
        .set('authorization', a.bearer('operator'))
        .send({ phone: '2125550113' })
        .expect(201);
      await expect(
        client.query(`UPDATE internal_dnc_entries SET phone_e164 = '+12125550114' WHERE id = $1`, [entry.body.id]),
      ).rejects.toThrow(/cannot change/);
      await expect(client.query(`DELETE FROM internal_dnc_entries WHERE id = $1`, [entry.body.id])).rejects.toThrow(
        /cannot change/,
      );
    } finally {
      await client.end();
    }
  });

  it('an opt-out through recordOptOut blocks at once with DNC_INTERNAL and CONSENT_REVOKED', async () => {
    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '2125550102'))
      .expect(201);
    expect((await check(a, { phone: '2125550102' }).expect(200)).body.outcome).toBe('ALLOWED');

    const result = await app.get(ConsentsService).recordOptOut(a.organizationId, {
      phone: '(212) 555-0102',
      channel: 'voice',
      words: 'stop calling me',
      receivedAt: new Date('2026-03-10T15:59:00Z'),
      callId: 'call-123',
    });
    expect(result.internalDnc.revocationId).toBe(result.revocation.id);
    expect(result.revocation.internalDncEntryId).toBe(result.internalDnc.id);

    const blocked = await check(a, { phone: '2125550102' }).expect(200);
    expect(blocked.body.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(codes(blocked)).toEqual(expect.arrayContaining(['DNC_INTERNAL', 'CONSENT_REVOKED']));

    const listed = await http
      .get('/v1/dnc/internal?phone=%2B12125550102')
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].source).toBe('opt_out');
    const revocations = await http
      .get('/v1/revocations?phone=212-555-0102')
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    expect(revocations.body.items[0].words).toBe('stop calling me');
    expect(Date.parse(revocations.body.items[0].honouredAt)).toBeGreaterThan(Date.parse('2026-03-10T16:00:00Z'));
  });

  it('internal DNC: added by an operator, removed only by an admin (recorded)', async () => {
    await http
      .post('/v1/dnc/internal')
      .set('authorization', a.bearer('operator'))
      .send({ phone: '2125550103', requestedAt: '2026-03-01T00:00:00Z', reason: 'asked by email' })
      .expect(201);
    expect((await check(a, { phone: '2125550103' }).expect(200)).body.outcome).toBe('BLOCKED_DNC_INTERNAL');
    await http
      .delete('/v1/dnc/internal?phone=2125550103&reason=mistake')
      .set('authorization', a.bearer('operator'))
      .expect(403);
    await http.delete('/v1/dnc/internal?phone=2125550103').set('authorization', a.bearer('admin')).expect(400);
    const removed = await http
      .delete('/v1/dnc/internal?phone=(212)%20555-0103&reason=entered%20by%20mistake')
      .set('authorization', a.adminSession())
      .expect(200);
    expect(removed.body.removed).toBe(1);
    const all = await http
      .get('/v1/dnc/internal?phone=2125550103&includeRemoved=true')
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    expect(all.body.items[0].removedAt).not.toBeNull();
    expect(all.body.items[0].removalReason).toBe('entered by mistake');
    await http
      .delete('/v1/dnc/internal?phone=2125550103&reason=again')
      .set('authorization', a.adminSession())
      .expect(404);
  });

  it('a disputed consent blocks at once; a reviewer may dispute', async () => {
    const created = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '2125550104'))
      .expect(201);
    expect((await check(a, { phone: '2125550104' }).expect(200)).body.outcome).toBe('ALLOWED');
    const disputed = await http
      .post(`/v1/consents/${created.body.id}/dispute`)
      .set('authorization', a.bearer('compliance'))
      .send({ reason: 'consumer denies having filled the form' })
      .expect(200);
    expect(disputed.body.status).toBe('disputed');
    expect(disputed.body.dispute.reason).toBe('consumer denies having filled the form');
    expect((await check(a, { phone: '2125550104' }).expect(200)).body.outcome).toBe('BLOCKED_NO_CONSENT');
    await http
      .post(`/v1/consents/${created.body.id}/dispute`)
      .set('authorization', a.bearer('admin'))
      .send({ reason: 'again' })
      .expect(409);
    await http
      .post(`/v1/consents/${created.body.id}/dispute`)
      .set('authorization', a.bearer('viewer'))
      .send({ reason: 'x' })
      .expect(403);
  });

  it('telemarketing: no registry snapshot → BLOCKED_DNC_DATA_STALE; a fresh one → ALLOWED with its snapshot id logged', async () => {
    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '2125550105'))
      .expect(201);
    const stale = await check(a, { phone: '2125550105', purpose: 'TELEMARKETING', subject: 'solar' }).expect(200);
    expect(stale.body.outcome).toBe('BLOCKED_DNC_DATA_STALE');

    const dnc = app.get(DncStatusPort);
    const spy = vi
      .spyOn(dnc, 'nationalStatus')
      .mockResolvedValue({ snapshotId: 'snap-2026-03-05', obtainedAt: '2026-03-05T00:00:00Z', listed: false });
    try {
      const fresh = await check(a, { phone: '2125550105', purpose: 'TELEMARKETING', subject: 'solar' }).expect(200);
      expect(fresh.body.outcome).toBe('ALLOWED');
      expect(fresh.body.dncSnapshotIds).toEqual({ national: 'snap-2026-03-05' });
    } finally {
      spy.mockRestore();
    }
  });

  it('fails closed when the DNC service throws, and still logs the decision', async () => {
    const dnc = app.get(DncStatusPort);
    const spy = vi.spyOn(dnc, 'nationalStatus').mockRejectedValue(new Error('registry unreachable'));
    try {
      const res = await check(a, { phone: '2125550101' }).expect(200);
      expect(res.body.outcome).toBe('BLOCKED_EVALUATION_FAILED');
      expect(res.body.reasons[0].code).toBe('EVALUATION_FAILED');
      const direct = await app
        .get(ComplianceGateService)
        .check(
          a.organizationId,
          { phone: '2125550101', purpose: 'INFORMATIONAL', callerId: CALLER_ID, mode: 'DIAL_NOW', at: new Date(AT) },
          { dryRun: false },
        );
      expect(direct.decision.outcome).toBe('BLOCKED_EVALUATION_FAILED');
      expect(direct.record?.dryRun).toBe(false);
    } finally {
      spy.mockRestore();
    }
    const logged = await http
      .get('/v1/compliance/decisions?outcome=BLOCKED_EVALUATION_FAILED')
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    expect(logged.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('an unowned caller id blocks; an unreadable callee number blocks at C01', async () => {
    const res = await check(a, { phone: '2125550101', callerId: '+13125550100' }).expect(200);
    expect(codes(res)).toContain('CALLER_ID_INVALID');
    const bad = await check(a, { phone: 'not a number' }).expect(200);
    expect(bad.body.outcome).toBe('BLOCKED_INVALID_NUMBER');
  });

  it('the decision log: searchable, hash-chained, concurrent writers do not fork it, tampering is found', async () => {
    const c = await createTenant(app, 'Chain Test LLC');
    await http
      .post('/v1/caller-ids')
      .set('authorization', c.bearer('admin'))
      .send({ phone: CALLER_ID, verifiedOwned: true })
      .expect(201);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => check(c, { phone: `21255501${10 + i}` }, 'admin').expect(200)),
    );
    const verified = await http.get('/v1/audit/verify').set('authorization', c.bearer('compliance')).expect(200);
    expect(verified.body).toEqual({ ok: true, checked: 8 });

    const page = await http
      .get('/v1/compliance/decisions?limit=3&phone=(212)%20555-0113')
      .set('authorization', c.bearer('compliance'))
      .expect(200);
    expect(page.body.items).toHaveLength(1);
    const target = page.body.items[0] as Json;
    expect(target.input.request.phone).toBe('+12125550113');

    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await http
        .get(`/v1/compliance/decisions?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .set('authorization', c.bearer('compliance'))
        .expect(200);
      all.push(...(res.body.items as Json[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(all.map((d) => d.seq as number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      await expect(client.query(`DELETE FROM compliance_decisions WHERE id = $1`, [target.id])).rejects.toThrow(
        /append-only/,
      );
      // a superuser working around the trigger is what the chain is for
      try {
        expect(target.outcome).toBe('BLOCKED_NO_CONSENT');
        await expect(
          client.query(`UPDATE compliance_decisions SET outcome = 'ALLOWED' WHERE id = $1`, [target.id]),
        ).rejects.toThrow(/append-only/);
        await client.query('ALTER TABLE compliance_decisions DISABLE TRIGGER trg_compliance_decisions_immutable');
        await client.query(`UPDATE compliance_decisions SET outcome = 'ALLOWED' WHERE id = $1`, [target.id]);
      } finally {
        await client.query('ALTER TABLE compliance_decisions ENABLE TRIGGER trg_compliance_decisions_immutable');
      }
    } finally {
      await client.end();
    }
    const broken = await http.get('/v1/audit/verify').set('authorization', c.bearer('admin')).expect(200);
    expect(broken.body.ok).toBe(false);
    expect(broken.body.firstBrokenId).toBe(target.id);
    expect(broken.body.reason).toMatch(/does not match its hash/);
    // other organisations' chains are not affected
    expect((await http.get('/v1/audit/verify').set('authorization', a.bearer('compliance')).expect(200)).body.ok).toBe(
      true,
    );
  });

  it('CSV import keeps good rows and reports every bad one by line', async () => {
    const header =
      'phone,type,disclosure_text,captured_at,sellers,signature_method,affirmative_act,authorizes_artificial_voice,not_condition_of_purchase';
    const row = (phone: string, disclosure: string, capturedAt: string) =>
      `${phone},PEWC,"${disclosure}",${capturedAt},${a.organizationName};Other LLC,checkbox_submit,true,true,true`;
    const csv = [
      header,
      row('(212) 555-0120', DISCLOSURE, '2026-01-05T15:00:00Z'),
      row('not-a-phone', DISCLOSURE, '2026-01-05T15:00:00Z'),
      row('+1 800 555 0100', DISCLOSURE, '2026-01-05T15:00:00Z'),
      row('+44 20 7946 0958', DISCLOSURE, '2026-01-05T15:00:00Z'),
      row('212.555.0121', '', '2026-01-05T15:00:00Z'),
      row('2125550122', DISCLOSURE, 'yesterday'),
      row('2125550123', DISCLOSURE, '2026-01-06T09:30:00-05:00'),
    ].join('\n');
    const res = await http
      .post('/v1/consents/import')
      .set('authorization', a.bearer('operator'))
      .send({ csv })
      .expect(207);
    expect(res.body.imported).toBe(2);
    expect((res.body.rejected as Json[]).map((r) => r.line as number)).toEqual([3, 4, 5, 6, 7]);
    const reasons = Object.fromEntries(
      (res.body.rejected as Json[]).map((r) => [r.line as number, (r.errors as string[]).join('; ')]),
    );
    expect(reasons[3]).toMatch(/phone/);
    expect(reasons[4]).toMatch(/area code 800/);
    expect(reasons[5]).toMatch(/phone/);
    expect(reasons[6]).toMatch(/disclosure_text/);
    expect(reasons[7]).toMatch(/captured_at/);

    const imported = await http
      .get('/v1/consents?phone=2125550120')
      .set('authorization', a.bearer('compliance'))
      .expect(200);
    expect(imported.body.items[0].source).toBe('csv');

    const clean = await http
      .post('/v1/consents/import')
      .set('authorization', a.bearer('operator'))
      .send({ csv: [header, row('2125550124', DISCLOSURE, '2026-01-05T15:00:00Z')].join('\n') })
      .expect(200);
    expect(clean.body).toMatchObject({ imported: 1, rejected: [] });
    await http
      .post('/v1/consents/import')
      .set('authorization', a.bearer('operator'))
      .send({ csv: 'phone,type\n2125550125,PEWC' })
      .expect(400);
  });

  it('phone params accept any format and name the field when unreadable', async () => {
    for (const phone of ['(212) 555-0101', '212.555.0101', '+1 212 555 0101']) {
      const res = await http
        .get(`/v1/consents?phone=${encodeURIComponent(phone)}`)
        .set('authorization', a.bearer('compliance'))
        .expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
    }
    const bad = await http.get('/v1/consents?phone=abc').set('authorization', a.bearer('compliance')).expect(400);
    expect(bad.body.error.details[0].path).toBe('query.phone');
    const badBody = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '555'))
      .expect(400);
    expect(badBody.body.error.details[0].path).toBe('body.phone');
    const unknown = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send({ ...consentBody(a, '2125550101'), extra: 1, capturedAt: 'soon' })
      .expect(400);
    expect((unknown.body.error.details as Json[]).map((d) => d.path as string)).toEqual(
      expect.arrayContaining(['body.extra', 'body.capturedAt']),
    );
  });

  it('roles: who may read, write, check and verify', async () => {
    await http.get('/v1/consents').set('authorization', a.bearer('viewer')).expect(403);
    await http.get('/v1/consents').set('authorization', a.bearer('designer')).expect(403);
    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('compliance'))
      .send(consentBody(a, '2125550130'))
      .expect(403);
    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('viewer'))
      .send(consentBody(a, '2125550130'))
      .expect(403);
    await http
      .post('/v1/revocations')
      .set('authorization', a.bearer('compliance'))
      .send({ phone: '2125550130', channel: 'email', words: 'x', receivedAt: AT })
      .expect(403);
    await http
      .post('/v1/dnc/internal')
      .set('authorization', a.bearer('compliance'))
      .send({ phone: '2125550130' })
      .expect(403);
    await check(a, { phone: '2125550101' }, 'viewer').expect(403);
    await check(a, { phone: '2125550101' }, 'compliance').expect(200);
    await http.get('/v1/compliance/decisions').set('authorization', a.bearer('operator')).expect(403);
    await http.get('/v1/audit/verify').set('authorization', a.bearer('operator')).expect(403);
    await http.get('/v1/audit/verify').set('authorization', a.bearer('viewer')).expect(403);
    const masked = await http.get('/v1/consents').set('authorization', a.bearer('operator')).expect(200);
    for (const item of masked.body.items as Json[]) expect(item.phone).toMatch(/^\+1\d{3}\*+\d{2}$/);
    const opCheck = await check(a, { phone: '2125550101' }).expect(200);
    expect(JSON.stringify(opCheck.body)).not.toContain('2125550101');
    await http
      .post('/v1/compliance/emergencies')
      .set('authorization', a.bearer('compliance'))
      .send({ state: 'LA', from: AT })
      .expect(403);
    await http
      .post('/v1/caller-ids')
      .set('authorization', a.bearer('viewer'))
      .send({ phone: CALLER_ID, verifiedOwned: true })
      .expect(403);
  });

  it('a declared emergency in LA blocks telemarketing there', async () => {
    await http
      .post('/v1/compliance/emergencies')
      .set('authorization', a.bearer('operator'))
      .send({ state: 'la', from: '2026-03-01T00:00:00Z', to: '2026-03-20T00:00:00Z', note: 'hurricane' })
      .expect(201);
    await http
      .post('/v1/compliance/emergencies')
      .set('authorization', a.bearer('operator'))
      .send({ state: 'LA', from: '2026-03-01T00:00:00Z', to: '2026-02-20T00:00:00Z' })
      .expect(400);
    const list = await http.get('/v1/compliance/emergencies').set('authorization', a.bearer('compliance')).expect(200);
    expect(list.body.items[0].state).toBe('LA');
    const res = await check(a, { phone: '5045550100', purpose: 'TELEMARKETING' }).expect(200);
    expect(codes(res)).toContain('STATE_EMERGENCY');
    expect(res.body.outcome).toBe('BLOCKED_STATE_EMERGENCY');
  });

  it('recorded attempts count against the Florida cap; a reassigned number blocks', async () => {
    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '(305) 555-0150'))
      .expect(201);
    const dnc = app.get(DncStatusPort);
    const fresh = { snapshotId: 'snap-1', obtainedAt: '2026-03-05T00:00:00Z', listed: false };
    const national = vi.spyOn(dnc, 'nationalStatus').mockResolvedValue(fresh);
    const state = vi.spyOn(dnc, 'stateStatus').mockResolvedValue({ ...fresh, snapshotId: 'snap-fl' });
    try {
      const telemarketing = { phone: '3055550150', purpose: 'TELEMARKETING', subject: 'solar' };
      const before = await check(a, telemarketing).expect(200);
      expect(before.body.outcome).toBe('ALLOWED');
      expect(before.body.dncSnapshotIds).toEqual({ national: 'snap-1', FL: 'snap-fl' });
      const gate = app.get(ComplianceGateService);
      for (const at of ['2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z', '2026-03-10T15:00:00Z']) {
        await gate.recordAttempt(a.organizationId, { phone: '+13055550150', at: new Date(at), subject: 'solar' });
      }
      const capped = await check(a, telemarketing).expect(200);
      expect(capped.body.outcome).toBe('BLOCKED_FREQUENCY_CAP');
      expect(capped.body.nextAllowedAt).toBe('2026-03-11T13:00:00.000Z');
      const deferred = await check(a, { ...telemarketing, mode: 'SCHEDULE' }).expect(200);
      expect(deferred.body.outcome).toBe('DEFERRED');

      await gate.recordReassignedCheck(a.organizationId, {
        phone: '305-555-0150',
        queriedAt: new Date('2026-03-09T00:00:00Z'),
        result: 'YES',
      });
      const reassigned = await check(a, { phone: '3055550150' }).expect(200);
      expect(reassigned.body.outcome).toBe('BLOCKED_REASSIGNED_NUMBER');
    } finally {
      national.mockRestore();
      state.mockRestore();
    }
  });

  it('EBR and Reassigned Numbers Database answers recorded through their routes reach the gate', async () => {
    const dnc = app.get(DncStatusPort);
    const listed = { snapshotId: 'snap-listed', obtainedAt: '2026-03-05T00:00:00Z', listed: true };
    const national = vi.spyOn(dnc, 'nationalStatus').mockResolvedValue(listed);
    try {
      const telemarketing = { phone: '(212) 555-0177', purpose: 'TELEMARKETING', subject: 'solar' };
      const codes = async () =>
        ((await check(a, telemarketing).expect(200)).body.reasons as Array<{ code: string }>).map((r) => r.code);
      expect(await codes()).toContain('DNC_NATIONAL');

      await http
        .post('/v1/compliance/business-relationships')
        .set('authorization', a.bearer('viewer'))
        .send({ phone: '212-555-0177', lastTransactionAt: '2026-01-15T00:00:00Z' })
        .expect(403);
      const missing = await http
        .post('/v1/compliance/business-relationships')
        .set('authorization', a.bearer('operator'))
        .send({ phone: '212-555-0177' })
        .expect(400);
      expect(missing.body.error.details[0].path).toBe('body.lastTransactionAt');
      await http
        .post('/v1/compliance/business-relationships')
        .set('authorization', a.bearer('operator'))
        .send({ phone: 'not a number', lastTransactionAt: '2026-01-15T00:00:00Z' })
        .expect(400);
      await http
        .post('/v1/compliance/business-relationships')
        .set('authorization', a.bearer('operator'))
        .send({ phone: '212-555-0177', lastTransactionAt: '2026-01-15T00:00:00Z' })
        .expect(201);
      // a purchase two months ago exempts the number from the national list (consent is still missing)
      const after = await codes();
      expect(after).not.toContain('DNC_NATIONAL');
      expect(after).toContain('NO_CONSENT');
      // tenant B's gate knows nothing of A's relationship
      const other = await check(b, telemarketing).expect(200);
      expect((other.body.reasons as Array<{ code: string }>).map((r) => r.code)).toContain('DNC_NATIONAL');
    } finally {
      national.mockRestore();
    }

    await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '(212) 555-0178'))
      .expect(201);
    expect((await check(a, { phone: '2125550178' }).expect(200)).body.outcome).toBe('ALLOWED');
    await http
      .post('/v1/compliance/reassigned-checks')
      .set('authorization', a.bearer('operator'))
      .send({ phone: '+1 212 555 0178', queriedAt: '2026-03-09T00:00:00Z', result: 'MAYBE' })
      .expect(400);
    await http
      .post('/v1/compliance/reassigned-checks')
      .set('authorization', a.bearer('operator'))
      .send({ phone: '+1 212 555 0178', queriedAt: '2026-03-09T00:00:00Z', result: 'YES' })
      .expect(201);
    expect((await check(a, { phone: '2125550178' }).expect(200)).body.outcome).toBe('BLOCKED_REASSIGNED_NUMBER');
  });

  it("the seller's legal name is what consents must name; only an admin sets it", async () => {
    const d = await createTenant(app, 'Delta Display Name');
    await http
      .post('/v1/caller-ids')
      .set('authorization', d.bearer('admin'))
      .send({ phone: CALLER_ID, verifiedOwned: true })
      .expect(201);
    await http
      .post('/v1/consents')
      .set('authorization', d.bearer('operator'))
      .send(consentBody(d, '2125550160', { sellers: ['Delta Energy Holdings LLC'] }))
      .expect(201);
    expect(
      (await http.get('/v1/compliance/seller').set('authorization', d.bearer('compliance')).expect(200)).body,
    ).toEqual({
      legalName: 'Delta Display Name',
    });
    expect(codes(await check(d, { phone: '2125550160' }, 'admin').expect(200))).toContain('CONSENT_INVALID');
    await http
      .put('/v1/compliance/seller')
      .set('authorization', d.bearer('operator'))
      .send({ legalName: 'Delta Energy Holdings LLC' })
      .expect(403);
    await http
      .put('/v1/compliance/seller')
      .set('authorization', d.bearer('admin'))
      .send({ legalName: 'Delta Energy Holdings LLC' })
      .expect(200);
    expect((await check(d, { phone: '2125550160' }, 'admin').expect(200)).body.outcome).toBe('ALLOWED');
  });

  it('tenant isolation: another organisation sees none of it (404, never 403)', async () => {
    const created = await http
      .post('/v1/consents')
      .set('authorization', a.bearer('operator'))
      .send(consentBody(a, '2125550140'))
      .expect(201);
    const id = created.body.id as string;
    await http.get(`/v1/consents/${id}`).set('authorization', b.adminSession()).expect(404);
    await http
      .post(`/v1/consents/${id}/dispute`)
      .set('authorization', b.adminSession())
      .send({ reason: 'x' })
      .expect(404);
    for (const path of [
      '/v1/consents?phone=2125550140',
      '/v1/revocations?phone=2125550101',
      '/v1/dnc/internal?phone=2125550102',
      '/v1/compliance/decisions?phone=2125550101',
      '/v1/compliance/emergencies',
    ]) {
      const res = await http.get(path).set('authorization', b.adminSession()).expect(200);
      expect(res.body.items, path).toEqual([]);
    }
    const callerIds = await http.get('/v1/caller-ids').set('authorization', b.adminSession()).expect(200);
    expect(callerIds.body.items).toHaveLength(1);
    await http.delete('/v1/dnc/internal?phone=2125550102&reason=x').set('authorization', b.adminSession()).expect(404);
    // B's gate sees neither A's consents nor A's DNC entries nor A's emergencies
    expect((await check(b, { phone: '2125550140' }).expect(200)).body.outcome).toBe('BLOCKED_NO_CONSENT');
    const bDnc = await check(b, { phone: '2125550102' }).expect(200);
    expect(codes(bDnc)).not.toContain('DNC_INTERNAL');
    const bLa = await check(b, { phone: '5045550100', purpose: 'TELEMARKETING' }).expect(200);
    expect(codes(bLa)).not.toContain('STATE_EMERGENCY');
    expect((await http.get('/v1/audit/verify').set('authorization', b.bearer('compliance')).expect(200)).body.ok).toBe(
      true,
    );
    // A's consent is untouched
    expect(
      (await http.get(`/v1/consents/${id}`).set('authorization', a.bearer('compliance')).expect(200)).body.status,
    ).toBe('active');
  });
});

describe('compliance: logs', () => {
  it('never carry a whole phone number, even when the gate fails closed', async () => {
    const logs = new LogCapture();
    const app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' }, logs });
    try {
      const http = request(app.getHttpServer());
      const tenant = await createTenant(app);
      await http
        .post('/v1/consents')
        .set('authorization', tenant.bearer('operator'))
        .send(consentBody(tenant, '2125550170'))
        .expect(201);
      await http.get('/v1/consents?phone=%2B12125550170').set('authorization', tenant.bearer('compliance')).expect(200);
      const spy = vi
        .spyOn(app.get(DncStatusPort), 'nationalStatus')
        .mockRejectedValue(new Error('down for +12125550170'));
      try {
        const res = await http
          .post('/v1/compliance/check')
          .set('authorization', tenant.bearer('compliance'))
          .send({ phone: '2125550170', purpose: 'INFORMATIONAL', callerId: CALLER_ID, at: AT })
          .expect(200);
        expect((res.body as Json).outcome).toBe('BLOCKED_EVALUATION_FAILED');
      } finally {
        spy.mockRestore();
      }
      expect(logs.raw.some((line) => line.includes('compliance gate failed closed'))).toBe(true);
      expect(logs.raw.filter((line) => line.includes('2125550170'))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
