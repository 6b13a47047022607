import { z } from 'zod';

/**
 * The evaluator's input (COMPLIANCE.md, "The evaluator's contract"). Objects are strict so
 * that a misspelt fact ("revocation" for "revocations") is an input error rather than a
 * fact silently ignored, which would fail open. Phone numbers are plain strings on
 * purpose: a malformed number is not an input error, it reaches C01 and blocks.
 * Consents are the one loose object: evidence may carry more fields (page URL, IP, …)
 * than the evaluator reads, and every consent field it reads must be present to pass.
 */

export const PURPOSES = ['TELEMARKETING', 'INFORMATIONAL'] as const;
export const PurposeSchema = z.enum(PURPOSES);
export type Purpose = z.infer<typeof PurposeSchema>;

export const MODES = ['SCHEDULE', 'DIAL_NOW'] as const;
export const ModeSchema = z.enum(MODES);
export type Mode = z.infer<typeof ModeSchema>;

export const LINE_TYPES = ['WIRELESS', 'RESIDENTIAL', 'VOIP', 'UNKNOWN'] as const;
export const LineTypeSchema = z.enum(LINE_TYPES);
export type LineType = z.infer<typeof LineTypeSchema>;

export const CONSENT_TYPES = ['PEWC', 'PEC'] as const;
export const ConsentTypeSchema = z.enum(CONSENT_TYPES);
export type ConsentType = z.infer<typeof ConsentTypeSchema>;

export const REVOCATION_CHANNELS = ['voice', 'dtmf', 'sms', 'email', 'web', 'verbal', 'other'] as const;

export const REASSIGNED_RESULTS = ['YES', 'NO', 'NO_DATA'] as const;

/** An instant with an explicit offset, e.g. 2026-03-10T14:00:00Z or 2026-03-10T10:00:00-04:00. */
export const InstantSchema = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T14:00:00Z',
});
/** A calendar date, YYYY-MM-DD. */
export const LocalDateSchema = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

const Text = z.string().trim().min(1, 'must not be empty');
/** A US state or territory as the NANPA report names it (CNMI is four letters). */
const StateCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,4}$/, 'must be a state or territory code such as FL or PR')
  .transform((s) => s.toUpperCase());

export const SellerSchema = z.strictObject({ id: Text, legalName: Text });

export const AddressSchema = z.strictObject({ state: StateCode, zip: z.string().optional() });

export const CallerIdSchema = z.strictObject({ phone: z.string(), verifiedOwned: z.boolean() });

export const ComplianceRequestSchema = z.strictObject({
  seller: SellerSchema,
  purpose: PurposeSchema,
  /** The campaign subject, for the per-subject caps (FL, OK, MD). Absent: every attempt counts. */
  subject: z.string().optional(),
  phone: z.string(),
  /** Unknown is treated as wireless; every check already assumes the wireless regime. */
  lineType: LineTypeSchema.default('UNKNOWN'),
  address: AddressSchema.optional(),
  mode: ModeSchema,
  at: InstantSchema,
  callerId: CallerIdSchema,
});
export type ComplianceRequest = z.infer<typeof ComplianceRequestSchema>;

export const ConsentSchema = z.looseObject({
  id: Text,
  type: ConsentTypeSchema,
  phone: z.string(),
  sellers: z.array(z.string()),
  capturedAt: InstantSchema,
  written: z.boolean().optional(),
  signature: z.strictObject({ method: z.string(), affirmative: z.boolean().optional() }).optional(),
  disclosure: z
    .strictObject({
      text: z.string().optional(),
      authorizesArtificialVoice: z.boolean().optional(),
      notConditionOfPurchase: z.boolean().optional(),
    })
    .optional(),
});
export type Consent = z.infer<typeof ConsentSchema>;

export const RevocationSchema = z.strictObject({
  phone: z.string(),
  receivedAt: InstantSchema,
  channel: z.enum(REVOCATION_CHANNELS),
  text: z.string().optional(),
});
export type Revocation = z.infer<typeof RevocationSchema>;

export const InternalDncEntrySchema = z.strictObject({ phone: z.string(), requestedAt: InstantSchema });
export type InternalDncEntry = z.infer<typeof InternalDncEntrySchema>;

export const NationalDncSchema = z.strictObject({ snapshotId: Text, obtainedAt: InstantSchema, listed: z.boolean() });
export const StateDncSchema = z.strictObject({
  snapshotId: z.string().optional(),
  obtainedAt: InstantSchema,
  listed: z.boolean(),
});

export const EbrSchema = z.strictObject({
  lastTransactionAt: InstantSchema.optional(),
  lastInquiryAt: InstantSchema.optional(),
});
export type Ebr = z.infer<typeof EbrSchema>;

export const ReassignedSchema = z.strictObject({ queriedAt: InstantSchema, result: z.enum(REASSIGNED_RESULTS) });

export const AttemptSchema = z.strictObject({ at: InstantSchema, subject: z.string().optional() });
export type Attempt = z.infer<typeof AttemptSchema>;

export const EmergencySchema = z.strictObject({ state: StateCode, from: InstantSchema, to: InstantSchema.optional() });
export type Emergency = z.infer<typeof EmergencySchema>;

export const ComplianceFactsSchema = z.strictObject({
  consents: z.array(ConsentSchema).default([]),
  revocations: z.array(RevocationSchema).default([]),
  internalDnc: z.array(InternalDncEntrySchema).default([]),
  nationalDnc: NationalDncSchema.optional(),
  stateDnc: z.record(StateCode, StateDncSchema).default({}),
  ebr: EbrSchema.optional(),
  reassigned: ReassignedSchema.optional(),
  attempts: z.array(AttemptSchema).default([]),
  emergencies: z.array(EmergencySchema).default([]),
  /** Extra holidays per state, observed local dates, added to the built-in calendars. */
  holidays: z.record(StateCode, z.array(LocalDateSchema)).default({}),
});
export type ComplianceFacts = z.infer<typeof ComplianceFactsSchema>;

export const ComplianceInputSchema = z.strictObject({
  request: ComplianceRequestSchema,
  facts: ComplianceFactsSchema.prefault({}),
});
/** The input after parsing (defaults applied, state codes upper-cased). */
export type ComplianceInput = z.infer<typeof ComplianceInputSchema>;
/** What a caller may pass to `evaluate` (defaults optional). */
export type ComplianceInputInit = z.input<typeof ComplianceInputSchema>;
