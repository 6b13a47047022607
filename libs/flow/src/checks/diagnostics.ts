import type { FlowDocument } from '../schema/index.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** where in the document, e.g. `nodes[3].capture.var` */
  path?: string;
  /** 1-based, from `validateFlowText` */
  line?: number;
  /** 1-based, from `validateFlowText` */
  column?: number;
}

export interface ValidationResult {
  /** the parsed flow (defaults applied), present when the schema accepted the document */
  flow?: FlowDocument;
  diagnostics: Diagnostic[];
  /** no errors (warnings allowed) */
  ok: boolean;
}

/**
 * Every diagnostic code, its severity and one line saying what it means — for the docs,
 * the editor's badges and the API. Errors block publishing; warnings do not.
 */
export const DIAGNOSTIC_CODES = {
  // ------------------------------------------------------------ document and schema
  SCHEMA_INVALID_JSON: { severity: 'error', summary: 'The file is not valid JSON.' },
  SCHEMA_TOO_LARGE: { severity: 'error', summary: 'The file is larger than the size limit and was not read.' },
  SCHEMA_VERSION: { severity: 'error', summary: 'The document is not a "switchboard.flow/v1" flow.' },
  SCHEMA_REQUIRED: { severity: 'error', summary: 'A required field is missing.' },
  SCHEMA_INVALID_TYPE: { severity: 'error', summary: 'A field has the wrong kind of value (text, number, list, …).' },
  SCHEMA_UNKNOWN_FIELD: { severity: 'error', summary: 'A field that this kind of item does not have (often a typo).' },
  SCHEMA_UNKNOWN_NODE_TYPE: { severity: 'error', summary: 'A node has a `type` that does not exist.' },
  SCHEMA_INVALID_VALUE: { severity: 'error', summary: 'A field has a value outside its allowed list.' },
  SCHEMA_INVALID_FORMAT: {
    severity: 'error',
    summary: 'A text does not have the required format (id, phone number, date, keypad digits, …).',
  },
  SCHEMA_OUT_OF_RANGE: { severity: 'error', summary: 'A number or length is outside its allowed range.' },
  SCHEMA_EMPTY: { severity: 'error', summary: 'A text or list that must not be empty is empty.' },
  SCHEMA_INVALID: { severity: 'error', summary: 'A part of the document does not match the flow format.' },

  // ------------------------------------------------------------ ids
  DUPLICATE_NODE_ID: { severity: 'error', summary: 'Two nodes share an id.' },
  DUPLICATE_EDGE_ID: { severity: 'error', summary: 'Two edges share an id.' },
  DUPLICATE_GLOBAL_ID: { severity: 'error', summary: 'Two globals share an id.' },
  DUPLICATE_TOOL_ID: { severity: 'error', summary: 'Two tools share an id.' },
  DUPLICATE_VARIABLE: { severity: 'error', summary: 'Two variables share a name.' },
  DUPLICATE_CHOICE_VALUE: { severity: 'error', summary: 'Two answers of a choice question share an id.' },
  DUPLICATE_CHOICE_KEY: { severity: 'error', summary: 'Two answers of a choice question use the same key press.' },
  DUPLICATE_BRANCH_CASE: { severity: 'error', summary: 'Two cases of a branch share an id.' },
  RESERVED_HANDLE_ID: {
    severity: 'error',
    summary: 'A choice value or branch case id clashes with a built-in exit (no_input, no_match, else).',
  },

  // ------------------------------------------------------------ entry and edges
  ENTRY_NOT_FOUND: { severity: 'error', summary: '`entry` names a node that does not exist.' },
  ENTRY_NOT_START: { severity: 'error', summary: '`entry` is not a start node.' },
  NO_START_NODE: { severity: 'error', summary: 'The flow has no start node.' },
  MULTIPLE_START_NODES: { severity: 'error', summary: 'The flow has more than one start node.' },
  EDGE_SOURCE_NOT_FOUND: { severity: 'error', summary: 'An edge leaves a node that does not exist.' },
  EDGE_TARGET_NOT_FOUND: { severity: 'error', summary: 'An edge leads to a node that does not exist.' },
  EDGE_INTO_START: {
    severity: 'error',
    summary: 'An edge leads back to the start node (the call cannot be dialled again).',
  },
  EDGE_FROM_TERMINAL: { severity: 'error', summary: 'An edge leaves a node that ends the call (end, opt-out).' },
  INVALID_HANDLE: { severity: 'error', summary: 'An edge uses an exit its node does not have.' },
  INTENT_EDGE_NOT_ALLOWED: {
    severity: 'error',
    summary: 'Intent edges may only leave llm nodes and questions that capture free text.',
  },
  INTENT_EDGE_EMPTY: {
    severity: 'error',
    summary: 'An intent edge says neither which intent, nor a prompt, nor examples.',
  },
  DUPLICATE_INTENT_EDGE: {
    severity: 'warning',
    summary: 'Two intent edges of one node stand for the same built-in intent.',
  },
  DUPLICATE_HANDLE_EDGE: { severity: 'error', summary: 'More than one edge uses the same exit of a node.' },
  REQUIRED_HANDLE_UNWIRED: {
    severity: 'error',
    summary:
      'An exit that must be connected is not (question no_input/no_match, tool error/timeout, branch else, transfer failed, every start outcome).',
  },
  HANDLE_UNWIRED: {
    severity: 'warning',
    summary: 'An answer or outcome exit is not connected; the call would end there.',
  },
  DEAD_END: { severity: 'error', summary: 'A node that does not end the call has no way out.' },
  UNREACHABLE_NODE: { severity: 'error', summary: 'A node cannot be reached from the start or from a global.' },
  UNBOUNDED_CYCLE: {
    severity: 'error',
    summary: 'A loop that never waits for the callee (only say/set/branch/tool nodes) would repeat forever.',
  },

  // ------------------------------------------------------------ questions and variables
  CHOICE_WITHOUT_VALUES: { severity: 'error', summary: 'A choice question lists no answers.' },
  VALUES_ON_NON_CHOICE: { severity: 'error', summary: 'A question that is not a choice lists answers.' },
  ENUM_WITHOUT_VALUES: { severity: 'error', summary: 'An enum variable lists no values.' },
  VALUES_ON_NON_ENUM: {
    severity: 'warning',
    summary: 'A variable that is not an enum lists values (they are ignored).',
  },
  BUILTIN_NAME_SHADOWED: {
    severity: 'error',
    summary: 'A variable uses a reserved name (call, turn, meta, input, secrets).',
  },
  VARIABLE_DEFAULT_TYPE: { severity: 'warning', summary: "A variable's default does not match its type." },
  CAPTURE_TYPE_MISMATCH: {
    severity: 'warning',
    summary: "What a question or extraction captures does not fit the variable's type.",
  },
  UNDECLARED_TARGET: {
    severity: 'error',
    summary: 'A question, extraction, set or tool output writes a variable that is not declared.',
  },
  UNDECLARED_VARIABLE: { severity: 'error', summary: 'A text or condition uses a variable that is not declared.' },
  UNSET_VARIABLE: { severity: 'error', summary: 'A variable is used where no path into it has set it.' },
  MAYBE_UNSET_VARIABLE: {
    severity: 'warning',
    summary: 'A variable is used where only some paths into it have set it.',
  },
  INVALID_TEMPLATE: { severity: 'error', summary: 'A text, prompt, URL or body template does not parse.' },
  INVALID_CONDITION: { severity: 'error', summary: 'A branch condition or set value does not parse.' },
  SECRETS_OUTSIDE_TOOL: {
    severity: 'error',
    summary: "`secrets` are used outside a tool's URL, headers or body (they could be spoken or logged).",
  },
  INVALID_TIMEZONE: { severity: 'error', summary: '`settings.timezone` is not a known IANA time zone.' },

  // ------------------------------------------------------------ tools and transfers
  UNKNOWN_TOOL: { severity: 'error', summary: 'A tool node or llm node uses a tool that is not declared.' },
  INVALID_TOOL_URL: { severity: 'error', summary: "A tool's URL is not an absolute http(s) URL." },
  INVALID_OUTPUT_PATH: {
    severity: 'error',
    summary: "A tool node's output path is not a dot path such as data.slot.id.",
  },
  INLINE_SECRET: {
    severity: 'error',
    summary: 'A credential is written into the flow instead of `{{ secrets.name }}`.',
  },
  SECRET_IN_VARIABLE: {
    severity: 'warning',
    summary: 'A credential-like header or parameter comes from a variable instead of `{{ secrets.name }}`.',
  },
  INVALID_TRANSFER_TARGET: {
    severity: 'error',
    summary: 'A transfer target is neither an E.164 number nor a sip: URI.',
  },

  // ------------------------------------------------------------ globals
  GLOBAL_TARGET_NOT_FOUND: { severity: 'error', summary: 'A global leads to a node that does not exist.' },
  GLOBAL_TARGET_START: { severity: 'error', summary: 'A global leads to the start node.' },
  GLOBAL_SCOPE_NOT_FOUND: { severity: 'error', summary: "A global's scope names a node that does not exist." },
  GLOBAL_SCOPE_NOT_LISTENING: {
    severity: 'warning',
    summary: "A global's scope names a node that never listens (globals only fire in questions and llm nodes).",
  },
  GLOBAL_SCOPE_EMPTY: { severity: 'warning', summary: 'A global has an empty scope and can never fire.' },
  GLOBAL_RETURN_NOT_SAY: { severity: 'error', summary: 'A global that returns must lead to a say node.' },
  GLOBAL_TRIGGER_EMPTY: {
    severity: 'error',
    summary: 'An intent global says neither which intent, nor a prompt, nor examples.',
  },
  DUPLICATE_GLOBAL_TRIGGER: {
    severity: 'warning',
    summary: 'Two unscoped globals have the same trigger; only the first fires.',
  },

  // ------------------------------------------------------------ compliance
  DISCLOSURE_MISSING: {
    severity: 'error',
    summary:
      'The first thing said to a person does not name the business and say the call is automated (automated, artificial, AI, virtual or recorded).',
  },
  TELEMARKETING_BUSINESS_MISSING: {
    severity: 'error',
    summary: 'A telemarketing flow must name the business (meta.business).',
  },
  TELEMARKETING_CALLBACK_MISSING: {
    severity: 'error',
    summary: 'A telemarketing flow must give a call-back number (meta.callbackNumber).',
  },
  OPT_OUT_BY_VOICE_MISSING: {
    severity: 'error',
    summary:
      'A telemarketing flow must let the callee opt out by voice at any time (an unscoped opt_out intent global).',
  },
  OPT_OUT_BY_KEY_MISSING: {
    severity: 'error',
    summary:
      'A telemarketing flow must let the callee opt out by pressing a key at any time (an unscoped key-press global).',
  },
  VOICEMAIL_CALLBACK_MISSING: {
    severity: 'error',
    summary: 'A telemarketing voicemail must state the call-back number.',
  },
  VOICEMAIL_CALLBACK_SUGGESTED: {
    severity: 'warning',
    summary: 'A voicemail does not state the call-back number.',
  },

  // ------------------------------------------------------------ scenarios and layout
  SCENARIO_DUPLICATE_NAME: { severity: 'warning', summary: 'Two scenarios share a name.' },
  SCENARIO_UNKNOWN_NODE: { severity: 'error', summary: "A scenario's expected path names a node that does not exist." },
  SCENARIO_UNKNOWN_TOOL: { severity: 'error', summary: 'A scenario mocks a tool that is not declared.' },
  SCENARIO_UNKNOWN_VARIABLE: {
    severity: 'error',
    summary: 'A scenario sets or expects a variable that is not declared.',
  },
  SCENARIO_MISSING_INPUT: { severity: 'error', summary: 'A scenario does not supply a required input variable.' },
  SCENARIO_NOT_INPUT: { severity: 'warning', summary: 'A scenario presets a variable that is not an input.' },
  SCENARIO_VALUE_TYPE: { severity: 'warning', summary: "A scenario value does not match the variable's type." },
  LAYOUT_UNKNOWN_NODE: { severity: 'warning', summary: 'The layout positions a node that does not exist.' },

  // ------------------------------------------------------------ the validator itself
  CHECK_FAILED: {
    severity: 'error',
    summary: 'A check crashed on this document (a bug in the validator; please report it).',
  },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export interface DiagnosticDetails {
  nodeId?: string | undefined;
  edgeId?: string | undefined;
  path?: string | undefined;
}

/** A diagnostic with the catalogue's severity for `code`; undefined details are left out. */
export function diagnostic(code: DiagnosticCode, message: string, details: DiagnosticDetails = {}): Diagnostic {
  const d: Diagnostic = { severity: DIAGNOSTIC_CODES[code].severity, code, message };
  if (details.nodeId !== undefined) d.nodeId = details.nodeId;
  if (details.edgeId !== undefined) d.edgeId = details.edgeId;
  if (details.path !== undefined) d.path = details.path;
  return d;
}
