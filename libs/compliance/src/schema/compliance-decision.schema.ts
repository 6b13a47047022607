import { z } from 'zod';

/** The evaluator's output (COMPLIANCE.md, "The evaluator's contract" and "Precise semantics"). */

export const CHECK_IDS = [
  'C01',
  'C02',
  'C03',
  'C04',
  'C05',
  'C06',
  'C07',
  'C08',
  'C09',
  'C10',
  'C11',
  'C12',
  'C13',
  'C14',
] as const;
export const CheckIdSchema = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof CheckIdSchema>;

/** Reason codes: the outcome names without `BLOCKED_`. */
export const REASON_CODES = [
  'INVALID_NUMBER',
  'UNSUPPORTED_DESTINATION',
  'CALLER_ID_INVALID',
  'STATE_EMERGENCY',
  'DNC_INTERNAL',
  'CONSENT_REVOKED',
  'DNC_DATA_STALE',
  'DNC_NATIONAL',
  'DNC_STATE',
  'NO_CONSENT',
  'CONSENT_INVALID',
  'REASSIGNED_NUMBER',
  'STATE_RESTRICTION',
  'OUTSIDE_HOURS',
  'FREQUENCY_CAP',
  'NO_WINDOW',
] as const;
export const ReasonCodeSchema = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCodeSchema>;

/** Why a consent is not a valid consent, one per element E1…E8 (E6 and E7 share a code). */
export const CONSENT_SUB_CODES = [
  'CONSENT_NOT_WRITTEN',
  'CONSENT_NOT_SIGNED',
  'CONSENT_SELLER_MISMATCH',
  'CONSENT_SCOPE_INSUFFICIENT',
  'CONSENT_NUMBER_MISMATCH',
  'CONSENT_DISCLOSURE_INCOMPLETE',
  'CONSENT_TYPE_INSUFFICIENT',
] as const;
export const ConsentSubCodeSchema = z.enum(CONSENT_SUB_CODES);
export type ConsentSubCode = z.infer<typeof ConsentSubCodeSchema>;

export const OUTCOMES = ['ALLOWED', 'DEFERRED', ...REASON_CODES.map((code) => `BLOCKED_${code}` as const)] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ComplianceReasonSchema = z.strictObject({
  check: CheckIdSchema,
  code: ReasonCodeSchema,
  /** CONSENT_INVALID only: the first failing element of the consent described. */
  subCode: ConsentSubCodeSchema.optional(),
  /** CONSENT_INVALID only: every failing element's code, in element order, without repeats. */
  subCodes: z.array(ConsentSubCodeSchema).optional(),
  detail: z.string(),
});
export type ComplianceReason = z.infer<typeof ComplianceReasonSchema>;

export const ComplianceDecisionSchema = z.strictObject({
  outcome: OutcomeSchema,
  /** Only for DEFERRED, BLOCKED_OUTSIDE_HOURS and BLOCKED_FREQUENCY_CAP (when a window exists). */
  nextAllowedAt: z.iso.datetime().optional(),
  reasons: z.array(ComplianceReasonSchema),
  /** Candidate IANA zones: the area code's, then the address's. */
  zones: z.array(z.string()),
  /** Applicable states: the area code's, then the address's. */
  states: z.array(z.string()),
  ruleSetVersion: z.string(),
});
export type ComplianceDecision = z.infer<typeof ComplianceDecisionSchema>;
