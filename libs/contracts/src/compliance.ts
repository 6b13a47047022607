// Request/response schemas of the compliance, consent, revocation, DNC and audit routes.
import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';

/** A phone number in any format people write it; the API normalises it to E.164 (400 naming the field if it cannot). */
const PhoneInput = z.string().trim().min(1, 'must not be empty').max(64);
const Instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T14:00:00Z',
});
/** Free text Postgres can store (text columns refuse NUL characters). */
const FreeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const Text = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

export const CONSENT_KINDS = ['PEWC', 'PEC'] as const;
export const CONSENT_ELEMENT_IDS = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8'] as const;
export const REVOCATION_CHANNEL_VALUES = ['voice', 'dtmf', 'sms', 'email', 'web', 'verbal', 'other'] as const;
export const COMPLIANCE_PURPOSES = ['TELEMARKETING', 'INFORMATIONAL'] as const;
export const GATE_MODES = ['SCHEDULE', 'DIAL_NOW'] as const;
export const LINE_TYPE_VALUES = ['WIRELESS', 'RESIDENTIAL', 'VOIP', 'UNKNOWN'] as const;

export type ComplianceErrorCode =
  | 'CONSENT_NOT_FOUND'
  | 'CONSENT_ALREADY_DISPUTED'
  | 'DNC_ENTRY_NOT_FOUND'
  | 'INVALID_PHONE'
  | 'INVALID_CSV'
  | 'CALLER_ID_EXISTS'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'SERVICE_UNAVAILABLE';

// ---- consents ----------------------------------------------------------------------------------

export const CreateConsentBodySchema = z.strictObject({
  phone: PhoneInput,
  type: z.enum(CONSENT_KINDS),
  /** the disclosure exactly as the consumer saw it; its SHA-256 is computed by the API */
  disclosureText: FreeText(20_000),
  authorizesArtificialVoice: z.boolean(),
  notConditionOfPurchase: z.boolean(),
  capturedAt: Instant,
  pageUrl: z.url().max(2000).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: FreeText(1000).optional(),
  /** e.g. checkbox_submit, e_sign, voice_recording, keypress */
  signatureMethod: Text.max(100),
  /** true when the consumer performed an affirmative act (not a pre-checked box) */
  affirmativeAct: z.boolean(),
  /** true when the consent is stored in writing (E1) */
  written: z.boolean().default(true),
  sellers: z.array(Text.max(300)).min(1, 'name at least one seller').max(50),
  /** what the consumer agreed to, in words (e.g. "solar quotes by artificial-voice calls") */
  scope: FreeText(2000).optional(),
  certificateUrl: z.url().max(2000).optional(),
});
export type CreateConsentBody = z.infer<typeof CreateConsentBodySchema>;

export const ConsentElementResultSchema = z.object({
  element: z.enum(CONSENT_ELEMENT_IDS),
  ok: z.boolean(),
  subCode: z.string().optional(),
  detail: z.string(),
});
export type ConsentElementResult = z.infer<typeof ConsentElementResultSchema>;

export const ConsentDisputeSchema = z.object({
  id: z.string(),
  reason: z.string(),
  disputedBy: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
  disputedAt: z.string(),
});

export const ConsentSchema = z.object({
  id: z.string(),
  phone: z.string().describe('E.164; masked (+1212*****01) for callers without compliance:read'),
  type: z.enum(CONSENT_KINDS),
  disclosure: z.object({
    text: z.string(),
    sha256: z.string(),
    authorizesArtificialVoice: z.boolean(),
    notConditionOfPurchase: z.boolean(),
  }),
  capturedAt: z.string(),
  pageUrl: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  signature: z.object({ method: z.string(), affirmative: z.boolean() }),
  written: z.boolean(),
  sellers: z.array(z.string()),
  scope: z.string().nullable(),
  certificateUrl: z.string().nullable(),
  source: z.enum(['api', 'csv']),
  elements: z.array(ConsentElementResultSchema),
  valid: z.boolean().describe('every element E1–E8 holds (a PEWC fit for telemarketing)'),
  status: z.enum(['active', 'disputed']),
  dispute: ConsentDisputeSchema.nullable(),
  createdBy: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
  createdAt: z.string(),
});
export type Consent = z.infer<typeof ConsentSchema>;
export const ConsentPageSchema = pageSchema(ConsentSchema);

export const ConsentListQuerySchema = PageQuerySchema.extend({ phone: PhoneInput.optional() });
export type ConsentListQuery = z.infer<typeof ConsentListQuerySchema>;

export const DisputeConsentBodySchema = z.strictObject({ reason: Text.max(2000) });
export type DisputeConsentBody = z.infer<typeof DisputeConsentBodySchema>;

