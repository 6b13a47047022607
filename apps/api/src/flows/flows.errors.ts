import type { FlowErrorCode } from '@switchboard/contracts';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';

export type { FlowErrorCode };

/** Every failure of the flows routes the caller can act on. */
export class FlowError extends ApiError<FlowErrorCode> {
  /** also what another organisation's flow is: it does not exist for the caller */
  static flowNotFound(id: string): FlowError {
    return new FlowError(404, 'FLOW_NOT_FOUND', `Flow ${id} not found`);
  }

  static versionNotFound(flowId: string, version: number): FlowError {
    return new FlowError(404, 'FLOW_VERSION_NOT_FOUND', `Flow ${flowId} has no version ${version}`);
  }

  static templateNotFound(templateId: string): FlowError {
    return new FlowError(422, 'FLOW_TEMPLATE_NOT_FOUND', `There is no flow template "${templateId}"`, [
      { path: 'body.templateId', message: 'no such template (see GET /v1/flow-templates)' },
    ]);
  }

  static revisionRequired(): FlowError {
    return new FlowError(
      428,
      'FLOW_REVISION_REQUIRED',
      'Saving a draft needs the revision it is based on: send `If-Match: "<revision>"` or a `revision` field',
      [{ path: 'headers.if-match', message: 'required (or body.revision)' }],
    );
  }

  static revisionConflict(current: number, given: number): FlowError {
    return new FlowError(
      409,
      'FLOW_REVISION_CONFLICT',
      `The draft changed since revision ${given}: it is at revision ${current}. Reload it and apply your changes again.`,
      [{ path: 'revision', message: `current revision is ${current}` }],
    );
  }

  static notAFlow(details: ErrorDetail[]): FlowError {
    return new FlowError(
      422,
      'FLOW_NOT_A_FLOW',
      `Not a switchboard.flow/v1 document: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }

  static invalid(message: string, details: ErrorDetail[]): FlowError {
    return new FlowError(422, 'FLOW_INVALID', message, details);
  }

  static notPublishable(message: string, details: ErrorDetail[]): FlowError {
    return new FlowError(422, 'FLOW_NOT_PUBLISHABLE', message, details);
  }

  static unchanged(version: number, checksum: string): FlowError {
    return new FlowError(
      409,
      'FLOW_UNCHANGED',
      `The draft's logic is the same as version ${version} (checksum ${checksum}): there is nothing to publish`,
      [{ path: 'draft', message: `identical to version ${version}` }],
    );
  }
}
