import { Controller, Get, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Public } from '../src/common/auth/principal.js';
import { OpenApiService } from '../src/docs/openapi.service.js';
import { toOpenApiPaths } from '../src/docs/route-path.js';
import { createTestApp } from './test-app.js';

/** `GET /a/:id` → `GET /a/{id}`, the key of the route in the document. */
function documentKey(method: string, path: string): string[] {
  return toOpenApiPaths(path).map((variant) => `${method.toUpperCase()} ${variant.path}`);
}

/** What Express itself routes: every (method, path) Nest registered, read back from the router. */
function expressRoutes(app: NestExpressApplication): { method: string; path: string; handler: string }[] {
  const router = (
    app.getHttpAdapter().getInstance() as {
      router: {
        stack: {
          route?: { path: string; methods: Record<string, boolean>; stack: { handle: { name: string } }[] };
        }[];
      };
    }
  ).router;
  return router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({
            method,
            path: layer.route!.path,
            handler: layer.route!.stack.at(-1)?.handle.name ?? '?',
          }))
      : [],
  );
}

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.push(child);
      else refsIn(child, into);
    }
  }
  return into;
}

describe('OpenAPI document and Swagger UI', () => {
  let app: NestExpressApplication;
  let document: Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

  beforeAll(async () => {
    app = await createTestApp();
    document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await app.close();
  });

  it('documents every route: none lacks a @Route spec', () => {
    // Each entry is "METHOD /path (Controller.method)": give that handler a @Route({...}) with its schemas.
    expect(app.get(OpenApiService).current().undocumented).toEqual([]);
  });

  it('has nothing wrong with any route (params, success status, duplicates)', () => {
    expect(app.get(OpenApiService).current().problems).toEqual([]);
  });

  it('finds every route Express serves, and documents no other', () => {
    const served = new Set(expressRoutes(app).flatMap((route) => documentKey(route.method, route.path)));
    const walked = new Set(
      app
        .get(OpenApiService)
        .routes()
        .flatMap((route) => documentKey(RequestMethod[route.method], route.path)),
    );
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.size).toBeGreaterThan(0);
    expect(walked).toEqual(served);
    expect(documented.filter((key) => !served.has(key))).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);

    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const dangling = refsIn(document).filter(
      (ref) => !ref.startsWith('#/components/schemas/') || !(ref.slice('#/components/schemas/'.length) in schemas),
    );
    expect(dangling).toEqual([]);
  });

  it('documents its own routes, open to anyone, with the error envelope on failures', () => {
    expect(document.paths['/docs-json']?.get).toMatchObject({ security: [], tags: ['docs'] });
    expect(document.paths['/metrics']?.get).toMatchObject({
      security: [],
      responses: { '200': { content: { 'text/plain': {} } } },
    });
    expect(document.paths['/docs/{asset}']?.get).toMatchObject({
      parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string', enum: expect.any(Array) } }],
      responses: {
        '400': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } },
      },
    });
  });

  it('serves the same document as the service holds, as JSON, without credentials', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(app.get(OpenApiService).document)));
  });

  it('serves Swagger UI as HTML that loads nothing from another origin', async () => {
    const res = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('<div id="swagger-ui">');
    expect(res.text).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)|<style>/); // no inline code: the CSP would block it

    const referenced = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(referenced.length).toBeGreaterThanOrEqual(5);
    for (const url of referenced) {
      expect(url).toMatch(/^\/docs\//);
      const asset = await request(app.getHttpServer()).get(url).expect(200);
      expect(Number(asset.headers['content-length'] ?? asset.text.length)).toBeGreaterThan(0);
    }
  });

  it('points Swagger UI at /docs-json with the online validator off', async () => {
    const res = await request(app.getHttpServer()).get('/docs/swagger-initializer.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.text).toContain('url: "/docs-json"');
    expect(res.text).toContain('validatorUrl: null');
    expect(res.text).not.toMatch(/https?:\/\//);
  });

  it('serves only the files of the page', async () => {
    const res = await request(app.getHttpServer()).get('/docs/..%2Fpackage.json').expect(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', details: [{ path: 'params.asset' }] });
    await request(app.getHttpServer()).get('/docs/index.html').expect(400);
  });
});

/** A route that only exists in this test, without a spec. */
@Controller('test-docs')
class UndocumentedController {
  @Get('bare/:id')
  @Public()
  bare(): string {
    return 'no spec';
  }
}

describe('a route without a @Route spec', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await createTestApp({ extra: { controllers: [UndocumentedController] } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('is listed as undocumented, by method, path and handler, and left out of the document', async () => {
    const openapi = app.get(OpenApiService).current();
    expect(openapi.undocumented).toContain('GET /test-docs/bare/:id (UndocumentedController.bare)');
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(res.body.paths['/test-docs/bare/{id}']).toBeUndefined();
  });
});
