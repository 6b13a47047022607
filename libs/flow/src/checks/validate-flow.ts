import { FlowDocumentSchema, type FlowDocument } from '../schema/index.js';
import { contextForParsed, contextForSalvage, type CheckContext } from './check-context.js';
import { checkCompliance } from './compliance-checks.js';
import { diagnostic, hasErrors, type Diagnostic, type ValidationResult } from './diagnostics.js';
import { checkExpressions } from './expression-checks.js';
import { checkGlobals } from './global-checks.js';
import { checkGraph } from './graph-checks.js';
import { exceedsUtf8Bytes, findJsonSyntaxError, lineColumnLocator, locatePaths } from './json-text.js';
import { checkScenarios } from './scenario-checks.js';
import { schemaDiagnostics } from './schema-issues.js';
import { checkStructure } from './structure-checks.js';
import { checkTools } from './tool-checks.js';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

const CHECKS: readonly [string, (ctx: CheckContext) => void][] = [
  ['structure', checkStructure],
  ['graph', checkGraph],
  ['expressions', checkExpressions],
  ['tools', checkTools],
  ['globals', checkGlobals],
  ['compliance', checkCompliance],
  ['scenarios', checkScenarios],
];

/**
 * Validates a flow already parsed from JSON: the schema, then every static check of
 * FLOW-LANGUAGE.md. A document the schema refuses is still checked as far as its valid
 * parts allow (see `CheckContext`). Never throws.
 */
export function validateFlow(input: unknown): ValidationResult {
  const parsed = FlowDocumentSchema.safeParse(input);
  if (parsed.success) {
    const ctx = contextForParsed(parsed.data);
    runChecks(ctx);
    return result(ctx.diagnostics, parsed.data);
  }
  const diagnostics = schemaDiagnostics(input, parsed.error.issues);
  const ctx = contextForSalvage(input);
  if (ctx) {
    runChecks(ctx);
    diagnostics.push(...ctx.diagnostics);
  }
  return result(diagnostics);
}

/**
 * The compliance lints of a flow that will run under `purpose` (a call or campaign may run an
 * INFORMATIONAL flow as TELEMARKETING): the errors of the compliance checks alone, judged with
 * that purpose. A flow published as informational may lack what telemarketing requires.
 */
export function complianceLints(flow: FlowDocument, purpose: FlowDocument['purpose'] = flow.purpose): Diagnostic[] {
  const ctx = contextForParsed({ ...flow, purpose });
  checkCompliance(ctx);
  return ctx.diagnostics.filter((found) => found.severity === 'error');
}

function runChecks(ctx: CheckContext): void {
  for (const [name, check] of CHECKS) {
    try {
      check(ctx);
    } catch (error) {
      // a bug in a check must not take validation down with it; say so instead
      ctx.report(
        diagnostic(
          'CHECK_FAILED',
          `The ${name} checks could not finish (${error instanceof Error ? error.message : String(error)}); please report this.`,
        ),
      );
    }
  }
}

function result(diagnostics: Diagnostic[], flow?: FlowDocument): ValidationResult {
  return flow ? { flow, diagnostics, ok: !hasErrors(diagnostics) } : { diagnostics, ok: !hasErrors(diagnostics) };
}

/**
 * Validates a flow file's text: refuses an oversized text without parsing it, reports JSON
 * syntax errors with their line and column, and gives every diagnostic the line and column
 * of the value it is about.
 */
export function validateFlowText(text: string, options: { maxBytes?: number } = {}): ValidationResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (exceedsUtf8Bytes(text, maxBytes))
    return result([
      diagnostic(
        'SCHEMA_TOO_LARGE',
        `The file is larger than ${formatBytes(maxBytes)}, the most a flow may be; it was not read.`,
      ),
    ]);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const locate = lineColumnLocator(source);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const found = findJsonSyntaxError(source) ?? {
      message: error instanceof Error ? error.message : 'invalid JSON',
      offset: 0,
    };
    const { line, column } = locate(found.offset);
    return result([
      {
        ...diagnostic(
          'SCHEMA_INVALID_JSON',
          `The file is not valid JSON: ${found.message} (line ${line}, column ${column}).`,
        ),
        line,
        column,
      },
    ]);
  }
  const validation = validateFlow(value);
  const paths = validation.diagnostics.flatMap((d) => (d.path === undefined ? [] : [d.path]));
  if (paths.length) {
    const offsets = locatePaths(source, paths);
    for (const d of validation.diagnostics) {
      const offset = d.path === undefined ? undefined : offsets.get(d.path);
      if (offset === undefined) continue;
      const { line, column } = locate(offset);
      d.line = line;
      d.column = column;
    }
  }
  return validation;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
