import { z } from 'zod';

/**
 * Request/response schemas of the simulation routes (API.md "simulation"): a text test call of a
 * flow's draft or of one of its versions, driven turn by turn over HTTP, with its events streamed
 * over Server-Sent Events. The call runs on `@switchboard/flow`'s runtime and local understanding,
 * the same as `switchboard flow run` and the scenario tests.
 */

const Timestamp = z.iso.datetime({ offset: true });

/** How the simulated call was answered (the dial result the flow's `start` node branches on). */
export const SIMULATION_ANSWERED_BY = ['human', 'voicemail', 'no_answer', 'busy', 'failed'] as const;
export const SimulationAnsweredBySchema = z.enum(SIMULATION_ANSWERED_BY, {
  message: `must be one of ${SIMULATION_ANSWERED_BY.join(', ')}`,
});

/** What every transfer of the simulated call results in. */
export const SIMULATION_TRANSFER_RESULTS = ['connected', 'no_answer', 'busy', 'failed'] as const;
export const SimulationTransferResultSchema = z.enum(SIMULATION_TRANSFER_RESULTS, {
  message: `must be one of ${SIMULATION_TRANSFER_RESULTS.join(', ')}`,
});

/** A tool's answer in a simulation, as in a flow's scenarios: a result, an error, or a timeout. */
export const SimulationToolMockSchema = z.union([
  z.strictObject({ result: z.unknown() }),
  z.strictObject({ error: z.string().min(1).max(2_000) }),
  z.strictObject({ timeout: z.literal(true) }),
]);
export type SimulationToolMock = z.infer<typeof SimulationToolMockSchema>;

/** `draft` (the default) or the number of a published version. */
export const SimulationFlowVersionSchema = z.union([
  z.number().int().positive(),
  z.literal('draft', { message: 'must be a version number or "draft"' }),
]);
export type SimulationFlowVersion = z.infer<typeof SimulationFlowVersionSchema>;

export const StartSimulationRequestSchema = z.strictObject({
  version: SimulationFlowVersionSchema.default('draft'),
  /** the call's input variables (strings are coerced to the declared type, as for CSV rows) */
  variables: z.record(z.string(), z.unknown()).default({}),
  answeredBy: SimulationAnsweredBySchema.default('human'),
  /** the simulated clock's start; defaults to the current time */
  now: Timestamp.optional(),
  /** mocked tool results by tool id; a list is used call after call, its last entry repeating */
  tools: z
    .record(z.string(), z.union([SimulationToolMockSchema, z.array(SimulationToolMockSchema).min(1).max(100)]))
    .default({}),
  /** call the flow's real HTTP tools when they have no mock (admin and designer only); off by default */
  httpTools: z.boolean().default(false),
  /** the result of every transfer (default `connected`) */
  transfer: SimulationTransferResultSchema.default('connected'),
});
export type StartSimulationRequest = z.input<typeof StartSimulationRequestSchema>;

const DtmfSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[0-9*#]+$/, 'must be keypad digits (0-9, *, #)');

/** One callee turn: exactly one of `{text}`, `{dtmf}`, `{silence: true}`, `{hangup: true}`. */
export const SimulationTurnRequestSchema = z
  .strictObject({
    text: z.string().trim().min(1, 'must not be empty').max(2_000).optional(),
    dtmf: DtmfSchema.optional(),
    silence: z.literal(true, { message: 'must be true' }).optional(),
    hangup: z.literal(true, { message: 'must be true' }).optional(),
  })
  .superRefine((turn, ctx) => {
    const given = (['text', 'dtmf', 'silence', 'hangup'] as const).filter((key) => turn[key] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: given.length > 1 ? [given[1]!] : [],
      message:
        given.length === 0
          ? 'must be exactly one of {text}, {dtmf}, {silence: true} or {hangup: true}'
          : `only one of text, dtmf, silence, hangup per turn (got ${given.join(' and ')})`,
    });
  });
export type SimulationTurnRequest = z.infer<typeof SimulationTurnRequestSchema>;

export const SimulationEventsQuerySchema = z.strictObject({
  /** replay from after this event (same as the `Last-Event-ID` header, which wins when both are given) */
  lastEventId: z.coerce.number().int().min(0).optional(),
});

// ---------------------------------------------------------------- call events

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), at: Timestamp, ...shape });

const SpeechPurposeSchema = z.enum([
  'say',
  'prompt',
  'reprompt',
  'filler',
  'announce',
  'voicemail',
  'closing',
  'reply',
]);
const OptOutChannelSchema = z.enum(['voice', 'dtmf', 'unknown']);

