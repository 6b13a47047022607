import type { CallErrorCode } from '@switchboard/contracts';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';

export type { CallErrorCode };

/** Every failure of the calls and internal call routes the caller (or the worker) can act on. */
export class CallError extends ApiError<CallErrorCode> {
  /** also what another organisation's call is */
  static notFound(id: string): CallError {
    return new CallError(404, 'CALL_NOT_FOUND', `Call ${id} not found`);
  }

  static invalidPhone(path: string, problem: string): CallError {
    return new CallError(400, 'CALL_INVALID_PHONE', `${path}: ${problem}`, [{ path, message: problem }]);
  }

  static flowNotFound(flowId: string): CallError {
    return new CallError(404, 'CALL_FLOW_NOT_FOUND', `Flow ${flowId} not found`, [
      { path: 'body.flowId', message: 'no such flow in your organisation' },
    ]);
  }

  static versionNotFound(flowId: string, version: number): CallError {
    return new CallError(404, 'CALL_FLOW_VERSION_NOT_FOUND', `Flow ${flowId} has no published version ${version}`, [
      { path: 'body.version', message: 'no such published version' },
    ]);
  }

  /** The flow's compliance lints fail under the purpose the call asks for (`details`: the lints). */
  static failsCompliance(details: ErrorDetail[]): CallError {
    return new CallError(
      422,
      'CALL_FLOW_FAILS_COMPLIANCE',
      `The flow version does not meet the call's purpose: ${details.map((d) => d.message).join('; ')}`,
      [{ path: 'body.purpose', message: 'the flow fails the compliance lints of this purpose' }, ...details],
    );
  }

  static flowNotPublished(flowId: string): CallError {
    return new CallError(422, 'CALL_FLOW_NOT_PUBLISHED', `Flow ${flowId} has no published version to call with`, [
      { path: 'body.flowId', message: 'the flow has no published version: publish it first' },
    ]);
  }

  static invalidVariables(details: ErrorDetail[]): CallError {
    return new CallError(
      422,
      'CALL_INVALID_VARIABLES',
      `The flow's input variables do not match: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }

  static scheduleInPast(): CallError {
    return new CallError(400, 'CALL_SCHEDULE_IN_PAST', 'body.scheduleAt: must not be in the past', [
      { path: 'body.scheduleAt', message: 'must not be in the past' },
    ]);
  }

  static idempotencyConflict(): CallError {
    return new CallError(
      409,
      'CALL_IDEMPOTENCY_CONFLICT',
      'This Idempotency-Key was used with another request body (keys are kept 24 h): use a new key',
      [{ path: 'headers.idempotency-key', message: 'already used with another body' }],
    );
  }

  static idempotencyInProgress(): CallError {
    return new CallError(
      409,
      'CALL_IDEMPOTENCY_CONFLICT',
      'A request with this Idempotency-Key is still being processed: retry in a moment',
      [{ path: 'headers.idempotency-key', message: 'a request with this key is in progress' }],
    );
  }

  static notCancellable(id: string, status: string): CallError {
    return new CallError(
      409,
      'CALL_NOT_CANCELLABLE',
      `Call ${id} is ${status}: only queued or scheduled calls can be cancelled`,
    );
  }

  static alreadyClaimed(id: string, status: string): CallError {
    return new CallError(409, 'CALL_ALREADY_CLAIMED', `Call ${id} (${status}) is not claimable for this attempt`);
  }

  static cancelled(id: string): CallError {
    return new CallError(409, 'CALL_CANCELLED', `Call ${id} was cancelled`);
  }

  /** `details` carry the decision's outcome and reasons */
  static blocked(id: string, outcome: string, details: ErrorDetail[]): CallError {
    return new CallError(409, 'CALL_BLOCKED', `Call ${id} was blocked at dial time: ${outcome}`, details);
  }

  /** a campaign at its `maxConcurrent`: nothing changed, the worker re-delays the job until `retryAt` */
  static paced(id: string, retryAt: Date, maxConcurrent: number): CallError {
    return new CallError(
      409,
      'CALL_PACED',
      `Call ${id}: its campaign has ${maxConcurrent} calls in progress (maxConcurrent); retry at ${retryAt.toISOString()}`,
      [{ path: 'retryAt', message: retryAt.toISOString() }],
    );
  }

  static campaignNotRunning(id: string, campaignStatus: string): CallError {
    return new CallError(
      409,
      'CALL_CAMPAIGN_NOT_RUNNING',
      `Call ${id}: its campaign is ${campaignStatus}, nothing new is dialled`,
      [{ path: 'campaign.status', message: campaignStatus }],
    );
  }

  /** the worker does not hold the attempt's lease any more: it must stop the call */
  static leaseLost(id: string, status: string): CallError {
    return new CallError(409, 'CALL_LEASE_LOST', `Call ${id} (${status}): this worker does not hold its lease`);
  }

  static notClaimed(id: string, status: string): CallError {
    return new CallError(409, 'CALL_NOT_CLAIMED', `Call ${id} is ${status}: it is not being dialled`);
  }
}

/** `Idempotency-Key`: 1–255 visible ASCII characters. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (/^[\x21-\x7e]{1,255}$/.test(key)) return key;
  throw new CallError(
    400,
    'CALL_IDEMPOTENCY_KEY_INVALID',
    'headers.idempotency-key: must be 1–255 visible ASCII characters',
    [{ path: 'headers.idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
  );
}
