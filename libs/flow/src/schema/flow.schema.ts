import { z } from 'zod';

/**
 * The flow document `switchboard.flow/v1` (see FLOW-LANGUAGE.md): our public contract.
 * Objects are strict so that a misspelt field ("promt") is reported, not silently ignored.
 */

export const FLOW_SCHEMA_ID = 'switchboard.flow/v1' as const;

export const NODE_ID_PATTERN = /^[a-z][a-z0-9_]*$/;
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

const Id = z.string().regex(NODE_ID_PATTERN, 'must match [a-z][a-z0-9_]* (lower case, digits, underscores)');
const Text = z.string().min(1, 'must not be empty');

export const PURPOSES = ['INFORMATIONAL', 'TELEMARKETING'] as const;
export const PurposeSchema = z.enum(PURPOSES);
export type Purpose = z.infer<typeof PurposeSchema>;

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'date', 'time', 'datetime', 'enum', 'object'] as const;
export const VariableTypeSchema = z.enum(VARIABLE_TYPES);
export type VariableType = z.infer<typeof VariableTypeSchema>;

export const VARIABLE_SOURCES = ['input', 'captured', 'tool'] as const;

export const VariableSchema = z.strictObject({
  name: Id,
  type: VariableTypeSchema,
  source: z.enum(VARIABLE_SOURCES),
  required: z.boolean().optional(),
  pii: z.boolean().optional(),
  values: z.array(Text).min(1).optional(),
  default: z.unknown().optional(),
  description: z.string().optional(),
});
export type Variable = z.infer<typeof VariableSchema>;

export const MetaSchema = z.strictObject({
  name: Text,
  description: z.string().optional(),
  locale: z.string().default('en-US'),
  business: z.string().optional(),
  callbackNumber: z.string().regex(E164_PATTERN, 'must be an E.164 number such as +18005550100').optional(),
});
export type Meta = z.infer<typeof MetaSchema>;

export const DefaultsSchema = z.strictObject({
  noInputTimeoutMs: z.number().int().positive().max(120_000).default(6000),
  maxAttempts: z.number().int().min(1).max(10).default(2),
  interruptible: z.boolean().default(true),
  maxCallSeconds: z
    .number()
    .int()
    .positive()
    .max(4 * 3600)
    .default(600),
  maxVisitsPerNode: z.number().int().min(1).max(1000).default(10),
});
export type Defaults = z.infer<typeof DefaultsSchema>;

export const SettingsSchema = z.strictObject({
  persona: z.string().optional(),
  llm: z.strictObject({ model: Text, temperature: z.number().min(0).max(2).optional() }).optional(),
  voice: z.strictObject({ provider: Text, voice: Text }).optional(),
  defaults: DefaultsSchema.prefault({}),
  timezone: z.string().default('America/New_York'),
});
export type Settings = z.infer<typeof SettingsSchema>;

// ---------------------------------------------------------------- tools

export const HttpToolSchema = z.strictObject({
  id: Id,
  kind: z.literal('http'),
  description: z.string().optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: Text,
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().max(60_000).optional(),
});
export const BuiltinToolSchema = z.strictObject({
  id: Id,
  kind: z.literal('builtin'),
  name: Text,
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().max(60_000).optional(),
});
export const ToolSchema = z.discriminatedUnion('kind', [HttpToolSchema, BuiltinToolSchema]);
export type HttpTool = z.infer<typeof HttpToolSchema>;
export type BuiltinTool = z.infer<typeof BuiltinToolSchema>;
export type Tool = z.infer<typeof ToolSchema>;

// ---------------------------------------------------------------- nodes

export const CAPTURE_TYPES = [
  'yes_no',
  'choice',
  'number',
  'date',
  'time',
  'datetime',
  'phone',
  'digits',
  'text',
] as const;
export const CaptureTypeSchema = z.enum(CAPTURE_TYPES);
export type CaptureType = z.infer<typeof CaptureTypeSchema>;

