import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/** The route label of requests no route matched (unknown paths, bodies refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template a request was served by (`/v1/flows/:id`), read from Express once the answer
 * is complete: labels stay bounded by the number of routes, whatever ids the URLs carry.
 */
export function routeTemplate(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl}${route.path}` || '/';
}

/**
 * Counts and times every HTTP request. Mounted first (app.setup.ts), before the body parsers, so
 * that a request refused by one of them (413) is counted too.
 */
export function httpMetricsMiddleware(metrics: MetricsService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.recordHttpRequest(
        {
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route: routeTemplate(req),
          status: String(res.statusCode),
        },
        seconds,
      );
    };
    res.once('finish', record);
    // a client that goes away before the answer is complete: counted with the status set so far
    res.once('close', record);
    next();
  };
}
