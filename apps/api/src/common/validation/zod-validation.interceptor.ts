import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import type { z } from 'zod';
import { ApiError, type ErrorDetail } from '../errors/api-error.js';
import { ROUTE_SPEC_KEY, type RouteSpec } from './route-spec.js';

/** Validates body, query and params against the route's zod schemas; 400 naming every bad field. */
@Injectable()
export class ZodValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_SPEC_KEY, context.getHandler());
    if (spec && context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const details: ErrorDetail[] = [];
      if (spec.params) req.params = parse(spec.params, req.params, 'params', details) as Request['params'];
      if (spec.query) {
        const query = parse(spec.query, req.query, 'query', details);
        // Express 5 exposes `query` as a getter: shadow it with the parsed value
        Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true });
      }
      if (spec.body) req.body = parse(spec.body, req.body ?? {}, 'body', details);
      if (details.length > 0) {
        throw new ApiError(
          400,
          'BAD_REQUEST',
          `Invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        );
      }
    }
    return next.handle();
  }
}

function parse(schema: z.ZodType, value: unknown, where: string, details: ErrorDetail[]): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const path = [where, ...issue.path.map(String), ...(key ? [key] : [])].join('.');
      details.push({ path, message: key ? 'unknown field' : issue.message });
    }
  }
  return value;
}