export const ChoiceValueSchema = z.strictObject({
  id: Id,
  label: Text,
  synonyms: z.array(Text).optional(),
  /** key the callee may press for this choice; defaults to its 1-based position */
  dtmf: z
    .string()
    .regex(/^[0-9*#]$/)
    .optional(),
});
export type ChoiceValue = z.infer<typeof ChoiceValueSchema>;

export const CaptureSchema = z.strictObject({
  var: Id,
  type: CaptureTypeSchema,
  values: z.array(ChoiceValueSchema).min(1).optional(),
});
export type Capture = z.infer<typeof CaptureSchema>;

const nodeBase = { id: Id, label: z.string().optional(), description: z.string().optional() };

export const StartNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('start'),
  amd: z.strictObject({ enabled: z.boolean(), timeoutMs: z.number().int().positive().optional() }).optional(),
  firstSpeaker: z.enum(['agent', 'callee']).default('agent'),
});
export const SayNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('say'),
  text: Text,
  interruptible: z.boolean().optional(),
});
export const QuestionNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('question'),
  prompt: Text,
  capture: CaptureSchema,
  input: z.enum(['speech', 'dtmf', 'both']).default('speech'),
  noInputTimeoutMs: z.number().int().positive().max(120_000).optional(),
  maxAttempts: z.number().int().min(1).max(10).optional(),
  reprompt: z.string().optional(),
  interruptible: z.boolean().optional(),
});
export const ExtractSchema = z.strictObject({ var: Id, type: CaptureTypeSchema, description: z.string().optional() });
export type Extract = z.infer<typeof ExtractSchema>;
export const LlmNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('llm'),
  task: Text,
  opening: z.string().optional(),
  tools: z.array(Id).optional(),
  extract: z.array(ExtractSchema).optional(),
  maxTurns: z.number().int().min(1).max(100).default(8),
  noInputTimeoutMs: z.number().int().positive().max(120_000).optional(),
});
export const ToolNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('tool'),
  tool: Id,
  input: z.record(z.string(), z.unknown()).optional(),
  output: z.record(z.string(), z.string()).optional(),
  filler: z.string().optional(),
  timeoutMs: z.number().int().positive().max(60_000).optional(),
});
export const BranchCaseSchema = z.strictObject({ id: Id, label: z.string().optional(), when: Text });
export const BranchNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('branch'),
  cases: z.array(BranchCaseSchema).min(1),
});
export const AssignmentSchema = z.strictObject({ var: Id, value: Text });
export const SetNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('set'),
  assign: z.array(AssignmentSchema).min(1),
});
export const TransferNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('transfer'),
  to: Text,
  mode: z.enum(['cold', 'warm']).default('cold'),
  announce: z.string().optional(),
});
export const VoicemailNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('voicemail'),
  text: Text,
  waitForBeep: z.boolean().default(true),
});
export const OptOutNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('opt_out'),
  text: z.string().optional(),
});
export const EndNodeSchema = z.strictObject({
  ...nodeBase,
  type: z.literal('end'),
  text: z.string().optional(),
  disposition: z.string().regex(/^[a-z_]+$/, 'must match [a-z_]+'),
});

export const NodeSchema = z.discriminatedUnion('type', [
  StartNodeSchema,
  SayNodeSchema,
  QuestionNodeSchema,
  LlmNodeSchema,
  ToolNodeSchema,
  BranchNodeSchema,
  SetNodeSchema,
  TransferNodeSchema,
  VoicemailNodeSchema,
  OptOutNodeSchema,
  EndNodeSchema,
]);
export type FlowNode = z.infer<typeof NodeSchema>;
export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract_<FlowNode, { type: T }>;
type Extract_<T, U> = T extends U ? T : never;
export type StartNode = NodeOf<'start'>;
export type SayNode = NodeOf<'say'>;
export type QuestionNode = NodeOf<'question'>;
export type LlmNode = NodeOf<'llm'>;
export type ToolNode = NodeOf<'tool'>;
export type BranchNode = NodeOf<'branch'>;
export type SetNode = NodeOf<'set'>;
export type TransferNode = NodeOf<'transfer'>;
export type VoicemailNode = NodeOf<'voicemail'>;
export type OptOutNode = NodeOf<'opt_out'>;
export type EndNode = NodeOf<'end'>;

