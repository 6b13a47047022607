import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/**
 * One schema language: a route declares its zod schemas (from @switchboard/contracts) once;
 * the global ZodValidationInterceptor validates and replaces `body`, `query` and `params`
 * with the parsed values, and the OpenAPI document is generated from the same schemas.
 */
export interface RouteSpec {
  summary: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** responses by status code (the first 2xx is the success response) */
  responses?: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export const ROUTE_SPEC_KEY = 'switchboard:route-spec';

export const Route = (spec: RouteSpec) => applyDecorators(SetMetadata(ROUTE_SPEC_KEY, spec));
