import { z } from 'zod';
import { ActorSchema } from './auth.js';
import { PageQuerySchema, pageSchema } from './common.js';

/**
 * Request/response schemas of the flows routes (API.md "flows"). The flow document itself is
 * `switchboard.flow/v1` (FLOW-LANGUAGE.md), owned by `@switchboard/flow`: here it is any JSON
 * object, because a draft may be incomplete — the API validates it with `validateFlow` and answers
 * with diagnostics instead of refusing it.
 */

export const FLOW_SCHEMA_NAME = 'switchboard.flow/v1' as const;

/** `draft`: never published; `published`: has at least one version. */
export const FLOW_STATUSES = ['draft', 'published'] as const;
export const FlowStatusSchema = z.enum(FLOW_STATUSES);
export type FlowStatus = z.infer<typeof FlowStatusSchema>;

export const FlowDocumentJsonSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'A switchboard.flow/v1 document (see FLOW-LANGUAGE.md); checked by the API, not here.' });
export type FlowDocumentJson = z.infer<typeof FlowDocumentJsonSchema>;

/** Where the editor draws each node: never part of the flow's logic, checksum or diff. */
export const FlowLayoutSchema = z.strictObject({
  nodes: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number() })).default({}),
  viewport: z.strictObject({ x: z.number(), y: z.number(), zoom: z.number().positive() }).optional(),
});
export type FlowLayout = z.infer<typeof FlowLayoutSchema>;

export const FlowDiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** where in the document, e.g. `nodes[3].capture.var` */
  path: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type FlowDiagnostic = z.infer<typeof FlowDiagnosticSchema>;

export const DiagnosticsSummarySchema = z.object({
  errors: z.number().int().min(0),
  warnings: z.number().int().min(0),
});
export type DiagnosticsSummary = z.infer<typeof DiagnosticsSummarySchema>;

export const FlowDiagnosticsSchema = DiagnosticsSummarySchema.extend({ items: z.array(FlowDiagnosticSchema) });
export type FlowDiagnostics = z.infer<typeof FlowDiagnosticsSchema>;

// ---------------------------------------------------------------- flows

export const FlowSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  purpose: z.string().nullable(),
  status: FlowStatusSchema,
  /** the draft's revision: send it back as `If-Match: "<revision>"` (or `revision`) when saving */
  revision: z.number().int().positive(),
  latestVersion: z.number().int().positive().nullable(),
  publishedAt: z.iso.datetime().nullable(),
  /** the draft's logic differs from the latest version (always true before the first publish) */
  hasUnpublishedChanges: z.boolean(),
  diagnostics: DiagnosticsSummarySchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

export const FlowVersionSummarySchema = z.object({
  flowId: z.uuid(),
  number: z.number().int().positive(),
  /** SHA-256 (hex) of the canonical JSON of the version's logic (layout excluded) */
  checksum: z.string(),
  message: z.string(),
  author: ActorSchema,
  publishedAt: z.iso.datetime(),
});
export type FlowVersionSummary = z.infer<typeof FlowVersionSummarySchema>;

export const FlowVersionSchema = FlowVersionSummarySchema.extend({ document: FlowDocumentJsonSchema });
export type FlowVersion = z.infer<typeof FlowVersionSchema>;

export const FlowDetailSchema = FlowSummarySchema.extend({
  /** the draft's logic (its layout is in `layout`) */
  document: FlowDocumentJsonSchema,
  layout: FlowLayoutSchema.nullable(),
  /** SHA-256 of the draft's canonical logic: equal to a version's checksum when the logic is the same */
  checksum: z.string(),
  diagnostics: FlowDiagnosticsSchema,
  templateId: z.string().nullable(),
  createdBy: ActorSchema,
  updatedBy: ActorSchema,
  versions: z.object({ count: z.number().int().min(0), latest: FlowVersionSummarySchema.nullable() }),
});
export type FlowDetail = z.infer<typeof FlowDetailSchema>;

export const FlowListQuerySchema = PageQuerySchema.extend({
  /** case-insensitive substring of the name */
  q: z.string().trim().min(1).max(200).optional(),
  status: FlowStatusSchema.optional(),
});
export type FlowListQuery = z.infer<typeof FlowListQuerySchema>;
export const FlowPageSchema = pageSchema(FlowSummarySchema);

export const TEMPLATE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const TemplateIdSchema = z
  .string()
  .max(100)
  .regex(TEMPLATE_ID_PATTERN, 'must be a template id such as appointment-reminder');

export const CreateFlowBodySchema = z
  .strictObject({
    document: FlowDocumentJsonSchema.optional(),
    templateId: TemplateIdSchema.optional(),
    /** replaces `meta.name` of the document or template */
    name: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.document === undefined) === (body.templateId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: body.document === undefined ? ['document'] : ['templateId'],
        message: 'give either a document or a templateId (exactly one)',
      });
    }
  });
export type CreateFlowBody = z.infer<typeof CreateFlowBodySchema>;