export const NODE_TYPES = [
  'start',
  'say',
  'question',
  'llm',
  'tool',
  'branch',
  'set',
  'transfer',
  'voicemail',
  'opt_out',
  'end',
] as const satisfies readonly NodeType[];

// ---------------------------------------------------------------- intents, edges, globals

export const BUILTIN_INTENTS = [
  'opt_out',
  'ask_human',
  'who_is_calling',
  'wrong_person',
  'call_back_later',
  'repeat',
  'yes',
  'no',
] as const;
export const BuiltinIntentSchema = z.enum(BUILTIN_INTENTS);
export type BuiltinIntent = z.infer<typeof BuiltinIntentSchema>;

export const OutcomeEdgeSchema = z.strictObject({
  id: Text,
  kind: z.literal('outcome').optional(),
  from: Id,
  handle: Text,
  to: Id,
  label: z.string().optional(),
});
export const IntentEdgeSchema = z.strictObject({
  id: Text,
  kind: z.literal('intent'),
  from: Id,
  to: Id,
  label: z.string().optional(),
  /** a built-in intent this edge stands for (optional; `prompt`/`examples` describe custom ones) */
  intent: BuiltinIntentSchema.optional(),
  prompt: z.string().optional(),
  examples: z.array(Text).optional(),
  say: z.string().optional(),
});
export const EdgeSchema = z.union([IntentEdgeSchema, OutcomeEdgeSchema]);
export type OutcomeEdge = z.infer<typeof OutcomeEdgeSchema>;
export type IntentEdge = z.infer<typeof IntentEdgeSchema>;
export type FlowEdge = z.infer<typeof EdgeSchema>;

export const GLOBAL_EVENTS = ['silence', 'max_duration', 'hangup'] as const;
export const GlobalEventSchema = z.enum(GLOBAL_EVENTS);
export type GlobalEvent = z.infer<typeof GlobalEventSchema>;

