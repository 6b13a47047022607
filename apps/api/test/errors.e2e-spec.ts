import { Controller, Get } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiErrorSchema } from '@switchboard/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Public } from '../src/common/auth/principal.js';
import { ApiError } from '../src/common/errors/api-error.js';
import { LogCapture, createTestApp } from './test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Routes that exist only in this test, to make the app fail in known ways. */
@Controller('test-errors')
@Public()
class FailingController {
  @Get('unexpected')
  unexpected(): never {
    throw new Error('database exploded while calling +15551230123');
  }

  @Get('conflict')
  conflict(): never {
    throw new ApiError(409, 'CONFLICT', 'slug is taken', [
      { path: 'slug', message: 'already used by another organization' },
    ]);
  }
}

describe('errors and request ids', () => {
  let app: NestExpressApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    app = await createTestApp({ extra: { controllers: [FailingController] }, logs });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await request(app.getHttpServer()).get('/no/such/route').expect(404);
    expect(ApiErrorSchema.safeParse(res.body).success).toBe(true);
    expect(res.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), requestId: res.headers['x-request-id'] },
    });
  });

  it("echoes the caller's x-request-id and uses it in the body and the log", async () => {
    const res = await request(app.getHttpServer()).get('/missing').set('x-request-id', 'req-e2e-42').expect(404);
    expect(res.headers['x-request-id']).toBe('req-e2e-42');
    expect(res.body.error.requestId).toBe('req-e2e-42');
    expect(logs.lines.some((line) => line.requestId === 'req-e2e-42' && line.msg === 'request completed')).toBe(true);
  });

  it('generates a request id when none is given, or when the given one is not plain', async () => {
    const generated = await request(app.getHttpServer()).get('/health');
    expect(generated.headers['x-request-id']).toMatch(UUID);

    const replaced = await request(app.getHttpServer()).get('/health').set('x-request-id', 'has spaces and "quotes"');
    expect(replaced.headers['x-request-id']).toMatch(UUID);
  });

  it('turns an unknown error into a 500 with an errorId that is in the log, saying nothing of the cause', async () => {
    const res = await request(app.getHttpServer())
      .get('/test-errors/unexpected')
      .set('x-request-id', 'req-500')
      .expect(500);
    expect(ApiErrorSchema.safeParse(res.body).success).toBe(true);
    expect(res.body).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'Internal server error',
        requestId: 'req-500',
        errorId: expect.stringMatching(UUID),
      },
    });
    const logged = logs.lines.find((line) => line.errorId === res.body.error.errorId);
    expect(logged).toMatchObject({ level: 50, requestId: 'req-500', msg: 'unhandled error' });
    expect(JSON.stringify(logged)).toContain('+1******0123');
    expect(logs.raw.join('\n')).not.toContain('5551230123');
  });

  it('answers an ApiError with its status, code and details', async () => {
    const res = await request(app.getHttpServer()).get('/test-errors/conflict').expect(409);
    expect(ApiErrorSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.error).toMatchObject({
      code: 'CONFLICT',
      message: 'slug is taken',
      details: [{ path: 'slug', message: 'already used by another organization' }],
    });
    expect(res.body.error.errorId).toBeUndefined();
  });

  it('answers a body that is not JSON with 400, not 500', async () => {
    const res = await request(app.getHttpServer())
      .post('/health')
      .set('content-type', 'application/json')
      .send('{not json')
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', requestId: res.headers['x-request-id'] });
  });
});