export const ImportConsentsBodySchema = z.strictObject({
  csv: z
    .string()
    .min(1, 'must not be empty')
    .max(5_000_000)
    .describe(
      'CSV with a header row: phone,type,disclosure_text,captured_at,sellers (";"-separated),signature_method,affirmative_act,authorizes_artificial_voice,not_condition_of_purchase[,page_url,ip,user_agent,scope,certificate_url,written]',
    ),
});
export type ImportConsentsBody = z.infer<typeof ImportConsentsBodySchema>;

export const ImportConsentsResultSchema = z.object({
  imported: z.number().int(),
  ids: z.array(z.string()),
  rejected: z.array(z.object({ line: z.number().int(), errors: z.array(z.string()) })),
});
export type ImportConsentsResult = z.infer<typeof ImportConsentsResultSchema>;

// ---- revocations and the internal DNC list -----------------------------------------------------

export const CreateRevocationBodySchema = z.strictObject({
  phone: PhoneInput,
  channel: z.enum(REVOCATION_CHANNEL_VALUES),
  /** the consumer's words, verbatim */
  words: FreeText(5000).default(''),
  receivedAt: Instant,
  callId: FreeText(200).optional(),
});
export type CreateRevocationBody = z.infer<typeof CreateRevocationBodySchema>;

export const RevocationSchema = z.object({
  id: z.string(),
  phone: z.string(),
  channel: z.enum(REVOCATION_CHANNEL_VALUES),
  words: z.string(),
  receivedAt: z.string(),
  honouredAt: z.string().describe('when the API stored it: from then on every evaluation sees it'),
  callId: z.string().nullable(),
  internalDncEntryId: z.string().nullable(),
  createdBy: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
});
export type Revocation = z.infer<typeof RevocationSchema>;
export const RevocationPageSchema = pageSchema(RevocationSchema);
export const RevocationListQuerySchema = PageQuerySchema.extend({ phone: PhoneInput.optional() });
export type RevocationListQuery = z.infer<typeof RevocationListQuerySchema>;

export const CreateInternalDncBodySchema = z.strictObject({
  phone: PhoneInput,
  requestedAt: Instant.optional(),
  reason: FreeText(2000).optional(),
});
export type CreateInternalDncBody = z.infer<typeof CreateInternalDncBodySchema>;

