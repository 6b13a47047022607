import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiKeyPageSchema, CreatedApiKeySchema } from '@switchboard/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('API keys', () => {
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

  function createKey(body: unknown) {
    return http()
      .post('/v1/api-keys')
      .set('authorization', tenant.adminSession())
      .send(body as object);
  }

  async function listKeys() {
    const res = await http().get('/v1/api-keys').query({ limit: 200 }).set('authorization', tenant.adminSession());
    expect(res.status).toBe(200);
    return ApiKeyPageSchema.parse(res.body);
  }

  it('creates a key and shows it once: the list never holds the secret', async () => {
    const res = await createKey({ name: 'CRM sync', roles: ['operator', 'viewer'] }).expect(201);
    const created = CreatedApiKeySchema.parse(res.body);
    expect(created.key).toMatch(/^sk_[\w-]{43}$/);
    expect(created).toMatchObject({
      name: 'CRM sync',
      roles: ['operator', 'viewer'],
      prefix: created.key.slice(0, 11),
      lastUsedAt: null,
      revokedAt: null,
    });

    const page = await listKeys();
    const listed = page.items.find((item) => item.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'CRM sync',
      prefix: created.prefix,
      roles: ['operator', 'viewer'],
      createdAt: created.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(page)).not.toContain(created.key);
    expect(JSON.stringify(page)).not.toContain(sha256(created.key));
  });

  it('stores only the SHA-256 of a key and a short prefix', async () => {
    const created = CreatedApiKeySchema.parse(
      (await createKey({ name: 'hash check', roles: ['viewer'] }).expect(201)).body,
    );
    const rows = await app
      .get(DataSource)
      .query<Record<string, unknown>[]>(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key_hash: sha256(created.key), prefix: created.prefix });
    expect(JSON.stringify(rows)).not.toContain(created.key);
    expect(created.prefix.length).toBeLessThan(created.key.length / 3);
  });

  it('authenticates with the roles it was given, and no more', async () => {
    const created = CreatedApiKeySchema.parse((await createKey({ name: 'ops', roles: ['operator'] }).expect(201)).body);
    const me = await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(200);
    expect(me.body.principal).toEqual({
      kind: 'api_key',
      id: created.id,
      label: 'ops',
      organizationId: tenant.organizationId,
      roles: ['operator'],
    });
    await http().get('/v1/api-keys').set('authorization', `Bearer ${created.key}`).expect(403);
  });

  it('notes when a key was last used, writing at most once a minute', async () => {
    const created = CreatedApiKeySchema.parse((await createKey({ name: 'usage', roles: ['viewer'] }).expect(201)).body);
    const before = Date.now();
    await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(200);
    const first = (await listKeys()).items.find((item) => item.id === created.id)?.lastUsedAt;
    expect(first).not.toBeNull();
    expect(Date.parse(first ?? '')).toBeGreaterThanOrEqual(before - 1_000);

    await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(200);
    const second = (await listKeys()).items.find((item) => item.id === created.id)?.lastUsedAt;
    expect(second).toBe(first);
  });

  it('revokes a key: the next request with it is a 401; revoking again changes nothing', async () => {
    const created = CreatedApiKeySchema.parse(
      (await createKey({ name: 'to revoke', roles: ['admin'] }).expect(201)).body,
    );
    await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(200);

    await http().delete(`/v1/api-keys/${created.id}`).set('authorization', tenant.adminSession()).expect(204);
    const refused = await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(401);
    expect(refused.body.error).toMatchObject({ code: 'UNAUTHORIZED', message: 'This API key has been revoked' });

    const revokedAt = (await listKeys()).items.find((item) => item.id === created.id)?.revokedAt;
    expect(revokedAt).not.toBeNull();
    await http().delete(`/v1/api-keys/${created.id}`).set('authorization', tenant.adminSession()).expect(204);
    expect((await listKeys()).items.find((item) => item.id === created.id)?.revokedAt).toBe(revokedAt);
  });

  it('a key can revoke itself when it may manage keys', async () => {
    const created = CreatedApiKeySchema.parse((await createKey({ name: 'self', roles: ['admin'] }).expect(201)).body);
    await http().delete(`/v1/api-keys/${created.id}`).set('authorization', `Bearer ${created.key}`).expect(204);
    await http().get('/v1/auth/me').set('authorization', `Bearer ${created.key}`).expect(401);
  });

  it('answers an unknown key id with 404 and a malformed one with 400', async () => {
    const missing = await http()
      .delete('/v1/api-keys/7b0c5a4e-0000-4000-8000-000000000000')
      .set('authorization', tenant.adminSession())
      .expect(404);
    expect(missing.body.error.code).toBe('API_KEY_NOT_FOUND');
    const bad = await http().delete('/v1/api-keys/not-a-uuid').set('authorization', tenant.adminSession()).expect(400);
    expect(bad.body.error.details).toEqual([{ path: 'params.id', message: 'must be a UUID' }]);
  });

  it.each([
    [{ roles: ['viewer'] }, ['body.name']],
    [{ name: 'x', roles: [] }, ['body.roles']],
    [{ name: 'x', roles: ['root'] }, ['body.roles.0']],
    [{ name: 'x', roles: ['viewer', 'viewer'] }, ['body.roles']],
    [{ name: '   ', roles: ['viewer'] }, ['body.name']],
    [{ name: 'x', roles: ['viewer'], key: 'sk_mine' }, ['body.key']],
  ])('refuses %j with 400 naming %j', async (body, paths) => {
    const res = await createKey(body).expect(400);
    expect((res.body.error.details as { path: string }[]).map((detail) => detail.path)).toEqual(paths);
  });

  it('pages through keys with a cursor, newest first', async () => {
    const page1 = await http()
      .get('/v1/api-keys')
      .query({ limit: 2 })
      .set('authorization', tenant.adminSession())
      .expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await http()
      .get('/v1/api-keys')
      .query({ limit: 2, cursor: page1.body.nextCursor })
      .set('authorization', tenant.adminSession())
      .expect(200);
    const ids1 = (page1.body.items as { id: string }[]).map((item) => item.id);
    const ids2 = (page2.body.items as { id: string }[]).map((item) => item.id);
    expect(ids2.some((id) => ids1.includes(id))).toBe(false);

    const all = (await listKeys()).items.map((item) => item.id);
    expect(all.slice(0, 4)).toEqual([...ids1, ...ids2]);
    const times = (await listKeys()).items.map((item) => Date.parse(item.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('records creation and revocation in the activity log, without the secret', async () => {
    const created = CreatedApiKeySchema.parse(
      (await createKey({ name: 'audited', roles: ['viewer'] }).expect(201)).body,
    );
    await http().delete(`/v1/api-keys/${created.id}`).set('authorization', tenant.adminSession()).expect(204);
    const res = await http()
      .get('/v1/activity')
      .query({ subjectType: 'api_key', subjectId: created.id })
      .set('authorization', tenant.adminSession())
      .expect(200);
    const items = res.body.items as { action: string }[];
    expect(items.map((item) => item.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(items.find((item) => item.action === 'api_key.created')).toMatchObject({
      actor: { kind: 'user', id: tenant.admin.userId, label: tenant.admin.email },
      details: { name: 'audited', prefix: created.prefix, roles: ['viewer'] },
    });
    expect(JSON.stringify(res.body)).not.toContain(created.key);
  });
});
