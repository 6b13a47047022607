import { ApiError } from '../common/errors/api-error.js';

/** What tenancy and access can answer besides success. */
export const AUTH_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MEMBER_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'EMAIL_TAKEN',
  'LAST_ADMIN',
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

export class AuthError extends ApiError<AuthErrorCode> {
  static unauthorized(message: string): AuthError {
    return new AuthError(401, 'UNAUTHORIZED', message);
  }

  static forbidden(message: string): AuthError {
    return new AuthError(403, 'FORBIDDEN', message);
  }

  static memberNotFound(id: string): AuthError {
    return new AuthError(404, 'MEMBER_NOT_FOUND', `No member ${id} in this organization`);
  }

  static apiKeyNotFound(id: string): AuthError {
    return new AuthError(404, 'API_KEY_NOT_FOUND', `No API key ${id} in this organization`);
  }

  static emailTaken(email: string): AuthError {
    return new AuthError(409, 'EMAIL_TAKEN', `An account with the email ${email} already exists`, [
      { path: 'body.email', message: 'already used by another account' },
    ]);
  }

  static lastAdmin(): AuthError {
    return new AuthError(
      409,
      'LAST_ADMIN',
      'An organization needs at least one admin: make another member admin first',
    );
  }
}
