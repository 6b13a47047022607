import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiErrorSchema } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_CLIENT } from '../src/redis/redis.module.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

const LIMIT = 5;
// Counters of this test alone: Redis is shared with every other test run on the machine.
const PREFIX = `switchboard:test:rate-limit:${randomBytes(6).toString('hex')}:`;

describe('rate limiting', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_KEY_PREFIX: PREFIX } });
    // Counting starts once Redis is connected (before, requests are let through uncounted).
    await app.get<Redis>(REDIS_CLIENT).ping();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 429 in the error shape with retry-after once a key passes its limit', async () => {
    for (let index = 0; index < LIMIT; index += 1) {
      await http().get('/v1/auth/me').set('authorization', tenant.bearer('viewer')).expect(200);
    }
    const res = await http().get('/v1/auth/me').set('authorization', tenant.bearer('viewer')).expect(429);
    expect(ApiErrorSchema.parse(res.body).error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringMatching(/^Rate limit exceeded: 5 requests per 60 s; retry in \d+ s$/),
      requestId: res.headers['x-request-id'],
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts one budget per caller across routes, and other callers keep theirs', async () => {
    const routes = ['/v1/auth/me', '/v1/activity', '/v1/members', '/v1/api-keys', '/v1/auth/me'];
    for (const path of routes) await http().get(path).set('authorization', tenant.bearer('admin')).expect(200);
    await http().get('/v1/members').set('authorization', tenant.bearer('admin')).expect(429);
    await http().get('/v1/auth/me').set('authorization', tenant.bearer('operator')).expect(200);
    await http().get('/v1/auth/me').set('authorization', tenant.adminSession()).expect(200);
  });

  it('keeps the counters in Redis, so that every replica shares them', async () => {
    const keys = await app.get<Redis>(REDIS_CLIENT).keys(`${PREFIX}*`);
    expect(keys.some((key) => key.startsWith(`${PREFIX}default:api_key:`))).toBe(true);
    expect(keys.some((key) => key.endsWith(':blocked'))).toBe(true);
  });

  it('limits anonymous callers (login) by IP', async () => {
    const attempt = () =>
      http().post('/v1/auth/login').send({ email: tenant.admin.email, password: 'wrong password!' });
    for (let index = 0; index < LIMIT; index += 1) await attempt().expect(401);
    const res = await attempt().expect(429);
    expect(res.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('serves requests, uncounted, when Redis is down', async () => {
    const noRedis = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_KEY_PREFIX: PREFIX, REDIS_URL: 'redis://127.0.0.1:1' },
    });
    try {
      const other = await createTenant(noRedis);
      for (let index = 0; index < 3; index += 1) {
        await request(noRedis.getHttpServer())
          .get('/v1/auth/me')
          .set('authorization', other.bearer('viewer'))
          .expect(200);
      }
    } finally {
      await noRedis.close();
    }
  });

  it('does not limit when RATE_LIMIT_PER_MINUTE is 0', async () => {
    const unlimited = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const other = await createTenant(unlimited);
      for (let index = 0; index < LIMIT * 3; index += 1) {
        await request(unlimited.getHttpServer())
          .get('/v1/auth/me')
          .set('authorization', other.bearer('viewer'))
          .expect(200);
      }
    } finally {
      await unlimited.close();
    }
  });
});
