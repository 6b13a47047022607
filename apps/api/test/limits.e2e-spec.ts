import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiErrorSchema } from '@switchboard/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Public } from '../src/common/auth/principal.js';
import { Route } from '../src/common/validation/route-spec.js';
import { createTestApp } from './test-app.js';

const MB = 1024 * 1024;
const EchoBodySchema = z.strictObject({ blob: z.string() });

/** A JSON route that exists only in this test (the size of a body is all it looks at). */
@Controller('test-limits')
class EchoController {
  @Post('echo')
  @Public()
  @HttpCode(200)
  @Route({
    summary: 'Echo the length of a blob',
    body: EchoBodySchema,
    responses: { 200: { description: 'Its length', schema: z.object({ length: z.number() }) } },
  })
  echo(@Body() body: z.infer<typeof EchoBodySchema>): { length: number } {
    return { length: body.blob.length };
  }
}

/** `{"blob":"xxx…"}` of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const overhead = JSON.stringify({ blob: '' }).length;
  return JSON.stringify({ blob: 'x'.repeat(bytes - overhead) });
}

function expectErrorShape(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(ApiErrorSchema.safeParse(res.body).success).toBe(true);
  expect(res.body.error).toMatchObject({ code, requestId: res.headers['x-request-id'] });
}

describe('request bodies', () => {
  let app: NestExpressApplication;
  const post = () => request(app.getHttpServer()).post('/test-limits/echo');

  beforeAll(async () => {
    app = await createTestApp({ extra: { controllers: [EchoController] } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('reads a JSON body of 6 MB (a flow may be 5 MB)', async () => {
    const body = jsonOfSize(6 * MB);
    const res = await post().set('content-type', 'application/json').send(body).expect(200);
    expect(res.body).toEqual({ length: 6 * MB - JSON.stringify({ blob: '' }).length });
  });

  it('refuses 7 MB with 413 PAYLOAD_TOO_LARGE in the error shape', async () => {
    const res = await post()
      .set('content-type', 'application/json')
      .send(jsonOfSize(7 * MB));
    expectErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.error.errorId).toBeUndefined();

    // refused before routing, and still counted
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^http_requests_total\{method="POST",route="unmatched",status="413"\} [1-9]/m);
  });

  it('refuses a body over the limit that announces no length (chunked) the same way', async () => {
    const server = app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/test-limits/echo',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(MB);
      req.write('{"blob":"');
      for (let i = 0; i < 7; i++) req.write(chunk);
      req.end('"}');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const res = await post().set('content-type', 'application/json').send('{"blob": "unterminated');
    expectErrorShape(res, 400, 'BAD_REQUEST');
  });

  it('answers JSON that is not an object or array with 400', async () => {
    const res = await post().set('content-type', 'application/json').send('"just a string"');
    expectErrorShape(res, 400, 'BAD_REQUEST');
  });

  it('refuses a body that is not JSON with 415, naming the content type', async () => {
    const text = await post().set('content-type', 'text/plain').send('blob=hello');
    expectErrorShape(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(text.body.error.message).toContain('text/plain');
    expect(text.body.error.details).toEqual([{ path: 'headers.content-type', message: 'must be application/json' }]);

    // a form would otherwise be read as fields and pass validation
    const form = await post().type('form').send({ blob: 'hello' });
    expectErrorShape(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses JSON in a charset it cannot read with 415', async () => {
    const res = await post().set('content-type', 'application/json; charset=latin1').send('{"blob":"x"}');
    expectErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes +json media types and answers a missing body with 400 naming the field', async () => {
    await post().set('content-type', 'application/merge-patch+json').send('{"blob":"abc"}').expect(200);
    const res = await post();
    expectErrorShape(res, 400, 'BAD_REQUEST');
    expect(res.body.error.details).toEqual([{ path: 'body.blob', message: expect.any(String) }]);
  });
});
