import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { ApiError } from './common/errors/api-error.js';
import { AppLogger } from './common/logging/app-logger.service.js';
import { ROUTE_SPEC_KEY, type RouteSpec } from './common/validation/route-spec.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';

/** The largest JSON body the API reads: a flow document may be 5 MB. Larger is a 413 in the error shape. */
export const JSON_BODY_LIMIT = '6mb';
/** What the JSON parser reads; the JSON routes refuse any other body with 415. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** What main.ts and the e2e tests both do to an app created from AppModule. */
export function setupApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(AppLogger));
  app.disable('x-powered-by');
  // First, so that every request is counted, including those the body parser refuses.
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  // Nest adds its own parser (100 kB) at init unless a JSON parser is mounted already.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, type: JSON_MEDIA_TYPES });
  app.useGlobalGuards(new JsonBodyGuard(app.get(Reflector)));
  return app;
}

/**
 * A route whose `@Route` declares a body takes JSON: any other body (text, a form, a file) is a
 * 415 naming the content type, instead of reaching validation as `{}` (a misleading 400) or, for
 * a form, being read as fields. A guard rather than an interceptor so that it answers before the
 * validation does; routes that take files declare no `body` schema and are not concerned.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC_KEY, context.getHandler());
    if (!spec?.body) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!hasBody(req) || req.is(JSON_MEDIA_TYPES)) return true;
    const given = req.headers['content-type'] ?? 'none';
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `The body must be application/json (content-type: ${given})`, [
      { path: 'headers.content-type', message: 'must be application/json' },
    ]);
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