export const InternalDncEntrySchema = z.object({
  id: z.string(),
  phone: z.string(),
  requestedAt: z.string(),
  reason: z.string().nullable(),
  source: z.enum(['api', 'opt_out']),
  revocationId: z.string().nullable(),
  createdBy: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
  createdAt: z.string(),
  removedAt: z.string().nullable(),
  removedBy: z.object({ kind: z.string(), id: z.string(), label: z.string() }).nullable(),
  removalReason: z.string().nullable(),
});
export type InternalDncEntry = z.infer<typeof InternalDncEntrySchema>;
export const InternalDncPageSchema = pageSchema(InternalDncEntrySchema);
export const InternalDncListQuerySchema = PageQuerySchema.extend({
  phone: PhoneInput.optional(),
  includeRemoved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type InternalDncListQuery = z.infer<typeof InternalDncListQuerySchema>;
export const DeleteInternalDncQuerySchema = z.strictObject({
  phone: PhoneInput,
  reason: Text.max(2000),
});
export type DeleteInternalDncQuery = z.infer<typeof DeleteInternalDncQuerySchema>;
export const DeleteInternalDncResultSchema = z.object({ removed: z.number().int() });

// ---- emergencies and caller ids -----------------------------------------------------------------

export const CreateEmergencyBodySchema = z.strictObject({
  state: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter state code such as LA')
    .transform((s) => s.toUpperCase()),
  from: Instant,
  to: Instant.optional(),
  note: FreeText(2000).optional(),
});
export type CreateEmergencyBody = z.infer<typeof CreateEmergencyBodySchema>;
export const EmergencySchema = z.object({
  id: z.string(),
  state: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type Emergency = z.infer<typeof EmergencySchema>;
export const EmergencyPageSchema = pageSchema(EmergencySchema);

export const CreateCallerIdBodySchema = z.strictObject({
  phone: PhoneInput,
  verifiedOwned: z.boolean(),
  label: FreeText(200).optional(),
});
export type CreateCallerIdBody = z.infer<typeof CreateCallerIdBodySchema>;
export const CallerIdSchema = z.object({
  id: z.string(),
  phone: z.string(),
  verifiedOwned: z.boolean(),
  label: z.string().nullable(),
  createdAt: z.string(),
});
export type CallerId = z.infer<typeof CallerIdSchema>;
export const CallerIdPageSchema = pageSchema(CallerIdSchema);

// ---- the gate and the decision log -------------------------------------------------------------

export const ComplianceCheckBodySchema = z.strictObject({
  phone: PhoneInput.describe('any format; an unreadable number is not a 400 here: it blocks with INVALID_NUMBER'),
  purpose: z.enum(COMPLIANCE_PURPOSES),
  subject: FreeText(200).optional(),
  callerId: PhoneInput,
  mode: z.enum(GATE_MODES).default('DIAL_NOW'),
  at: Instant.optional(),
  address: z.strictObject({ state: z.string().trim().min(2).max(4), zip: z.string().max(10).optional() }).optional(),
  lineType: z.enum(LINE_TYPE_VALUES).optional(),
  campaignId: FreeText(200).optional(),
  callId: FreeText(200).optional(),
});
export type ComplianceCheckBody = z.infer<typeof ComplianceCheckBodySchema>;

export const ComplianceReasonSchema = z.looseObject({
  check: z.string(),
  code: z.string(),
  subCode: z.string().optional(),
  detail: z.string(),
});

export const ComplianceDecisionRecordSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  phone: z.string().nullable(),
  purpose: z.string(),
  mode: z.string(),
  dryRun: z.boolean(),
  outcome: z.string(),
  nextAllowedAt: z.string().nullable(),
  reasons: z.array(ComplianceReasonSchema),
  zones: z.array(z.string()),
  states: z.array(z.string()),
  ruleSetVersion: z.string(),
  dncSnapshotIds: z.record(z.string(), z.string()),
  callId: z.string().nullable(),
  campaignId: z.string().nullable(),
  input: z.unknown().describe('the evaluator input exactly as evaluated (numbers masked without compliance:read)'),
  hash: z.string(),
  createdAt: z.string(),
});
export type ComplianceDecisionRecord = z.infer<typeof ComplianceDecisionRecordSchema>;
export const ComplianceDecisionPageSchema = pageSchema(ComplianceDecisionRecordSchema);

export const DecisionListQuerySchema = PageQuerySchema.extend({
  phone: PhoneInput.optional(),
  outcome: z
    .string()
    .regex(/^(ALLOWED|DEFERRED|BLOCKED_[A-Z_]+)$/, 'must be ALLOWED, DEFERRED or a BLOCKED_… outcome')
    .optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type DecisionListQuery = z.infer<typeof DecisionListQuerySchema>;

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.string().optional(),
  reason: z.string().optional(),
});
export type AuditVerify = z.infer<typeof AuditVerifySchema>;

// ---- the seller --------------------------------------------------------------------------------

/** The organisation as the seller consents must name (matched by legal name, case-insensitive). */
export const SellerProfileSchema = z.object({
  legalName: z.string().describe("the seller's legal name; the organisation's name until an admin sets it"),
});
export type SellerProfile = z.infer<typeof SellerProfileSchema>;
export const PutSellerProfileBodySchema = z.strictObject({ legalName: Text.max(300) });
export type PutSellerProfileBody = z.infer<typeof PutSellerProfileBodySchema>;

// ---- facts the gate reads: existing business relationships, Reassigned Numbers Database answers ----

/** An existing business relationship (EBR) with the callee: exempts from the DNC lists (C08/C09) and the Oregon cap. */
export const RecordBusinessRelationshipBodySchema = z
  .strictObject({
    phone: PhoneInput,
    /** the last purchase or transaction (EBR for 18 months) */
    lastTransactionAt: Instant.optional(),
    /** the last inquiry or application (EBR for 3 months) */
    lastInquiryAt: Instant.optional(),
  })
  .refine((body) => body.lastTransactionAt !== undefined || body.lastInquiryAt !== undefined, {
    message: 'give lastTransactionAt or lastInquiryAt',
    path: ['lastTransactionAt'],
  });
export type RecordBusinessRelationshipBody = z.infer<typeof RecordBusinessRelationshipBodySchema>;

/** An answer of the FCC Reassigned Numbers Database for a number (C11: YES blocks). */
export const RecordReassignedCheckBodySchema = z.strictObject({
  phone: PhoneInput,
  queriedAt: Instant,
  result: z.enum(['YES', 'NO', 'NO_DATA']),
});
export type RecordReassignedCheckBody = z.infer<typeof RecordReassignedCheckBodySchema>;

export const RecordedFactSchema = z.object({ phone: z.string(), recordedAt: z.string() });
export type RecordedFact = z.infer<typeof RecordedFactSchema>;
