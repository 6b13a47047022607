// Request/response schemas of the campaign routes (`/v1/campaigns`).
import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';
import { CallSimulationSchema } from './calls.js';
import { COMPLIANCE_PURPOSES } from './compliance.js';

const Instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T14:00:00Z',
});
const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (00:00–23:59)');

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CONTACT_STATES = [
  'pending',
  'scheduled',
  'queued',
  'in_progress',
  'completed',
  'failed',
  'blocked',
  'expired',
  'cancelled',
] as const;
export type ContactState = (typeof CONTACT_STATES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The call outcomes a campaign may retry. */
export const RETRYABLE_OUTCOMES = ['no_answer', 'busy', 'voicemail', 'failed'] as const;

export type CampaignErrorCode =
  | 'CAMPAIGN_NOT_FOUND'
  | 'CAMPAIGN_FLOW_NOT_FOUND'
  | 'CAMPAIGN_FLOW_NOT_PUBLISHED'
  | 'CAMPAIGN_FLOW_VERSION_NOT_FOUND'
  | 'CAMPAIGN_FLOW_FAILS_COMPLIANCE'
  | 'CAMPAIGN_INVALID'
  | 'CAMPAIGN_INVALID_PHONE'
  | 'CAMPAIGN_INVALID_VARIABLES'
  | 'CAMPAIGN_NO_CONTACTS'
  | 'CAMPAIGN_WRONG_STATUS'
  | 'CAMPAIGN_CSV_INVALID'
  | 'CAMPAIGN_TOO_MANY_CONTACTS'
  | 'BAD_REQUEST';

/** The operator's calling window, in the callee's local time; it narrows the legal window, never widens it. */
export const CampaignWindowSchema = z.strictObject({
  /** every day when omitted */
  days: z.array(z.enum(WEEKDAYS)).min(1, 'name at least one day').max(7).optional(),
  start: ClockTime,
  end: ClockTime,
});
export type CampaignWindow = z.infer<typeof CampaignWindowSchema>;

export const CampaignPacingSchema = z.strictObject({
  /** calls of the campaign being dialled or talked to at once */
  maxConcurrent: z.number().int().min(1).max(10_000),
  /** dials planned per minute */
  perMinute: z.number().int().min(1).max(60_000),
});

export const CampaignRetrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(1),
  minGapMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(60),
  on: z.array(z.enum(RETRYABLE_OUTCOMES)).max(RETRYABLE_OUTCOMES.length).default(['no_answer', 'busy']),
});

export const CreateCampaignBodySchema = z.strictObject({
  name: Text(200),
  flowId: z.uuid({ message: 'must be a UUID' }),
  /** a published version; the latest published one when omitted */
  version: z.number().int().positive().optional(),
  /** the flow's purpose when omitted */
  purpose: z.enum(COMPLIANCE_PURPOSES).optional(),
  subject: Text(200).optional(),
  callerId: z.string().trim().min(1, 'must not be empty').max(64),
  window: CampaignWindowSchema.optional(),
  pacing: CampaignPacingSchema,
  retry: CampaignRetrySchema.optional(),
  startAt: Instant.optional(),
  endAt: Instant.optional(),
  /** defaults of every contact's variables (a contact's own values win) */
  variables: z.record(z.string(), z.unknown()).default({}),
});
export type CreateCampaignBody = z.infer<typeof CreateCampaignBodySchema>;

export const CampaignCountersSchema = z.object({
  contacts: z.number().int(),
  pending: z.number().int(),
  scheduled: z.number().int(),
  queued: z.number().int(),
  inProgress: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  blocked: z.number().int(),
  cancelled: z.number().int(),
  expired: z.number().int(),
  /** final contacts by their last call's disposition */
  byDisposition: z.record(z.string(), z.number().int()),
  /** blocked contacts by the gate's reason codes (a contact may count under several) */
  blockedByReason: z.record(z.string(), z.number().int()),
});
export type CampaignCounters = z.infer<typeof CampaignCountersSchema>;

