import type { ApiErrorDetail, ApiError as ApiErrorBody } from '@switchboard/contracts';

/** Codes of errors common to every route; each feature adds its own union (e.g. `FlowErrorCode`). */
export const COMMON_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE',
  'TOO_MANY_REQUESTS',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
] as const;
export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];

/** The body of every error response, as `@switchboard/contracts` defines it for clients (design/API.md). */
export type ErrorBody = ApiErrorBody;
export type ErrorDetail = ApiErrorDetail;

/**
 * A failure the caller can act on. Features subclass it with their own code union
 * (`class FlowError extends ApiError<FlowErrorCode>`); the global filter turns it into
 * `status` + the error body, without logging it as a fault.
 */
export class ApiError<Code extends string = CommonErrorCode> extends Error {
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
