import { reason, type EvaluationContext } from '../context.js';
import { maskPhone, parsePhone } from '../phone/phone.js';
import type { ComplianceReason } from '../schema/compliance-decision.schema.js';

/** C01 number format. */
export function checkNumberFormat(ctx: EvaluationContext): ComplianceReason[] {
  if (ctx.called.ok) return [];
  return [reason('C01', 'INVALID_NUMBER', `request.phone ${ctx.called.problem}`)];
}

const TOLL_FREE = new Set(['800', '833', '844', '855', '866', '877', '888']);

/** C02 destination: an in-service US geographic area code (and, if given, a known US address state). */
export function checkDestination(ctx: EvaluationContext): ComplianceReason[] {
  const reasons: ComplianceReason[] = [];
  if (ctx.called.ok && ctx.areaCode === undefined) {
    reasons.push(
      reason('C02', 'UNSUPPORTED_DESTINATION', describeUnsupported(ctx, ctx.called.areaCode, ctx.called.country)),
    );
  }
  if (ctx.addressState !== undefined && ctx.addressZones === undefined) {
    reasons.push(
      reason(
        'C02',
        'UNSUPPORTED_DESTINATION',
        `address state ${ctx.addressState} is not a US state or territory with an in-service area code`,
      ),
    );
  }
  return reasons;
}

function describeUnsupported(ctx: EvaluationContext, npa: string, country: string | undefined): string {
  const planned = ctx.rules.plannedAreaCodes.get(npa);
  let what: string;
  if (planned !== undefined) {
    const when = planned.plannedInServiceDate === '' ? '' : `, planned for ${planned.plannedInServiceDate}`;
    what = `assigned to ${planned.state} but not in service yet${when}`;
  } else if (TOLL_FREE.has(npa)) what = 'toll-free';
  else if (npa === '900') what = 'premium-rate (900)';
  else if (npa.startsWith('5')) what = 'non-geographic or unassigned (5XX)';
  else if (country !== undefined && country !== 'US') what = `outside the US (${country})`;
  else what = 'not an in-service US geographic area code';
  return `area code ${npa} is ${what}; source: ${ctx.rules.npaSource}`;
}

/** C03 caller id owned and valid. */
export function checkCallerId(ctx: EvaluationContext): ComplianceReason[] {
  const { callerId } = ctx.input.request;
  const problems: string[] = [];
  const parsed = parsePhone(callerId.phone, ctx.rules.numberPattern);
  if (!parsed.ok) problems.push(`the caller id ${parsed.problem}`);
  if (!callerId.verifiedOwned) {
    const which = parsed.e164 === undefined ? 'the caller id' : `caller id ${maskPhone(parsed.e164)}`;
    problems.push(`${which} is not verified as owned by the caller`);
  }
  return problems.length === 0 ? [] : [reason('C03', 'CALLER_ID_INVALID', problems.join('; '))];
}
