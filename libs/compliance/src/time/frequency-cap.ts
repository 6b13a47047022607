import type { CapRule } from '../rules/rule-set.js';

/**
 * C14: attempt caps over the rolling window (t − window, t]. Attempts after the call time
 * are not facts yet, so for any t ≥ at the count can only fall; the cap is full until the
 * max-th most recent attempt leaves the window (with exactly max attempts counted, that is
 * the oldest counted attempt + the window).
 */

export interface CapAttempt {
  at: number;
  subject: string | undefined;
}

export interface CapVerdict {
  cap: CapRule;
  counted: number;
  /** when the cap is full at `at`: the first instant it is not */
  releaseAt: number | undefined;
}

export function evaluateCap(
  cap: CapRule,
  attempts: readonly CapAttempt[],
  at: number,
  subject: string | undefined,
): CapVerdict {
  const recentFirst = attempts
    .filter((attempt) => attempt.at <= at && attempt.at > at - cap.windowMs)
    .filter((attempt) => cap.scope === 'SELLER' || sameSubject(attempt.subject, subject))
    .map((attempt) => attempt.at)
    .sort((a, b) => b - a);
  const counted = recentFirst.length;
  const boundary = recentFirst[cap.maxAttempts - 1];
  return { cap, counted, releaseAt: boundary === undefined ? undefined : boundary + cap.windowMs };
}

/** An attempt or a request without a subject counts against every subject (fail closed). */
function sameSubject(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
