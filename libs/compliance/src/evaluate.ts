import { checkConsent, checkReassigned, checkRevocation } from './checks/consent.js';
import { checkCallerId, checkDestination, checkNumberFormat } from './checks/destination.js';
import { checkDncFreshness, checkInternalDnc, checkNationalDnc, checkStateDnc } from './checks/dnc.js';
import { checkEmergency, checkStateRestrictions } from './checks/state-rules.js';
import { checkTime } from './checks/time.js';
import { buildContext, type EvaluationContext } from './context.js';
import { ComplianceInputError } from './errors.js';
import { formatInstant } from './facts/dated.js';
import { defaultRuleSet, type RuleSet } from './rules/rule-set.js';
import type { ComplianceDecision, ComplianceReason, Outcome } from './schema/compliance-decision.schema.js';
import {
  ComplianceInputSchema,
  type ComplianceInput,
  type ComplianceInputInit,
  type Purpose,
} from './schema/compliance-input.schema.js';

export interface EvaluateOptions {
  /** defaults to the rule set shipped in data/ */
  ruleSet?: RuleSet;
}

export type ParseResult = { success: true; data: ComplianceInput } | { success: false; error: ComplianceInputError };

/** Checks the input's shape (the only way `evaluate` can fail); names every bad field. */
export function parseComplianceInput(input: unknown): ParseResult {
  const parsed = ComplianceInputSchema.safeParse(input);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, error: ComplianceInputError.fromZod(parsed.error) };
}

/**
 * Judges one call: checks C01–C14 in order (COMPLIANCE.md), every failing check listed.
 * Pure and deterministic: the time is `request.at`, the facts are what the input says.
 * Throws only `ComplianceInputError`, when the input is not the contract's shape.
 */
export function evaluate(input: ComplianceInputInit, options: EvaluateOptions = {}): ComplianceDecision {
  const parsed = parseComplianceInput(input);
  if (!parsed.success) throw parsed.error;
  return evaluateParsed(parsed.data, options.ruleSet ?? defaultRuleSet);
}

interface Check {
  appliesTo: 'ALL' | Purpose;
  run(ctx: EvaluationContext): ComplianceReason[];
}

/** C01–C12, in order; C13/C14 follow, with the search for the next allowed time. */
const CHECKS: readonly Check[] = [
  { appliesTo: 'ALL', run: checkNumberFormat }, // C01
  { appliesTo: 'ALL', run: checkDestination }, // C02
  { appliesTo: 'ALL', run: checkCallerId }, // C03
  { appliesTo: 'TELEMARKETING', run: checkEmergency }, // C04
  { appliesTo: 'ALL', run: checkInternalDnc }, // C05
  { appliesTo: 'ALL', run: checkRevocation }, // C06
  { appliesTo: 'TELEMARKETING', run: checkDncFreshness }, // C07
  { appliesTo: 'TELEMARKETING', run: checkNationalDnc }, // C08
  { appliesTo: 'TELEMARKETING', run: checkStateDnc }, // C09
  { appliesTo: 'ALL', run: checkConsent }, // C10
  { appliesTo: 'ALL', run: checkReassigned }, // C11
  { appliesTo: 'TELEMARKETING', run: checkStateRestrictions }, // C12
];

const TIME_CODES: ReadonlySet<ComplianceReason['code']> = new Set(['OUTSIDE_HOURS', 'FREQUENCY_CAP']);
const WITH_NEXT_ALLOWED: ReadonlySet<Outcome> = new Set(['DEFERRED', 'BLOCKED_OUTSIDE_HOURS', 'BLOCKED_FREQUENCY_CAP']);

export function evaluateParsed(input: ComplianceInput, ruleSet: RuleSet = defaultRuleSet): ComplianceDecision {
  const ctx = buildContext(input, ruleSet);
  const { purpose, mode } = input.request;

  const reasons: ComplianceReason[] = [];
  for (const check of CHECKS) {
    if (check.appliesTo === 'ALL' || check.appliesTo === purpose) reasons.push(...check.run(ctx));
  }
  const time = checkTime(ctx);
  reasons.push(...time.reasons);

  // When scheduling, a closed window or a full cap defers the call; when dialling now it blocks.
  const blocks = (r: ComplianceReason): boolean => mode === 'DIAL_NOW' || !TIME_CODES.has(r.code);
  const firstBlock = reasons.find(blocks);
  const outcome: Outcome =
    firstBlock !== undefined ? `BLOCKED_${firstBlock.code}` : reasons.length > 0 ? 'DEFERRED' : 'ALLOWED';

  return {
    outcome,
    ...(WITH_NEXT_ALLOWED.has(outcome) && time.nextAllowedAt !== undefined
      ? { nextAllowedAt: formatInstant(time.nextAllowedAt) }
      : {}),
    reasons,
    zones: ctx.zones,
    states: ctx.states,
    ruleSetVersion: ruleSet.version,
  };
}
