/** A template or condition that cannot be parsed, or fails while it is evaluated. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    message: string,
    /** the source text of the condition or template */
    readonly expression: string,
    /** 0-based offset in `expression` where the problem starts, when known */
    readonly position?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What `parseCondition` and `parseTemplate` answer. */
export type ParseOutcome = { ok: true; identifiers: string[] } | { ok: false; message: string; position?: number };
