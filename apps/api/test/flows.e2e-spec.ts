import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiErrorSchema, FlowDetailSchema, FlowDiffSchema, FlowTestRunSchema } from '@switchboard/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../src/flows/flow-templates.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

// The API's JSON, navigated freely: the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
interface Listed {
  id: string;
  number: number;
  action: string;
  subjectId: string;
}
/** `items` of a page, for `.map` over typed rows */
const itemsOf = (res: request.Response): Listed[] => (res.body as { items: Listed[] }).items;

const TEMPLATE = 'appointment-reminder';
const templateDocument = (id = TEMPLATE): Json =>
  JSON.parse(readFileSync(join(defaultTemplatesDir(), `${id}.flow.json`), 'utf8')) as Json;
const withoutLayout = ({ layout: _layout, ...logic }: Json): Json => logic;

describe('flows: the lifecycle of a flow', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  let http: ReturnType<typeof request>;
  let designer: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    tenant = await createTenant(app);
    http = request(app.getHttpServer());
    designer = tenant.bearer('designer');
  });
  afterAll(async () => {
    await app.close();
  });

  let id: string;
  let created: Json;
  let fixed: Json;
  let v1Checksum: string;

  it('lists the example flows as templates', async () => {
    const res = await http.get('/v1/flow-templates').set('authorization', tenant.bearer('viewer')).expect(200);
    expect(res.body.nextCursor).toBeNull();
    expect(itemsOf(res).map((t) => t.id)).toEqual([
      'appointment-reminder',
      'callback-scheduler',
      'lead-qualification',
      'payment-reminder',
      'prescription-ready',
      'satisfaction-survey',
    ]);
    expect(res.body.items[0]).toEqual({
      id: 'appointment-reminder',
      name: 'Appointment reminder',
      description: expect.stringContaining('dental appointment'),
      purpose: 'INFORMATIONAL',
    });
    const page = await http.get('/v1/flow-templates?limit=4').set('authorization', designer).expect(200);
    expect(page.body.items).toHaveLength(4);
    const rest = await http
      .get(`/v1/flow-templates?limit=4&cursor=${page.body.nextCursor}`)
      .set('authorization', designer)
      .expect(200);
    expect(itemsOf(rest).map((t) => t.id)).toEqual(['prescription-ready', 'satisfaction-survey']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('creates a flow from a template', async () => {
    const res = await http.post('/v1/flows').set('authorization', designer).send({ templateId: TEMPLATE }).expect(201);
    expect(FlowDetailSchema.safeParse(res.body).success).toBe(true);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      name: 'Appointment reminder',
      purpose: 'INFORMATIONAL',
      status: 'draft',
      revision: 1,
      latestVersion: null,
      publishedAt: null,
      hasUnpublishedChanges: true,
      templateId: TEMPLATE,
      diagnostics: { errors: 0 },
      createdBy: { kind: 'api_key', label: 'designer key' },
      versions: { count: 0, latest: null },
    });
    const document = templateDocument();
    expect(res.body.document).toEqual(withoutLayout(document));
    expect(res.body.layout).toEqual(document.layout);
    id = res.body.id;
    created = res.body;
  });

  it('saves a draft with errors (200, diagnostics, nothing lost)', async () => {
    const broken = structuredClone(created.document);
    broken.edges[0].to = 'nowhere';
    const res = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .set('if-match', '"1"')
      .send({ document: broken })
      .expect(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body.revision).toBe(2);
    expect(res.body.diagnostics.errors).toBeGreaterThan(0);
    expect(res.body.diagnostics.items).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'EDGE_TARGET_NOT_FOUND', edgeId: broken.edges[0].id }),
    );
    // the layout was not sent: the stored one stays
    expect(res.body.layout).toEqual(created.layout);

    const stored = await http.get(`/v1/flows/${id}`).set('authorization', tenant.bearer('viewer')).expect(200);
    expect(stored.headers.etag).toBe('"2"');
    expect(stored.body.document).toEqual(broken);
    expect(stored.body.diagnostics).toEqual(res.body.diagnostics);
    const list = await http.get('/v1/flows').set('authorization', designer).expect(200);
    expect((list.body.items as Json[]).find((f) => f.id === id)?.diagnostics.errors).toBeGreaterThan(0);
  });

  it('validates the stored draft, or a document without saving it', async () => {
    const stored = await http.post(`/v1/flows/${id}/validate`).set('authorization', designer).expect(200);
    expect(stored.body.ok).toBe(false);
    expect(stored.body.diagnostics.items).toContainEqual(expect.objectContaining({ code: 'EDGE_TARGET_NOT_FOUND' }));

    const other = await http
      .post(`/v1/flows/${id}/validate`)
      .set('authorization', tenant.bearer('viewer'))
      .send({ document: created.document })
      .expect(200);
    expect(other.body).toMatchObject({ ok: true, checksum: created.checksum, diagnostics: { errors: 0 } });
    const after = await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(200);
    expect(after.body.revision).toBe(2);
  });

  it('refuses to test or publish a draft with errors, naming them', async () => {
    const tested = await http.post(`/v1/flows/${id}/test`).set('authorization', designer).expect(422);
    expect(tested.body.error.code).toBe('FLOW_INVALID');

    const res = await http
      .post(`/v1/flows/${id}/publish`)
      .set('authorization', designer)
      .send({ message: 'too early' })
      .expect(422);
    expect(ApiErrorSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.error.code).toBe('FLOW_NOT_PUBLISHABLE');
    expect(res.body.error.details).toContainEqual({
      path: expect.stringMatching(/^draft\.edges/),
      message: expect.stringMatching(/^EDGE_TARGET_NOT_FOUND: /),
    });
  });

  it('saves the fix with the revision in the body, and refuses a stale or unconditional save', async () => {
    const res = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .send({ document: created.document, revision: 2 })
      .expect(200);
    expect(res.body).toMatchObject({ revision: 3, diagnostics: { errors: 0 }, checksum: created.checksum });
    fixed = res.body;

    const stale = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .set('if-match', '"2"')
      .send({ document: created.document })
      .expect(409);
    expect(stale.body.error).toMatchObject({
      code: 'FLOW_REVISION_CONFLICT',
      details: [{ path: 'revision', message: 'current revision is 3' }],
    });

    const unconditional = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .send({ document: created.document })
      .expect(428);
    expect(unconditional.body.error.code).toBe('FLOW_REVISION_REQUIRED');
    expect((await http.get(`/v1/flows/${id}`).set('authorization', designer)).body.revision).toBe(3);
  });

  it("runs the draft's scenarios", async () => {
    const res = await http.post(`/v1/flows/${id}/test`).set('authorization', designer).expect(200);
    expect(FlowTestRunSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.passed).toBe(true);
    expect(res.body.summary).toEqual({ total: 14, passed: 14, failed: 0 });
    const confirms = res.body.scenarios[0];
    expect(confirms).toMatchObject({ passed: true, failures: [], disposition: expect.any(String) });
    expect(confirms.path[0]).toBe('start');
    expect((confirms.transcript as Json[]).some((line) => line.speaker === 'agent')).toBe(true);

    const one = await http
      .post(`/v1/flows/${id}/test`)
      .set('authorization', designer)
      .send({ scenarios: [confirms.name] })
      .expect(200);
    expect(one.body.summary.total).toBe(1);
    const unknown = await http
      .post(`/v1/flows/${id}/test`)
      .set('authorization', designer)
      .send({ scenarios: [confirms.name, 'no such scenario'] })
      .expect(422);
    expect(unknown.body.error.details).toEqual([{ path: 'body.scenarios[1]', message: 'no such scenario' }]);
  });

  it('publishes version 1 with the checksum of the logic', async () => {
    const res = await http
      .post(`/v1/flows/${id}/publish`)
      .set('authorization', designer)
      .send({ message: 'First version' })
      .expect(201);
    expect(res.body).toEqual({
      flowId: id,
      number: 1,
      checksum: fixed.checksum,
      message: 'First version',
      author: { kind: 'api_key', id: expect.any(String), label: 'designer key' },
      publishedAt: expect.any(String),
    });
    expect(res.body.checksum).toMatch(/^[0-9a-f]{64}$/);
    v1Checksum = res.body.checksum;

    const flow = await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(200);
    expect(flow.body).toMatchObject({
      status: 'published',
      latestVersion: 1,
      publishedAt: res.body.publishedAt,
      hasUnpublishedChanges: false,
      versions: { count: 1, latest: res.body },
    });
  });

  it('answers publishing the same logic again with 409, a layout-only change included', async () => {
    const again = await http
      .post(`/v1/flows/${id}/publish`)
      .set('authorization', designer)
      .send({ message: 'again' })
      .expect(409);
    expect(again.body.error.code).toBe('FLOW_UNCHANGED');

    const layout = structuredClone(fixed.layout);
    layout.nodes.start = { x: -400, y: 1200 };
    const moved = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .set('if-match', '"3"')
      .send({ document: fixed.document, layout })
      .expect(200);
    expect(moved.body).toMatchObject({ revision: 4, checksum: v1Checksum, hasUnpublishedChanges: false, layout });
    await http.post(`/v1/flows/${id}/publish`).set('authorization', designer).send({ message: 'moved' }).expect(409);
  });

  it('publishes version 2 after a change of logic, and diffs exactly that change', async () => {
    const greetId = (fixed.document.edges as Json[]).find((e) => e.from === 'start' && e.handle === 'human')?.to;
    const document = structuredClone(fixed.document);
    const greet = (document.nodes as Json[]).find((n) => n.id === greetId)!;
    const before = greet.text;
    greet.text = `${before} Thanks for choosing us.`;
    const saved = await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .set('if-match', 'W/"4"')
      .send({ document })
      .expect(200);
    expect(saved.body.checksum).not.toBe(v1Checksum);
    expect(saved.body.hasUnpublishedChanges).toBe(true);

    const v2 = await http
      .post(`/v1/flows/${id}/publish`)
      .set('authorization', designer)
      .send({ message: 'Warmer greeting', revision: 5 })
      .expect(201);
    expect(v2.body.number).toBe(2);

    const diff = await http.get(`/v1/flows/${id}/versions/1/diff/2`).set('authorization', designer).expect(200);
    expect(FlowDiffSchema.safeParse(diff.body).success).toBe(true);
    const empty = { added: [], removed: [], changed: [] };
    // v1 and v2 also differ in layout (the start node was moved in between): never part of the diff
    expect(diff.body).toEqual({
      from: { number: 1, checksum: v1Checksum },
      to: { number: 2, checksum: v2.body.checksum },
      identical: false,
      changes: {
        nodes: {
          added: [],
          removed: [],
          changed: [
            {
              id: greetId,
              before: expect.objectContaining({ text: before }),
              after: expect.objectContaining({ text: greet.text }),
              fields: [{ path: 'text', before, after: greet.text }],
            },
          ],
        },
        edges: empty,
        globals: empty,
        variables: empty,
        tools: empty,
        tests: empty,
        settings: [],
      },
    });
    const same = await http.get(`/v1/flows/${id}/versions/2/diff/2`).set('authorization', designer).expect(200);
    expect(same.body.identical).toBe(true);
  });

  it('lists and reads versions, newest first, page by page', async () => {
    const all = await http.get(`/v1/flows/${id}/versions`).set('authorization', designer).expect(200);
    expect(itemsOf(all).map((v) => v.number)).toEqual([2, 1]);
    expect(all.body.items[0]).not.toHaveProperty('document');

    const first = await http.get(`/v1/flows/${id}/versions?limit=1`).set('authorization', designer).expect(200);
    expect(itemsOf(first).map((v) => v.number)).toEqual([2]);
    const second = await http
      .get(`/v1/flows/${id}/versions?limit=1&cursor=${first.body.nextCursor}`)
      .set('authorization', designer)
      .expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ number: 1 })], nextCursor: null });

    const v1 = await http.get(`/v1/flows/${id}/versions/1`).set('authorization', designer).expect(200);
    expect(v1.body).toMatchObject({ number: 1, checksum: v1Checksum, message: 'First version' });
    expect(v1.body.document.schema).toBe('switchboard.flow/v1');
    expect(v1.body.document.layout.nodes.start).toEqual(created.layout.nodes.start);

    const missing = await http.get(`/v1/flows/${id}/versions/3`).set('authorization', designer).expect(404);
    expect(missing.body.error.code).toBe('FLOW_VERSION_NOT_FOUND');
    await http.get(`/v1/flows/${id}/versions/1/diff/9`).set('authorization', designer).expect(404);
  });

  it('exports the draft and a version as files, and imports an export as a new flow', async () => {
    const draft = await http.get(`/v1/flows/${id}/export`).set('authorization', tenant.bearer('viewer')).expect(200);
    expect(draft.headers['content-type']).toMatch(/^application\/json/);
    expect(draft.headers['content-disposition']).toBe('attachment; filename="appointment-reminder.flow.json"');
    const file = JSON.parse(draft.text) as Json;
    expect(file.schema).toBe('switchboard.flow/v1');
    expect(file.layout.nodes.start).toEqual({ x: -400, y: 1200 });

    const v1 = await http.get(`/v1/flows/${id}/export?version=1`).set('authorization', designer).expect(200);
    expect(v1.headers['content-disposition']).toBe('attachment; filename="appointment-reminder-v1.flow.json"');
    await http.get(`/v1/flows/${id}/export?version=7`).set('authorization', designer).expect(404);

    const current = await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(200);
    const imported = await http.post('/v1/flows/import').set('authorization', designer).send(file).expect(201);
    expect(imported.body).toMatchObject({
      name: 'Appointment reminder',
      revision: 1,
      status: 'draft',
      checksum: current.body.checksum,
      templateId: null,
      diagnostics: { errors: 0 },
      layout: file.layout,
    });
    expect(imported.body.id).not.toBe(id);

    const fromVersion = await http
      .post('/v1/flows/import')
      .set('authorization', designer)
      .send(JSON.parse(v1.text))
      .expect(201);
    expect(fromVersion.body.checksum).toBe(v1Checksum);
  });

  it('finds flows by name and status, page by page', async () => {
    const named = await http
      .post('/v1/flows')
      .set('authorization', designer)
      .send({ templateId: 'payment-reminder', name: 'Invoices 100%_due' })
      .expect(201);
    expect(named.body.document.meta.name).toBe('Invoices 100%_due');

    const byName = await http.get('/v1/flows?q=100%25_D').set('authorization', designer).expect(200);
    expect(itemsOf(byName).map((f) => f.id)).toEqual([named.body.id]);
    const wildcard = await http.get('/v1/flows?q=%25').set('authorization', designer).expect(200);
    expect(itemsOf(wildcard).map((f) => f.id)).toEqual([named.body.id]);

    const published = await http.get('/v1/flows?status=published').set('authorization', designer).expect(200);
    expect(itemsOf(published).map((f) => f.id)).toEqual([id]);
    expect(published.body.items[0]).toMatchObject({ status: 'published', latestVersion: 2, revision: 5 });
    expect(published.body.items[0]).not.toHaveProperty('document');
    const drafts = await http.get('/v1/flows?status=draft').set('authorization', designer).expect(200);
    expect(itemsOf(drafts).map((f) => f.id)).not.toContain(id);

    const all = await http.get('/v1/flows').set('authorization', designer).expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get(`/v1/flows?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set('authorization', designer)
        .expect(200);
      seen.push(...itemsOf(page).map((f) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(itemsOf(all).map((f) => f.id));
    expect(seen).toHaveLength(4);
  });

  it('publishes one version when two publishes race, and saves once when two saves race', async () => {
    const flow = (await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(200)).body;
    const document = structuredClone(flow.document);
    document.meta.description = 'raced';
    const saves = await Promise.all(
      [1, 2].map(() =>
        http
          .put(`/v1/flows/${id}`)
          .set('authorization', designer)
          .set('if-match', `"${flow.revision}"`)
          .send({ document }),
      ),
    );
    expect(saves.map((r) => r.status).sort()).toEqual([200, 409]);

    const publishes = await Promise.all(
      [1, 2, 3].map((n) =>
        http
          .post(`/v1/flows/${id}/publish`)
          .set('authorization', designer)
          .send({ message: `race ${n}` }),
      ),
    );
    expect(publishes.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(publishes.find((r) => r.status === 201)?.body.number).toBe(3);
    const versions = await http.get(`/v1/flows/${id}/versions`).set('authorization', designer).expect(200);
    expect(itemsOf(versions).map((v) => v.number)).toEqual([3, 2, 1]);
  });

  it('refuses to publish a flow whose scenario fails, naming the scenario', async () => {
    const document = templateDocument('payment-reminder');
    document.tests[2].expect.disposition = 'not_what_happens';
    const flow = await http.post('/v1/flows').set('authorization', designer).send({ document }).expect(201);
    expect(flow.body.diagnostics.errors).toBe(0);
    const res = await http
      .post(`/v1/flows/${flow.body.id}/publish`)
      .set('authorization', designer)
      .send({ message: 'should fail' })
      .expect(422);
    expect(res.body.error.code).toBe('FLOW_NOT_PUBLISHABLE');
    expect(res.body.error.message).toContain('1 failing scenario');
    expect(res.body.error.details).toEqual([
      {
        path: 'draft.tests[2]',
        message: expect.stringContaining(`scenario ${JSON.stringify(document.tests[2].name)}: disposition: expected`),
      },
    ]);
    expect((await http.get(`/v1/flows/${flow.body.id}`).set('authorization', designer)).body.latestVersion).toBeNull();
  });

  it('soft-deletes: gone from every route, versions kept and immutable', async () => {
    await http.delete(`/v1/flows/${id}`).set('authorization', designer).expect(204);
    const gone = await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(404);
    expect(gone.body.error.code).toBe('FLOW_NOT_FOUND');
    await http.get(`/v1/flows/${id}/versions`).set('authorization', designer).expect(404);
    await http.get(`/v1/flows/${id}/versions/1`).set('authorization', designer).expect(404);
    await http.delete(`/v1/flows/${id}`).set('authorization', designer).expect(404);
    const list = await http.get('/v1/flows').set('authorization', designer).expect(200);
    expect(itemsOf(list).map((f) => f.id)).not.toContain(id);

    const db = app.get(DataSource);
    const rows = await db.query<{ number: number }[]>(
      'SELECT number FROM flow_versions WHERE flow_id = $1 ORDER BY number',
      [id],
    );
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
    await expect(db.query(`UPDATE flow_versions SET message = 'rewritten' WHERE flow_id = $1`, [id])).rejects.toThrow(
      /immutable/,
    );
    await expect(db.query('DELETE FROM flow_versions WHERE flow_id = $1', [id])).rejects.toThrow(/immutable/);
  });

  it('records who created, changed, published and deleted the flow', async () => {
    const res = await http
      .get(`/v1/activity?subjectType=flow&subjectId=${id}&limit=200`)
      .set('authorization', tenant.adminSession())
      .expect(200);
    const actions = itemsOf(res)
      .map((a) => a.action)
      .reverse();
    expect(actions.filter((a) => a !== 'flow.updated')).toEqual([
      'flow.created',
      'flow.published',
      'flow.published',
      'flow.published',
      'flow.deleted',
    ]);
    expect(actions.filter((a) => a === 'flow.updated')).toHaveLength(5);
    expect(res.body.items[0].actor).toMatchObject({ kind: 'api_key', label: 'designer key' });
    const imported = await http
      .get('/v1/activity?subjectType=flow&limit=200')
      .set('authorization', tenant.adminSession())
      .expect(200);
    expect(itemsOf(imported).filter((a) => a.action === 'flow.imported')).toHaveLength(2);
  });
});

describe('flows: bad input and roles', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  let http: ReturnType<typeof request>;
  let id: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    tenant = await createTenant(app);
    http = request(app.getHttpServer());
    const res = await http
      .post('/v1/flows')
      .set('authorization', tenant.bearer('admin'))
      .send({ templateId: 'satisfaction-survey' })
      .expect(201);
    id = res.body.id;
  });
  afterAll(async () => {
    await app.close();
  });

  const pathsOf = (res: request.Response): string[] =>
    (res.body.error.details as { path: string }[]).map((d) => d.path);

  it('answers unknown fields and wrong types with 400 naming each field', async () => {
    const designer = tenant.bearer('designer');
    const extra = await http
      .post('/v1/flows')
      .set('authorization', designer)
      .send({ templateId: 'satisfaction-survey', colour: 'red' })
      .expect(400);
    expect(extra.body.error.code).toBe('BAD_REQUEST');
    expect(extra.body.error.details).toEqual([{ path: 'body.colour', message: 'unknown field' }]);

    expect(pathsOf(await http.post('/v1/flows').set('authorization', designer).send({}).expect(400))).toEqual([
      'body.document',
    ]);
    expect(
      pathsOf(
        await http.post('/v1/flows').set('authorization', designer).send({ document: 'a flow', name: 7 }).expect(400),
      ),
    ).toEqual(['body.document', 'body.name']);
    expect(
      pathsOf(
        await http.post('/v1/flows').set('authorization', designer).send({ templateId: '../etc/passwd' }).expect(400),
      ),
    ).toEqual(['body.templateId']);
    expect(
      pathsOf(
        await http
          .put(`/v1/flows/${id}`)
          .set('authorization', designer)
          .send({ document: {}, revision: 'one', layout: { nodes: { a: { x: 'left', y: 0 } } } })
          .expect(400),
      ),
    ).toEqual(['body.layout.nodes.a.x', 'body.revision']);
    expect(
      pathsOf(await http.post(`/v1/flows/${id}/publish`).set('authorization', designer).send({}).expect(400)),
    ).toEqual(['body.message']);
    expect(
      pathsOf(
        await http.post(`/v1/flows/${id}/publish`).set('authorization', designer).send({ message: '   ' }).expect(400),
      ),
    ).toEqual(['body.message']);
    expect(
      pathsOf(
        await http
          .put(`/v1/flows/${id}`)
          .set('authorization', designer)
          .set('if-match', 'yesterday')
          .send({
            document: { schema: 'switchboard.flow/v1' },
          }),
      ),
    ).toEqual(['headers.if-match']);
  });

  it('answers bad ids, numbers and queries with 400 naming them', async () => {
    const viewer = tenant.bearer('viewer');
    expect(pathsOf(await http.get('/v1/flows/not-a-uuid').set('authorization', viewer).expect(400))).toEqual([
      'params.id',
    ]);
    expect(pathsOf(await http.get(`/v1/flows/${id}/versions/first`).set('authorization', viewer).expect(400))).toEqual([
      'params.n',
    ]);
    expect(
      pathsOf(await http.get(`/v1/flows/${id}/versions/0/diff/1.5`).set('authorization', viewer).expect(400)),
    ).toEqual(['params.a', 'params.b']);
    expect(
      pathsOf(await http.get('/v1/flows?limit=0&status=archived&colour=red').set('authorization', viewer).expect(400)),
    ).toEqual(['query.limit', 'query.status', 'query.colour']);
    expect(pathsOf(await http.get('/v1/flows?cursor=garbage').set('authorization', viewer).expect(400))).toEqual([
      'query.cursor',
    ]);
    expect(
      pathsOf(await http.get(`/v1/flows/${id}/versions?cursor=garbage`).set('authorization', viewer).expect(400)),
    ).toEqual(['query.cursor']);
    expect(
      pathsOf(await http.get(`/v1/flows/${id}/export?version=x`).set('authorization', viewer).expect(400)),
    ).toEqual(['query.version']);
  });

  it('answers what is not a flow with 422 naming the field', async () => {
    const designer = tenant.bearer('designer');
    const notAFlow = await http.post('/v1/flows/import').set('authorization', designer).send({ name: 'x' }).expect(422);
    expect(notAFlow.body.error).toMatchObject({
      code: 'FLOW_NOT_A_FLOW',
      details: [{ path: 'body.schema', message: expect.stringContaining('required') }],
    });
    const studio = await http
      .post('/v1/flows/import')
      .set('authorization', designer)
      .send({ schema: 'twilio-studio/v1', states: [] })
      .expect(422);
    expect(studio.body.error.details).toEqual([
      { path: 'body.schema', message: expect.stringContaining('"twilio-studio/v1"') },
    ]);
    await http.post('/v1/flows/import').set('authorization', designer).send([1, 2]).expect(400);
    await http
      .post('/v1/flows/import')
      .set('authorization', designer)
      .set('content-type', 'application/json')
      .send('{"schema": ')
      .expect(400);

    const created = await http
      .post('/v1/flows')
      .set('authorization', designer)
      .send({ document: { schema: 'switchboard.flow/v2' } })
      .expect(422);
    expect(pathsOf(created)).toEqual(['body.document.schema']);
    const unknownTemplate = await http
      .post('/v1/flows')
      .set('authorization', designer)
      .send({ templateId: 'no-such-template' })
      .expect(422);
    expect(unknownTemplate.body.error).toMatchObject({ code: 'FLOW_TEMPLATE_NOT_FOUND' });
    expect(pathsOf(unknownTemplate)).toEqual(['body.templateId']);
    const validated = await http
      .post(`/v1/flows/${id}/validate`)
      .set('authorization', designer)
      .send({ document: { nodes: [] } })
      .expect(422);
    expect(pathsOf(validated)).toEqual(['body.document.schema']);
  });

  it('imports a flow whose document has schema errors as a draft with diagnostics', async () => {
    const res = await http
      .post('/v1/flows/import')
      .set('authorization', tenant.bearer('designer'))
      .send({ schema: 'switchboard.flow/v1', meta: { name: 'Sketch' }, nodes: 'soon' })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'Sketch', purpose: null, diagnostics: { errors: expect.any(Number) } });
    expect(res.body.diagnostics.items).toContainEqual(expect.objectContaining({ path: 'nodes' }));
  });

  it('lets a viewer read but not write', async () => {
    const viewer = tenant.bearer('viewer');
    await http.get('/v1/flows').set('authorization', viewer).expect(200);
    await http.get(`/v1/flows/${id}`).set('authorization', viewer).expect(200);
    await http.get(`/v1/flows/${id}/export`).set('authorization', viewer).expect(200);
    await http.post(`/v1/flows/${id}/validate`).set('authorization', viewer).expect(200);
    const denied = await http.post('/v1/flows').set('authorization', viewer).send({ templateId: 'callback-scheduler' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    await http
      .put(`/v1/flows/${id}`)
      .set('authorization', viewer)
      .set('if-match', '*')
      .send({ document: {} })
      .expect(403);
    await http.post(`/v1/flows/${id}/publish`).set('authorization', viewer).send({ message: 'm' }).expect(403);
    await http.delete(`/v1/flows/${id}`).set('authorization', viewer).expect(403);
    await http.post('/v1/flows/import').set('authorization', viewer).send({}).expect(403);
  });

  it('lets an operator and a compliance reviewer read only', async () => {
    for (const role of ['operator', 'compliance'] as const) {
      const auth = tenant.bearer(role);
      await http.get(`/v1/flows/${id}`).set('authorization', auth).expect(200);
      await http.post('/v1/flows').set('authorization', auth).send({ templateId: 'callback-scheduler' }).expect(403);
      await http
        .put(`/v1/flows/${id}`)
        .set('authorization', auth)
        .set('if-match', '*')
        .send({ document: {} })
        .expect(403);
      await http.post(`/v1/flows/${id}/publish`).set('authorization', auth).send({ message: 'm' }).expect(403);
      await http.delete(`/v1/flows/${id}`).set('authorization', auth).expect(403);
    }
  });

  it('lets a designer write, publish and delete', async () => {
    const designer = tenant.bearer('designer');
    const flow = await http.get(`/v1/flows/${id}`).set('authorization', designer).expect(200);
    await http
      .put(`/v1/flows/${id}`)
      .set('authorization', designer)
      .set('if-match', '*')
      .send({ document: flow.body.document })
      .expect(200);
    const v1 = await http.post(`/v1/flows/${id}/publish`).set('authorization', designer).send({ message: 'v1' });
    expect(v1.status).toBe(201);
    await http.delete(`/v1/flows/${id}`).set('authorization', designer).expect(204);
  });

  it('stores, lists, saves and publishes a flow of almost 5 MB', async () => {
    const designer = tenant.bearer('designer');
    const document = templateDocument('callback-scheduler');
    document.meta.description = 'A very long description. '.repeat(180_000);
    const size = Buffer.byteLength(JSON.stringify(document));
    expect(size).toBeGreaterThan(4_500_000);
    expect(size).toBeLessThan(5 * 1024 * 1024);

    const created = await http.post('/v1/flows').set('authorization', designer).send({ document }).expect(201);
    expect(created.body.diagnostics.errors).toBe(0);
    const list = await http.get('/v1/flows?q=callback').set('authorization', designer).expect(200);
    expect(itemsOf(list).map((f) => f.id)).toEqual([created.body.id]);
    // lists never carry documents
    expect(list.text.length).toBeLessThan(10_000);

    document.meta.description = `${document.meta.description as string}And one more sentence.`;
    const saved = await http
      .put(`/v1/flows/${created.body.id}`)
      .set('authorization', designer)
      .set('if-match', '"1"')
      .send({ document })
      .expect(200);
    expect(saved.body.checksum).not.toBe(created.body.checksum);
    const version = await http
      .post(`/v1/flows/${created.body.id}/publish`)
      .set('authorization', designer)
      .send({ message: 'big' })
      .expect(201);
    expect(version.body.checksum).toBe(saved.body.checksum);
    const exported = await http
      .get(`/v1/flows/${created.body.id}/export?version=1`)
      .set('authorization', designer)
      .expect(200);
    expect((JSON.parse(exported.text) as Json).meta.description).toBe(document.meta.description);
  });

  it('turns away callers without credentials', async () => {
    const res = await http.get('/v1/flows').expect(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    await http.get('/v1/flow-templates').expect(401);
  });
});