export const SaveDraftBodySchema = z.strictObject({
  document: FlowDocumentJsonSchema,
  /** replaces the stored layout; omitted: `document.layout` if present, else the stored layout stays */
  layout: FlowLayoutSchema.nullable().optional(),
  /** the revision this save is based on (or the `If-Match` header) */
  revision: z.number().int().positive().optional(),
});
export type SaveDraftBody = z.infer<typeof SaveDraftBodySchema>;

export const FlowParamsSchema = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

const VersionNumberSchema = z.coerce
  .number({ message: 'must be a version number' })
  .int('must be a version number')
  .positive('must be a version number')
  .max(2_147_483_647, 'must be a version number');

export const FlowVersionParamsSchema = FlowParamsSchema.extend({ n: VersionNumberSchema });
export const FlowDiffParamsSchema = FlowParamsSchema.extend({ a: VersionNumberSchema, b: VersionNumberSchema });

// ---------------------------------------------------------------- checks, tests, publishing

export const ValidateFlowBodySchema = z.strictObject({
  /** a document to check instead of the stored draft (nothing is saved) */
  document: FlowDocumentJsonSchema.optional(),
});
export const FlowValidationSchema = z.object({
  /** no errors (warnings allowed) */
  ok: z.boolean(),
  checksum: z.string(),
  diagnostics: FlowDiagnosticsSchema,
});
export type FlowValidation = z.infer<typeof FlowValidationSchema>;

export const TestFlowBodySchema = z.strictObject({
  /** names of the scenarios to run; all of them when omitted */
  scenarios: z.array(z.string().min(1)).min(1).optional(),
});

export const TranscriptLineSchema = z.object({
  speaker: z.enum(['agent', 'callee']),
  text: z.string(),
  at: z.string(),
  nodeId: z.string().optional(),
  kind: z.enum(['speech', 'dtmf', 'silence', 'hangup']),
});

export const ScenarioRunSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  /** one line per expectation that was not met */
  failures: z.array(z.string()),
  path: z.array(z.string()),
  disposition: z.string(),
  optedOut: z.boolean(),
  variables: z.record(z.string(), z.unknown()),
  transcript: z.array(TranscriptLineSchema),
  durationMs: z.number(),
});
export type ScenarioRun = z.infer<typeof ScenarioRunSchema>;

export const FlowTestRunSchema = z.object({
  passed: z.boolean(),
  summary: z.object({ total: z.number().int(), passed: z.number().int(), failed: z.number().int() }),
  scenarios: z.array(ScenarioRunSchema),
});
export type FlowTestRun = z.infer<typeof FlowTestRunSchema>;

export const PublishFlowBodySchema = z.strictObject({
  message: z.string().trim().min(1, 'must not be empty').max(2000),
  /** publish only if the draft is still at this revision (or the `If-Match` header) */
  revision: z.number().int().positive().optional(),
});
export type PublishFlowBody = z.infer<typeof PublishFlowBodySchema>;

export const FlowVersionPageSchema = pageSchema(FlowVersionSummarySchema);

const FieldChangeSchema = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });
const ItemChangesSchema = z.object({
  added: z.array(z.unknown()),
  removed: z.array(z.unknown()),
  changed: z.array(
    z.object({ id: z.string(), before: z.unknown(), after: z.unknown(), fields: z.array(FieldChangeSchema) }),
  ),
});
export const FlowDiffSchema = z.object({
  from: z.object({ number: z.number().int(), checksum: z.string() }),
  to: z.object({ number: z.number().int(), checksum: z.string() }),
  /** true when nothing in the logic differs (layout is never compared) */
  identical: z.boolean(),
  changes: z.object({
    nodes: ItemChangesSchema,
    edges: ItemChangesSchema,
    globals: ItemChangesSchema,
    variables: ItemChangesSchema,
    tools: ItemChangesSchema,
    tests: ItemChangesSchema,
    /** changes to meta, purpose, settings and entry */
    settings: z.array(FieldChangeSchema),
  }),
});
export type FlowDiffResult = z.infer<typeof FlowDiffSchema>;

// ---------------------------------------------------------------- import, export, templates

export const ExportFlowQuerySchema = z.strictObject({ version: VersionNumberSchema.optional() });

/** The body of `POST /v1/flows/import` is the file itself: a switchboard.flow/v1 document. */
export const ImportFlowBodySchema = FlowDocumentJsonSchema;

export const FlowTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  purpose: z.string(),
});
export type FlowTemplate = z.infer<typeof FlowTemplateSchema>;
export const FlowTemplatePageSchema = pageSchema(FlowTemplateSchema);
export const FlowTemplateListQuerySchema = PageQuerySchema;

/** Error codes of the flows routes, besides the common ones. */
export const FLOW_ERROR_CODES = [
  'FLOW_NOT_FOUND',
  'FLOW_VERSION_NOT_FOUND',
  'FLOW_TEMPLATE_NOT_FOUND',
  'FLOW_REVISION_REQUIRED',
  'FLOW_REVISION_CONFLICT',
  'FLOW_NOT_A_FLOW',
  'FLOW_INVALID',
  'FLOW_NOT_PUBLISHABLE',
  'FLOW_UNCHANGED',
] as const;
export type FlowErrorCode = (typeof FLOW_ERROR_CODES)[number];