export const CampaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  flowId: z.uuid(),
  flowVersion: z.number().int(),
  purpose: z.enum(COMPLIANCE_PURPOSES),
  subject: z.string().nullable(),
  callerId: z.string(),
  window: z.object({ days: z.array(z.enum(WEEKDAYS)), start: z.string(), end: z.string() }).nullable(),
  pacing: z.object({ maxConcurrent: z.number().int(), perMinute: z.number().int() }),
  retry: z.object({
    maxAttempts: z.number().int(),
    minGapMinutes: z.number().int(),
    on: z.array(z.enum(RETRYABLE_OUTCOMES)),
  }),
  startAt: z.string().nullable(),
  endAt: z.string().nullable(),
  variables: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignDetailSchema = CampaignSchema.extend({ counters: CampaignCountersSchema });
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;

/** A page of campaigns, each with its live counters. */
export const CampaignPageSchema = pageSchema(CampaignDetailSchema);
export const CampaignListQuerySchema = PageQuerySchema.extend({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});
export type CampaignListQuery = z.infer<typeof CampaignListQuerySchema>;

export const CampaignParamsSchema = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

// ---- contacts ------------------------------------------------------------------------------

/** The most contacts one upload may carry. */
export const MAX_CONTACTS_PER_UPLOAD = 100_000;

export const CampaignContactInputSchema = z.strictObject({
  phone: z.string().trim().min(1, 'must not be empty').max(64),
  variables: z.record(z.string(), z.unknown()).optional(),
  externalId: Text(200).optional(),
  /** a script for the simulated callee, played on every attempt (workers without telephony) */
  simulation: CallSimulationSchema.optional(),
});
export type CampaignContactInput = z.infer<typeof CampaignContactInputSchema>;

/** `POST /v1/campaigns/:id/contacts` with a JSON body (a CSV body takes its mapping in the query). */
export const AddContactsBodySchema = z.strictObject({
  contacts: z.array(CampaignContactInputSchema).min(1, 'give at least one contact').max(MAX_CONTACTS_PER_UPLOAD),
});
export type AddContactsBody = z.infer<typeof AddContactsBodySchema>;

/**
 * The CSV column mapping: `phone=<column>`, `externalId=<column>`, `var.<name>=<column>`. Without
 * it the `phone` column is the number and every column named like a flow input variable is that variable.
 */
export const AddContactsQuerySchema = z
  .object({
    phone: z.string().min(1).max(200).optional(),
    externalId: z.string().min(1).max(200).optional(),
    /** a column with the simulated callee's script: JSON, or answers per attempt like `no_answer|human` */
    simulation: z.string().min(1).max(200).optional(),
  })
  .catchall(z.string().max(200));
export type AddContactsQuery = z.infer<typeof AddContactsQuerySchema>;

export const ContactRejectionSchema = z.object({
  /** 1-based: the CSV's data row (the header is row 0) or the JSON array index + 1 */
  row: z.number().int(),
  field: z.string(),
  message: z.string(),
});

export const AddContactsResultSchema = z.object({
  received: z.number().int(),
  added: z.number().int(),
  /** duplicates of a number already in the campaign or earlier in the upload (the first one is kept) */
  merged: z.number().int(),
  rejected: z.array(ContactRejectionSchema),
});
export type AddContactsResult = z.infer<typeof AddContactsResultSchema>;

export const CampaignContactSchema = z.object({
  id: z.uuid(),
  /** masked for callers without compliance:read */
  phone: z.string(),
  externalId: z.string().nullable(),
  state: z.enum(CONTACT_STATES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastCallId: z.string().nullable(),
  lastStatus: z.string().nullable(),
  lastDisposition: z.string().nullable(),
  /** the gate's reason codes of a blocked contact, or why it expired */
  reasons: z.array(z.string()),
});
export type CampaignContact = z.infer<typeof CampaignContactSchema>;
export const CampaignContactPageSchema = pageSchema(CampaignContactSchema);

export const CampaignContactListQuerySchema = PageQuerySchema.extend({
  state: z.enum(CONTACT_STATES).optional(),
});
export type CampaignContactListQuery = z.infer<typeof CampaignContactListQuerySchema>;
