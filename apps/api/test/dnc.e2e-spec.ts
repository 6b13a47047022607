import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DncRegistryService } from '../src/dnc/dnc-registry.service.js';
import { DncRepository } from '../src/dnc/dnc.repository.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A registry file: one number per line, as the FTC delivers it. */
const file = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('DNC registries: import, snapshots, lookups', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let registry: DncRegistryService;
  let tenant: TestTenant;
  let other: TestTenant;

  /** Uploads a file and waits for its job to finish; returns the final import status. */
  async function importList(
    who: TestTenant,
    body: string,
    query: { mode?: string; obtainedAt: string },
    path = '/v1/dnc/national/import',
  ): Promise<Json> {
    const accepted = await http
      .post(path)
      .query(query)
      .set('authorization', who.bearer('admin'))
      .set('content-type', 'text/plain')
      .send(body)
      .expect(202);
    expect(accepted.body).toEqual({ jobId: expect.any(String), snapshotId: expect.any(String) });
    return waitForImport(who, accepted.body.jobId as string);
  }

  async function waitForImport(who: TestTenant, jobId: string): Promise<Json> {
    for (;;) {
      const res = await http.get(`/v1/dnc/imports/${jobId}`).set('authorization', who.bearer('compliance')).expect(200);
      if (res.body.status !== 'importing') return res.body as Json;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    http = request(app.getHttpServer());
    registry = app.get(DncRegistryService);
    [tenant, other] = await Promise.all([createTenant(app), createTenant(app)]);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('has no national snapshot before the first import: null for the gate, 404 for people', async () => {
    expect(await registry.nationalStatus('+12125550101', new Date(), tenant.organizationId)).toBeNull();
    expect(
      await registry.forOrganization(tenant.organizationId).stateStatus('FL', '+13055550101', new Date()),
    ).toBeNull();
    const res = await http.get('/v1/dnc/national').set('authorization', tenant.bearer('compliance')).expect(404);
    expect(res.body.error.code).toBe('DNC_SNAPSHOT_NOT_FOUND');
  });

  it('imports a full list, then additions, then deletions; earlier snapshots never change', async () => {
    const full = await importList(
      tenant,
      file('2125550101', '2125550102', '2125550102', '', '6465550199', '2129999999\r'),
      { mode: 'full', obtainedAt: daysAgo(10) },
    );
    expect(full).toMatchObject({
      status: 'ready',
      jobState: 'completed',
      list: 'national',
      mode: 'full',
      numbers: 4,
      areaCodes: 2,
      progress: { linesRead: 5, numbersChanged: 4, malformed: 0 },
      malformedLines: [],
      error: null,
    });

    const now = new Date();
    const gate = registry.forOrganization(tenant.organizationId);
    expect(await gate.nationalStatus('+12125550101', now)).toEqual({
      snapshotId: full.snapshotId,
      obtainedAt: full.obtainedAt,
      listed: true,
    });
    expect((await gate.nationalStatus('(212) 555-0102', now))?.listed).toBe(true);
    expect((await gate.nationalStatus('+12129999999', now))?.listed).toBe(true);
    expect((await gate.nationalStatus('+16465550199', now))?.listed).toBe(true);
    expect((await gate.nationalStatus('+12125550103', now))?.listed).toBe(false); // same byte, other bit
    expect((await gate.nationalStatus('+17185550101', now))?.listed).toBe(false); // area code not in the list
    expect(await gate.nationalStatus('+12125550101', new Date(Date.now() - 11 * DAY))).toBeNull(); // before it was obtained

    const additions = await importList(tenant, file('2125550103', '7185550101', '2125550101'), {
      mode: 'additions',
      obtainedAt: daysAgo(5),
    });
    expect(additions).toMatchObject({
      status: 'ready',
      mode: 'additions',
      numbers: 6,
      areaCodes: 3,
      progress: { linesRead: 3, numbersChanged: 2, malformed: 0 },
    });
    expect(await gate.nationalStatus('+12125550103', now)).toEqual({
      snapshotId: additions.snapshotId,
      obtainedAt: additions.obtainedAt,
      listed: true,
    });
    expect((await gate.nationalStatus('+17185550101', now))?.listed).toBe(true);
    expect((await gate.nationalStatus('+16465550199', now))?.listed).toBe(true);
    // a decision dated before the change list still sees the full list as it was
    const before = new Date(Date.now() - 7 * DAY);
    expect(await gate.nationalStatus('+12125550103', before)).toEqual({
      snapshotId: full.snapshotId,
      obtainedAt: full.obtainedAt,
      listed: false,
    });
    expect((await gate.nationalStatus('+17185550101', before))?.listed).toBe(false);

    // copy-on-write: the untouched area code (646) shares the full list's bitmap
    const repository = app.get(DncRepository);
    const fullCodes = await repository.areaCodes(full.snapshotId as string);
    const addCodes = await repository.areaCodes(additions.snapshotId as string);
    const bitmapOf = (codes: typeof fullCodes, npa: number) => codes.find((c) => c.npa === npa)?.bitmapId;
    expect(bitmapOf(addCodes, 646)).toBe(bitmapOf(fullCodes, 646));
    expect(bitmapOf(addCodes, 212)).not.toBe(bitmapOf(fullCodes, 212));
    expect(fullCodes.map((c) => [c.npa, c.numbers])).toEqual([
      [212, 3],
      [646, 1],
    ]);

    const deletions = await importList(tenant, file('2125550101', '6465550199', '3055550101'), {
      mode: 'deletions',
      obtainedAt: daysAgo(2),
    });
    expect(deletions).toMatchObject({ status: 'ready', numbers: 4, progress: { numbersChanged: 2 } });
    // an area code left empty is dropped from the snapshot
    expect(deletions.areaCodes).toBe(2);
    expect((await gate.nationalStatus('+12125550101', now))?.listed).toBe(false);
    expect((await gate.nationalStatus('+16465550199', now))?.listed).toBe(false);
    expect((await gate.nationalStatus('+12125550102', now))?.listed).toBe(true);
    // the earlier snapshots still answer as they did
    expect((await gate.nationalStatus('+12125550101', new Date(Date.now() - 3 * DAY)))?.listed).toBe(true);
    expect((await gate.nationalStatus('+16465550199', before))?.listed).toBe(true);

    const fresh = await http.get('/v1/dnc/national').set('authorization', tenant.bearer('compliance')).expect(200);
    expect(fresh.body).toMatchObject({
      snapshotId: deletions.snapshotId,
      list: 'national',
      count: 4,
      areaCodes: 2,
      fresh: true,
    });
    expect(fresh.body.ageDays).toBeGreaterThanOrEqual(2);
    expect(fresh.body.ageDays).toBeLessThan(2.1);

    // scrubbing: the listed subset, in the given form and order
    const listed = await gate.scrub([
      '+1 212 555 0103',
      '2125550101',
      'not a number',
      '(718) 555-0101',
      '+12125550102',
    ]);
    expect(listed).toEqual(['+1 212 555 0103', '(718) 555-0101', '+12125550102']);
  });

  it('counts and reports malformed lines, and refuses a mostly malformed file whole', async () => {
    const who = await createTenant(app);
    const good = Array.from({ length: 199 }, (_, i) => `303555${String(1000 + i)}`);
    const fine = await importList(who, file(...good.slice(0, 150), '303-555-12', ...good.slice(150)), {
      obtainedAt: daysAgo(1),
    });
    expect(fine).toMatchObject({
      status: 'ready',
      numbers: 199,
      progress: { linesRead: 200, malformed: 1 },
      malformedLines: [{ line: 151, text: '303-555-12' }],
    });

    const bad = await importList(who, file('3035559999', 'hello', '13035550000', '0035550000', '3031234567'), {
      mode: 'additions',
      obtainedAt: daysAgo(0.5),
    });
    expect(bad.status).toBe('failed');
    expect(bad.jobState).toBe('failed');
    expect(bad.progress).toEqual({ linesRead: 5, numbersChanged: 1, malformed: 4 });
    expect(bad.malformedLines).toEqual([
      { line: 2, text: 'hello' },
      { line: 3, text: '13035550000' },
      { line: 4, text: '0035550000' },
      { line: 5, text: '3031234567' },
    ]);
    expect(bad.error).toMatch(/4 of 5 lines .* refused/);
    // the refused snapshot never became current
    const current = await http.get('/v1/dnc/national').set('authorization', who.bearer('admin')).expect(200);
    expect(current.body).toMatchObject({ snapshotId: fine.snapshotId, count: 199 });
    expect((await registry.nationalStatus('+13035559999', new Date(), who.organizationId))?.listed).toBe(false);

    // both imports are listed, newest first, page by page; and in the activity log
    const page1 = await http
      .get('/v1/dnc/snapshots')
      .query({ limit: 1 })
      .set('authorization', who.bearer('compliance'))
      .expect(200);
    expect(page1.body.items).toEqual([
      expect.objectContaining({ id: bad.snapshotId, status: 'failed', malformed: 4, baseSnapshotId: null }),
    ]);
    const page2 = await http
      .get('/v1/dnc/snapshots')
      .query({ limit: 1, cursor: page1.body.nextCursor as string })
      .set('authorization', who.bearer('compliance'))
      .expect(200);
    expect(page2.body).toEqual({
      items: [expect.objectContaining({ id: fine.snapshotId, status: 'ready', list: 'national', numbers: 199 })],
      nextCursor: null,
    });
    const ready = await http
      .get('/v1/dnc/snapshots')
      .query({ list: 'national', status: 'ready' })
      .set('authorization', who.bearer('compliance'))
      .expect(200);
    expect((ready.body.items as { id: string }[]).map((item) => item.id)).toEqual([fine.snapshotId]);
    const activity = await http
      .get('/v1/activity')
      .query({ subjectType: 'dnc_snapshot' })
      .set('authorization', who.bearer('compliance'))
      .expect(200);
    expect(
      (activity.body.items as { action: string; subjectId: string }[]).map((item) => [item.action, item.subjectId]),
    ).toEqual(
      expect.arrayContaining([
        ['dnc_snapshot.import_started', fine.snapshotId],
        ['dnc_snapshot.imported', fine.snapshotId],
        ['dnc_snapshot.import_started', bad.snapshotId],
        ['dnc_snapshot.refused', bad.snapshotId],
      ]),
    );
  });

  it('says when the national data is stale (obtained more than 31 days ago)', async () => {
    const who = await createTenant(app);
    await importList(who, file('4155550101'), { obtainedAt: daysAgo(40) });
    const res = await http.get('/v1/dnc/national').set('authorization', who.bearer('compliance')).expect(200);
    expect(res.body).toMatchObject({ count: 1, fresh: false });
    expect(res.body.ageDays).toBeGreaterThanOrEqual(40);
  });

  it('keeps state lists apart from the national registry and from each other', async () => {
    const who = await createTenant(app);
    const fl = await importList(
      who,
      file('3055550101', '7865550102'),
      { obtainedAt: daysAgo(3) },
      '/v1/dnc/states/fl/import',
    );
    expect(fl).toMatchObject({ status: 'ready', list: 'FL', numbers: 2, areaCodes: 2 });
    const now = new Date();
    expect(await registry.stateStatus('FL', '+13055550101', now, who.organizationId)).toEqual({
      snapshotId: fl.snapshotId,
      obtainedAt: fl.obtainedAt,
      listed: true,
    });
    expect((await registry.stateStatus('fl', '+13055550199', now, who.organizationId))?.listed).toBe(false);
    expect(await registry.stateStatus('TX', '+13055550101', now, who.organizationId)).toBeNull();
    expect(await registry.stateStatus('NY', '+13055550101', now, who.organizationId)).toBeNull();
    expect(await registry.nationalStatus('+13055550101', now, who.organizationId)).toBeNull();

    const res = await http.get('/v1/dnc/states/FL').set('authorization', who.bearer('compliance')).expect(200);
    expect(res.body).toMatchObject({ snapshotId: fl.snapshotId, list: 'FL', count: 2, fresh: true });
    await http.get('/v1/dnc/states/TX').set('authorization', who.bearer('compliance')).expect(404);
    const ny = await http
      .post('/v1/dnc/states/NY/import')
      .query({ obtainedAt: daysAgo(1) })
      .set('authorization', who.bearer('admin'))
      .set('content-type', 'text/plain')
      .send(file('2125550101'))
      .expect(400);
    expect(ny.body.error.details).toEqual([expect.objectContaining({ path: 'params.state' })]);
  });

  it('keeps every organisation to its own snapshots and imports', async () => {
    const mine = await importList(tenant, file('5125550101'), { mode: 'additions', obtainedAt: daysAgo(1) });
    await http.get(`/v1/dnc/imports/${mine.jobId}`).set('authorization', other.bearer('admin')).expect(404);
    await http.get('/v1/dnc/national').set('authorization', other.bearer('admin')).expect(404);
    expect(await registry.nationalStatus('+15125550101', new Date(), other.organizationId)).toBeNull();
    expect(await registry.scrub(['+15125550101'], new Date(), other.organizationId)).toEqual([]);
    const listed = await http.get('/v1/dnc/snapshots').set('authorization', other.bearer('admin')).expect(200);
    expect(listed.body).toEqual({ items: [], nextCursor: null });
    // without an organisation there is no snapshot: fail closed
    expect(await registry.nationalStatus('+15125550101', new Date())).toBeNull();
    // another organisation's change list needs its own full list
    const res = await http
      .post('/v1/dnc/national/import')
      .query({ mode: 'additions', obtainedAt: daysAgo(1) })
      .set('authorization', other.bearer('admin'))
      .set('content-type', 'text/plain')
      .send(file('5125550101'))
      .expect(409);
    expect(res.body.error.code).toBe('DNC_NO_BASE_SNAPSHOT');
    // a change list cannot be dated before the snapshot it applies to
    const old = await http
      .post('/v1/dnc/national/import')
      .query({ mode: 'deletions', obtainedAt: daysAgo(20) })
      .set('authorization', tenant.bearer('admin'))
      .set('content-type', 'text/plain')
      .send(file('5125550101'))
      .expect(409);
    expect(old.body.error).toMatchObject({
      code: 'DNC_CHANGE_LIST_TOO_OLD',
      details: [expect.objectContaining({ path: 'query.obtainedAt' })],
    });
  });

  it('lets admins and operators import, admins and compliance read, no one else', async () => {
    const upload = (authorization?: string) => {
      const req = http
        .post('/v1/dnc/national/import')
        .query({ obtainedAt: daysAgo(1) })
        .set('content-type', 'text/plain');
      if (authorization) req.set('authorization', authorization);
      return req.send(file('5125550199'));
    };
    await upload().expect(401);
    for (const role of ['designer', 'compliance', 'viewer'] as const) await upload(other.bearer(role)).expect(403);
    const accepted = await upload(other.bearer('operator')).expect(202);
    await waitForImport(other, accepted.body.jobId as string);
    await upload(other.adminSession()).expect(202);

    for (const role of ['designer', 'operator', 'viewer'] as const) {
      await http.get('/v1/dnc/national').set('authorization', other.bearer(role)).expect(403);
      await http.get(`/v1/dnc/imports/${accepted.body.jobId}`).set('authorization', other.bearer(role)).expect(403);
    }
    await http.get('/v1/dnc/national').set('authorization', other.bearer('compliance')).expect(200);
  });

  it('answers bad uploads with a 4xx naming the problem', async () => {
    const post = (query: Record<string, string>, type = 'text/plain', body = file('2125550101')) =>
      http
        .post('/v1/dnc/national/import')
        .query(query)
        .set('authorization', tenant.bearer('admin'))
        .set('content-type', type)
        .send(body);
    const missing = await post({}).expect(400);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'query.obtainedAt' })]);
    const bad = await post({ mode: 'replace', obtainedAt: 'yesterday' }).expect(400);
    expect((bad.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'query.mode',
      'query.obtainedAt',
    ]);
    await post({ obtainedAt: daysAgo(1), extra: '1' }).expect(400);
    const json = await post({ obtainedAt: daysAgo(1) }, 'application/json', JSON.stringify({ numbers: [] })).expect(
      415,
    );
    expect(json.body.error.code).toBe('DNC_UPLOAD_MEDIA_TYPE');
    const empty = await post({ obtainedAt: daysAgo(1) }, 'text/plain', '').expect(400);
    expect(empty.body.error.code).toBe('DNC_UPLOAD_EMPTY');
    await http.get('/v1/dnc/imports/no-such-job').set('authorization', tenant.bearer('admin')).expect(404);
    const list = await http
      .get('/v1/dnc/snapshots')
      .query({ list: 'NY', status: 'done' })
      .set('authorization', tenant.bearer('admin'))
      .expect(400);
    expect((list.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'query.list',
      'query.status',
    ]);
  });
});
