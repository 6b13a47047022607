// Request/response schemas of the compliance reviewer's read side: dossier, search, export, reports.
import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';
import {
  ComplianceDecisionRecordSchema,
  ConsentSchema,
  InternalDncEntrySchema,
  REVOCATION_CHANNEL_VALUES,
  RevocationSchema,
} from './compliance.js';

const PhoneInput = z.string().trim().min(1, 'must not be empty').max(64);
const Instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T14:00:00Z',
});

export type ComplianceReviewErrorCode = 'INVALID_PHONE' | 'BAD_REQUEST' | 'FORBIDDEN' | 'CAMPAIGN_NOT_FOUND';

export const PhoneParamsSchema = z.strictObject({
  phone: PhoneInput.describe('the number in any format (URL-encode "+" as %2B)'),
});
export type PhoneParams = z.infer<typeof PhoneParamsSchema>;

// ---- the dossier --------------------------------------------------------------------------------

export const DncListStatusViewSchema = z.object({
  list: z.string().describe('"national" or a state code'),
  snapshotId: z.string().nullable(),
  obtainedAt: z.string().nullable(),
  listed: z.boolean().nullable().describe('null when no snapshot is loaded (the gate treats that as stale)'),
  ageHours: z.number().nullable(),
  fresh: z.boolean().describe('a snapshot obtained ≤ 31 × 24 h ago'),
});
export type DncListStatusView = z.infer<typeof DncListStatusViewSchema>;

export const CallAttemptViewSchema = z.object({
  id: z.string(),
  attemptedAt: z.string(),
  subject: z.string().nullable(),
  callId: z.string().nullable(),
  callerId: z.string().nullable(),
});
export type CallAttemptView = z.infer<typeof CallAttemptViewSchema>;

export const TIMELINE_EVENT_TYPES = [
  'consent.captured',
  'consent.disputed',
  'revocation.received',
  'revocation.honoured',
  'dnc.internal.added',
  'dnc.internal.removed',
  'decision',
  'call.attempt',
] as const;

export const TimelineEventSchema = z.object({
  at: z.string(),
  type: z.enum(TIMELINE_EVENT_TYPES),
  /** the id of the consent, revocation, DNC entry, decision or attempt */
  id: z.string(),
  summary: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const DossierSchema = z.object({
  phone: z.string().describe('E.164'),
  generatedAt: z.string(),
  consents: z.array(ConsentSchema),
  revocations: z.array(RevocationSchema),
  internalDnc: z.array(InternalDncEntrySchema),
  registries: z.object({
    national: DncListStatusViewSchema,
    states: z.array(DncListStatusViewSchema).describe('every state that keeps its own DNC list'),
  }),
  decisions: z.array(ComplianceDecisionRecordSchema),
  attempts: z.array(CallAttemptViewSchema),
  timeline: z.array(TimelineEventSchema).describe('every event above, oldest first'),
});
export type Dossier = z.infer<typeof DossierSchema>;

// ---- search -------------------------------------------------------------------------------------

export const ComplianceSearchQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .min(2, 'must be at least 2 characters')
    .max(200)
    .optional()
    .describe('text in consent evidence (disclosure, scope, page URL, sellers, certificate URL), or a number'),
  consentId: z.uuid({ message: 'must be a UUID' }).optional(),
  campaignId: z.string().trim().min(1).max(200).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
}).refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
  path: ['to'],
  message: 'must be after from',
});
export type ComplianceSearchQuery = z.infer<typeof ComplianceSearchQuerySchema>;

export const ComplianceSearchHitSchema = z.object({
  phone: z.string(),
  counts: z.object({
    consents: z.number().int(),
    revocations: z.number().int(),
    internalDnc: z.number().int(),
    decisions: z.number().int(),
    attempts: z.number().int(),
  }),
  firstAt: z.string(),
  lastAt: z.string(),
});
export type ComplianceSearchHit = z.infer<typeof ComplianceSearchHitSchema>;
export const ComplianceSearchPageSchema = pageSchema(ComplianceSearchHitSchema);

// ---- export -------------------------------------------------------------------------------------

export const DOSSIER_EXPORT_FORMATS = ['json', 'csv', 'html'] as const;
export const DossierExportQuerySchema = z.strictObject({
  format: z
    .enum(DOSSIER_EXPORT_FORMATS)
    .default('json')
    .describe('json: parts + manifest; csv: the timeline + manifest; html: the printable evidence packet'),
});
export type DossierExportQuery = z.infer<typeof DossierExportQuerySchema>;

