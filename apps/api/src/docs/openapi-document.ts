import { ApiErrorSchema } from '@switchboard/contracts';
import type { z } from 'zod';
import { PERMISSIONS, type Permission } from '../common/auth/principal.js';
import type { RouteSpec } from '../common/validation/route-spec.js';
import { convertSchemas, type JsonSchema, type SchemaUse } from './schema-catalog.js';
import { toOpenApiPaths } from './route-path.js';

export const OPENAPI_VERSION = '3.1.1';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Who may call a route, as the AuthGuard reads it from `@Public()`, `@WorkerOnly()` and `@Authorize()`. */
export type RouteAccess =
  { kind: 'public' } | { kind: 'worker' } | { kind: 'authenticated'; permissions: readonly Permission[] };

/** One route as the docs see it: where it is, its `@Route` spec, who may call it. */
export interface DocumentedRoute {
  method: HttpMethod;
  /** the Nest/Express path, e.g. `/v1/flows/:id` */
  path: string;
  /** `FlowsController.get`: names the operation and the route in problems */
  handler: string;
  spec: RouteSpec;
  access: RouteAccess;
  /** the status Nest answers with when the handler returns; undefined when the handler sets it itself */
  defaultStatus?: number;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: string;
  info: DocumentInfo;
  tags: { name: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
  'x-permissions'?: readonly Permission[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface BuiltDocument {
  document: OpenApiDocument;
  /** what makes the document wrong or incomplete for some route (the docs test expects none) */
  problems: string[];
}

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A session token (`sess_…`, from `POST /v1/auth/login`) or an API key (`sk_…`), as `Authorization: Bearer <token>`.',
  },
  workerToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The call workers’ shared token (`WORKER_TOKEN`), accepted on `/internal/*` routes only.',
  },
} as const;

const JSON_TYPE = 'application/json';

/** What the default error answers of a route say, when its spec does not declare them. */
const ERROR_DESCRIPTIONS = {
  400: 'The request is invalid: `error.details` names every field that is wrong.',
  401: 'No credentials, or credentials that are not valid (any more).',
  403: 'The credentials are valid but their roles lack a permission this route needs.',
  404: 'Not found (a row of another organization is not found either).',
  413: 'The body is larger than the API accepts (6 MB).',
  415: 'The body is not `application/json`.',
} as const;

const PAGINATION_DESCRIPTIONS: Record<string, string> = {
  limit: 'Page size (items per page).',
  cursor: 'Opaque cursor from the previous page’s `nextCursor`; omit it for the first page.',
};

/**
 * The OpenAPI 3.1 document of a set of routes, built from the same zod schemas that validate
 * their requests (`@Route`), so the document cannot drift from what the API accepts.
 */
