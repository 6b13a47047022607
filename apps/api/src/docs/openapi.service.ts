import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import * as contracts from '@switchboard/contracts';
import type { Logger } from 'pino';
import { AUTHORIZE_KEY, PUBLIC_KEY, WORKER_KEY, type Permission } from '../common/auth/principal.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { ROUTE_SPEC_KEY, type RouteSpec } from '../common/validation/route-spec.js';
import {
  type BuiltDocument,
  buildOpenApiDocument,
  type DocumentedRoute,
  HTTP_METHODS,
  type HttpMethod,
  type OpenApiDocument,
  type RouteAccess,
} from './openapi-document.js';
import { joinRoutePath } from './route-path.js';
import { schemaNamesOf } from './schema-catalog.js';

/** A route handler of some controller, before its spec is looked at. */
export interface DiscoveredRoute {
  method: RequestMethod;
  path: string;
  handler: string;
  spec: RouteSpec | undefined;
  access: RouteAccess;
  defaultStatus?: number;
}

export interface OpenApiState extends BuiltDocument {
  /** `GET /x (XController.y)` for every route without a `@Route` spec: each one is missing from the document */
  undocumented: string[];
}

const DESCRIPTION = `The Switchboard HTTP API: flows (call scripts), simulations, and the rest of design/API.md.

- **Authentication:** \`Authorization: Bearer <token>\`, with a session token (\`sess_…\`, from \`POST /v1/auth/login\`)
  or an API key (\`sk_…\`); call workers use the worker token on \`/internal/*\`.
- **Errors:** every 4xx/5xx answer is \`{"error": {"code", "message", "details"?, "requestId", "errorId"?}}\`.
- **Lists** are keyset-paginated: \`?limit=&cursor=\`, where \`cursor\` is the \`nextCursor\` of the previous page.
- **Tenancy:** every row belongs to the caller's organization; another organization's id is a 404.`;

function apiVersion(): string {
  // src/docs/ and dist/docs/ are both two levels below the package
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
}

/**
 * The OpenAPI document of every controller route of the app, built once at start-up by walking
 * the controllers Nest knows (DiscoveryService + MetadataScanner) and reading each handler's
 * path, method, `@Route` spec and access decorators. Routes without a spec are listed (and
 * logged): the docs test fails on them, so no route goes undocumented.
 */
@Injectable()
export class OpenApiService implements OnApplicationBootstrap {
  private state: OpenApiState | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const { undocumented, problems } = this.current();
    if (undocumented.length > 0) {
      this.logger.warn({ routes: undocumented }, 'routes without a @Route spec are missing from the OpenAPI document');
    }
    if (problems.length > 0) this.logger.warn({ problems }, 'the OpenAPI document has problems');
  }

  get document(): OpenApiDocument {
    return this.current().document;
  }

  current(): OpenApiState {
    this.state ??= this.build();
    return this.state;
  }

  /** Every controller route, documented or not. */
  routes(): DiscoveredRoute[] {
    const seen = new Set<Type>();
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (methodPath === undefined) continue;
        const method =
          (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) ?? RequestMethod.GET;
        const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC_KEY, handler as () => unknown);
        for (const base of controllerPaths) {
          for (const sub of asList(methodPath)) {
            const path = joinRoutePath(base, sub);
            routes.push({
              method,
              path,
              handler: `${controller.name}.${name}`,
              spec,
              access: this.access(controller, handler as () => unknown),
              ...this.defaultStatus(controller, name, handler as () => unknown, method),
            });
          }
        }
      }
    }
    return routes;
  }

  private build(): OpenApiState {
    const undocumented: string[] = [];
    const extraProblems: string[] = [];
    const documented: DocumentedRoute[] = [];
    for (const route of this.routes()) {
      const label = `${RequestMethod[route.method]} ${route.path} (${route.handler})`;
      if (route.path.startsWith('/internal/') && route.access.kind !== 'worker') {
        extraProblems.push(`${label}: /internal/ routes are for the call workers: mark it @WorkerOnly()`);
      }
      const method = RequestMethod[route.method].toLowerCase();
      if (!route.spec) {
        undocumented.push(label);
      } else if (!(HTTP_METHODS as readonly string[]).includes(method)) {
        extraProblems.push(`${label}: OpenAPI 3.1 has no ${RequestMethod[route.method]} operation`);
      } else {
        documented.push({ ...route, method: method as HttpMethod, spec: route.spec });
      }
    }
    const built = buildOpenApiDocument(
      documented,
      { title: 'Switchboard API', version: apiVersion(), description: DESCRIPTION },
      schemaNamesOf(contracts),
    );
    return { ...built, problems: [...extraProblems, ...built.problems], undocumented: undocumented.sort() };
  }

  private access(controller: Type, handler: () => unknown): RouteAccess {
    const targets = [handler, controller];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) return { kind: 'public' };
    if (this.reflector.getAllAndOverride<boolean | undefined>(WORKER_KEY, targets)) return { kind: 'worker' };
    // as the AuthGuard reads them: the controller's and the handler's, all required
    const permissions = this.reflector.getAllAndMerge<Permission[]>(AUTHORIZE_KEY, targets);
    return { kind: 'authenticated', permissions: [...new Set(permissions)] };
  }

  /** Nest answers 201 to POST and 200 otherwise, unless @HttpCode says; a handler with @Res sets its own. */
  private defaultStatus(
    controller: Type,
    name: string,
    handler: () => unknown,
    method: RequestMethod,
  ): { defaultStatus?: number } {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, unknown>;
    const ownResponse = Object.keys(args).some((arg) => {
      const type = Number(arg.split(':')[0]);
      return type === Number(RouteParamtypes.RESPONSE) || type === Number(RouteParamtypes.NEXT);
    });
    if (ownResponse) return {};
    const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
    return { defaultStatus: code ?? (method === RequestMethod.POST ? 201 : 200) };
  }
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}
