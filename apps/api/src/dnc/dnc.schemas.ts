import { PageQuerySchema, pageSchema } from '@switchboard/contracts';
import { z } from 'zod';

// Request/response schemas of the DNC registry routes. They belong with the other DNC schemas in
// libs/contracts/src/compliance.ts, which another engineer owns in this change: move them there.

const STATES = ['CO', 'FL', 'IN', 'LA', 'MA', 'MO', 'MS', 'OK', 'PA', 'TN', 'TX', 'WY'] as const;

export const DncImportQuerySchema = z.strictObject({
  mode: z.enum(['full', 'additions', 'deletions']).default('full'),
  obtainedAt: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time (when the registry was downloaded)',
  }),
});
export type DncImportQuery = z.infer<typeof DncImportQuerySchema>;

export const DncStateParamsSchema = z.strictObject({
  state: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.enum(STATES, { error: `must be one of ${STATES.join(', ')} (the states with a DNC list)` })),
});
export type DncStateParams = z.infer<typeof DncStateParamsSchema>;

export const DncImportParamsSchema = z.strictObject({ jobId: z.string().min(1).max(100) });

export const DncImportAcceptedSchema = z.object({ jobId: z.string(), snapshotId: z.uuid() });
export type DncImportAccepted = z.infer<typeof DncImportAcceptedSchema>;

export const DncMalformedLineSchema = z.object({ line: z.number().int(), text: z.string() });

export const DncImportStatusSchema = z.object({
  jobId: z.string(),
  snapshotId: z.uuid(),
  list: z.string().describe('"national" or a state code'),
  mode: z.enum(['full', 'additions', 'deletions']),
  status: z.enum(['importing', 'ready', 'failed']),
  jobState: z.string().describe('the BullMQ job state (waiting, active, completed, failed, unknown)'),
  obtainedAt: z.iso.datetime({ offset: true }),
  progress: z.object({
    linesRead: z.number().int(),
    numbersChanged: z.number().int().describe('bits set (full, additions) or cleared (deletions)'),
    malformed: z.number().int(),
  }),
  malformedLines: z.array(DncMalformedLineSchema).describe('the first 100 malformed lines with their line numbers'),
  numbers: z.number().int().describe('numbers listed in the whole snapshot once ready'),
  areaCodes: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type DncImportStatus = z.infer<typeof DncImportStatusSchema>;

export const DncFreshnessSchema = z.object({
  snapshotId: z.uuid(),
  list: z.string(),
  obtainedAt: z.iso.datetime({ offset: true }),
  count: z.number().int(),
  areaCodes: z.number().int(),
  ageDays: z.number().describe('days since obtainedAt, to 0.01'),
  fresh: z.boolean().describe('ageDays <= 31 (a call needs data obtained at most 31 days before it)'),
});
export type DncFreshness = z.infer<typeof DncFreshnessSchema>;

export const DncSnapshotListQuerySchema = PageQuerySchema.extend({
  list: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.enum(['NATIONAL', ...STATES], { error: `must be national or one of ${STATES.join(', ')}` }))
    .optional(),
  status: z.enum(['importing', 'ready', 'failed']).optional(),
});
export type DncSnapshotListQuery = z.infer<typeof DncSnapshotListQuerySchema>;

export const DncSnapshotSummarySchema = z.object({
  id: z.uuid(),
  list: z.string().describe('"national" or a state code'),
  mode: z.enum(['full', 'additions', 'deletions']),
  status: z.enum(['importing', 'ready', 'failed']),
  baseSnapshotId: z.uuid().nullable(),
  jobId: z.string(),
  obtainedAt: z.iso.datetime({ offset: true }),
  numbers: z.number().int(),
  areaCodes: z.number().int(),
  linesRead: z.number().int(),
  malformed: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type DncSnapshotSummary = z.infer<typeof DncSnapshotSummarySchema>;
export const DncSnapshotPageSchema = pageSchema(DncSnapshotSummarySchema);
