import { reason, type EvaluationContext } from '../context.js';
import { formatInstant, instant } from '../facts/dated.js';
import { comparablePhone } from '../phone/phone.js';
import type { ComplianceReason, ConsentSubCode } from '../schema/compliance-decision.schema.js';
import type { Consent, Purpose } from '../schema/compliance-input.schema.js';

/** The elements of a valid consent (COMPLIANCE.md, "Consent"), in the order E1…E8. */
export const CONSENT_ELEMENTS = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8'] as const;
export type ConsentElement = (typeof CONSENT_ELEMENTS)[number];

export interface ElementFailure {
  element: ConsentElement;
  subCode: ConsentSubCode;
  detail: string;
}

export interface ConsentTarget {
  purpose: Purpose;
  sellerLegalName: string;
  /** the called number in E.164, if it could be read */
  calledE164: string | undefined;
  /** reads a consent's number as E.164 */
  e164Of?: (raw: string) => string | undefined;
}

/**
 * Which elements a consent fails for this call. Telemarketing needs a PEWC, so every
 * element E1…E8 is checked. An informational call needs prior express consent, which a
 * PEC or a PEWC gives alike: only the seller (E3) and the number (E5) are checked.
 */
export function consentFailures(consent: Consent, target: ConsentTarget): ElementFailure[] {
  const failures: ElementFailure[] = [];
  const fail = (element: ConsentElement, subCode: ConsentSubCode, detail: string): void => {
    failures.push({ element, subCode, detail });
  };
  const telemarketing = target.purpose === 'TELEMARKETING';
  if (telemarketing && consent.written !== true) fail('E1', 'CONSENT_NOT_WRITTEN', 'not stored in writing');
  if (telemarketing && consent.signature?.affirmative !== true) {
    fail('E2', 'CONSENT_NOT_SIGNED', 'not signed by an affirmative act');
  }
  if (!consent.sellers.some((seller) => sameSeller(seller, target.sellerLegalName))) {
    fail('E3', 'CONSENT_SELLER_MISMATCH', `does not name ${target.sellerLegalName}`);
  }
  if (telemarketing && consent.disclosure?.authorizesArtificialVoice !== true) {
    fail('E4', 'CONSENT_SCOPE_INSUFFICIENT', 'does not authorise artificial or prerecorded voice calls');
  }
  const consentE164 = (target.e164Of ?? comparablePhone)(consent.phone);
  if (consentE164 === undefined || target.calledE164 === undefined || consentE164 !== target.calledE164) {
    fail('E5', 'CONSENT_NUMBER_MISMATCH', 'is not for the number called');
  }
  if (telemarketing && (consent.disclosure?.text ?? '').trim() === '') {
    fail('E6', 'CONSENT_DISCLOSURE_INCOMPLETE', 'has no disclosure text');
  }
  if (telemarketing && consent.disclosure?.notConditionOfPurchase !== true) {
    fail('E7', 'CONSENT_DISCLOSURE_INCOMPLETE', 'does not disclose that consent is not a condition of purchase');
  }
  if (telemarketing && consent.type !== 'PEWC') {
    fail('E8', 'CONSENT_TYPE_INSUFFICIENT', `is a ${consent.type}; telemarketing needs a PEWC`);
  }
  return failures;
}

/** Sellers match by legal name, case-insensitive and trimmed. */
function sameSeller(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function consentTarget(ctx: EvaluationContext): ConsentTarget {
  return {
    purpose: ctx.input.request.purpose,
    sellerLegalName: ctx.input.request.seller.legalName,
    calledE164: ctx.called.e164,
    e164Of: ctx.e164Of,
  };
}

/** Whether any consent in force is valid for this call (C10; also the PEWC exemption of C08/C09). */
export function hasValidConsent(ctx: EvaluationContext): boolean {
  const target = consentTarget(ctx);
  return ctx.consentsInForce.some((consent) => consentFailures(consent, target).length === 0);
}

/** C06 consent revoked: a revocation of this number not followed by a new consent for it. */
export function checkRevocation(ctx: EvaluationContext): ComplianceReason[] {
  const revocation = ctx.latestRevocation;
  if (revocation === undefined) return [];
  const target = consentTarget(ctx);
  const renewed = ctx.consentsInForce.some(
    (consent) => !consentFailures(consent, target).some((failure) => failure.element === 'E5'),
  );
  if (renewed) return [];
  const words = revocation.text === undefined ? '' : ` ("${truncate(revocation.text, 80)}")`;
  return [
    reason(
      'C06',
      'CONSENT_REVOKED',
      `consent revoked by ${revocation.channel} at ${formatInstant(instant(revocation.receivedAt))}${words}`,
    ),
  ];
}

/** C10 consent present and valid; otherwise the most recently captured consent in force is described. */
export function checkConsent(ctx: EvaluationContext): ComplianceReason[] {
  const target = consentTarget(ctx);
  const inForce = ctx.consentsInForce;
  if (inForce.length === 0) {
    let detail = `no consent on file for ${target.sellerLegalName}`;
    if (ctx.consentsOnFile.length > 0 && ctx.latestRevocation !== undefined) {
      detail = `every consent on file was revoked at ${formatInstant(instant(ctx.latestRevocation.receivedAt))}`;
    } else if (ctx.input.facts.consents.length > 0) {
      detail = 'no consent was captured before the call time';
    }
    return [reason('C10', 'NO_CONSENT', detail)];
  }
  const judged = inForce.map((consent) => ({ consent, failures: consentFailures(consent, target) }));
  if (judged.some(({ failures }) => failures.length === 0)) return [];

  const latest = judged.reduce((a, b) => (instant(b.consent.capturedAt) >= instant(a.consent.capturedAt) ? b : a));
  const [first] = latest.failures;
  if (first === undefined) return [];
  const subCodes = [...new Set(latest.failures.map((failure) => failure.subCode))];
  const others = judged.length > 1 ? ` (none of the ${judged.length} consents in force is valid)` : '';
  const detail =
    `consent ${latest.consent.id} (${latest.consent.type}, captured ${formatInstant(instant(latest.consent.capturedAt))}): ` +
    latest.failures.map((failure) => `${failure.element} ${failure.detail}`).join('; ') +
    others;
  return [reason('C10', 'CONSENT_INVALID', detail, { subCode: first.subCode, subCodes })];
}

/** C11 number reassigned since consent: blocks only on a Reassigned Numbers Database YES. */
export function checkReassigned(ctx: EvaluationContext): ComplianceReason[] {
  const fact = ctx.input.facts.reassigned;
  if (fact === undefined || fact.result !== 'YES' || instant(fact.queriedAt) > ctx.at) return [];
  return [
    reason(
      'C11',
      'REASSIGNED_NUMBER',
      `the Reassigned Numbers Database reported the number reassigned (queried ${formatInstant(instant(fact.queriedAt))})`,
    ),
  ];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
