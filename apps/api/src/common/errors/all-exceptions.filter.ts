import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/app-logger.service.js';
import { REQUEST_ID_HEADER, assignedRequestId, requestIdOf } from '../logging/request-logging.middleware.js';
import { ApiError, type CommonErrorCode, type ErrorBody, type ErrorDetail } from './api-error.js';
import { isDatabaseUnavailable } from './unavailable.js';

/** Seconds a client is told to wait before retrying when the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

const CODE_BY_STATUS: Partial<Record<number, CommonErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  /** an outage rather than a bug: logged as a warning, without the stack */
  outage?: boolean;
}

function isApiError(error: unknown): error is ApiError<string> {
  return error instanceof ApiError;
}

/** Errors from Express' own middleware (body-parser, …) carry an http-errors status. */
function isClientHttpError(error: unknown): error is Error & { status: number; expose: true } {
  if (!(error instanceof Error)) return false;
  const { status, expose } = error as Error & { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

/**
 * Every error leaves the API in one shape: `{error: {code, message, details?, requestId}}`.
 * What the caller can fix keeps its 4xx; anything else is a 500 whose `errorId` points at the
 * log line with the stack, and whose message says nothing about the internals. An unreachable
 * database is a 503 with Retry-After: the request may be retried as it is.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // Only HTTP answers have this shape; other transports handle their own failures.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // Set by RequestLoggingMiddleware; absent when Express failed before it ran (e.g. a body that is not JSON).
    const assigned = assignedRequestId(req);
    const requestId = assigned ?? requestIdOf(req);
    const logger = (req.log as Logger | undefined) ?? this.root.child({ requestId });
    if (assigned === undefined && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);

    const mapped = this.map(exception);
    const body: ErrorBody = { error: { code: mapped.code, message: mapped.message, requestId } };
    if (mapped.details?.length) body.error.details = mapped.details;

    if (mapped.status >= 500) {
      const errorId = randomUUID();
      body.error.errorId = errorId;
      if (mapped.outage) {
        const reason = exception instanceof Error ? exception.message : String(exception);
        logger.warn(
          { errorId, reason, method: req.method, url: req.originalUrl },
          'answered 503: a backing service is unreachable',
        );
      } else {
        logger.error({ err: exception, errorId, method: req.method, url: req.originalUrl }, 'unhandled error');
      }
    }

    if (res.headersSent) {
      // The handler already started answering; all that is left is to end the response.
      res.end();
      return;
    }
    if (mapped.status === 503) res.setHeader('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    res.status(mapped.status).json(body);
  }

  private map(exception: unknown): Mapped {
    if (isApiError(exception)) {
      return {
        status: exception.status,
        code: exception.code,
        message: exception.message,
        details: exception.details,
        // a 503 the code chose to answer (Redis or the decision log unreachable) is an outage too
        outage: exception.status === 503,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        return { status, code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message: messageOf(exception) };
      }
      const code = CODE_BY_STATUS[status] ?? 'INTERNAL';
      return { status, code, message: code === 'INTERNAL' ? 'Internal server error' : messageOf(exception) };
    }
    if (isClientHttpError(exception)) {
      return {
        status: exception.status,
        code: CODE_BY_STATUS[exception.status] ?? 'BAD_REQUEST',
        message: exception.message,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database cannot be reached right now: retry later',
        outage: true,
      };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'Internal server error' };
  }
}
