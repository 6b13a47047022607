import type { ComplianceErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';
import { allows, PERMISSIONS, type Permission, type Principal } from '../common/auth/principal.js';

export type { ComplianceErrorCode };

/** Every failure of the consent, DNC, gate and audit routes the caller can act on. */
export class ComplianceError extends ApiError<ComplianceErrorCode> {
  /** also what another organisation's consent is */
  static consentNotFound(id: string): ComplianceError {
    return new ComplianceError(404, 'CONSENT_NOT_FOUND', `Consent ${id} not found`);
  }

  static alreadyDisputed(id: string): ComplianceError {
    return new ComplianceError(409, 'CONSENT_ALREADY_DISPUTED', `Consent ${id} is already disputed`, [
      { path: 'params.id', message: 'already disputed' },
    ]);
  }

  static dncEntryNotFound(): ComplianceError {
    return new ComplianceError(404, 'DNC_ENTRY_NOT_FOUND', 'That number is not on the internal DNC list', [
      { path: 'query.phone', message: 'not on the internal DNC list' },
    ]);
  }

  static invalidPhone(path: string, problem: string): ComplianceError {
    return new ComplianceError(400, 'INVALID_PHONE', `${path}: ${problem}`, [{ path, message: problem }]);
  }

  static invalidCsv(message: string): ComplianceError {
    return new ComplianceError(400, 'INVALID_CSV', message, [{ path: 'body.csv', message }]);
  }

  static callerIdExists(): ComplianceError {
    return new ComplianceError(409, 'CALLER_ID_EXISTS', 'This caller id is already registered', [
      { path: 'body.phone', message: 'already registered' },
    ]);
  }

  /** For routes open to either of two permissions (which @Authorize, needing all, cannot say). */
  static requireAny(principal: Principal, permissions: Permission[]): void {
    if (permissions.some((permission) => allows(principal.roles, permission))) return;
    const roles = [...new Set(permissions.flatMap((permission) => PERMISSIONS[permission]))];
    throw new ComplianceError(
      403,
      'FORBIDDEN',
      `Missing permission ${permissions.join(' or ')} (granted to: ${roles.join(', ')}; this caller has: ${principal.roles.join(', ') || 'no role'})`,
    );
  }
}
