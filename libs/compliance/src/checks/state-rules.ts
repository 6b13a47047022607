import { reason, type EvaluationContext } from '../context.js';
import { formatInstant, instant } from '../facts/dated.js';
import type { ComplianceReason } from '../schema/compliance-decision.schema.js';

/** C04 state of emergency: solicitation is banned in the states that say so, over [from, to). */
export function checkEmergency(ctx: EvaluationContext): ComplianceReason[] {
  const reasons: ComplianceReason[] = [];
  for (const emergency of ctx.input.facts.emergencies) {
    if (!ctx.states.includes(emergency.state) || !ctx.rules.emergencyBanStates.has(emergency.state)) continue;
    const from = instant(emergency.from);
    const to = emergency.to === undefined ? Number.POSITIVE_INFINITY : instant(emergency.to);
    if (ctx.at < from || ctx.at >= to) continue;
    const until = emergency.to === undefined ? 'until further notice' : `until ${formatInstant(to)}`;
    reasons.push(
      reason(
        'C04',
        'STATE_EMERGENCY',
        `${emergency.state} bans telephone solicitation during its declared state of emergency (from ${formatInstant(from)} ${until})`,
      ),
    );
  }
  return reasons;
}

/** C12 state technology limits: every Switchboard call uses an artificial voice. */
export function checkStateRestrictions(ctx: EvaluationContext): ComplianceReason[] {
  return ctx.states
    .filter((state) => ctx.rules.artificialVoiceRequiresEbr.has(state) && !ctx.ebr.established)
    .map((state) =>
      reason(
        'C12',
        'STATE_RESTRICTION',
        `${state} allows recorded or artificial-voice telemarketing only with an established business relationship; there is ${ctx.ebr.detail}`,
      ),
    );
}