export const IntentTriggerSchema = z.strictObject({
  kind: z.literal('intent'),
  intent: BuiltinIntentSchema.optional(),
  prompt: z.string().optional(),
  examples: z.array(Text).optional(),
});
export const DtmfTriggerSchema = z.strictObject({
  kind: z.literal('dtmf'),
  digits: z.string().regex(/^[0-9*#]+$/, 'must be keypad digits (0-9, *, #)'),
});
export const EventTriggerSchema = z.strictObject({ kind: z.literal('event'), event: GlobalEventSchema });
export const TriggerSchema = z.discriminatedUnion('kind', [IntentTriggerSchema, DtmfTriggerSchema, EventTriggerSchema]);
export type Trigger = z.infer<typeof TriggerSchema>;

export const GlobalSchema = z.strictObject({
  id: Text,
  label: z.string().optional(),
  trigger: TriggerSchema,
  goto: Id,
  return: z.boolean().default(false),
  cooldownTurns: z.number().int().min(0).max(100).default(0),
  scope: z.array(Id).optional(),
});
export type Global = z.infer<typeof GlobalSchema>;

// ---------------------------------------------------------------- scenarios

export const ANSWERED_BY = ['human', 'voicemail', 'no_answer', 'busy', 'failed'] as const;
export const AnsweredBySchema = z.enum(ANSWERED_BY);
export type AnsweredBy = z.infer<typeof AnsweredBySchema>;

export const TRANSFER_RESULTS = ['connected', 'no_answer', 'busy', 'failed'] as const;
export const TransferResultSchema = z.enum(TRANSFER_RESULTS);
export type TransferResult = z.infer<typeof TransferResultSchema>;

export const CalleeTurnSchema = z.union([
  z.string(),
  z.strictObject({ text: z.string() }),
  z.strictObject({ silence: z.literal(true) }),
  z.strictObject({ dtmf: z.string().regex(/^[0-9*#]+$/, 'must be keypad digits (0-9, *, #)') }),
  z.strictObject({ hangup: z.literal(true) }),
]);
export type CalleeTurn = z.infer<typeof CalleeTurnSchema>;

export const ToolMockSchema = z.union([
  z.strictObject({ result: z.unknown() }),
  z.strictObject({ error: z.string() }),
  z.strictObject({ timeout: z.literal(true) }),
]);
export type ToolMock = z.infer<typeof ToolMockSchema>;

export const ScenarioExpectSchema = z.strictObject({
  disposition: z.string().optional(),
  path: z.array(Id).optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  said: z.array(z.string()).optional(),
  notSaid: z.array(z.string()).optional(),
  optedOut: z.boolean().optional(),
});
export type ScenarioExpect = z.infer<typeof ScenarioExpectSchema>;

export const ScenarioSchema = z.strictObject({
  name: Text,
  description: z.string().optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  answeredBy: AnsweredBySchema.default('human'),
  callee: z.array(CalleeTurnSchema).default([]),
  /** one mock per tool id, or a list used call after call (the last one repeats) */
  tools: z.record(z.string(), z.union([ToolMockSchema, z.array(ToolMockSchema).min(1)])).optional(),
  transfer: TransferResultSchema.optional(),
  /** the simulated clock's start (ISO 8601); defaults to a fixed instant so runs are reproducible */
  now: z.iso.datetime({ offset: true }).optional(),
  expect: ScenarioExpectSchema,
});
export type Scenario = z.infer<typeof ScenarioSchema>;

// ---------------------------------------------------------------- document

export const LayoutSchema = z.strictObject({
  nodes: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number() })).default({}),
  viewport: z.strictObject({ x: z.number(), y: z.number(), zoom: z.number().positive() }).optional(),
});
export type Layout = z.infer<typeof LayoutSchema>;

export const FlowDocumentSchema = z.strictObject({
  schema: z.literal(FLOW_SCHEMA_ID),
  meta: MetaSchema,
  purpose: PurposeSchema,
  settings: SettingsSchema.prefault({}),
  variables: z.array(VariableSchema).default([]),
  tools: z.array(ToolSchema).default([]),
  entry: Id,
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema).default([]),
  globals: z.array(GlobalSchema).default([]),
  tests: z.array(ScenarioSchema).default([]),
  layout: LayoutSchema.optional(),
});
/** A parsed flow: defaults applied. */
export type FlowDocument = z.infer<typeof FlowDocumentSchema>;
/** A flow as written by a person or the editor: defaults may be missing. */
export type FlowDocumentInput = z.input<typeof FlowDocumentSchema>;

/** The outcome handles each node type declares (choice and branch handles depend on the node). */
export function outcomeHandles(node: FlowNode): string[] {
  switch (node.type) {
    case 'start':
      return ['human', 'voicemail', 'no_answer', 'busy', 'failed'];
    case 'say':
    case 'set':
    case 'voicemail':
      return ['next'];
    case 'question': {
      const answers =
        node.capture.type === 'yes_no'
          ? ['yes', 'no']
          : node.capture.type === 'choice'
            ? (node.capture.values ?? []).map((v) => v.id)
            : ['answered'];
      return [...answers, 'no_input', 'no_match'];
    }
    case 'llm':
      return ['max_turns', 'no_input'];
    case 'tool':
      return ['success', 'error', 'timeout'];
    case 'branch':
      return [...node.cases.map((c) => c.id), 'else'];
    case 'transfer':
      return ['no_answer', 'busy', 'failed'];
    case 'opt_out':
    case 'end':
      return [];
  }
}

/** Whether intent edges may leave this node. */
export function acceptsIntentEdges(node: FlowNode): boolean {
  return node.type === 'llm' || (node.type === 'question' && node.capture.type === 'text');
}

/** Nodes that wait for the callee: the only places where globals fire. */
export function isListeningNode(node: FlowNode): node is QuestionNode | LlmNode {
  return node.type === 'question' || node.type === 'llm';
}

export function isTerminalNode(node: FlowNode): boolean {
  return node.type === 'opt_out' || node.type === 'end';
}

export function isIntentEdge(edge: FlowEdge): edge is IntentEdge {
  return edge.kind === 'intent';
}