export function buildOpenApiDocument(
  routes: DocumentedRoute[],
  info: DocumentInfo,
  names: Map<z.ZodType, string>,
): BuiltDocument {
  const problems: string[] = [];
  const sorted = [...routes].sort(
    (a, b) => a.path.localeCompare(b.path) || HTTP_METHODS.indexOf(a.method) - HTTP_METHODS.indexOf(b.method),
  );
  const operationIds = new Map<DocumentedRoute, string>();
  const usedIds = new Set<string>();
  for (const route of sorted) {
    const base = route.handler.replace(/[^A-Za-z0-9_.-]/g, '_');
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base}_${n}`;
    usedIds.add(id);
    operationIds.set(route, id);
  }

  // pass 1: every schema a route uses, so that zod converts them all at once and shares what is shared
  const uses = new Map<
    DocumentedRoute,
    { body?: SchemaUse; query?: SchemaUse; params?: SchemaUse; responses: Map<string, SchemaUse> }
  >();
  const all: SchemaUse[] = [{ schema: ApiErrorSchema, io: 'output', hint: 'ApiError' }];
  for (const route of sorted) {
    const id = pascal(route.handler.replace(/Controller\./, '.'));
    const { spec } = route;
    const entry: { body?: SchemaUse; query?: SchemaUse; params?: SchemaUse; responses: Map<string, SchemaUse> } = {
      responses: new Map(),
    };
    if (spec.body) entry.body = { schema: spec.body, io: 'input', hint: `${id}Body` };
    if (spec.query) entry.query = { schema: spec.query, io: 'input', inline: true, hint: `${id}Query` };
    if (spec.params) entry.params = { schema: spec.params, io: 'input', inline: true, hint: `${id}Params` };
    for (const [status, response] of Object.entries(spec.responses ?? {})) {
      if (response.schema) {
        entry.responses.set(status, { schema: response.schema, io: 'output', hint: `${id}Response${status}` });
      }
    }
    all.push(
      ...[entry.body, entry.query, entry.params, ...entry.responses.values()].filter((use) => use !== undefined),
    );
    uses.set(route, entry);
  }
  const converted = convertSchemas(all, names);
  const errorSchema = converted.schemaOf(all[0]!);
  const errorContent = { [JSON_TYPE]: { schema: errorSchema } };

  // pass 2: the operations
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const where = new Map<string, string>();
  for (const route of sorted) {
    const { spec } = route;
    const label = `${route.method.toUpperCase()} ${route.path} (${route.handler})`;
    const schemas = uses.get(route)!;
    let variants: ReturnType<typeof toOpenApiPaths>;
    try {
      variants = toOpenApiPaths(route.path);
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message}`);
      continue;
    }

    const pathParamSchemas = objectProperties(schemas.params && converted.schemaOf(schemas.params));
    if (schemas.params && !pathParamSchemas) problems.push(`${label}: params schema is not an object of named fields`);
    const queryParamSchemas = objectProperties(schemas.query && converted.schemaOf(schemas.query));
    if (schemas.query && !queryParamSchemas) problems.push(`${label}: query schema is not an object of named fields`);
    const allParams = new Set(variants.flatMap((variant) => variant.params));
    for (const name of Object.keys(pathParamSchemas?.properties ?? {})) {
      if (!allParams.has(name)) problems.push(`${label}: params schema has "${name}", which is not in the path`);
    }

    const routeTags = spec.tags?.length ? spec.tags : [defaultTag(route.path)];
    routeTags.forEach((tag) => tags.add(tag));

    for (const variant of variants) {
      const parameters: Parameter[] = [];
      for (const name of variant.params) {
        const property = pathParamSchemas?.properties[name];
        if (!property) problems.push(`${label}: path parameter "${name}" has no schema (add it to the route's params)`);
        parameters.push(parameter(name, 'path', true, property ?? { type: 'string' }));
      }
      for (const [name, property] of Object.entries(queryParamSchemas?.properties ?? {})) {
        parameters.push(
          parameter(name, 'query', queryParamSchemas!.required.includes(name), property, PAGINATION_DESCRIPTIONS[name]),
        );
      }

      const operation: Operation = {
        operationId:
          variants.length > 1 ? `${operationIds.get(route)!}_${parameters.length}` : operationIds.get(route)!,
        summary: spec.summary,
        tags: routeTags,
        security: security(route.access),
        responses: {},
      };
      const description = [spec.description, accessDescription(route.access)].filter(Boolean).join('\n\n');
      if (description) operation.description = description;
      if (route.access.kind === 'authenticated' && route.access.permissions.length > 0) {
        operation['x-permissions'] = route.access.permissions;
      }
      if (parameters.length > 0) operation.parameters = parameters;
      if (schemas.body) {
        operation.requestBody = {
          required: !acceptsEmptyBody(schemas.body.schema),
          content: { [JSON_TYPE]: { schema: converted.schemaOf(schemas.body) } },
        };
      }

      let success = false;
      for (const [status, response] of Object.entries(spec.responses ?? {})) {
        const code = Number(status);
        if (code >= 200 && code < 300) success = true;
        const use = schemas.responses.get(status);
        const contentType = response.contentType ?? JSON_TYPE;
        let content: Record<string, { schema?: JsonSchema }> | undefined;
        if (use) content = { [contentType]: { schema: converted.schemaOf(use) } };
        else if (code >= 400) content = errorContent;
        else if (response.contentType) content = { [contentType]: {} };
        operation.responses[status] = content
          ? { description: response.description, content }
          : { description: response.description };
      }
      if (!success) {
        problems.push(`${label}: declares no success (2xx) response`);
        operation.responses[String(route.defaultStatus ?? 200)] = { description: 'Success' };
      } else if (route.defaultStatus !== undefined && !(String(route.defaultStatus) in operation.responses)) {
        problems.push(
          `${label}: answers ${route.defaultStatus} but documents ${Object.keys(operation.responses)
            .filter((code) => code.startsWith('2'))
            .join(', ')} (add @HttpCode or fix the spec)`,
        );
      }
      for (const [status, description] of defaultErrors(
        route,
        parameters.some((p) => p.in === 'path'),
      )) {
        operation.responses[status] ??= { description, content: errorContent };
      }
      operation.responses['5XX'] ??= {
        description: 'Unexpected error: `error.errorId` identifies the log line with the details.',
        content: errorContent,
      };

      const previous = where.get(`${variant.path} ${route.method}`);
      if (previous !== undefined) {
        problems.push(`${label}: ${route.method.toUpperCase()} ${variant.path} is also routed to ${previous}`);
        continue;
      }
      where.set(`${variant.path} ${route.method}`, route.handler);
      (paths[variant.path] ??= {})[route.method] = operation;
    }
  }

  return {
    document: {
      openapi: OPENAPI_VERSION,
      info,
      tags: [...tags].sort().map((name) => ({ name })),
      paths,
      components: { schemas: converted.components, securitySchemes: SECURITY_SCHEMES },
    },
    problems,
  };
}