export const ManifestFileSchema = z.object({ name: z.string(), sha256: z.string(), bytes: z.number().int() });
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

export const DossierExportSchema = z.object({
  manifest: z.object({
    phone: z.string(),
    generatedAt: z.string(),
    algorithm: z.literal('sha256'),
    files: z
      .array(ManifestFileSchema)
      .describe('one per part: SHA-256 and byte length of the UTF-8 of `JSON.stringify(parts[name])`'),
  }),
  parts: z.record(z.string(), z.unknown()),
});
export type DossierExport = z.infer<typeof DossierExportSchema>;

// ---- reports ------------------------------------------------------------------------------------

export const REPORT_PERIODS = ['day', 'week', 'month'] as const;

export const RevocationReportQuerySchema = z
  .strictObject({
    period: z.enum(REPORT_PERIODS).default('month'),
    from: Instant.optional(),
    to: Instant.optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
    path: ['to'],
    message: 'must be after from',
  });
export type RevocationReportQuery = z.infer<typeof RevocationReportQuerySchema>;

export const HonouredStatsSchema = z.object({
  count: z.number().int(),
  p50Seconds: z.number().nullable(),
  p95Seconds: z.number().nullable(),
  maxSeconds: z.number().nullable(),
  overZeroSeconds: z.number().int().describe('revocations honoured later than received'),
  byChannel: z.record(z.enum(REVOCATION_CHANNEL_VALUES), z.number().int()),
});
export const RevocationReportSchema = z.object({
  period: z.enum(REPORT_PERIODS),
  from: z.string().nullable(),
  to: z.string().nullable(),
  overall: HonouredStatsSchema,
  periods: z.array(HonouredStatsSchema.extend({ periodStart: z.string() })),
});
export type RevocationReport = z.infer<typeof RevocationReportSchema>;

export const OutsideWindowQuerySchema = PageQuerySchema.extend({
  from: Instant.optional(),
  to: Instant.optional(),
});
export type OutsideWindowQuery = z.infer<typeof OutsideWindowQuerySchema>;

export const OutsideWindowReportSchema = z.object({
  checked: z.number().int().describe('DIAL_NOW decisions that were ALLOWED in the range'),
  count: z.number().int().describe('of those, the ones whose reasons include OUTSIDE_HOURS: must be 0'),
  ok: z.boolean(),
  items: z.array(ComplianceDecisionRecordSchema),
  nextCursor: z.string().nullable(),
});
export type OutsideWindowReport = z.infer<typeof OutsideWindowReportSchema>;

export const DncFreshnessReportSchema = z.object({
  at: z.string(),
  maxAgeHours: z.number(),
  allFresh: z.boolean(),
  lists: z.array(
    z.object({
      list: z.string(),
      snapshotId: z.string().nullable(),
      obtainedAt: z.string().nullable(),
      ageHours: z.number().nullable(),
      fresh: z.boolean(),
      numbers: z.number().int().nullable(),
    }),
  ),
});
export type DncFreshnessReport = z.infer<typeof DncFreshnessReportSchema>;

export const ConsentCoverageBodySchema = z.strictObject({
  phones: z.array(PhoneInput).min(1, 'give at least one number').max(10_000),
});
export type ConsentCoverageBody = z.infer<typeof ConsentCoverageBodySchema>;

/** `GET …/consent-coverage?campaignId=`: the numbers of a campaign's contacts, however many. */
export const ConsentCoverageQuerySchema = z.object({
  campaignId: z.uuid({ message: 'must be a UUID' }),
});
export type ConsentCoverageQuery = z.infer<typeof ConsentCoverageQuerySchema>;

export const CONSENT_COVERAGE_GAPS = ['NO_CONSENT', 'REVOKED', 'DISPUTED', 'INVALID'] as const;
export const ConsentCoverageReportSchema = z.object({
  at: z.string(),
  total: z.number().int().describe('distinct numbers given'),
  covered: z.number().int(),
  share: z.number().describe('covered / total, 0–1'),
  uncovered: z.array(z.object({ phone: z.string(), gap: z.enum(CONSENT_COVERAGE_GAPS) })),
});
export type ConsentCoverageReport = z.infer<typeof ConsentCoverageReportSchema>;
