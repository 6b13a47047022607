import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';

export const DNC_ERROR_CODES = [
  'DNC_SNAPSHOT_NOT_FOUND',
  'DNC_IMPORT_NOT_FOUND',
  'DNC_NO_BASE_SNAPSHOT',
  'DNC_CHANGE_LIST_TOO_OLD',
  'DNC_UPLOAD_EMPTY',
  'DNC_UPLOAD_MEDIA_TYPE',
] as const;
export type DncErrorCode = (typeof DNC_ERROR_CODES)[number];

/** Every failure of the DNC registry routes the caller can act on. */
export class DncError extends ApiError<DncErrorCode> {
  static noSnapshot(list: string): DncError {
    return new DncError(404, 'DNC_SNAPSHOT_NOT_FOUND', `No ${list} Do-Not-Call snapshot has been imported yet`);
  }

  /** also what another organisation's import is */
  static importNotFound(jobId: string): DncError {
    return new DncError(404, 'DNC_IMPORT_NOT_FOUND', `Import ${jobId} not found`);
  }

  static noBaseSnapshot(list: string, mode: string): DncError {
    return new DncError(
      409,
      'DNC_NO_BASE_SNAPSHOT',
      `A change list (${mode}) applies to the current ${list} snapshot, and there is none: import a full list first`,
      [{ path: 'query.mode', message: 'import mode=full first' }],
    );
  }

  static changeListTooOld(latestObtainedAt: string): DncError {
    return new DncError(
      409,
      'DNC_CHANGE_LIST_TOO_OLD',
      `A change list applies to the latest snapshot, obtained ${latestObtainedAt}: its obtainedAt cannot be earlier`,
      [{ path: 'query.obtainedAt', message: `must be at or after ${latestObtainedAt}` }],
    );
  }

  static emptyUpload(): DncError {
    return new DncError(400, 'DNC_UPLOAD_EMPTY', 'The upload is empty: send the area-code files as the request body', [
      { path: 'body', message: 'one 10-digit number per line' },
    ]);
  }

  static mediaType(given: string): DncError {
    const details: ErrorDetail[] = [
      { path: 'headers.content-type', message: 'must be text/plain or application/octet-stream' },
    ];
    return new DncError(
      415,
      'DNC_UPLOAD_MEDIA_TYPE',
      `Upload the registry files as text/plain (one 10-digit number per line), not ${given}`,
      details,
    );
  }
}
