import type { QueuesErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';

/** The queues feature's own refusals (the dashboard's 401s reuse AuthError). */
export class QueuesError extends ApiError<
  QueuesErrorCode | 'FORBIDDEN' | 'METHOD_NOT_ALLOWED' | 'SERVICE_UNAVAILABLE'
> {
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

  static readOnly(): QueuesError {
    return new QueuesError(
      405,
      'METHOD_NOT_ALLOWED',
      'The queue dashboard is read-only on this installation (QUEUES_DASHBOARD_READ_ONLY=true)',
    );
  }

  static jobEditingRefused(): QueuesError {
    return new QueuesError(
      405,
      'METHOD_NOT_ALLOWED',
      'Jobs are not added or edited from the dashboard: it shows their data with phone numbers masked, ' +
        'and calls are queued by POST /v1/calls',
    );
  }

  static redisUnavailable(): QueuesError {
    return new QueuesError(503, 'SERVICE_UNAVAILABLE', 'The queues cannot be read now: Redis does not answer');
  }
}