/** One thing that happened during the call (`@switchboard/flow`'s `CallEvent`), stamped on the call's clock. */
export const SimulationCallEventSchema = z.discriminatedUnion('type', [
  event('call.started', { answeredBy: SimulationAnsweredBySchema }),
  event('node.entered', { nodeId: z.string(), nodeType: z.string() }),
  event('agent.said', { nodeId: z.string(), text: z.string(), purpose: SpeechPurposeSchema }),
  event('callee.said', { nodeId: z.string(), text: z.string() }),
  event('callee.dtmf', { nodeId: z.string(), digits: z.string() }),
  event('callee.silent', { nodeId: z.string() }),
  event('callee.hung_up', { nodeId: z.string() }),
  event('understood', {
    nodeId: z.string(),
    intent: z.string().optional(),
    value: z.unknown().optional(),
    extracted: z.record(z.string(), z.unknown()).optional(),
  }),
  event('variable.set', { name: z.string(), value: z.unknown(), nodeId: z.string() }),
  event('global.fired', { globalId: z.string(), nodeId: z.string(), goto: z.string() }),
  event('tool.called', { nodeId: z.string(), toolId: z.string(), input: z.unknown() }),
  event('tool.result', {
    nodeId: z.string(),
    toolId: z.string(),
    outcome: z.enum(['success', 'error', 'timeout']),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
  event('transfer.result', { nodeId: z.string(), to: z.string(), result: SimulationTransferResultSchema }),
  event('opted_out', { nodeId: z.string(), channel: OptOutChannelSchema, words: z.string().optional() }),
  event('flow.error', { nodeId: z.string(), message: z.string() }),
  event('call.ended', { disposition: z.string(), nodeId: z.string().optional() }),
]);
export type SimulationCallEvent = z.infer<typeof SimulationCallEventSchema>;

/** A call event with its place in the call (1, 2, …): the SSE `id`, and what `Last-Event-ID` refers to. */
export const SimulationEventSchema = z.intersection(
  z.object({ seq: z.number().int().positive() }),
  SimulationCallEventSchema,
);
export type SimulationEvent = z.infer<typeof SimulationEventSchema>;

// ---------------------------------------------------------------- state and record

/** What the agent is waiting for; null when the call has ended. */
export const SimulationListeningSchema = z.object({
  nodeId: z.string(),
  input: z.enum(['speech', 'dtmf', 'both']),
  /** the question's capture type, when the node captures one */
  captureType: z.string().nullable(),
  /** how long the callee may stay silent, in ms of the simulated clock (a `{silence: true}` turn jumps there) */
  timeoutMs: z.number().int().min(0),
});
export type SimulationListening = z.infer<typeof SimulationListeningSchema>;

export const SimulationTranscriptEntrySchema = z.object({
  speaker: z.enum(['agent', 'callee']),
  text: z.string(),
  at: Timestamp,
  nodeId: z.string().optional(),
  kind: z.enum(['speech', 'dtmf', 'silence', 'hangup']),
});

/** The result of the call once it has ended (`@switchboard/flow`'s `CallRecord`). */
export const SimulationRecordSchema = z.object({
  path: z.array(z.string()),
  transcript: z.array(SimulationTranscriptEntrySchema),
  variables: z.record(z.string(), z.unknown()),
  disposition: z.string(),
  optedOut: z.boolean(),
  events: z.array(SimulationCallEventSchema),
  startedAt: Timestamp,
  endedAt: Timestamp,
  durationMs: z.number().int().min(0),
});
export type SimulationRecord = z.infer<typeof SimulationRecordSchema>;

export const SIMULATION_STATUSES = ['active', 'ended'] as const;
export const SimulationStatusSchema = z.enum(SIMULATION_STATUSES);
export type SimulationStatus = z.infer<typeof SimulationStatusSchema>;

const SimulationBaseSchema = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  version: SimulationFlowVersionSchema,
  status: SimulationStatusSchema,
  listening: SimulationListeningSchema.nullable(),
  /** present once the call has ended */
  record: SimulationRecordSchema.optional(),
  /** the simulated clock */
  clock: Timestamp,
  createdAt: Timestamp,
  /** when the simulation is forgotten if nothing happens to it (every turn pushes this back) */
  expiresAt: Timestamp,
});

/** `POST /v1/flows/:id/simulations` and `GET /v1/simulations/:id`: the state and every event so far. */
export const SimulationSchema = SimulationBaseSchema.extend({ events: z.array(SimulationEventSchema) });
export type Simulation = z.infer<typeof SimulationSchema>;

/** `POST /v1/simulations/:id/turns`: the state, and the events this turn produced (the turn itself first). */
export const SimulationTurnResponseSchema = SimulationBaseSchema.extend({ events: z.array(SimulationEventSchema) });
export type SimulationTurnResponse = z.infer<typeof SimulationTurnResponseSchema>;

/** The data of the SSE `end` event. */
export const SimulationStreamEndSchema = z.object({
  reason: z.enum(['ended', 'deleted', 'expired']),
  /** the call's disposition, when it ended */
  disposition: z.string().nullable(),
  /** the last event's seq */
  lastSeq: z.number().int().min(0),
});
export type SimulationStreamEnd = z.infer<typeof SimulationStreamEndSchema>;

// ---------------------------------------------------------------- errors

/** The error codes of the simulation routes (besides the common ones: BAD_REQUEST, FORBIDDEN, …). */
export const SIMULATION_ERROR_CODES = [
  /** unknown id, or another organisation's simulation */
  'SIMULATION_NOT_FOUND',
  /** the simulation expired (idle for too long) or was deleted */
  'SIMULATION_GONE',
  /** the call has ended: it takes no more turns */
  'SIMULATION_ENDED',
  /** another turn of the same simulation is being applied and did not finish in time */
  'SIMULATION_BUSY',
  /** the flow has errors that keep it from running */
  'SIMULATION_FLOW_INVALID',
  /** required input variables are missing */
  'SIMULATION_MISSING_VARIABLES',
  /** `tools` mocks a tool the flow does not declare */
  'SIMULATION_UNKNOWN_TOOL',
  /** `httpTools: true` needs the admin or designer role */
  'SIMULATION_HTTP_TOOLS_FORBIDDEN',
  /** the call neither listened nor ended in time (e.g. a real HTTP tool that hangs) */
  'SIMULATION_STALLED',
] as const;
export type SimulationErrorCode = (typeof SIMULATION_ERROR_CODES)[number];
