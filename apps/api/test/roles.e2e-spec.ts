import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, ROLES, type Permission, type Role } from '../src/common/auth/principal.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

const NO_SUCH_ID = '0d6c1f0e-0000-4000-8000-000000000000';

interface RouteCase {
  name: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  body?: () => object;
  query?: Record<string, string>;
  /** null: any authenticated caller */
  permission: Permission | null;
  /** what an allowed caller gets (an unknown id is a 404 only after the permission check) */
  allowedStatus: number;
}

let counter = 0;
const ROUTES: RouteCase[] = [
  { name: 'who am I', method: 'get', path: '/v1/auth/me', permission: null, allowedStatus: 200 },
  { name: 'list members', method: 'get', path: '/v1/members', permission: 'members:read', allowedStatus: 200 },
  {
    name: 'get a member',
    method: 'get',
    path: `/v1/members/${NO_SUCH_ID}`,
    permission: 'members:read',
    allowedStatus: 404,
  },
  {
    name: 'add a member',
    method: 'post',
    path: '/v1/members',
    body: () => ({ email: `roles-${Date.now()}-${counter++}@roles.test`, roles: ['viewer'] }),
    permission: 'members:manage',
    allowedStatus: 201,
  },
  {
    name: "change a member's roles",
    method: 'patch',
    path: `/v1/members/${NO_SUCH_ID}`,
    body: () => ({ roles: ['viewer'] }),
    permission: 'members:manage',
    allowedStatus: 404,
  },
  {
    name: 'remove a member',
    method: 'delete',
    path: `/v1/members/${NO_SUCH_ID}`,
    permission: 'members:manage',
    allowedStatus: 404,
  },
  {
    name: 'create an API key',
    method: 'post',
    path: '/v1/api-keys',
    body: () => ({ name: 'from the roles test', roles: ['viewer'] }),
    permission: 'keys:manage',
    allowedStatus: 201,
  },
  { name: 'list API keys', method: 'get', path: '/v1/api-keys', permission: 'keys:manage', allowedStatus: 200 },
  {
    name: 'revoke an API key',
    method: 'delete',
    path: `/v1/api-keys/${NO_SUCH_ID}`,
    permission: 'keys:manage',
    allowedStatus: 404,
  },
  {
    name: 'read the activity log',
    method: 'get',
    path: '/v1/activity',
    permission: 'activity:read',
    allowedStatus: 200,
  },
  {
    name: 'read the activity of one subject',
    method: 'get',
    path: '/v1/activity',
    query: { subjectType: 'member', subjectId: NO_SUCH_ID },
    permission: 'activity:read',
    allowedStatus: 200,
  },
];

const CASES = ROLES.flatMap((role) => ROUTES.map((route) => ({ role, route })));

describe('roles × routes', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await createTestApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  function call(route: RouteCase, authorization?: string) {
    const http = request(app.getHttpServer());
    const req = http[route.method](route.path);
    if (route.query) req.query(route.query);
    if (authorization !== undefined) req.set('authorization', authorization);
    return route.body ? req.send(route.body()) : req;
  }

  it.each(CASES.map(({ role, route }) => [role, route.name, route] as const))(
    'a %s key: %s',
    async (role: Role, _name: string, route: RouteCase) => {
      const res = await call(route, tenant.bearer(role));
      if (route.permission === null || allows([role], route.permission)) {
        expect(res.status, JSON.stringify(res.body)).toBe(route.allowedStatus);
      } else {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
        expect(res.body.error.message).toContain(`Missing permission ${route.permission}`);
        expect(res.body.error.message).toContain(role);
      }
    },
  );

  it.each(ROUTES.map((route) => [route.name, route] as const))(
    'without credentials: %s → 401',
    async (_name, route) => {
      const res = await call(route);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    },
  );

  it('a key with several roles has the union of their permissions', async () => {
    const created = await request(app.getHttpServer())
      .post('/v1/api-keys')
      .set('authorization', tenant.adminSession())
      .send({ name: 'compliance + viewer', roles: ['compliance', 'viewer'] })
      .expect(201);
    const bearer = `Bearer ${created.body.key as string}`;
    await request(app.getHttpServer()).get('/v1/activity').set('authorization', bearer).expect(200);
    await request(app.getHttpServer()).get('/v1/members').set('authorization', bearer).expect(403);
  });
});
