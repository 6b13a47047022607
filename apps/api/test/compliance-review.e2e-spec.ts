import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Validator } from '@seriousme/openapi-schema-validator';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpenApiService } from '../src/docs/openapi.service.js';
import { ComplianceGateService } from '../src/compliance/compliance-gate.service.js';
import { consentEvidence, createTenant, type TestTenant } from './fixtures.js';
import { createTestApp, LogCapture } from './test-app.js';

// The API's JSON, navigated freely: the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const CALLER_ID = '+12125550199';
/** a Tuesday, 12:00 in New York (EDT): inside every window */
const AT = '2026-03-10T16:00:00Z';
/** the same day, 01:00 in New York: outside every window */
const NIGHT = '2026-03-10T05:00:00Z';
const PHONE = '+12125550101';
const DISCLOSURE =
  'By clicking Submit I, Jane Roe (jane.roe@example.com), agree that Acme may call me with artificial or prerecorded voice marketing calls. Consent is not a condition of purchase.';

/** one field of each item of a JSON array */
const pluck = (items: unknown, key: string): unknown[] => (items as Json[]).map((item) => item[key] as unknown);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function consentBody(tenant: TestTenant, phone: string, overrides: Json = {}): Json {
  return consentEvidence(tenant, phone, { disclosureText: DISCLOSURE, ...overrides });
}

