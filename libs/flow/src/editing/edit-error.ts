/**
 * Why an edit cannot be made. One error class and one code union for every edit operation,
 * so the editor can show the message and the API can map the code to a 4xx.
 */
export const EDIT_ERROR_CODES = [
  /** a node, edge, global, variable, tool or scenario named by the edit does not exist */
  'NODE_NOT_FOUND',
  'EDGE_NOT_FOUND',
  'GLOBAL_NOT_FOUND',
  'VARIABLE_NOT_FOUND',
  'TOOL_NOT_FOUND',
  'SCENARIO_NOT_FOUND',
  /** the id or name is already used by another item of the same kind */
  'ID_TAKEN',
  /** the id does not match `[a-z][a-z0-9_]*` */
  'INVALID_ID',
  /** the edited item would not pass the schema (the message lists the issues) */
  'INVALID_VALUE',
  /** the edit changes a field that has its own operation (a node's id or type, an edge's kind) */
  'IMMUTABLE_FIELD',
  /** a second start node, or removing the entry node */
  'START_NODE',
  /** refused by `canConnect` (the message says why) */
  'INVALID_CONNECTION',
  /** the document given to `replaceDocument` is not a valid flow document */
  'INVALID_DOCUMENT',
  /** the clipboard is not a Switchboard clipboard */
  'INVALID_CLIPBOARD',
  /** `applyOperation` got an operation type it does not know */
  'UNKNOWN_OPERATION',
] as const;
export type EditErrorCode = (typeof EDIT_ERROR_CODES)[number];

export class EditError extends Error {
  override readonly name = 'EditError';
  constructor(
    readonly code: EditErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isEditError(error: unknown): error is EditError {
  return error instanceof EditError;
}
