import type { z } from 'zod';

export interface InputIssue {
  /** where in the input, e.g. `request.at` or `facts.consents[0].capturedAt`; `(input)` for the whole */
  path: string;
  message: string;
}

/**
 * The input is not the contract's shape. The only error `evaluate` throws: bad facts (a
 * malformed phone, an unknown area code) are judged and block with a reason instead.
 */
export class ComplianceInputError extends Error {
  readonly code = 'COMPLIANCE_INPUT_INVALID' as const;

  constructor(readonly issues: readonly InputIssue[]) {
    super(`invalid compliance input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'ComplianceInputError';
  }

  static fromZod(error: z.ZodError): ComplianceInputError {
    return new ComplianceInputError(
      error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(input)' : out;
}
