import { createHash } from 'node:crypto';
import { Controller, Get, Post, Req } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiErrorSchema, LoginResponseSchema, MeResponseSchema } from '@switchboard/contracts';
import type { Request } from 'express';
import type { Logger } from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentPrincipal, Public, WorkerOnly, type Principal } from '../src/common/auth/principal.js';
import { Route } from '../src/common/validation/route-spec.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp, LogCapture } from './test-app.js';

const WORKER_TOKEN = 'worker-token-for-the-auth-e2e-tests-0123456789';

/** Routes that exist only in this test: one per kind of access the guard decides on. */
@Controller()
class AccessProbeController {
  @Post('internal/probe')
  @WorkerOnly()
  @Route({ summary: 'test: worker only', responses: { 200: { description: 'the principal' } } })
  worker(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('probe/public')
  @Public()
  @Route({ summary: 'test: public', responses: { 200: { description: 'ok' } } })
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('probe/authenticated')
  @Route({ summary: 'test: any authenticated caller', responses: { 200: { description: 'the principal' } } })
  authenticated(@CurrentPrincipal() principal: Principal, @Req() req: Request): Principal {
    (req.log as Logger).info('probe reached');
    return principal;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('authentication', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  const logs = new LogCapture();
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({
      env: { WORKER_TOKEN },
      extra: { controllers: [AccessProbeController] },
      logs,
    });
    tenant = await createTenant(app, 'Auth Tests Inc');
  });
  afterAll(async () => {
    await app.close();
  });

  function login(email = tenant.admin.email, password = tenant.admin.password) {
    return http().post('/v1/auth/login').send({ email, password });
  }

  describe('POST /v1/auth/login', () => {
    it('answers a session token, its expiry, the user and the organisation', async () => {
      const res = await login().expect(200);
      expect(LoginResponseSchema.parse(res.body)).toMatchObject({
        user: { id: tenant.admin.userId, email: tenant.admin.email, roles: ['admin'] },
        organization: { id: tenant.organizationId, name: 'Auth Tests Inc' },
      });
      expect(res.body.token).toMatch(/^sess_[\w-]{43}$/);
      const hours = (Date.parse(res.body.expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(11.9);
      expect(hours).toBeLessThanOrEqual(12);
      expect(res.body.user.passwordHash).toBeUndefined();
    });

    it('accepts the email in any case', async () => {
      await login(tenant.admin.email.toUpperCase()).expect(200);
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const wrongPassword = await login(tenant.admin.email, 'not the password at all').expect(401);
      const unknownEmail = await login('nobody-here@example.com', tenant.admin.password).expect(401);
      expect(ApiErrorSchema.parse(wrongPassword.body).error).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'Wrong email or password',
      });
      expect(unknownEmail.body.error.code).toBe(wrongPassword.body.error.code);
      expect(unknownEmail.body.error.message).toBe(wrongPassword.body.error.message);
    });

    it('answers a malformed body with 400 naming the fields', async () => {
      const res = await http().post('/v1/auth/login').send({ email: 'not-an-email', extra: 1 }).expect(400);
      const paths = (res.body.error.details as { path: string }[]).map((detail) => detail.path);
      expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.extra']));
    });

    it('stores only the SHA-256 of the session token', async () => {
      const res = await login().expect(200);
      const rows = await app
        .get(DataSource)
        .query<{ token_hash: string }[]>(`SELECT token_hash FROM sessions WHERE user_id = $1`, [tenant.admin.userId]);
      expect(rows.map((row) => row.token_hash)).toContain(sha256(res.body.token as string));
      expect(JSON.stringify(rows)).not.toContain(res.body.token);
    });
  });

  describe('GET /v1/auth/me', () => {
    it('describes a user session: principal, permissions, organisation, user', async () => {
      const res = await http().get('/v1/auth/me').set('authorization', tenant.adminSession()).expect(200);
      const me = MeResponseSchema.parse(res.body);
      expect(me.principal).toEqual({
        kind: 'user',
        id: tenant.admin.userId,
        label: tenant.admin.email,
        organizationId: tenant.organizationId,
        roles: ['admin'],
      });
      expect(me.permissions).toContain('members:manage');
      expect(me.user?.email).toBe(tenant.admin.email);
    });

    it('describes an API key: its roles and permissions, no user', async () => {
      const res = await http().get('/v1/auth/me').set('authorization', tenant.bearer('viewer')).expect(200);
      expect(res.body.principal).toMatchObject({ kind: 'api_key', roles: ['viewer'], label: 'viewer key' });
      expect(res.body.permissions).toContain('flows:read');
      expect(res.body.permissions).not.toContain('flows:write');
      expect(res.body.user).toBeNull();
    });
  });

  describe('the guard', () => {
    it.each([
      ['no header', undefined, /Missing Authorization header/],
      ['an empty header', '', /Missing Authorization header/],
      ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`, /Malformed Authorization header/],
      ['Bearer without a token', 'Bearer ', /Malformed Authorization header/],
      ['a token with spaces', 'Bearer two words', /Malformed Authorization header/],
      ['an unknown session', 'Bearer sess_doesnotexist', /Unknown session token/],
      ['an unknown API key', 'Bearer sk_doesnotexist', /Unknown API key/],
      ['a token of no known kind', 'Bearer abcdef', /Unknown credential/],
    ])('answers %s with 401 saying why', async (_label, header, message) => {
      const call = http().get('/v1/auth/me');
      if (header !== undefined) call.set('authorization', header);
      const res = await call.expect(401);
      expect(ApiErrorSchema.parse(res.body).error.code).toBe('UNAUTHORIZED');
      expect(res.body.error.message).toMatch(message);
    });

    it('lets @Public() routes through without credentials', async () => {
      await http().get('/probe/public').expect(200, { ok: true });
    });

    it('needs a credential on routes without any marking', async () => {
      await http().get('/probe/authenticated').expect(401);
      await http().get('/probe/authenticated').set('authorization', tenant.bearer('viewer')).expect(200);
    });

    it("puts the caller's organisation on the request's log lines", async () => {
      await http()
        .get('/probe/authenticated')
        .set('authorization', tenant.bearer('operator'))
        .set('x-request-id', 'req-auth-log')
        .expect(200);
      const line = logs.lines.find((entry) => entry.requestId === 'req-auth-log' && entry.msg === 'probe reached');
      expect(line).toMatchObject({
        organizationId: tenant.organizationId,
        principal: expect.stringMatching(/^api_key:/),
      });
      expect(logs.raw.join('\n')).not.toContain(tenant.keys.operator);
    });
  });

  describe('@WorkerOnly() routes', () => {
    it('accept the worker token, as the worker principal', async () => {
      const res = await http().post('/internal/probe').set('authorization', `Bearer ${WORKER_TOKEN}`).expect(201);
      expect(res.body).toMatchObject({ kind: 'worker', id: 'worker', roles: [] });
    });

    it('refuse sessions, API keys (even admin ones), wrong tokens and no token', async () => {
      for (const header of [
        tenant.adminSession(),
        tenant.bearer('admin'),
        `Bearer ${WORKER_TOKEN}x`,
        `Bearer ${WORKER_TOKEN.slice(0, -1)}`,
      ]) {
        const res = await http().post('/internal/probe').set('authorization', header).expect(401);
        expect(res.body.error.message).toBe('Invalid worker token');
      }
      await http().post('/internal/probe').expect(401);
    });

    it('are the only routes the worker token opens', async () => {
      await http().get('/v1/auth/me').set('authorization', `Bearer ${WORKER_TOKEN}`).expect(401);
      await http().get('/v1/members').set('authorization', `Bearer ${WORKER_TOKEN}`).expect(401);
    });

    it('refuse everyone when no worker token is configured', async () => {
      const bare = await createTestApp({ extra: { controllers: [AccessProbeController] } });
      try {
        const res = await request(bare.getHttpServer())
          .post('/internal/probe')
          .set('authorization', `Bearer ${WORKER_TOKEN}`)
          .expect(401);
        expect(res.body.error.message).toMatch(/WORKER_TOKEN is not configured/);
      } finally {
        await bare.close();
      }
    });
  });

  describe('POST /v1/auth/logout', () => {
    it('ends the session it is called with, and only that one', async () => {
      const first = (await login().expect(200)).body.token as string;
      const second = (await login().expect(200)).body.token as string;
      await http().post('/v1/auth/logout').set('authorization', `Bearer ${first}`).expect(204);

      const after = await http().get('/v1/auth/me').set('authorization', `Bearer ${first}`).expect(401);
      expect(after.body.error.message).toMatch(/session has ended/);
      await http().get('/v1/auth/me').set('authorization', `Bearer ${second}`).expect(200);
    });

    it('is not for API keys', async () => {
      const res = await http().post('/v1/auth/logout').set('authorization', tenant.bearer('viewer')).expect(401);
      expect(res.body.error.message).toMatch(/revoked with DELETE \/v1\/api-keys/);
    });
  });

  describe('session expiry', () => {
    it('refuses a session past its expiry with a 401 that says so', async () => {
      const token = (await login().expect(200)).body.token as string;
      await http().get('/v1/auth/me').set('authorization', `Bearer ${token}`).expect(200);
      await app
        .get(DataSource)
        .query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(token)]);
      const res = await http().get('/v1/auth/me').set('authorization', `Bearer ${token}`).expect(401);
      expect(res.body.error.message).toBe('This session has expired: log in again');
    });

    it('lasts SESSION_TTL_HOURS', async () => {
      const short = await createTestApp({ env: { SESSION_TTL_HOURS: '0.5' } });
      try {
        const res = await request(short.getHttpServer())
          .post('/v1/auth/login')
          .send({ email: tenant.admin.email, password: tenant.admin.password })
          .expect(200);
        const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
        expect(minutes).toBeGreaterThan(29);
        expect(minutes).toBeLessThanOrEqual(30);
      } finally {
        await short.close();
      }
    });
  });

  it('records logins, failed logins and logouts in the activity log', async () => {
    const res = await http()
      .get('/v1/activity')
      .query({ subjectType: 'member', subjectId: tenant.admin.userId, limit: 200 })
      .set('authorization', tenant.adminSession())
      .expect(200);
    const actions = new Set((res.body.items as { action: string }[]).map((item) => item.action));
    expect([...actions]).toEqual(
      expect.arrayContaining(['member.added', 'auth.logged_in', 'auth.login_failed', 'auth.logged_out']),
    );
  });
});
