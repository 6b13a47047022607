import { createHash } from 'node:crypto';
import {
  type Diagnostic,
  FLOW_SCHEMA_ID,
  type FlowDocument,
  PURPOSES,
  type ScenarioResult,
  canonicalJson,
  flowLogic,
  validateFlow,
} from '@switchboard/flow';
import {
  type DiagnosticsSummary,
  type FlowDiagnostics,
  type FlowLayout,
  FlowLayoutSchema,
  type ScenarioRun,
} from '@switchboard/contracts';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';
import { FlowError } from './flows.errors.js';

/**
 * The pure rules of the flows feature: how a document splits into logic and layout, what its
 * checksum is, what a save or a publish is told. No I/O; unit-tested in flow-document.spec.ts.
 */

export const UNTITLED_FLOW = 'Untitled flow';
/** An error answer names at most this many problems (a broken 5 MB flow can have thousands). */
export const MAX_ERROR_DETAILS = 200;

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses what is not a switchboard.flow/v1 document at all (another JSON file, another format),
 * naming the field; a flow with errors passes (its diagnostics say what is wrong).
 */
export function assertFlowDocument(value: unknown, where: string): asserts value is JsonObject {
  if (!isObject(value)) throw FlowError.notAFlow([{ path: where, message: 'must be a JSON object' }]);
  const schema = value.schema;
  if (schema === FLOW_SCHEMA_ID) return;
  const message =
    schema === undefined
      ? `required: "${FLOW_SCHEMA_ID}"`
      : `unknown schema ${JSON.stringify(schema)}: only "${FLOW_SCHEMA_ID}" is supported`;
  throw FlowError.notAFlow([{ path: `${where}.schema`, message }]);
}

/** The document without `layout` (the logic) and the layout, checked, when it has one. */
export function splitDocument(
  document: JsonObject,
  where: string,
): { logic: JsonObject; layout: FlowLayout | undefined } {
  const { layout, ...logic } = document;
  return { logic, layout: layout === undefined ? undefined : parseLayout(layout, `${where}.layout`) };
}