describe('compliance review: dossier, search, export, reports', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let a: TestTenant;
  let b: TestTenant;

  const check = (tenant: TestTenant, body: Json) =>
    http
      .post('/v1/compliance/check')
      .set('authorization', tenant.bearer('operator'))
      .send({ purpose: 'INFORMATIONAL', callerId: CALLER_ID, mode: 'DIAL_NOW', at: AT, ...body })
      .expect(200);
  const consent = async (tenant: TestTenant, phone: string, overrides: Json = {}) =>
    (
      await http
        .post('/v1/consents')
        .set('authorization', tenant.bearer('operator'))
        .send(consentBody(tenant, phone, overrides))
        .expect(201)
    ).body as Json;
  const revoke = async (tenant: TestTenant, phone: string, receivedAt: string, words = 'STOP') =>
    (
      await http
        .post('/v1/revocations')
        .set('authorization', tenant.bearer('operator'))
        .send({ phone, channel: 'sms', words, receivedAt })
        .expect(201)
    ).body as Json;
  const get = (tenant: TestTenant, path: string, role: Parameters<TestTenant['bearer']>[0] = 'compliance') =>
    http.get(path).set('authorization', tenant.bearer(role));

  let consentA: Json;
  let consentB: Json;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    http = request(app.getHttpServer());
    [a, b] = await Promise.all([createTenant(app, 'Acme Solar LLC'), createTenant(app, 'Beta Energy Inc')]);
    for (const tenant of [a, b]) {
      await http
        .post('/v1/caller-ids')
        .set('authorization', tenant.bearer('operator'))
        .send({ phone: CALLER_ID, verifiedOwned: true })
        .expect(201);
    }
    // Tenant A's history of PHONE, through the existing routes and services.
    consentA = await consent(a, '(212) 555-0101');
    const disputedConsent = await consent(a, '212 555 0101', { capturedAt: '2026-01-20T10:00:00Z' });
    await http
      .post(`/v1/consents/${disputedConsent.id}/dispute`)
      .set('authorization', a.bearer('compliance'))
      .send({ reason: 'consumer denies this form' })
      .expect(200);
    expect((await check(a, { phone: PHONE, campaignId: 'spring-2026' })).body.outcome).toBe('ALLOWED');
    await app
      .get(ComplianceGateService)
      .recordAttempt(a.organizationId, { phone: PHONE, at: new Date('2026-03-10T16:05:00Z'), subject: 'solar' });
    await revoke(a, PHONE, '2026-03-12T12:00:00Z', 'stop calling me');
    await http
      .post('/v1/dnc/internal')
      .set('authorization', a.bearer('operator'))
      .send({ phone: PHONE, requestedAt: '2026-03-12T12:00:00Z', reason: 'asked by email' })
      .expect(201);
    await http
      .delete('/v1/dnc/internal?phone=2125550101&reason=entered%20twice')
      .set('authorization', a.adminSession())
      .expect(200);
    expect((await check(a, { phone: PHONE, at: '2026-03-13T16:00:00Z' })).body.outcome).toBe('BLOCKED_CONSENT_REVOKED');
    // Tenant B holds its own evidence for the same number.
    consentB = await consent(b, PHONE, { disclosureText: 'Beta may call me with an artificial voice.' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the dossier holds every piece of evidence and one timeline in time order', async () => {
    const res = await get(a, '/v1/compliance/phones/(212)%20555-0101').expect(200);
    const dossier = res.body as Json;
    expect(dossier.phone).toBe(PHONE);

    expect(dossier.consents).toHaveLength(2);
    const first = dossier.consents[0] as Json;
    expect(first).toMatchObject({
      id: consentA.id,
      phone: PHONE,
      capturedAt: '2026-01-05T15:00:00.000Z',
      pageUrl: 'https://acme.example/quote',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      signature: { method: 'checkbox_submit', affirmative: true },
      sellers: ['Acme Solar LLC'],
      valid: true,
      status: 'active',
      dispute: null,
    });
    expect(first.disclosure.text).toBe(DISCLOSURE);
    expect(first.disclosure.sha256).toBe(sha256(DISCLOSURE));
    expect(pluck(first.elements, 'element')).toEqual(['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8']);
    expect(dossier.consents[1].status).toBe('disputed');
    expect(dossier.consents[1].dispute.reason).toBe('consumer denies this form');

    expect(dossier.revocations).toEqual([
      expect.objectContaining({ channel: 'sms', words: 'stop calling me', receivedAt: '2026-03-12T12:00:00.000Z' }),
    ]);
    expect(dossier.internalDnc).toEqual([
      expect.objectContaining({ reason: 'asked by email', removalReason: 'entered twice' }),
    ]);
    expect(dossier.internalDnc[0].removedAt).not.toBeNull();

    expect(pluck(dossier.decisions, 'outcome')).toEqual(['ALLOWED', 'BLOCKED_CONSENT_REVOKED']);
    const decision = dossier.decisions[0] as Json;
    expect(decision).toMatchObject({ mode: 'DIAL_NOW', campaignId: 'spring-2026', dryRun: true });
    expect(decision.ruleSetVersion).toEqual(expect.any(String));
    expect(decision.dncSnapshotIds).toEqual(expect.any(Object));
    expect(pluck(dossier.decisions[1].reasons, 'code')).toContain('CONSENT_REVOKED');

    expect(dossier.attempts).toEqual([
      expect.objectContaining({ attemptedAt: '2026-03-10T16:05:00.000Z', subject: 'solar' }),
    ]);
    // no registry loaded for this tenant: nothing fresh, listing unknown
    expect(dossier.registries.national).toMatchObject({ snapshotId: null, listed: null, fresh: false });
    expect(dossier.registries.states).toHaveLength(12);

    const timeline = dossier.timeline as Json[];
    expect(pluck(timeline, 'type')).toEqual([
      'consent.captured',
      'consent.captured',
      'call.attempt',
      'revocation.received',
      // recorded during this test run, in this order
      'consent.disputed',
      'decision',
      'revocation.honoured',
      'dnc.internal.added',
      'dnc.internal.removed',
      'decision',
    ]);
    const times = timeline.map((e) => Date.parse(e.at as string));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('an unreadable number is a 400 naming the field', async () => {
    const res = await get(a, '/v1/compliance/phones/not-a-number').expect(400);
    expect(res.body.error.code).toBe('INVALID_PHONE');
    expect(res.body.error.details[0].path).toBe('params.phone');
    await get(a, '/v1/compliance/phones/555-01/export').expect(400);
  });

  it('tenant isolation: the same number shows only the caller’s own evidence', async () => {
    const forB = (await get(b, `/v1/compliance/phones/${encodeURIComponent(PHONE)}`).expect(200)).body as Json;
    expect(pluck(forB.consents, 'id')).toEqual([consentB.id]);
    expect(forB.revocations).toEqual([]);
    expect(forB.internalDnc).toEqual([]);
    expect(forB.decisions).toEqual([]);
    expect(forB.attempts).toEqual([]);
    expect(pluck(forB.timeline, 'type')).toEqual(['consent.captured']);
    const forA = (await get(a, `/v1/compliance/phones/${encodeURIComponent(PHONE)}`).expect(200)).body as Json;
    expect(pluck(forA.consents, 'id')).not.toContain(consentB.id);

    // B's search never finds A's evidence, by text, consent id or campaign
    expect((await get(b, `/v1/compliance/search?consentId=${consentA.id}`).expect(200)).body.items).toEqual([]);
    expect((await get(b, '/v1/compliance/search?q=jane.roe').expect(200)).body.items).toEqual([]);
    expect((await get(b, '/v1/compliance/search?campaignId=spring-2026').expect(200)).body.items).toEqual([]);
    const exported = (await get(b, `/v1/compliance/phones/${PHONE}/export`).expect(200)).body as Json;
    expect(exported.parts['decisions.json']).toEqual([]);
  });

  it('search by text, number, consent id, campaign and date range, page by page', async () => {
    await consent(a, '2125550102', { disclosureText: 'John Doe agrees to artificial voice calls from Acme.' });
    await check(a, { phone: '2125550102', campaignId: 'autumn' });

    const byText = (await get(a, '/v1/compliance/search?q=JANE.ROE@example').expect(200)).body as Json;
    expect(byText.items).toEqual([
      {
        phone: PHONE,
        counts: { consents: 2, revocations: 1, internalDnc: 1, decisions: 2, attempts: 1 },
        firstAt: '2026-01-05T15:00:00.000Z',
        lastAt: expect.any(String),
      },
    ]);
    const byNumber = (await get(a, '/v1/compliance/search?q=(212)%20555-0102').expect(200)).body as Json;
    expect(pluck(byNumber.items, 'phone')).toEqual(['+12125550102']);
    const byConsent = (await get(a, `/v1/compliance/search?consentId=${consentA.id}`).expect(200)).body as Json;
    expect(pluck(byConsent.items, 'phone')).toEqual([PHONE]);
    const byCampaign = (await get(a, '/v1/compliance/search?campaignId=autumn').expect(200)).body as Json;
    expect(pluck(byCampaign.items, 'phone')).toEqual(['+12125550102']);

    // the range limits the events counted: only PHONE has events in March 2026
    const march = (await get(a, '/v1/compliance/search?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z').expect(200))
      .body as Json;
    expect(march.items).toEqual([
      expect.objectContaining({
        phone: PHONE,
        counts: { consents: 0, revocations: 1, internalDnc: 0, decisions: 0, attempts: 1 },
      }),
    ]);

    const page1 = (await get(a, '/v1/compliance/search?limit=1').expect(200)).body as Json;
    expect(pluck(page1.items, 'phone')).toEqual([PHONE]);
    const page2 = (await get(a, `/v1/compliance/search?limit=1&cursor=${page1.nextCursor as string}`).expect(200))
      .body as Json;
    expect(pluck(page2.items, 'phone')).toEqual(['+12125550102']);
    expect(page2.nextCursor).toBeNull();

    const bad = await get(a, '/v1/compliance/search?from=yesterday&consentId=12&extra=1').expect(400);
    const paths = pluck(bad.body.error.details, 'path');
    expect(paths).toEqual(expect.arrayContaining(['query.from', 'query.consentId']));
    await get(a, '/v1/compliance/search?cursor=garbage').expect(400);
  });

  it('exports a dossier as JSON whose manifest checksums verify', async () => {
    const res = await get(a, `/v1/compliance/phones/${encodeURIComponent(PHONE)}/export?format=json`).expect(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="dossier-12125550101-.*\.json"$/);
    const file = res.body as Json;
    expect(file.manifest.phone).toBe(PHONE);
    const files = file.manifest.files as { name: string; sha256: string; bytes: number }[];
    expect(files.map((f) => f.name).sort()).toEqual(Object.keys(file.parts as Json).sort());
    expect(files.length).toBe(7);
    for (const entry of files) {
      const content = JSON.stringify(file.parts[entry.name]);
      expect(sha256(content)).toBe(entry.sha256);
      expect(Buffer.byteLength(content, 'utf8')).toBe(entry.bytes);
    }
    expect(file.parts['consents.json'][0].disclosure.text).toBe(DISCLOSURE);
    // a tampered part no longer matches
    const tampered = structuredClone(file.parts['revocations.json']) as Json[];
    (tampered[0] as Json).words = 'please call me';
    const revocationsEntry = files.find((f) => f.name === 'revocations.json');
    expect(sha256(JSON.stringify(tampered))).not.toBe(revocationsEntry?.sha256);
  });

  it('exports the timeline as CSV with a trailing manifest that verifies', async () => {
    const res = await get(a, '/v1/compliance/phones/2125550101/export?format=csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="dossier-12125550101-.*\.csv"$/);
    const raw = Buffer.from(res.text, 'utf8');
    const lines = res.text.trimEnd().split('\r\n');
    const [name, digest, bytes] = (lines.at(-1) ?? '').split(',');
    expect(name).toBe('timeline.csv');
    expect(lines.at(-2)).toBe('name,sha256,bytes');
    const timeline = raw.subarray(0, Number(bytes));
    expect(createHash('sha256').update(timeline).digest('hex')).toBe(digest);
    const timelineText = timeline.toString('utf8');
    expect(timelineText.startsWith('at,type,id,phone,summary\r\n')).toBe(true);
    expect(raw.subarray(Number(bytes)).toString('utf8').startsWith('#manifest')).toBe(true);
    expect(timelineText).toContain('revocation.received');
    expect(timelineText).toContain('"revocation by sms: ""stop calling me"""');
    await get(a, '/v1/compliance/phones/2125550101/export?format=pdf').expect(400);
  });

  /** the rows of the packet's manifest table, as the JSON manifest's `files` */
  const packetManifest = (page: string) => {
    const table = /<table id="manifest">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    return [
      ...table.matchAll(/<tr>\s*<td>([^<]+)<\/td>\s*<td class="mono">([0-9a-f]{64})<\/td>\s*<td>(\d+)<\/td>\s*<\/tr>/g),
    ].map((m) => ({ name: m[1] ?? '', sha256: m[2] ?? '', bytes: Number(m[3]) }));
  };
  /** the packet's text as a reader sees it: inline tags dropped, block tags as spaces, entities decoded */
  const textOf = (page: string) =>
    page
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace(/<\/?(span|wbr|strong|code)\b[^>]*>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replace(/\s+/g, ' ');

  it('exports the printable packet: self-contained HTML with the evidence and the JSON export’s checksums', async () => {
    const res = await get(a, '/v1/compliance/phones/2125550101/export?format=html').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="dossier-1212*****01.html"');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const page = res.text;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    // self-contained and inert: no script, no loaded resource, no link
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\s(src|href)=|url\(|@import/i);
    expect(page).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);

    const text = textOf(page);
    const dossier = (await get(a, `/v1/compliance/phones/${PHONE}`).expect(200)).body as Json;
    // cover
    for (const value of ['Acme Solar LLC', PHONE, 'Rule-set version', dossier.decisions[0].ruleSetVersion as string]) {
      expect(text).toContain(value);
    }
    expect(text).toMatch(/Generated by \S+/);
    // consent evidence: verbatim disclosure, its SHA-256, E1–E8 in plain words, capture details
    expect(text).toContain(DISCLOSURE);
    expect(text).toContain(sha256(DISCLOSURE));
    expect(text).toContain('E4 Authorises artificial or prerecorded voice calls holds');
    expect(text).toContain('E7 Discloses that consent is not a condition of purchase holds');
    for (const value of ['https://acme.example/quote', '203.0.113.7', 'Mozilla/5.0', 'checkbox_submit', consentA.id]) {
      expect(text).toContain(value);
    }
    // dispute, revocation (channel, verbatim words, received/honoured), internal DNC entry and removal
    expect(text).toContain('consumer denies this form');
    expect(text).toMatch(/sms stop calling me .*2026-03-12T12:00:00\.000Z/);
    expect(text).toContain(dossier.revocations[0].honouredAt as string);
    expect(text).toContain('asked by email');
    expect(text).toContain('entered twice');
    expect(text).toContain('not on the internal list');
    // every decision: outcome and reasons in plain words, mode, hash
    for (const decision of dossier.decisions as Json[]) {
      expect(text).toContain(decision.hash as string);
      expect(text).toContain(decision.id as string);
    }
    expect(text).toContain('Allowed: the call could be placed.');
    expect(text).toContain('Blocked: The consumer revoked consent for this seller.');
    expect(text).toContain('DIAL_NOW / INFORMATIONAL');
    // the merged timeline, in the dossier's order
    const positions = (dossier.timeline as Json[]).map((event) => text.indexOf(event.summary as string));
    expect(positions.every((p) => p > 0)).toBe(true);

    // the manifest equals the JSON export's, and each checksum verifies against the JSON parts
    const exported = (await get(a, `/v1/compliance/phones/${PHONE}/export?format=json`).expect(200)).body as Json;
    const manifest = packetManifest(page);
    expect(manifest).toEqual(exported.manifest.files);
    expect(manifest).toHaveLength(7);
    for (const entry of manifest) expect(sha256(JSON.stringify(exported.parts[entry.name]))).toBe(entry.sha256);
  });

  it('the packet escapes every value: a disclosure with <script> stays text', async () => {
    const evil = '<script>alert("x")</script>';
    const c = await createTenant(app, `Evil & <b>Co</b>`);
    const phone = '3055550177';
    await consent(c, phone, {
      disclosureText: `I agree ${evil} to artificial voice calls. <img src=x onerror=alert(1)> Not a condition of purchase.`,
      sellers: [c.organizationName, `"><script>alert(2)</script>`],
      userAgent: `UA ${evil}`,
    });
    await revoke(c, phone, '2026-03-12T12:00:00Z', `stop </td></tr></table>${evil}`);
    await http
      .post('/v1/dnc/internal')
      .set('authorization', c.bearer('operator'))
      .send({ phone, reason: `by letter ${evil}` })
      .expect(201);
    const page = (await get(c, `/v1/compliance/phones/${phone}/export?format=html`).expect(200)).text;
    expect(page).not.toMatch(/<script|<img|<b>|onerror=alert\(1\)>/i);
    expect(page).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(page).toContain('Evil &#38; &#60;b&#62;Co&#60;/b&#62;');
    expect(page).toContain('&#34;&#62;&#60;script&#62;alert(2)&#60;/script&#62;');
    const text = textOf(page);
    expect(text).toContain(`I agree ${evil} to artificial voice calls. <img src=x onerror=alert(1)>`);
    expect(text).toContain(`stop </td></tr></table>${evil}`);
    expect(text).toContain(`by letter ${evil}`);
    expect(text).toContain('ON the internal list');
    // the structure survived: every table is closed where the packet closes it
    expect((page.match(/<table/g) ?? []).length).toBe((page.match(/<\/table>/g) ?? []).length);
    // and the disclosure's checksum is the stored one of the raw text
    const dossier = (await get(c, `/v1/compliance/phones/${phone}`).expect(200)).body as Json;
    expect(text).toContain(dossier.consents[0].disclosure.sha256 as string);
  });

  it('tenant isolation: the packet of a number shows only the caller’s own evidence', async () => {
    const page = (await get(b, `/v1/compliance/phones/${encodeURIComponent(PHONE)}/export?format=html`).expect(200))
      .text;
    const text = textOf(page);
    expect(text).toContain('Beta Energy Inc');
    expect(text).toContain('Beta may call me with an artificial voice.');
    expect(text).toContain(consentB.id);
    for (const foreign of [DISCLOSURE, 'Acme Solar LLC', 'stop calling me', 'asked by email', consentA.id as string]) {
      expect(text).not.toContain(foreign);
    }
    expect(text).toContain('No revocation.');
    expect(text).toContain('No logged decision.');
    const exported = (await get(b, `/v1/compliance/phones/${PHONE}/export`).expect(200)).body as Json;
    expect(packetManifest(page)).toEqual(exported.manifest.files);
    // a tenant with nothing on the number gets an empty packet, not another tenant's evidence
    const d = await createTenant(app);
    const empty = textOf((await get(d, `/v1/compliance/phones/${PHONE}/export?format=html`).expect(200)).text);
    expect(empty).toContain('No consent on file for this number.');
    expect(empty).not.toContain('Beta may call me');
  });

  it('revocation report: honoured time per period with p50, p95, max and over-0 s', async () => {
    const c = await createTenant(app);
    const r1 = await revoke(c, '3055550101', '2026-03-01T12:00:00Z');
    const r2 = await revoke(c, '3055550102', '2026-04-02T12:00:00Z');
    const seconds = (r: Json) => (Date.parse(r.honouredAt as string) - Date.parse(r.receivedAt as string)) / 1000;
    const report = (await get(c, '/v1/compliance/reports/revocations?period=month').expect(200)).body as Json;
    expect(report.overall.count).toBe(2);
    expect(report.overall.maxSeconds).toBeCloseTo(Math.max(seconds(r1), seconds(r2)), 3);
    expect(report.overall.p50Seconds).toBeCloseTo((seconds(r1) + seconds(r2)) / 2, 3);
    expect(report.overall.overZeroSeconds).toBe(2);
    expect(report.overall.byChannel).toEqual({ sms: 2 });
    expect(report.periods).toEqual([
      expect.objectContaining({ periodStart: '2026-03-01T00:00:00.000Z', count: 1, overZeroSeconds: 1 }),
      expect.objectContaining({ periodStart: '2026-04-01T00:00:00.000Z', count: 1 }),
    ]);
    expect(report.periods[0].p95Seconds).toBeCloseTo(seconds(r1), 3);
    const april = (await get(c, '/v1/compliance/reports/revocations?from=2026-04-01T00:00:00Z&period=day').expect(200))
      .body as Json;
    expect(april.overall.count).toBe(1);
    expect(april.periods[0].periodStart).toBe('2026-04-02T00:00:00.000Z');
    await get(c, '/v1/compliance/reports/revocations?period=year').expect(400);
  });

  it('outside-window report: a night-time dial is blocked, so no ALLOWED decision is outside hours', async () => {
    await consent(a, '2125550109');
    const night = await check(a, { phone: '2125550109', at: NIGHT });
    expect(night.body.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    const report = (await get(a, '/v1/compliance/reports/outside-window').expect(200)).body as Json;
    expect(report.checked).toBeGreaterThanOrEqual(2);
    expect(report).toMatchObject({ count: 0, ok: true, items: [], nextCursor: null });
    const empty = (await get(b, '/v1/compliance/reports/outside-window').expect(200)).body as Json;
    expect(empty).toMatchObject({ checked: 0, count: 0, ok: true });
  });

  it('outside-window report: lists a logged DIAL_NOW ALLOWED decision that says OUTSIDE_HOURS', async () => {
    // The gate cannot produce one, so one is written into a fresh tenant's log directly: the report
    // exists to catch exactly such a row (a bug, or a log written by something else).
    const c = await createTenant(app);
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO compliance_decisions (organization_id, seq, phone_e164, purpose, mode, dry_run, outcome, reasons,
           decision, input, rule_set_version, dnc_snapshot_ids, prev_hash, hash, created_at)
         VALUES ($1, 1, '+12125550101', 'TELEMARKETING', 'DIAL_NOW', false, 'ALLOWED',
           '[{"check":"C13","code":"OUTSIDE_HOURS","detail":"21:30 in America/New_York"}]', '{}', '{}', 'test', '{}',
           repeat('0', 64), repeat('1', 64), now())`,
        [c.organizationId],
      );
    } finally {
      await client.end();
    }
    const report = (await get(c, '/v1/compliance/reports/outside-window').expect(200)).body as Json;
    expect(report).toMatchObject({ checked: 1, count: 1, ok: false, nextCursor: null });
    expect(report.items).toEqual([expect.objectContaining({ outcome: 'ALLOWED', phone: '+12125550101' })]);
    expect((await get(a, '/v1/compliance/reports/outside-window').expect(200)).body.count).toBe(0);
  });

  it('DNC freshness: no snapshot is stale; an import two days old is fresh and shows in the dossier', async () => {
    const c = await createTenant(app);
    const before = (await get(c, '/v1/compliance/reports/dnc-freshness').expect(200)).body as Json;
    expect(before.allFresh).toBe(false);
    expect(before.lists).toHaveLength(13);
    expect(before.lists[0]).toEqual({
      list: 'national',
      snapshotId: null,
      obtainedAt: null,
      ageHours: null,
      fresh: false,
      numbers: null,
    });

    const obtainedAt = new Date(Date.now() - 48 * 3_600_000).toISOString();
    const accepted = await http
      .post('/v1/dnc/national/import')
      .query({ obtainedAt })
      .set('authorization', c.bearer('admin'))
      .set('content-type', 'text/plain')
      .send('2125550101\n2125550102\n')
      .expect(202);
    for (;;) {
      const status = await get(c, `/v1/dnc/imports/${accepted.body.jobId as string}`).expect(200);
      if (status.body.status === 'ready') break;
      expect(status.body.status).toBe('importing');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = (await get(c, '/v1/compliance/reports/dnc-freshness').expect(200)).body as Json;
    expect(after.lists[0]).toMatchObject({ list: 'national', snapshotId: accepted.body.snapshotId, numbers: 2 });
    expect(after.lists[0].fresh).toBe(true);
    expect(after.lists[0].ageHours).toBeGreaterThanOrEqual(48);
    expect(after.lists[0].ageHours).toBeLessThan(49);
    expect(after.allFresh).toBe(false); // no state list loaded

    const dossier = (await get(c, '/v1/compliance/phones/2125550101').expect(200)).body as Json;
    expect(dossier.registries.national).toMatchObject({
      snapshotId: accepted.body.snapshotId,
      listed: true,
      fresh: true,
    });
    // the other tenant sees none of it
    const other = (await get(b, '/v1/compliance/reports/dnc-freshness').expect(200)).body as Json;
    expect(other.lists[0].snapshotId).toBeNull();
  });

  it('consent coverage of a list of numbers, with the gap of each uncovered one', async () => {
    const c = await createTenant(app, 'Coverage Co');
    await consent(c, '3055550201'); // valid
    await consent(c, '3055550202');
    await revoke(c, '3055550202', '2026-02-01T00:00:00Z'); // revoked after capture
    const disputed = await consent(c, '3055550203');
    await http
      .post(`/v1/consents/${disputed.id}/dispute`)
      .set('authorization', c.bearer('admin'))
      .send({ reason: 'forged' })
      .expect(200);
    await consent(c, '3055550204', { affirmativeAct: false }); // E2 fails
    await consent(b, '3055550205'); // another tenant's consent does not count

    const res = await http
      .post('/v1/compliance/reports/consent-coverage')
      .set('authorization', c.bearer('compliance'))
      .send({ phones: ['(305) 555-0201', '+13055550201', '3055550202', '3055550203', '3055550204', '3055550205'] })
      .expect(200);
    expect(res.body).toMatchObject({
      total: 5,
      covered: 1,
      share: 0.2,
      uncovered: [
        { phone: '+13055550202', gap: 'REVOKED' },
        { phone: '+13055550203', gap: 'DISPUTED' },
        { phone: '+13055550204', gap: 'INVALID' },
        { phone: '+13055550205', gap: 'NO_CONSENT' },
      ],
    });

    const bad = await http
      .post('/v1/compliance/reports/consent-coverage')
      .set('authorization', c.bearer('compliance'))
      .send({ phones: ['3055550201', 'twelve', '555-0101'] })
      .expect(400);
    expect(pluck(bad.body.error.details, 'path')).toEqual(['body.phones.1', 'body.phones.2']);
    await http
      .post('/v1/compliance/reports/consent-coverage')
      .set('authorization', c.bearer('compliance'))
      .send({ phones: [], campaignId: 'x' })
      .expect(400);
  });

  it('roles: compliance and admin read; designer, operator and viewer are refused; nobody anonymous', async () => {
    const routes = [
      `/v1/compliance/phones/${PHONE}`,
      `/v1/compliance/phones/${PHONE}/export`,
      `/v1/compliance/phones/${PHONE}/export?format=html`,
      '/v1/compliance/search',
      '/v1/compliance/reports/revocations',
      '/v1/compliance/reports/outside-window',
      '/v1/compliance/reports/dnc-freshness',
    ];
    for (const path of routes) {
      await get(a, path, 'admin').expect(200);
      await http.get(path).set('authorization', a.adminSession()).expect(200);
      for (const role of ['designer', 'operator', 'viewer'] as const) {
        const res = await get(a, path, role).expect(403);
        expect(JSON.stringify(res.body)).not.toContain('2125550101');
      }
      await http.get(path).expect(401);
    }
    for (const role of ['designer', 'operator', 'viewer'] as const) {
      await http
        .post('/v1/compliance/reports/consent-coverage')
        .set('authorization', a.bearer(role))
        .send({ phones: [PHONE] })
        .expect(403);
    }
    await http
      .post('/v1/compliance/reports/consent-coverage')
      .set('authorization', a.bearer('admin'))
      .send({ phones: [PHONE] })
      .expect(200);
  });

  it('documents every route in the OpenAPI document, valid and with no undocumented route', async () => {
    const openApi = app.get(OpenApiService).current();
    expect(openApi.undocumented).toEqual([]);
    expect(openApi.problems).toEqual([]);
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as Json;
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    for (const path of [
      '/v1/compliance/phones/{phone}',
      '/v1/compliance/phones/{phone}/export',
      '/v1/compliance/search',
      '/v1/compliance/reports/revocations',
      '/v1/compliance/reports/outside-window',
      '/v1/compliance/reports/dnc-freshness',
    ]) {
      expect(document.paths[path]?.get?.tags).toEqual(['compliance-review']);
    }
    expect(document.paths['/v1/compliance/reports/consent-coverage']?.post).toBeDefined();
  });
});

describe('compliance review: request logs', () => {
  it('mask the number of a dossier request written as E.164 or as digits', async () => {
    const logs = new LogCapture();
    const app = await createTestApp({ logs });
    try {
      const tenant = await createTenant(app);
      for (const path of ['%2B12125550177', '2125550177', '212.555.0177']) {
        await request(app.getHttpServer())
          .get(`/v1/compliance/phones/${path}/export`)
          .set('authorization', tenant.bearer('compliance'))
          .expect(200);
      }
      const lines = logs.raw.filter((line) => line.includes('/v1/compliance/phones/'));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line).not.toMatch(/555.?0177/);
    } finally {
      await app.close();
    }
  });
});
