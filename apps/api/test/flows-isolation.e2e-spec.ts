import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/common/errors/api-error.js';
import { FlowsService } from '../src/flows/flows.service.js';
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

/**
 * Tenant isolation: with tenant B's credentials (its admin, who holds every permission), every
 * flow route given tenant A's ids answers 404 — exactly as for an id that does not exist — and
 * no list ever shows A's rows. A's flow is untouched afterwards.
 */
describe('flows: tenant isolation', () => {
  let app: NestExpressApplication;
  let a: TestTenant;
  let b: TestTenant;
  let http: ReturnType<typeof request>;
  let flowA: Json;
  let flowB: Json;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    [a, b] = await Promise.all([createTenant(app, 'Tenant A'), createTenant(app, 'Tenant B')]);
    http = request(app.getHttpServer());
    const created = await http
      .post('/v1/flows')
      .set('authorization', a.bearer('designer'))
      .send({ templateId: 'appointment-reminder', name: 'Secret A flow' })
      .expect(201);
    await http
      .post(`/v1/flows/${created.body.id}/publish`)
      .set('authorization', a.bearer('designer'))
      .send({ message: 'A v1' })
      .expect(201);
    flowA = (await http.get(`/v1/flows/${created.body.id}`).set('authorization', a.bearer('viewer')).expect(200)).body;
    flowB = (
      await http
        .post('/v1/flows')
        .set('authorization', b.bearer('designer'))
        .send({ templateId: 'payment-reminder' })
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await app.close();
  });

  /** Every flow route, for a flow id (versions 1 and 1..1 where a route takes them). */
  const routes = (id: string, document: Json) => [
    { name: 'GET /v1/flows/:id', send: () => http.get(`/v1/flows/${id}`) },
    {
      name: 'PUT /v1/flows/:id',
      send: () => http.put(`/v1/flows/${id}`).set('if-match', '"1"').send({ document }),
    },
    {
      name: 'PUT /v1/flows/:id (If-Match: *)',
      send: () => http.put(`/v1/flows/${id}`).set('if-match', '*').send({ document }),
    },
    { name: 'POST /v1/flows/:id/validate', send: () => http.post(`/v1/flows/${id}/validate`) },
    {
      name: 'POST /v1/flows/:id/validate {document}',
      send: () => http.post(`/v1/flows/${id}/validate`).send({ document }),
    },
    { name: 'POST /v1/flows/:id/test', send: () => http.post(`/v1/flows/${id}/test`) },
    {
      name: 'POST /v1/flows/:id/publish',
      send: () => http.post(`/v1/flows/${id}/publish`).send({ message: 'mine now' }),
    },
    { name: 'GET /v1/flows/:id/versions', send: () => http.get(`/v1/flows/${id}/versions`) },
    { name: 'GET /v1/flows/:id/versions/:n', send: () => http.get(`/v1/flows/${id}/versions/1`) },
    { name: 'GET /v1/flows/:id/versions/:a/diff/:b', send: () => http.get(`/v1/flows/${id}/versions/1/diff/1`) },
    { name: 'GET /v1/flows/:id/export', send: () => http.get(`/v1/flows/${id}/export`) },
    { name: 'GET /v1/flows/:id/export?version=1', send: () => http.get(`/v1/flows/${id}/export?version=1`) },
    { name: 'DELETE /v1/flows/:id', send: () => http.delete(`/v1/flows/${id}`) },
  ];

  it("answers 404 to every flow route given A's flow id, with B's admin or designer", async () => {
    for (const auth of [b.adminSession(), b.bearer('designer')]) {
      for (const route of routes(flowA.id, flowA.document)) {
        const res = await route.send().set('authorization', auth);
        expect({ route: route.name, status: res.status, code: res.body.error?.code }).toEqual({
          route: route.name,
          status: 404,
          code: 'FLOW_NOT_FOUND',
        });
      }
    }
  });

  it('answers exactly as for an id that does not exist', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const route of routes(unknown, flowA.document)) {
      const res = await route.send().set('authorization', b.adminSession());
      expect({ route: route.name, status: res.status, code: res.body.error?.code }).toEqual({
        route: route.name,
        status: 404,
        code: 'FLOW_NOT_FOUND',
      });
    }
  });

  it("never lists A's flows to B, whatever the filter", async () => {
    const auth = b.adminSession();
    for (const query of ['', '?q=Secret', '?status=published', '?status=draft', '?limit=200']) {
      const res = await http.get(`/v1/flows${query}`).set('authorization', auth).expect(200);
      const ids = itemsOf(res).map((f) => f.id);
      expect(ids).not.toContain(flowA.id);
    }
    const all = await http.get('/v1/flows').set('authorization', auth).expect(200);
    expect(itemsOf(all).map((f) => f.id)).toEqual([flowB.id]);
    const activity = await http.get(`/v1/activity?subjectType=flow&limit=200`).set('authorization', auth).expect(200);
    expect(itemsOf(activity).map((e) => e.subjectId)).not.toContain(flowA.id);
  });

  it("does not let a cursor built from A's flow reveal anything", async () => {
    const cursor = Buffer.from(JSON.stringify([new Date(Date.now() + 60_000).toISOString(), flowA.id])).toString(
      'base64url',
    );
    const res = await http.get(`/v1/flows?cursor=${cursor}`).set('authorization', b.adminSession()).expect(200);
    expect(itemsOf(res).map((f) => f.id)).toEqual([flowB.id]);
  });

  it("leaves A's flow exactly as it was", async () => {
    const after = await http.get(`/v1/flows/${flowA.id}`).set('authorization', a.bearer('viewer')).expect(200);
    expect(after.body).toEqual(flowA);
    const versions = await http.get(`/v1/flows/${flowA.id}/versions`).set('authorization', a.bearer('viewer'));
    expect(itemsOf(versions).map((v) => v.number)).toEqual([1]);
  });

  it("hides B's flows from A in turn", async () => {
    await http.get(`/v1/flows/${flowB.id}`).set('authorization', a.adminSession()).expect(404);
    const list = await http.get('/v1/flows').set('authorization', a.adminSession()).expect(200);
    expect(itemsOf(list).map((f) => f.id)).toEqual([flowA.id]);
  });

  it("resolves documents for other features only within the caller's organisation", async () => {
    const flows = app.get(FlowsService);
    const own = await flows.resolveDocument(a.organizationId, flowA.id, 1);
    expect(own.version).toBe(1);
    expect(own.document.meta.name).toBe('Secret A flow');
    expect((await flows.resolveDocument(a.organizationId, flowA.id, 'draft')).version).toBeNull();
    for (const version of [1, 'draft'] as const) {
      const error = await flows.resolveDocument(b.organizationId, flowA.id, version).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError<string>).status).toBe(404);
    }
    const missing = await flows.resolveDocument(a.organizationId, flowA.id, 2).catch((e: unknown) => e);
    expect((missing as ApiError<string>).code).toBe('FLOW_VERSION_NOT_FOUND');
  });
});
