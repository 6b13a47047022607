import { Validator } from '@seriousme/openapi-schema-validator';
import { ApiErrorSchema, PageQuerySchema, pageSchema } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, type DocumentedRoute } from './openapi-document.js';
import { schemaNamesOf } from './schema-catalog.js';

// A small contracts module of its own: what the generator does with named, shared and local schemas.
const LayoutSchema = z.object({ zoom: z.number().default(1) });
const ItemSchema = z.object({ id: z.uuid(), name: z.string().describe('what people call it'), layout: LayoutSchema });
const ItemPageSchema = pageSchema(ItemSchema);
const CreateItemBodySchema = z.strictObject({ name: z.string().min(1), layout: LayoutSchema.optional() });
const ItemParamsSchema = z.strictObject({ id: z.uuid().describe('the item') });
const UnusedSchema = z.object({ never: z.string() });
const names = schemaNamesOf({
  ApiErrorSchema,
  PageQuerySchema,
  LayoutSchema,
  ItemSchema,
  ItemPageSchema,
  CreateItemBodySchema,
  ItemParamsSchema,
  UnusedSchema,
});
const info = { title: 'Test', version: '1.0.0', description: 'routes of a test' };

const routes: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/v1/items',
    handler: 'ItemsController.list',
    access: { kind: 'authenticated', permissions: ['flows:read'] },
    defaultStatus: 200,
    spec: {
      summary: 'List items',
      query: PageQuerySchema,
      responses: { 200: { description: 'A page', schema: ItemPageSchema } },
    },
  },
  {
    method: 'post',
    path: '/v1/items',
    handler: 'ItemsController.create',
    access: { kind: 'authenticated', permissions: ['flows:write'] },
    defaultStatus: 201,
    spec: {
      summary: 'Create an item',
      tags: ['things'],
      body: CreateItemBodySchema,
      responses: { 201: { description: 'Created', schema: ItemSchema }, 409: { description: 'Name taken' } },
    },
  },
  {
    method: 'get',
    path: '/v1/items/:id',
    handler: 'ItemsController.get',
    access: { kind: 'authenticated', permissions: ['flows:read'] },
    defaultStatus: 200,
    spec: {
      summary: 'One item',
      params: ItemParamsSchema,
      responses: { 200: { description: 'The item', schema: ItemSchema } },
    },
  },
  {
    method: 'post',
    path: '/internal/items/:id/claim',
    handler: 'InternalController.claim',
    access: { kind: 'worker' },
    defaultStatus: 200,
    spec: {
      summary: 'Claim an item',
      params: ItemParamsSchema,
      body: z.strictObject({ leaseSeconds: z.number().int().positive().optional() }),
      responses: { 200: { description: 'Claimed', schema: z.object({ until: z.iso.datetime() }) } },
    },
  },
  {
    method: 'get',
    path: '/health',
    handler: 'HealthController.get',
    access: { kind: 'public' },
    defaultStatus: 200,
    spec: { summary: 'Health', responses: { 200: { description: 'Up', contentType: 'text/plain' } } },
  },
];

