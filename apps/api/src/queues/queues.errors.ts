import type { QueuesErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';

/** The queues feature's own refusals (401/403 of the dashboard reuse AuthError). */
export class QueuesError extends ApiError<QueuesErrorCode | 'FORBIDDEN'> {
  static notInstallationAdmin(): QueuesError {
    return new QueuesError(
      403,
      'QUEUES_NOT_INSTALLATION_ADMIN',
      'The queues are installation-wide: only an admin of an installation admin organisation may see them ' +
        '(ADMIN_ORGANIZATION_IDS, or the organisation created first when it is not set)',
    );
  }

  static notAdmin(): QueuesError {
    return new QueuesError(403, 'FORBIDDEN', 'The queue dashboard needs the admin role');
  }

  static crossSite(): QueuesError {
    return new QueuesError(
      403,
      'FORBIDDEN',
      'A dashboard action must come from the dashboard itself (Origin mismatch)',
    );
  }
}
