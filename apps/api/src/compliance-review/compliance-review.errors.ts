import type { ComplianceReviewErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';

export type { ComplianceReviewErrorCode };

/** Every failure of the reviewer's routes the caller can act on. */
export class ComplianceReviewError extends ApiError<ComplianceReviewErrorCode> {
  static invalidPhone(path: string, problem: string): ComplianceReviewError {
    return new ComplianceReviewError(400, 'INVALID_PHONE', `${path}: ${problem}`, [{ path, message: problem }]);
  }

  static invalidPhones(problems: { path: string; message: string }[]): ComplianceReviewError {
    const first = problems[0];
    return new ComplianceReviewError(
      400,
      'INVALID_PHONE',
      `${problems.length} number(s) cannot be read${first ? `, first ${first.path}: ${first.message}` : ''}`,
      problems,
    );
  }

  static campaignNotFound(id: string): ComplianceReviewError {
    return new ComplianceReviewError(404, 'CAMPAIGN_NOT_FOUND', `query.campaignId: no campaign ${id}`, [
      { path: 'query.campaignId', message: 'no such campaign in this organisation' },
    ]);
  }

  static badCursor(): ComplianceReviewError {
    return new ComplianceReviewError(400, 'BAD_REQUEST', 'query.cursor: not a cursor returned by this list', [
      { path: 'query.cursor', message: 'not a cursor returned by this list' },
    ]);
  }
}
