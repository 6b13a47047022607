import {
  IntentEdgeSchema,
  isIntentEdge,
  OutcomeEdgeSchema,
  type FlowDocument,
  type FlowEdge,
  type IntentEdge,
  type OutcomeEdge,
} from '../schema/index.js';
import { EditError } from './edit-error.js';
import { canConnect, INTENT_HANDLE, type Connection } from './handles.js';
import { edgeIds, nextEdgeId } from './ids.js';
import { merge, parseOrThrow, sameJson } from './internal.js';

/**
 * Connects `source` (through `sourceHandle`) to `target`, as React Flow's `onConnect`
 * does, after `canConnect` accepted it (else `INVALID_CONNECTION` with its reason).
 * An occupied outcome handle keeps its edge (id and label) and gets the new target:
 * connecting replaces the edge. The `intent` handle adds an intent edge, to be described
 * afterwards (until then `INTENT_EDGE_EMPTY` reports it).
 */
export function connect(flow: FlowDocument, connection: Connection & { id?: string }): FlowDocument {
  const check = canConnect(flow, connection);
  if (!check.ok) throw new EditError('INVALID_CONNECTION', check.reason);
  if (check.kind === 'intent')
    return addIntentEdge(flow, { source: connection.source, target: connection.target, ...idOf(connection) });
  if (check.replaces !== undefined) {
    const replaced = check.replaces;
    return {
      ...flow,
      edges: flow.edges.map((e) => (e.id === replaced && !isIntentEdge(e) ? { ...e, to: connection.target } : e)),
    };
  }
  const edge = { from: connection.source, handle: check.handle, to: connection.target };
  const taken = edgeIds(flow);
  if (connection.id !== undefined && taken.has(connection.id))
    throw new EditError('ID_TAKEN', `An edge "${connection.id}" already exists.`);
  const id = connection.id ?? nextEdgeId(taken, edge);
  return { ...flow, edges: [...flow.edges, parseOrThrow(OutcomeEdgeSchema, { id, ...edge }, 'The new edge')] };
}

export interface AddIntentEdgeRequest {
  source: string;
  target: string;
  /** defaults to `e_<source>_to_<target>` */
  id?: string;
  label?: string;
  intent?: IntentEdge['intent'];
  prompt?: string;
  examples?: string[];
  say?: string;
}

/** Adds an intent edge from an llm node or a text question (any number per node). */
export function addIntentEdge(flow: FlowDocument, request: AddIntentEdgeRequest): FlowDocument {
  const { source, target, id: wanted, ...fields } = request;
  const check = canConnect(flow, { source, target, sourceHandle: INTENT_HANDLE });
  if (!check.ok) throw new EditError('INVALID_CONNECTION', check.reason);
  const taken = edgeIds(flow);
  if (wanted !== undefined && taken.has(wanted)) throw new EditError('ID_TAKEN', `An edge "${wanted}" already exists.`);
  const id = wanted ?? nextEdgeId(taken, { from: source, to: target });
  const edge = parseOrThrow(
    IntentEdgeSchema,
    { id, kind: 'intent', from: source, to: target, ...fields },
    'The intent edge',
  );
  return { ...flow, edges: [...flow.edges, edge] };
}

export type EdgePatch =
  | { [K in Exclude<keyof OutcomeEdge, 'id' | 'kind'>]?: OutcomeEdge[K] | undefined }
  | { [K in Exclude<keyof IntentEdge, 'id' | 'kind'>]?: IntentEdge[K] | undefined };

/**
 * Changes an edge: its label or intent description, or its ends (`from`, `handle`, `to`:
 * React Flow's reconnect), checked like a new connection; another edge on the new handle
 * is replaced (removed). The kind of an edge does not change (`IMMUTABLE_FIELD`).
 */
export function updateEdge(flow: FlowDocument, id: string, patch: EdgePatch): FlowDocument {
  const before = flow.edges.find((e) => e.id === id);
  if (!before) throw new EditError('EDGE_NOT_FOUND', `There is no edge "${id}".`);
  const p = patch as Record<string, unknown>;
  if ('id' in p && p.id !== id) throw new EditError('IMMUTABLE_FIELD', "An edge's id cannot change.");
  if ('kind' in p && (p.kind ?? 'outcome') !== (before.kind ?? 'outcome'))
    throw new EditError(
      'IMMUTABLE_FIELD',
      'An edge cannot change between outcome and intent; remove it and connect again.',
    );
  const after: FlowEdge = isIntentEdge(before)
    ? parseOrThrow(IntentEdgeSchema, merge(before, patch), `Edge "${id}"`)
    : parseOrThrow(OutcomeEdgeSchema, merge(before, patch), `Edge "${id}"`);
  if (sameJson(before, after)) return flow;

  let replaced: string | undefined;
  if (after.from !== before.from || after.to !== before.to || handleOf(after) !== handleOf(before)) {
    const check = canConnect(
      flow,
      { source: after.from, target: after.to, sourceHandle: handleOf(after) },
      { ignoreEdge: id },
    );
    if (!check.ok) throw new EditError('INVALID_CONNECTION', check.reason);
    replaced = check.replaces;
  }
  const edges: FlowEdge[] = [];
  for (const e of flow.edges) {
    if (e === before) edges.push(after);
    else if (replaced === undefined || e.id !== replaced) edges.push(e);
  }
  return { ...flow, edges };
}

/** Removes edges by id (`EDGE_NOT_FOUND` for an unknown one). */
export function removeEdges(flow: FlowDocument, ids: readonly string[]): FlowDocument {
  const gone = new Set(ids);
  const present = edgeIds(flow);
  for (const id of gone) if (!present.has(id)) throw new EditError('EDGE_NOT_FOUND', `There is no edge "${id}".`);
  if (gone.size === 0) return flow;
  return { ...flow, edges: flow.edges.filter((e) => !gone.has(e.id)) };
}

function handleOf(edge: FlowEdge): string {
  return isIntentEdge(edge) ? INTENT_HANDLE : edge.handle;
}

function idOf(connection: { id?: string }): { id?: string } {
  return connection.id === undefined ? {} : { id: connection.id };
}
