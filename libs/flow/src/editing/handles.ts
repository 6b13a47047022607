import {
  acceptsIntentEdges,
  isIntentEdge,
  isTerminalNode,
  outcomeHandles,
  type FlowDocument,
  type FlowNode,
} from '../schema/index.js';

export type HandleKind = 'outcome' | 'intent' | 'terminal';

/** One source handle of a node as the canvas draws it. */
export interface CanvasHandle {
  /** the edge `handle` (an outcome, a branch case id, a choice value id), or `intent` */
  id: string;
  /** what the canvas writes beside it: the outcome, the case's or the choice's label */
  label: string;
  /** `intent`: any number of intent edges leave it; `terminal`: shown, never connectable */
  kind: HandleKind;
  /** the static checks report an error while it is not wired */
  required: boolean;
}

/** The source handle intent edges leave from (never an outcome: no node has both meanings). */
export const INTENT_HANDLE = 'intent';
/** A transfer's `connected` outcome ends the call and takes no edge. */
export const TRANSFER_CONNECTED_HANDLE = 'connected';

/**
 * Handles that must be wired (FLOW-LANGUAGE.md "Static checks"); the same table as the
 * `REQUIRED_HANDLE_UNWIRED` check.
 */
export function requiredHandles(node: FlowNode): readonly string[] {
  switch (node.type) {
    case 'start':
      return outcomeHandles(node);
    case 'question':
      return ['no_input', 'no_match'];
    case 'tool':
      return ['error', 'timeout'];
    case 'branch':
      return ['else'];
    case 'transfer':
      return ['failed'];
    default:
      return [];
  }
}

// Handles depend only on the node object; documents are edited with structural sharing, so
// an unchanged node keeps its handle list (and React memoisation keeps working).
const handleCache = new WeakMap<FlowNode, CanvasHandle[]>();

/** The node's source handles in drawing order (terminal `connected` and `intent` included). */
export function nodeHandles(node: FlowNode): CanvasHandle[] {
  const cached = handleCache.get(node);
  if (cached) return cached;
  const required = requiredHandles(node);
  const labels = handleLabels(node);
  const handles: CanvasHandle[] = outcomeHandles(node).map((id) => ({
    id,
    label: labels.get(id) ?? id,
    kind: 'outcome',
    required: required.includes(id),
  }));
  if (acceptsIntentEdges(node)) {
    const intent: CanvasHandle = { id: INTENT_HANDLE, label: 'intents', kind: 'intent', required: false };
    // an llm's intents are its main way out; a text question's come after "answered"
    handles.splice(node.type === 'llm' ? 0 : 1, 0, intent);
  }
  if (node.type === 'transfer')
    handles.unshift({ id: TRANSFER_CONNECTED_HANDLE, label: 'connected', kind: 'terminal', required: false });
  handleCache.set(node, handles);
  return handles;
}

function handleLabels(node: FlowNode): Map<string, string> {
  if (node.type === 'branch') return new Map(node.cases.map((c) => [c.id, c.label?.trim() || c.id]));
  if (node.type === 'question' && node.capture.type === 'choice')
    return new Map((node.capture.values ?? []).map((v) => [v.id, v.label]));
  return new Map();
}

/** A connection as React Flow hands it to `isValidConnection` / `onConnect`. */
export interface Connection {
  source: string;
  target: string;
  /** an outcome handle or `intent`; may be left out when the node has a single outcome (`next`) */
  sourceHandle?: string | null | undefined;
  targetHandle?: string | null | undefined;
}

export const CONNECTION_REFUSALS = [
  'SOURCE_NOT_FOUND',
  'TARGET_NOT_FOUND',
  'INTO_START',
  'FROM_TERMINAL',
  'TERMINAL_HANDLE',
  'HANDLE_REQUIRED',
  'UNKNOWN_HANDLE',
  'INTENT_NOT_ALLOWED',
] as const;
export type ConnectionRefusal = (typeof CONNECTION_REFUSALS)[number];

export type ConnectionCheck =
  | {
      ok: true;
      kind: 'outcome' | 'intent';
      /** the resolved source handle (`intent` for intent edges) */
      handle: string;
      /** the id of the edge already on this outcome handle, which connecting replaces */
      replaces?: string;
    }
  | { ok: false; code: ConnectionRefusal; reason: string };

/**
 * The schema's wiring rules, for React Flow's `isValidConnection` and for `connect`:
 * the handle exists for the node type; no edges into a start node; none out of a terminal
 * node (or a transfer's `connected`); intent edges only from llm nodes and text questions.
 * An occupied outcome handle is fine: connecting replaces its edge (`replaces`).
 * `ignoreEdge` leaves one edge out of the occupancy test (an edge being reconnected).
 */
export function canConnect(
  flow: FlowDocument,
  connection: Connection,
  options: { ignoreEdge?: string } = {},
): ConnectionCheck {
  const source = flow.nodes.find((n) => n.id === connection.source);
  if (!source) return refuse('SOURCE_NOT_FOUND', `There is no node "${connection.source}" to connect from.`);
  const target = flow.nodes.find((n) => n.id === connection.target);
  if (!target) return refuse('TARGET_NOT_FOUND', `There is no node "${connection.target}" to connect to.`);
  if (target.type === 'start')
    return refuse('INTO_START', 'Nothing can lead back to the start node: a call cannot be dialled again.');
  if (isTerminalNode(source)) return refuse('FROM_TERMINAL', `"${source.id}" ends the call, so nothing can follow it.`);

  const outcomes = outcomeHandles(source);
  const intents = acceptsIntentEdges(source);
  let handle = connection.sourceHandle ?? undefined;
  if (handle === undefined) {
    if (outcomes.length === 1 && !intents) handle = outcomes[0]!;
    else return refuse('HANDLE_REQUIRED', `Say which exit of "${source.id}" to connect.`);
  }

  if (handle === INTENT_HANDLE) {
    if (!intents)
      return refuse(
        'INTENT_NOT_ALLOWED',
        `Intent edges leave only llm nodes and questions that capture free text; "${source.id}" is neither.`,
      );
    return { ok: true, kind: 'intent', handle };
  }
  if (source.type === 'transfer' && handle === TRANSFER_CONNECTED_HANDLE)
    return refuse('TERMINAL_HANDLE', 'A connected transfer ends the call; its "connected" exit takes no edge.');
  if (!outcomes.includes(handle))
    return refuse(
      'UNKNOWN_HANDLE',
      `"${source.id}" has no "${handle}" exit (it has: ${outcomes.join(', ') || 'none'}).`,
    );

  const occupant = flow.edges.find(
    (e) => !isIntentEdge(e) && e.from === source.id && e.handle === handle && e.id !== options.ignoreEdge,
  );
  return occupant
    ? { ok: true, kind: 'outcome', handle, replaces: occupant.id }
    : { ok: true, kind: 'outcome', handle };
}

function refuse(code: ConnectionRefusal, reason: string): ConnectionCheck {
  return { ok: false, code, reason };
}