/** A layout is the editor's business, but a broken one would be a broken document: 400 naming the field. */
export function parseLayout(value: unknown, where: string): FlowLayout {
  const parsed = FlowLayoutSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: ErrorDetail[] = parsed.error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.');
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: `${base}.${key}`, message: 'unknown field' }))
      : [{ path: base, message: issue.message }];
  });
  throw new ApiError(
    400,
    'BAD_REQUEST',
    `Invalid layout: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of the canonical JSON of a parsed flow's logic: what identifies a version's behaviour. */
export function logicChecksum(flow: FlowDocument): string {
  return sha256(canonicalJson(flowLogic(flow)));
}

export function summarize(diagnostics: readonly Diagnostic[]): DiagnosticsSummary {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

export function diagnosticsOf(diagnostics: Diagnostic[]): FlowDiagnostics {
  return { ...summarize(diagnostics), items: diagnostics };
}

export interface AnalysedDraft {
  logic: JsonObject;
  layout: FlowLayout | null;
  /** present when the schema accepts the document (defaults applied, layout included) */
  flow: FlowDocument | undefined;
  diagnostics: Diagnostic[];
  summary: DiagnosticsSummary;
  /** of the parsed logic when the schema accepts it (so spelt-out defaults do not matter), else of the raw logic */
  checksum: string;
  name: string;
  purpose: string | null;
}

/** Everything a save stores about a draft: diagnostics, checksum, name and purpose. */
export function analyseDraft(logic: JsonObject, layout: FlowLayout | null): AnalysedDraft {
  const validation = validateFlow(layout === null ? logic : { ...logic, layout });
  const flow = validation.flow;
  return {
    logic,
    layout,
    flow,
    diagnostics: validation.diagnostics,
    summary: summarize(validation.diagnostics),
    checksum: flow ? logicChecksum(flow) : sha256(canonicalJson(logic)),
    name: nameOf(logic),
    purpose: purposeOf(logic),
  };
}

export function nameOf(logic: JsonObject): string {
  const name = isObject(logic.meta) ? logic.meta.name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : UNTITLED_FLOW;
}

function purposeOf(logic: JsonObject): string | null {
  const purpose = logic.purpose;
  return typeof purpose === 'string' && (PURPOSES as readonly string[]).includes(purpose) ? purpose : null;
}

/** The document with `meta.name` replaced (creating from a template under another name). */
export function withName(document: JsonObject, name: string): JsonObject {
  const meta = isObject(document.meta) ? document.meta : {};
  return { ...document, meta: { ...meta, name } };
}

/** The document a client gets back: the logic with its layout, as an export file has it. */
export function joinDocument(logic: JsonObject, layout: FlowLayout | JsonObject | null): JsonObject {
  return layout === null ? logic : { ...logic, layout };
}

/**
 * The revision a save or publish is based on, from `If-Match: "<n>"` (weak tags and bare numbers
 * accepted) or the body's `revision`. `*` means "whatever is there". Undefined when neither is given.
 */
export function expectedRevision(
  ifMatch: string | undefined,
  bodyRevision: number | undefined,
): number | '*' | undefined {
  let fromHeader: number | '*' | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '') {
    const value = ifMatch.trim();
    if (value === '*') fromHeader = '*';
    else {
      const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value);
      if (!match?.[1] || Number(match[1]) < 1) {
        throw new ApiError(400, 'BAD_REQUEST', 'If-Match must be a revision such as "3"', [
          { path: 'headers.if-match', message: 'must be a revision such as "3" (the ETag of GET /v1/flows/:id)' },
        ]);
      }
      fromHeader = Number(match[1]);
    }
  }
  if (fromHeader !== undefined && bodyRevision !== undefined && fromHeader !== '*' && fromHeader !== bodyRevision) {
    throw new ApiError(400, 'BAD_REQUEST', `If-Match (${fromHeader}) and revision (${bodyRevision}) disagree`, [
      { path: 'headers.if-match', message: `says ${fromHeader}` },
      { path: 'body.revision', message: `says ${bodyRevision}` },
    ]);
  }
  return bodyRevision ?? fromHeader;
}

export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/** One error detail per error diagnostic, its path inside `where` (the id of its node or edge otherwise). */
export function diagnosticDetails(diagnostics: readonly Diagnostic[], where: string): ErrorDetail[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ path: diagnosticPath(d, where), message: `${d.code}: ${d.message}` }));
}

function diagnosticPath(d: Diagnostic, where: string): string {
  if (d.path !== undefined && d.path !== '') return `${where}.${d.path}`;
  if (d.nodeId !== undefined) return `${where}.nodes.${d.nodeId}`;
  if (d.edgeId !== undefined) return `${where}.edges.${d.edgeId}`;
  return where;
}

/** One error detail per unmet expectation of a failed scenario. */
export function scenarioFailureDetails(results: readonly ScenarioResult[], where: string): ErrorDetail[] {
  return results.flatMap((result, index) =>
    result.passed
      ? []
      : result.failures.map((failure) => ({
          path: `${where}.tests[${index}]`,
          message: `scenario ${JSON.stringify(result.name)}: ${failure}`,
        })),
  );
}

/** Caps a list of details, saying how many were left out. */
export function capDetails(details: ErrorDetail[], max = MAX_ERROR_DETAILS): ErrorDetail[] {
  if (details.length <= max) return details;
  return [
    ...details.slice(0, max),
    { path: details[max]?.path ?? '', message: `… and ${details.length - max} more problem(s)` },
  ];
}

/** Why a draft cannot become a version: its errors, then its failed scenarios. Empty when it can. */
export function publishBlockers(
  diagnostics: readonly Diagnostic[],
  scenarios: readonly ScenarioResult[] | undefined,
): ErrorDetail[] {
  return [...diagnosticDetails(diagnostics, 'draft'), ...scenarioFailureDetails(scenarios ?? [], 'draft')];
}

export function toScenarioRun(result: ScenarioResult): ScenarioRun {
  const { record } = result;
  return {
    name: result.name,
    passed: result.passed,
    failures: result.failures,
    path: record.path,
    disposition: record.disposition,
    optedOut: record.optedOut,
    variables: record.variables,
    transcript: record.transcript,
    durationMs: record.durationMs,
  };
}

/** `Appointment reminder (v2)` → `appointment-reminder-v2.flow.json`, safe in a Content-Disposition. */
export function exportFileName(name: string, version: number | null): string {
  const slug =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'flow';
  return `${slug}${version === null ? '' : `-v${version}`}.flow.json`;
}

/** Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Versions are listed newest first; the cursor is the number of the last one of a page. */
export function encodeVersionCursor(number: number): string {
  return Buffer.from(JSON.stringify({ v: number })).toString('base64url');
}

export function decodeVersionCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  try {
    const value = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown }).v;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError(400, 'BAD_REQUEST', 'query.cursor: not a cursor returned by this list', [
    { path: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}
