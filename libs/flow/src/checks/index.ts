/**
 * The static checks of FLOW-LANGUAGE.md ("Static checks"), for the editor's badges, API
 * validation and the publish gate: `validateFlow` on a parsed object, `validateFlowText`
 * on a file's text (with line and column). `DIAGNOSTIC_CODES` lists every code.
 */
export {
  DIAGNOSTIC_CODES,
  hasErrors,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
  type ValidationResult,
} from './diagnostics.js';
export { complianceLints, DEFAULT_MAX_BYTES, validateFlow, validateFlowText } from './validate-flow.js';
