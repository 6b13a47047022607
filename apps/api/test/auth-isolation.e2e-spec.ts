import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

/** Tenant B's credentials, however privileged, never see nor touch tenant A's members, keys or activity. */
describe('tenant isolation of members, API keys and activity', () => {
  let app: NestExpressApplication;
  let a: TestTenant;
  let b: TestTenant;
  let aKeyIds: string[];
  let aMemberId: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    [a, b] = [await createTenant(app, 'Tenant A'), await createTenant(app, 'Tenant B')];
    const keys = await http().get('/v1/api-keys').set('authorization', a.adminSession()).expect(200);
    aKeyIds = (keys.body.items as { id: string }[]).map((key) => key.id);
    const member = await http()
      .post('/v1/members')
      .set('authorization', a.adminSession())
      .send({ email: `a-member-${Date.now()}@tenant-a.test`, roles: ['designer'] })
      .expect(201);
    aMemberId = member.body.member.id as string;
  });
  afterAll(async () => {
    await app.close();
  });

  const bCredentials = () => [b.adminSession(), b.bearer('admin')];

  it("lists only B's own members, keys and activity", async () => {
    for (const auth of bCredentials()) {
      const members = await http().get('/v1/members').query({ limit: 200 }).set('authorization', auth).expect(200);
      const memberIds = (members.body.items as { id: string }[]).map((member) => member.id);
      expect(memberIds).toContain(b.admin.userId);
      expect(memberIds).not.toContain(a.admin.userId);
      expect(memberIds).not.toContain(aMemberId);

      const keys = await http().get('/v1/api-keys').query({ limit: 200 }).set('authorization', auth).expect(200);
      const keyIds = (keys.body.items as { id: string }[]).map((key) => key.id);
      expect(keyIds.length).toBeGreaterThan(0);
      for (const id of aKeyIds) expect(keyIds).not.toContain(id);

      const activity = await http().get('/v1/activity').query({ limit: 200 }).set('authorization', auth).expect(200);
      const subjects = (activity.body.items as { subjectId: string }[]).map((entry) => entry.subjectId);
      expect(subjects).toContain(b.admin.userId);
      for (const id of [a.organizationId, a.admin.userId, aMemberId, ...aKeyIds]) expect(subjects).not.toContain(id);
    }
  });

  it("finds nothing when filtering B's activity by A's subjects", async () => {
    for (const subjectId of [a.admin.userId, aMemberId, aKeyIds[0] ?? '']) {
      const res = await http()
        .get('/v1/activity')
        .query({ subjectId })
        .set('authorization', b.bearer('compliance'))
        .expect(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    }
  });

  it("answers 404 on every route given A's member ids, and changes nothing", async () => {
    for (const auth of bCredentials()) {
      for (const id of [a.admin.userId, aMemberId]) {
        const reads = await http().get(`/v1/members/${id}`).set('authorization', auth);
        const patches = await http()
          .patch(`/v1/members/${id}`)
          .set('authorization', auth)
          .send({ roles: ['viewer'] });
        const deletes = await http().delete(`/v1/members/${id}`).set('authorization', auth);
        for (const res of [reads, patches, deletes]) {
          expect(res.status).toBe(404);
          expect(res.body.error.code).toBe('MEMBER_NOT_FOUND');
        }
      }
    }
    const still = await http().get(`/v1/members/${aMemberId}`).set('authorization', a.adminSession()).expect(200);
    expect(still.body.roles).toEqual(['designer']);
    await http().get('/v1/auth/me').set('authorization', a.adminSession()).expect(200);
  });

  it("answers 404 when B revokes A's keys, which keep working", async () => {
    for (const id of aKeyIds) {
      const res = await http().delete(`/v1/api-keys/${id}`).set('authorization', b.bearer('admin')).expect(404);
      expect(res.body.error.code).toBe('API_KEY_NOT_FOUND');
    }
    for (const role of ['admin', 'viewer'] as const) {
      const me = await http().get('/v1/auth/me').set('authorization', a.bearer(role)).expect(200);
      expect(me.body.principal.organizationId).toBe(a.organizationId);
    }
  });

  it('an email of tenant A cannot be added to tenant B (one organisation per user)', async () => {
    const res = await http()
      .post('/v1/members')
      .set('authorization', b.adminSession())
      .send({ email: a.admin.email, roles: ['admin'] })
      .expect(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
  });
});
