import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './test-app.js';

describe('GET /health', () => {
  describe('with Postgres and Redis up', () => {
    let app: NestExpressApplication;
    beforeAll(async () => {
      app = await createTestApp();
    });
    afterAll(async () => {
      await app.close();
    });

    it('answers 200 with a check per dependency', async () => {
      const res = await request(app.getHttpServer()).get('/health').expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        checks: {
          postgres: { status: 'up', latencyMs: expect.any(Number) },
          redis: { status: 'up', latencyMs: expect.any(Number) },
        },
      });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('with Redis unreachable', () => {
    let app: NestExpressApplication;
    beforeAll(async () => {
      // Nothing listens on port 1: connections are refused at once.
      app = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    });
    afterAll(async () => {
      await app.close();
    });

    it('answers 503 naming Redis as down, quickly', async () => {
      const started = Date.now();
      const res = await request(app.getHttpServer()).get('/health').expect(503);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.body).toMatchObject({
        status: 'error',
        checks: {
          postgres: { status: 'up' },
          redis: { status: 'down', error: expect.any(String) },
        },
      });
    });
  });
});
