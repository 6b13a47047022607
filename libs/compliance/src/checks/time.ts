import { reason, type EvaluationContext } from '../context.js';
import { formatInstant, instant } from '../facts/dated.js';
import type { ComplianceReason } from '../schema/compliance-decision.schema.js';
import { describeOutside, windowConstraints, WindowCalculator, type WindowConstraint } from '../time/calling-window.js';
import { evaluateCap, type CapVerdict } from '../time/frequency-cap.js';
import { contains, firstAtOrAfter } from '../time/intervals.js';
import { DAY_MS } from '../time/zone-clock.js';

export interface TimeResult {
  reasons: ComplianceReason[];
  /** the earliest instant ≥ at when C13 and C14 both pass, when one fails at `at` and the search finds one */
  nextAllowedAt: number | undefined;
}

/**
 * C13 calling window and C14 frequency cap, judged at `at`; when either fails, the search
 * for the earliest instant within the horizon at which both pass. Needs the candidate zones,
 * so it is skipped when the destination is unresolved (C01/C02 already block).
 */
export function checkTime(ctx: EvaluationContext): TimeResult {
  if (!ctx.destinationResolved) return { reasons: [], nextAllowedAt: undefined };
  const { request, facts } = ctx.input;
  const at = ctx.at;

  const constraints = windowConstraints(
    { purpose: request.purpose, zones: ctx.zones, states: ctx.states, extraHolidays: facts.holidays, at },
    ctx.rules,
  );
  const here = new WindowCalculator(constraints, at, at, at + 1);
  const outside = constraints
    .filter((constraint) => !contains(here.allowedBy(constraint), at))
    .map(
      (constraint) =>
        describeOutside(constraint, at, at) ?? `${constraint.zone}: outside the ${constraint.rule.id} window`,
    );

  const fullCaps = capVerdicts(ctx).filter((verdict) => verdict.releaseAt !== undefined);

  const reasons: ComplianceReason[] = [];
  if (outside.length > 0) reasons.push(reason('C13', 'OUTSIDE_HOURS', unique(outside).join('; ')));
  for (const verdict of fullCaps) reasons.push(reason('C14', 'FREQUENCY_CAP', describeCap(verdict, request.subject)));
  if (reasons.length === 0) return { reasons, nextAllowedAt: undefined };

  const start = Math.max(at, ...fullCaps.map((verdict) => verdict.releaseAt ?? at));
  const horizonEnd = at + ctx.rules.scheduleSearchMs;
  const nextAllowedAt = searchNextAllowed(constraints, at, start, horizonEnd);
  if (nextAllowedAt === undefined) {
    reasons.push(
      reason(
        'C13',
        'NO_WINDOW',
        `no instant within ${ctx.rules.scheduleSearchMs / DAY_MS} days of ${formatInstant(at)} passes both the calling windows and the frequency caps`,
      ),
    );
  }
  return { reasons, nextAllowedAt };
}

/** The caps of the applicable states, for telemarketing; Oregon's is lifted by a recent EBR purchase. */
function capVerdicts(ctx: EvaluationContext): CapVerdict[] {
  const { request, facts } = ctx.input;
  if (!ctx.rules.capsApplyTo.has(request.purpose)) return [];
  const attempts = facts.attempts.map((attempt) => ({ at: instant(attempt.at), subject: attempt.subject }));
  const verdicts: CapVerdict[] = [];
  for (const state of ctx.states) {
    const cap = ctx.rules.caps.get(state);
    if (cap === undefined) continue;
    if (cap.exemptWithEbrPurchaseMonths !== undefined && ctx.ebr.purchaseWithin(cap.exemptWithEbrPurchaseMonths))
      continue;
    verdicts.push(evaluateCap(cap, attempts, ctx.at, request.subject));
  }
  return verdicts;
}

function describeCap(verdict: CapVerdict, subject: string | undefined): string {
  const { cap } = verdict;
  const scope =
    cap.scope === 'SELLER' || subject === undefined ? 'by this seller' : `by this seller on subject "${subject}"`;
  const hours = cap.windowMs / 3_600_000;
  const free = verdict.releaseAt === undefined ? '' : `; the cap frees at ${formatInstant(verdict.releaseAt)}`;
  return `${cap.state} caps calls at ${cap.maxAttempts} per ${hours} h; ${verdict.counted} attempts ${scope} in the last ${hours} h${free}`;
}

/** Past a first look at the next two days, the rest of the horizon in one pass. */
const FIRST_LOOK_MS = 2 * DAY_MS;

/** The earliest instant in [start, horizonEnd] that every window constraint allows. */
function searchNextAllowed(
  constraints: readonly WindowConstraint[],
  at: number,
  start: number,
  horizonEnd: number,
): number | undefined {
  if (start > horizonEnd) return undefined;
  const end = horizonEnd + 1; // the horizon is inclusive
  let from = start;
  for (const to of [Math.min(start + FIRST_LOOK_MS, end), end]) {
    if (to <= from) continue;
    const found = firstAtOrAfter(new WindowCalculator(constraints, at, from, to).allowed(), from);
    if (found !== undefined) return found;
    from = to;
  }
  return undefined;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