function parameter(
  name: string,
  location: 'path' | 'query',
  required: boolean,
  property: JsonSchema,
  fallbackDescription?: string,
): Parameter {
  const { description, ...schema } = property;
  const text = typeof description === 'string' ? description : fallbackDescription;
  return { name, in: location, required, ...(text ? { description: text } : {}), schema };
}

function objectProperties(
  schema: JsonSchema | undefined,
): { properties: Record<string, JsonSchema>; required: string[] } | undefined {
  if (!schema || schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
    return undefined;
  }
  return {
    properties: schema.properties as Record<string, JsonSchema>,
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
  };
}

function acceptsEmptyBody(schema: z.ZodType): boolean {
  try {
    // the validation interceptor parses a missing body as {}
    return schema.safeParse({}).success;
  } catch {
    return false;
  }
}

function security(access: RouteAccess): Record<string, string[]>[] {
  if (access.kind === 'public') return [];
  if (access.kind === 'worker') return [{ workerToken: [] }];
  return [{ bearerAuth: [] }];
}

function accessDescription(access: RouteAccess): string | undefined {
  if (access.kind === 'public') return undefined;
  if (access.kind === 'worker') return '**Access:** call workers only (worker token).';
  if (access.permissions.length === 0) return '**Access:** any authenticated caller.';
  const lines = access.permissions.map((permission) => `\`${permission}\` (${PERMISSIONS[permission].join(', ')})`);
  return `**Permissions:** ${lines.join('; ')}.`;
}

function defaultErrors(route: DocumentedRoute, hasPathParams: boolean): [string, string][] {
  const errors: [string, string][] = [];
  const { spec, access } = route;
  if (spec.body || spec.query || spec.params) errors.push(['400', ERROR_DESCRIPTIONS[400]]);
  if (access.kind !== 'public') errors.push(['401', ERROR_DESCRIPTIONS[401]]);
  if (access.kind === 'authenticated' && access.permissions.length > 0) errors.push(['403', ERROR_DESCRIPTIONS[403]]);
  if (hasPathParams) errors.push(['404', ERROR_DESCRIPTIONS[404]]);
  if (spec.body) errors.push(['413', ERROR_DESCRIPTIONS[413]], ['415', ERROR_DESCRIPTIONS[415]]);
  return errors;
}

/** `/v1/flows/:id` → `flows`, `/internal/calls/:id/claim` → `internal`, `/health` → `health`. */
function defaultTag(path: string): string {
  const segments = path.split('/').filter((segment) => segment && !/^v\d+$/.test(segment));
  return segments[0]?.replace(/[:*{].*$/, '') || 'default';
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
