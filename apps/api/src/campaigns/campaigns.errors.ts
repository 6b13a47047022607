import type { CampaignErrorCode } from '@switchboard/contracts';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';

export type { CampaignErrorCode };

/** Every failure of the campaign routes the caller can act on. */
export class CampaignError extends ApiError<CampaignErrorCode> {
  /** also what another organisation's campaign is */
  static notFound(id: string): CampaignError {
    return new CampaignError(404, 'CAMPAIGN_NOT_FOUND', `Campaign ${id} not found`);
  }

  static invalid(path: string, message: string): CampaignError {
    return new CampaignError(400, 'CAMPAIGN_INVALID', `${path}: ${message}`, [{ path, message }]);
  }

  static invalidPhone(path: string, problem: string): CampaignError {
    return new CampaignError(400, 'CAMPAIGN_INVALID_PHONE', `${path}: ${problem}`, [{ path, message: problem }]);
  }

  static flowNotFound(flowId: string): CampaignError {
    return new CampaignError(404, 'CAMPAIGN_FLOW_NOT_FOUND', `Flow ${flowId} not found`, [
      { path: 'body.flowId', message: 'no such flow in your organisation' },
    ]);
  }

  static flowNotPublished(flowId: string): CampaignError {
    return new CampaignError(422, 'CAMPAIGN_FLOW_NOT_PUBLISHED', `Flow ${flowId} has no published version`, [
      { path: 'body.version', message: 'the flow has no published version: publish it first' },
    ]);
  }

  static versionNotFound(flowId: string, version: number): CampaignError {
    return new CampaignError(
      422,
      'CAMPAIGN_FLOW_VERSION_NOT_FOUND',
      `Flow ${flowId} has no published version ${version}`,
      [{ path: 'body.version', message: 'no such published version' }],
    );
  }

  static invalidVariables(details: ErrorDetail[]): CampaignError {
    return new CampaignError(
      422,
      'CAMPAIGN_INVALID_VARIABLES',
      `The flow's input variables do not match: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }

  static failsCompliance(details: ErrorDetail[]): CampaignError {
    return new CampaignError(
      422,
      'CAMPAIGN_FLOW_FAILS_COMPLIANCE',
      `The campaign's flow version fails the compliance lints: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  }

  static noContacts(id: string): CampaignError {
    return new CampaignError(422, 'CAMPAIGN_NO_CONTACTS', `Campaign ${id} has no contacts: add some before starting`, [
      { path: 'contacts', message: 'the campaign has no contacts' },
    ]);
  }

  static wrongStatus(id: string, status: string, action: string, expected: readonly string[]): CampaignError {
    return new CampaignError(
      409,
      'CAMPAIGN_WRONG_STATUS',
      `Campaign ${id} is ${status}: ${action} needs it ${expected.join(' or ')}`,
      [{ path: 'status', message: status }],
    );
  }

  static csvInvalid(message: string, path = 'body'): CampaignError {
    return new CampaignError(400, 'CAMPAIGN_CSV_INVALID', `The CSV cannot be read: ${message}`, [{ path, message }]);
  }

  static tooManyContacts(max: number): CampaignError {
    return new CampaignError(413, 'CAMPAIGN_TOO_MANY_CONTACTS', `At most ${max} contacts per upload: split the file`, [
      { path: 'body', message: `more than ${max} contacts` },
    ]);
  }
}
