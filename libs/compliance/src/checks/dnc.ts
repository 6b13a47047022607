import { isThisNumber, reason, type EvaluationContext } from '../context.js';
import { formatInstant, instant } from '../facts/dated.js';
import type { ComplianceReason } from '../schema/compliance-decision.schema.js';
import { hasValidConsent } from './consent.js';

const DAY_MS = 86_400_000;

/** C05 internal (company-specific) DNC: honoured at once, never expires, overrides consent and EBR. */
export function checkInternalDnc(ctx: EvaluationContext): ComplianceReason[] {
  const entry = ctx.input.facts.internalDnc.find(
    (candidate) => instant(candidate.requestedAt) <= ctx.at && isThisNumber(ctx.e164Of(candidate.phone), ctx.called),
  );
  if (entry === undefined) return [];
  const unreadable = ctx.e164Of(entry.phone) === undefined ? ' (its number cannot be read, so it counts)' : '';
  return [
    reason(
      'C05',
      'DNC_INTERNAL',
      `on the seller's internal do-not-call list since ${formatInstant(instant(entry.requestedAt))}${unreadable}`,
    ),
  ];
}

/** The applicable states that keep their own DNC list. */
function dncStates(ctx: EvaluationContext): string[] {
  return ctx.states.filter((state) => ctx.rules.stateDncStates.has(state));
}

/** C07 DNC data ≤ 31 days old: the national snapshot and every applicable state list's (a missing one is stale). */
export function checkDncFreshness(ctx: EvaluationContext): ComplianceReason[] {
  const reasons: ComplianceReason[] = [];
  const { nationalDnc, stateDnc } = ctx.input.facts;
  const national = staleness(
    nationalDnc === undefined ? undefined : instant(nationalDnc.obtainedAt),
    ctx.at,
    ctx.rules.nationalDncMaxAgeMs,
  );
  if (national !== undefined) {
    const id = nationalDnc === undefined ? '' : ` ${nationalDnc.snapshotId}`;
    reasons.push(reason('C07', 'DNC_DATA_STALE', `national DNC registry snapshot${id}: ${national}`));
  }
  for (const state of dncStates(ctx)) {
    const entry = stateDnc[state];
    const stale = staleness(
      entry === undefined ? undefined : instant(entry.obtainedAt),
      ctx.at,
      ctx.rules.stateDncMaxAgeMs,
    );
    if (stale !== undefined) reasons.push(reason('C07', 'DNC_DATA_STALE', `${state} state DNC list: ${stale}`));
  }
  return reasons;
}

function staleness(obtainedAt: number | undefined, at: number, maxAgeMs: number): string | undefined {
  const maxDays = maxAgeMs / DAY_MS;
  if (obtainedAt === undefined) return `no snapshot (must be at most ${maxDays} days old)`;
  if (obtainedAt > at) return 'obtained after the call time, so not usable for it';
  const age = at - obtainedAt;
  if (age <= maxAgeMs) return undefined;
  return `obtained ${formatInstant(obtainedAt)}, ${(age / DAY_MS).toFixed(1)} days before the call (max ${maxDays})`;
}

/** A listed number may be called with a valid PEWC for this seller and number, or an EBR. */
function exemption(ctx: EvaluationContext): string | undefined {
  if (hasValidConsent(ctx)) return 'a valid PEWC';
  if (ctx.ebr.established) return ctx.ebr.detail;
  return undefined;
}

/** C08 national DNC registry. */
export function checkNationalDnc(ctx: EvaluationContext): ComplianceReason[] {
  const snapshot = ctx.input.facts.nationalDnc;
  if (snapshot === undefined || !snapshot.listed || instant(snapshot.obtainedAt) > ctx.at) return [];
  if (exemption(ctx) !== undefined) return [];
  return [
    reason(
      'C08',
      'DNC_NATIONAL',
      `listed on the national DNC registry (snapshot ${snapshot.snapshotId}) with neither a valid PEWC nor an established business relationship`,
    ),
  ];
}

/** C09 state DNC lists. */
export function checkStateDnc(ctx: EvaluationContext): ComplianceReason[] {
  const listedIn = dncStates(ctx).filter((state) => {
    const entry = ctx.input.facts.stateDnc[state];
    return entry !== undefined && entry.listed && instant(entry.obtainedAt) <= ctx.at;
  });
  if (listedIn.length === 0 || exemption(ctx) !== undefined) return [];
  return listedIn.map((state) =>
    reason(
      'C09',
      'DNC_STATE',
      `listed on the ${state} state DNC list with neither a valid PEWC nor an established business relationship`,
    ),
  );
}
