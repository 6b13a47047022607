// Request/response schemas of the calls routes (`/v1/calls`) and the worker's `/internal/calls` routes.
import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';
import { COMPLIANCE_PURPOSES, ComplianceReasonSchema, REVOCATION_CHANNEL_VALUES } from './compliance.js';

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
const PhoneInput = z.string().trim().min(1, 'must not be empty').max(64);

export const CALL_STATUSES = [
  'pending',
  'blocked',
  'scheduled',
  'queued',
  'dialing',
  'in_progress',
  'completed',
  'failed',
  'no_answer',
  'busy',
  'voicemail',
  'cancelled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** How a finished call ended, as the worker reports it; the call's final status follows from it. */
export const CALL_DISPOSITIONS = [
  'completed',
  'opted_out',
  'transferred',
  'voicemail',
  'no_answer',
  'busy',
  'failed',
] as const;
export type CallDisposition = (typeof CALL_DISPOSITIONS)[number];

export type CallErrorCode =
  | 'CALL_NOT_FOUND'
  | 'CALL_INVALID_PHONE'
  | 'CALL_INVALID_VARIABLES'
  | 'CALL_FLOW_NOT_FOUND'
  | 'CALL_FLOW_VERSION_NOT_FOUND'
  | 'CALL_FLOW_NOT_PUBLISHED'
  | 'CALL_FLOW_FAILS_COMPLIANCE'
  | 'CALL_SCHEDULE_IN_PAST'
  | 'CALL_IDEMPOTENCY_CONFLICT'
  | 'CALL_IDEMPOTENCY_KEY_INVALID'
  | 'CALL_NOT_CANCELLABLE'
  | 'CALL_ALREADY_CLAIMED'
  | 'CALL_CANCELLED'
  | 'CALL_BLOCKED'
  | 'CALL_NOT_CLAIMED'
  | 'CALL_ALREADY_FINISHED'
  | 'CALL_LEASE_LOST'
  | 'CALL_PACED'
  | 'CALL_CAMPAIGN_NOT_RUNNING'
  | 'BAD_REQUEST';

/** One turn of a simulated callee (libs/flow's CalleeTurn): words, silence, keypad digits or a hang-up. */
export const SimulatedCalleeTurnSchema = z.union([
  z.string().max(2000),
  z.strictObject({ text: z.string().max(2000) }),
  z.strictObject({ silence: z.literal(true) }),
  z.strictObject({ dtmf: z.string().regex(/^[0-9*#]+$/, 'must be keypad digits (0-9, *, #)') }),
  z.strictObject({ hangup: z.literal(true) }),
]);

/** How the simulated callee behaves when the worker has no telephony (ignored by real telephony). */
export const SIMULATED_ANSWERS = ['human', 'voicemail', 'no_answer', 'busy', 'failed'] as const;
export type SimulatedAnswer = (typeof SIMULATED_ANSWERS)[number];

export const CallSimulationSchema = z.strictObject({
  /**
   * Who picks up: one answer for every attempt, or one per attempt (the last one repeats), so a
   * campaign contact can miss the first call and answer the retry: `["no_answer", "human"]`.
   */
  answeredBy: z.union([z.enum(SIMULATED_ANSWERS), z.array(z.enum(SIMULATED_ANSWERS)).min(1).max(10)]).optional(),
  callee: z.array(SimulatedCalleeTurnSchema).max(200).optional(),
});
export type CallSimulation = z.infer<typeof CallSimulationSchema>;

/** The simulated answer of attempt `attempt` (1-based): per-attempt lists repeat their last entry. */
export function simulatedAnswer(simulation: CallSimulation | null | undefined, attempt: number): SimulatedAnswer {
  const answeredBy = simulation?.answeredBy;
  if (answeredBy === undefined) return 'human';
  if (typeof answeredBy === 'string') return answeredBy;
  return answeredBy[Math.min(Math.max(attempt, 1), answeredBy.length) - 1] ?? 'human';
}

export const CreateCallBodySchema = z.strictObject({
  to: PhoneInput,
  flowId: z.uuid({ message: 'must be a UUID' }),
  /** a published version; the latest published one when omitted */
  version: z.number().int().positive().optional(),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** the flow's purpose when omitted */
  purpose: z.enum(COMPLIANCE_PURPOSES).optional(),
  subject: Text(200).optional(),
  callerId: PhoneInput,
  scheduleAt: Instant.optional(),
  /** a script for the simulated callee (workers without telephony); ignored by real telephony */
  simulation: CallSimulationSchema.optional(),
});
export type CreateCallBody = z.infer<typeof CreateCallBodySchema>;

export const CallDecisionSchema = z.object({
  outcome: z.string(),
  nextAllowedAt: z.string().optional(),
  reasons: z.array(ComplianceReasonSchema),
  ruleSetVersion: z.string(),
});

export const CallCreatedSchema = z.object({
  id: z.uuid(),
  status: z.enum(CALL_STATUSES),
  decision: CallDecisionSchema,
  /** when the job runs (scheduled or delayed calls); null when blocked */
  runAt: z.string().nullable(),
});
export type CallCreated = z.infer<typeof CallCreatedSchema>;

export const CallSchema = z.object({
  id: z.uuid(),
  status: z.enum(CALL_STATUSES),
  /** masked for callers without compliance:read */
  to: z.string(),
  callerId: z.string(),
  flowId: z.uuid(),
  flowVersion: z.number().int(),
  purpose: z.enum(COMPLIANCE_PURPOSES),
  subject: z.string().nullable(),
  variables: z.record(z.string(), z.unknown()),
  attempt: z.number().int(),
  /** ids of the call's decisions in the compliance decision log, oldest first */
  decisionIds: z.array(z.string()),
  lastDecision: CallDecisionSchema.nullable(),
  scheduledFor: z.string().nullable(),
  disposition: z.string().nullable(),
  path: z.array(z.string()),
  transcript: z.array(z.unknown()),
  events: z.array(z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  /** why the call failed without a disposition from the worker (lease lost, dead-lettered job) */
  failureReason: z.string().nullable().optional(),
  /** the campaign and contact of a campaign call's attempt; null for single calls */
  campaignId: z.string().nullable(),
  contactId: z.string().nullable(),
});
export type Call = z.infer<typeof CallSchema>;
export const CallPageSchema = pageSchema(CallSchema);

export const CallListQuerySchema = PageQuerySchema.extend({
  status: z.enum(CALL_STATUSES).optional(),
  /** only the calls (attempts) of this campaign */
  campaignId: z.uuid({ message: 'must be a UUID' }).optional(),
  /** only the calls (attempts) of this campaign contact, retries and re-planned ones included */
  contactId: z.uuid({ message: 'must be a UUID' }).optional(),
});
export type CallListQuery = z.infer<typeof CallListQuerySchema>;

export const CallParamsSchema = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

// ---- internal (worker) -----------------------------------------------------------------------

export const ClaimCallBodySchema = z.strictObject({
  /** the job's attempt; the claim is refused when it is not the call's current attempt */
  attempt: z.number().int().positive(),
  /** who claims: the worker's name, for the lease */
  workerId: Text(200),
  /** the longest lease wanted: the API grants the shorter of this and its CALL_LEASE_SECONDS */
  leaseSeconds: z.number().int().min(10).max(3600).default(3600),
});
export type ClaimCallBody = z.infer<typeof ClaimCallBodySchema>;

export const CallClaimSchema = z.object({
  id: z.uuid(),
  attempt: z.number().int(),
  to: z.string(),
  callerId: z.string(),
  leaseUntil: z.string(),
  /** the lease granted, in seconds: renew it (POST …/lease) well before it runs out */
  leaseSeconds: z.number().int().positive().optional(),
  flowVersion: z.number().int(),
  /** the pinned flow version's document */
  flow: z.record(z.string(), z.unknown()),
  variables: z.record(z.string(), z.unknown()),
  decision: CallDecisionSchema,
  /** the call's simulation script, when it was placed with one */
  simulation: CallSimulationSchema.nullable().optional(),
});
export type CallClaim = z.infer<typeof CallClaimSchema>;

export const CallEventInputSchema = z
  .object({ seq: z.number().int().min(0), type: Text(100), at: Instant })
  .catchall(z.unknown());
export const CallEventsBodySchema = z.strictObject({
  events: z.array(CallEventInputSchema).min(1).max(500),
});
export type CallEventsBody = z.infer<typeof CallEventsBodySchema>;
export const CallEventsAckSchema = z.object({ accepted: z.number().int(), lastSeq: z.number().int() });

export const CallOptOutBodySchema = z.strictObject({
  channel: z.enum(REVOCATION_CHANNEL_VALUES).default('voice'),
  words: z.string().max(2000).default(''),
  receivedAt: Instant.optional(),
});
export type CallOptOutBody = z.infer<typeof CallOptOutBodySchema>;
export const CallOptOutResultSchema = z.object({ revocationId: z.string(), internalDncEntryId: z.string() });

export const CompleteCallBodySchema = z.strictObject({
  /** the flow's own disposition (`confirmed`, `declined`, `opted_out`, …), shown on the call */
  disposition: z
    .string()
    .regex(/^[a-z_]+$/, 'must match [a-z_]+')
    .max(100),
  /** how the call ended, which sets its status; defaults to `disposition` when that is one of these, else `completed` */
  outcome: z.enum(CALL_DISPOSITIONS).optional(),
  path: z.array(z.string().max(200)).max(10_000).default([]),
  transcript: z.array(z.unknown()).max(10_000).default([]),
  variables: z.record(z.string(), z.unknown()).default({}),
});
export type CompleteCallBody = z.infer<typeof CompleteCallBodySchema>;

/** `POST /internal/calls/:id/lease`: the holder of an attempt extends its lease. */
export const RenewCallLeaseBodySchema = z.strictObject({
  attempt: z.number().int().positive(),
  /** the workerId of the claim: only the lease holder may renew */
  workerId: Text(200),
});
export type RenewCallLeaseBody = z.infer<typeof RenewCallLeaseBodySchema>;
export const CallLeaseSchema = z.object({ leaseUntil: z.string(), leaseSeconds: z.number().int().positive() });
export type CallLease = z.infer<typeof CallLeaseSchema>;

// ---- queues ----------------------------------------------------------------------------------

/** The queue of call attempts (job id `call:<callId>:<attempt>`, payload `{callId, attempt}`). */
export const CALLS_QUEUE_NAME = 'calls';
/** Call jobs that failed for good, with the reason; the API records each one on its call. */
export const CALLS_DEAD_LETTER_QUEUE_NAME = 'calls-dead-letter';

/** The job id of a dead letter: one per attempt, so a repeated report adds nothing. */
export const deadLetterJobId = (callId: string, attempt: number): string => `dead:${callId}:${attempt}`;

/**
 * BullMQ options of a dead letter, the same for every producer (worker or reconciler): recording it
 * needs Postgres, so it is retried for about an hour; kept afterwards for the queue dashboard.
 */
export const DEAD_LETTER_JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 10_000 },
  removeOnFail: { count: 10_000 },
} as const;

export const CallDeadLetterJobSchema = z.object({
  callId: z.uuid(),
  attempt: z.number().int().positive(),
  /** the failed `calls` job */
  jobId: z.string(),
  /** the job's last error (BullMQ's failedReason) */
  reason: z.string().max(2000),
  attemptsMade: z.number().int().min(0),
  failedAt: Instant,
  /** who noticed: the worker that failed the job, or the API's reconciler */
  source: z.enum(['worker', 'reconciler']),
  workerId: z.string().optional(),
});
export type CallDeadLetterJob = z.infer<typeof CallDeadLetterJobSchema>;
