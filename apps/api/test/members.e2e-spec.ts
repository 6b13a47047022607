import type { NestExpressApplication } from '@nestjs/platform-express';
import { CreateMemberResponseSchema, MemberPageSchema, MemberSchema } from '@switchboard/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

describe('members', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  const uniqueEmail = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}@members.test`;

  async function addMember(body: Record<string, unknown>) {
    const res = await http().post('/v1/members').set('authorization', tenant.adminSession()).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return CreateMemberResponseSchema.parse(res.body);
  }

  function loginAs(email: string, password: string) {
    return http().post('/v1/auth/login').send({ email, password });
  }

  it('lists the members of the organisation, starting with its admin', async () => {
    const res = await http().get('/v1/members').set('authorization', tenant.adminSession()).expect(200);
    const page = MemberPageSchema.parse(res.body);
    expect(page.items.map((member) => member.email)).toContain(tenant.admin.email);
    expect(JSON.stringify(res.body)).not.toMatch(/password|argon2/i);
  });

  it('adds a member with a generated password shown once, who can then log in', async () => {
    const email = uniqueEmail('Designer');
    const created = await addMember({ email, name: 'Dee Signer', roles: ['designer'] });
    expect(created.member).toMatchObject({ email: email.toLowerCase(), name: 'Dee Signer', roles: ['designer'] });
    expect(created.initialPassword).toEqual(expect.any(String));
    expect(created.initialPassword?.length).toBeGreaterThanOrEqual(20);

    const login = await loginAs(email, created.initialPassword ?? '').expect(200);
    expect(login.body.user.roles).toEqual(['designer']);

    const rows = await app
      .get(DataSource)
      .query<{ password_hash: string }[]>(`SELECT password_hash FROM users WHERE id = $1`, [created.member.id]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0]?.password_hash).not.toContain(created.initialPassword);

    const one = await http()
      .get(`/v1/members/${created.member.id}`)
      .set('authorization', tenant.adminSession())
      .expect(200);
    expect(MemberSchema.parse(one.body).lastLoginAt).not.toBeNull();
  });

  it('adds a member with the password given, and does not echo it', async () => {
    const email = uniqueEmail('operator');
    const created = await addMember({ email, roles: ['operator', 'viewer'], password: 'a long enough password' });
    expect(created.initialPassword).toBeUndefined();
    await loginAs(email, 'a long enough password').expect(200);
  });

  it('refuses an email that already has an account, in any organisation, with 409', async () => {
    const other = await createTenant(app);
    const res = await http()
      .post('/v1/members')
      .set('authorization', tenant.adminSession())
      .send({ email: other.admin.email.toUpperCase(), roles: ['viewer'] })
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'EMAIL_TAKEN',
      details: [{ path: 'body.email', message: 'already used by another account' }],
    });
  });

  it.each([
    [{ roles: ['viewer'] }, ['body.email']],
    [{ email: 'nope', roles: ['viewer'] }, ['body.email']],
    [{ email: 'a@b.test', roles: ['superuser'] }, ['body.roles.0']],
    [{ email: 'a@b.test', roles: ['viewer'], password: 'short' }, ['body.password']],
    [{ email: 'a@b.test', roles: ['viewer'], organizationId: 'x' }, ['body.organizationId']],
  ])('refuses %j with 400 naming %j', async (body, paths) => {
    const res = await http().post('/v1/members').set('authorization', tenant.adminSession()).send(body).expect(400);
    expect((res.body.error.details as { path: string }[]).map((detail) => detail.path)).toEqual(paths);
  });

  it("changes a member's roles; their next request has the new ones", async () => {
    const email = uniqueEmail('viewer');
    const created = await addMember({ email, roles: ['viewer'], password: 'viewer password 1' });
    const token = (await loginAs(email, 'viewer password 1').expect(200)).body.token as string;
    await http().get('/v1/members').set('authorization', `Bearer ${token}`).expect(403);

    const res = await http()
      .patch(`/v1/members/${created.member.id}`)
      .set('authorization', tenant.adminSession())
      .send({ roles: ['admin', 'compliance'] })
      .expect(200);
    expect(res.body.roles).toEqual(['admin', 'compliance']);
    await http().get('/v1/members').set('authorization', `Bearer ${token}`).expect(200);

    const activity = await http()
      .get('/v1/activity')
      .query({ subjectType: 'member', subjectId: created.member.id })
      .set('authorization', tenant.adminSession())
      .expect(200);
    expect(activity.body.items).toContainEqual(
      expect.objectContaining({
        action: 'member.roles_changed',
        details: { email: email.toLowerCase(), from: ['viewer'], to: ['admin', 'compliance'] },
      }),
    );
  });

  it('renames a member, and refuses an empty change', async () => {
    const created = await addMember({ email: uniqueEmail('rename'), roles: ['viewer'] });
    const res = await http()
      .patch(`/v1/members/${created.member.id}`)
      .set('authorization', tenant.adminSession())
      .send({ name: 'New Name' })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'New Name', roles: ['viewer'] });
    const empty = await http()
      .patch(`/v1/members/${created.member.id}`)
      .set('authorization', tenant.adminSession())
      .send({})
      .expect(400);
    expect(empty.body.error.details).toEqual([{ path: 'body.roles', message: 'give roles or name' }]);
  });

  it('removes a member: their sessions stop working at once', async () => {
    const email = uniqueEmail('leaver');
    const created = await addMember({ email, roles: ['operator'], password: 'leaver password 1' });
    const token = (await loginAs(email, 'leaver password 1').expect(200)).body.token as string;
    await http().get('/v1/auth/me').set('authorization', `Bearer ${token}`).expect(200);

    await http().delete(`/v1/members/${created.member.id}`).set('authorization', tenant.adminSession()).expect(204);
    await http().get('/v1/auth/me').set('authorization', `Bearer ${token}`).expect(401);
    await http().get(`/v1/members/${created.member.id}`).set('authorization', tenant.adminSession()).expect(404);
    await loginAs(email, 'leaver password 1').expect(401);
  });

  describe('the last admin', () => {
    it('cannot be demoted nor removed; with a second admin, it can', async () => {
      const solo = await createTenant(app);
      const asSolo = solo.adminSession();
      const demote = await http()
        .patch(`/v1/members/${solo.admin.userId}`)
        .set('authorization', asSolo)
        .send({ roles: ['viewer'] })
        .expect(409);
      expect(demote.body.error.code).toBe('LAST_ADMIN');
      const remove = await http().delete(`/v1/members/${solo.admin.userId}`).set('authorization', asSolo).expect(409);
      expect(remove.body.error.code).toBe('LAST_ADMIN');
      // an admin API key is not a member: the key may not remove the last admin either
      await http().delete(`/v1/members/${solo.admin.userId}`).set('authorization', solo.bearer('admin')).expect(409);

      const second = await http()
        .post('/v1/members')
        .set('authorization', asSolo)
        .send({ email: uniqueEmail('second-admin'), roles: ['admin'] })
        .expect(201);
      await http()
        .patch(`/v1/members/${solo.admin.userId}`)
        .set('authorization', asSolo)
        .send({ roles: ['designer'] })
        .expect(200);
      // now the second admin is the last one
      const secondId = second.body.member.id as string;
      await http().delete(`/v1/members/${secondId}`).set('authorization', solo.bearer('admin')).expect(409);
    });

    it('survives two concurrent demotions: one of them is refused', async () => {
      const pair = await createTenant(app);
      const other = await http()
        .post('/v1/members')
        .set('authorization', pair.adminSession())
        .send({ email: uniqueEmail('co-admin'), roles: ['admin'] })
        .expect(201);
      const ids = [pair.admin.userId, other.body.member.id as string];
      const results = await Promise.all(
        ids.map((id) =>
          http()
            .patch(`/v1/members/${id}`)
            .set('authorization', pair.bearer('admin'))
            .send({ roles: ['viewer'] }),
        ),
      );
      expect(results.map((res) => res.status).sort()).toEqual([200, 409]);
      const list = await http().get('/v1/members').set('authorization', pair.bearer('admin')).expect(200);
      const admins = (list.body.items as { roles: string[] }[]).filter((member) => member.roles.includes('admin'));
      expect(admins).toHaveLength(1);
    });
  });

  it('answers an unknown member with 404 on every route', async () => {
    const id = '6f1d2c3b-0000-4000-8000-000000000000';
    const auth = tenant.adminSession();
    for (const res of [
      await http().get(`/v1/members/${id}`).set('authorization', auth),
      await http()
        .patch(`/v1/members/${id}`)
        .set('authorization', auth)
        .send({ roles: ['viewer'] }),
      await http().delete(`/v1/members/${id}`).set('authorization', auth),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('MEMBER_NOT_FOUND');
    }
  });
});
