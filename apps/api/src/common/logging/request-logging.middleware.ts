import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { Logger } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { ROOT_LOGGER } from './app-logger.service.js';
import { requestContext } from './request-context.js';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is kept only when it is short and plain: it ends up in every log line of the request.
const ACCEPTABLE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The id RequestLoggingMiddleware gave the request, if it ran. */
export function assignedRequestId(req: IncomingMessage): string | undefined {
  const id: unknown = req.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Gives every request an id (the caller's `x-request-id` or a new UUID), echoes it in the response,
 * logs the request once on completion, and runs the rest of the pipeline inside a context whose
 * logger carries `requestId`.
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly httpLogger: HttpLogger;

  constructor(@Inject(ROOT_LOGGER) logger: Logger) {
    this.httpLogger = pinoHttp({
      logger,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customLogLevel: (req, res, error) => {
        if (error || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        // Probes hit /health every few seconds; a healthy answer is not worth a line at info.
        return req.url === '/health' ? 'debug' : 'info';
      },
    });
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    this.httpLogger(req, res);
    requestContext.run({ logger: req.log, requestId: assignedRequestId(req) ?? requestIdOf(req) }, next);
  }
}