describe('buildOpenApiDocument', () => {
  const { document, problems } = buildOpenApiDocument(routes, info, names);
  const schemas = document.components.schemas;

  it('builds a valid OpenAPI 3.1 document without problems', async () => {
    expect(problems).toEqual([]);
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const result = await new Validator().validate(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('writes a schema used by several routes once, as a component, and refers to it', () => {
    expect(document.paths['/v1/items/{id}']?.get?.responses['200']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Item' } },
    });
    expect(document.paths['/v1/items']?.post?.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Item',
    });
    expect(schemas.ItemPage).toMatchObject({
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } } },
    });
    expect(schemas.Item).toMatchObject({
      properties: { name: { type: 'string', description: 'what people call it' } },
    });
  });

  it('keeps the input form of a schema apart when it differs from what answers contain', () => {
    // a default makes `zoom` optional to send, but always present in answers
    expect(schemas.Layout).toMatchObject({ required: ['zoom'] });
    expect(schemas.LayoutInput).toBeDefined();
    expect(schemas.LayoutInput?.required).toBeUndefined();
    // a schema only ever sent keeps its plain name
    expect(schemas.CreateItemBody).toMatchObject({
      properties: { layout: { $ref: '#/components/schemas/LayoutInput' } },
    });
  });

  it('leaves out schemas no route uses and writes a route’s own schema in place', () => {
    expect(schemas.Unused).toBeUndefined();
    expect(schemas.PageQuery).toBeUndefined(); // expanded into query parameters
    const claim = document.paths['/internal/items/{id}/claim']?.post;
    expect(claim?.requestBody).toEqual({
      required: false,
      content: {
        'application/json': {
          schema: expect.objectContaining({ type: 'object', properties: { leaseSeconds: expect.any(Object) } }),
        },
      },
    });
  });

  it('turns path params and query fields into parameters, with pagination explained', () => {
    expect(document.paths['/v1/items/{id}']?.get?.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'the item',
        schema: expect.objectContaining({ format: 'uuid' }),
      },
    ]);
    expect(document.paths['/v1/items']?.get?.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: expect.stringContaining('Page size'),
        schema: expect.objectContaining({ type: 'integer', default: 50, maximum: 200 }),
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: expect.stringContaining('nextCursor'),
        schema: expect.objectContaining({ type: 'string' }),
      },
    ]);
  });

  it('states who may call each route', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      workerToken: { type: 'http', scheme: 'bearer' },
    });
    expect(document.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/internal/items/{id}/claim']?.post?.security).toEqual([{ workerToken: [] }]);
    const create = document.paths['/v1/items']?.post;
    expect(create?.security).toEqual([{ bearerAuth: [] }]);
    expect(create?.['x-permissions']).toEqual(['flows:write']);
    expect(create?.description).toContain('`flows:write` (admin, designer)');
  });

  it('answers every error in the error envelope', () => {
    const create = document.paths['/v1/items']?.post;
    const envelope = { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } };
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '5XX',
    ]);
    for (const status of ['400', '401', '403', '409', '413', '415', '5XX']) {
      expect(create?.responses[status]?.content).toEqual(envelope);
    }
    expect(create?.responses['409']?.description).toBe('Name taken');
    expect(Object.keys(document.paths['/health']?.get?.responses ?? {})).toEqual(['200', '5XX']);
    expect(document.paths['/v1/items/{id}']?.get?.responses['404']).toBeDefined();
    expect(schemas.ApiError).toMatchObject({ required: ['error'] });
  });

  it('tags routes by their spec, or by the first segment of their path', () => {
    expect(document.paths['/v1/items']?.post?.tags).toEqual(['things']);
    expect(document.paths['/v1/items']?.get?.tags).toEqual(['items']);
    expect(document.paths['/internal/items/{id}/claim']?.post?.tags).toEqual(['internal']);
    expect(document.tags.map((tag) => tag.name)).toEqual(['health', 'internal', 'items', 'things']);
  });

  it('names what is wrong with a route', () => {
    const broken: DocumentedRoute[] = [
      {
        method: 'get',
        path: '/v1/things/:id',
        handler: 'ThingsController.get',
        access: { kind: 'authenticated', permissions: [] },
        defaultStatus: 200,
        spec: { summary: 'No params schema', responses: { 200: { description: 'ok' } } },
      },
      {
        method: 'post',
        path: '/v1/things',
        handler: 'ThingsController.create',
        access: { kind: 'authenticated', permissions: [] },
        defaultStatus: 201,
        spec: { summary: 'Wrong status', responses: { 200: { description: 'ok' } } },
      },
      {
        method: 'delete',
        path: '/v1/things/:id',
        handler: 'ThingsController.remove',
        access: { kind: 'authenticated', permissions: [] },
        defaultStatus: 200,
        spec: { summary: 'No success response', params: z.strictObject({ id: z.string(), extra: z.string() }) },
      },
    ];
    expect(buildOpenApiDocument(broken, info, names).problems).toEqual([
      'POST /v1/things (ThingsController.create): answers 201 but documents 200 (add @HttpCode or fix the spec)',
      'GET /v1/things/:id (ThingsController.get): path parameter "id" has no schema (add it to the route\'s params)',
      'DELETE /v1/things/:id (ThingsController.remove): params schema has "extra", which is not in the path',
      'DELETE /v1/things/:id (ThingsController.remove): declares no success (2xx) response',
    ]);
  });
});

describe('schemaNamesOf', () => {
  it('names exported schemas after their export, the shortest that names no role winning for aliases', () => {
    const Page = z.object({ limit: z.number() });
    const named = schemaNamesOf({ PageSchema: Page, ApiKeyListQuerySchema: Page, helper: () => 1, LIMIT: 5 });
    expect([...named.values()]).toEqual(['Page']);
    const Doc = z.record(z.string(), z.unknown());
    expect([...schemaNamesOf({ ImportFlowBodySchema: Doc, FlowDocumentJsonSchema: Doc }).values()]).toEqual([
      'FlowDocumentJson',
    ]);
  });

  it('prefers an id given in zod’s global registry', () => {
    const Thing = z.object({ a: z.string() }).meta({ id: 'TheThing' });
    expect(schemaNamesOf({ ThingSchema: Thing }).get(Thing)).toBe('TheThing');
  });
});
