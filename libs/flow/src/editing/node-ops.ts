import {
  acceptsIntentEdges,
  isIntentEdge,
  NodeSchema,
  outcomeHandles,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type Global,
  type Layout,
  type NodeOf,
  type NodeType,
} from '../schema/index.js';
import { EditError } from './edit-error.js';
import { nextNodeId, nodeIds } from './ids.js';
import { checkNewId, findNode, merge, parseOrThrow, sameJson } from './internal.js';
import type { XYPosition } from './layout.js';
import { defaultNodeFields } from './node-defaults.js';

/** Fields of a node of type `T` that `updateNode` may change (id and type have their own operations). */
export type NodePatch<T extends NodeType = NodeType> = T extends NodeType
  ? { [K in Exclude<keyof NodeOf<T>, 'id' | 'type'>]?: NodeOf<T>[K] | undefined }
  : never;

export interface AddNodeRequest<T extends NodeType = NodeType> {
  type: T;
  position: XYPosition;
  /** defaults to `<type>_<n>` (`say_1`, `say_2`, …) */
  id?: string;
  /** fields to start with instead of the defaults (a palette preset, a template) */
  fields?: NodePatch<T>;
}

/**
 * Adds a node of `type` at `position` with default fields (see `defaultNodeFields`), parsed
 * by the node schema so that it carries the schema's defaults like a loaded document.
 * A flow has one start node: adding a second is refused (`START_NODE`); a start added to a
 * flow whose entry is missing becomes the entry.
 */
export function addNode<T extends NodeType>(flow: FlowDocument, request: AddNodeRequest<T>): FlowDocument {
  const { type } = request;
  if (type === 'start' && flow.nodes.some((n) => n.type === 'start'))
    throw new EditError('START_NODE', 'The flow already has a start node; a call has only one beginning.');
  const taken = nodeIds(flow);
  const id = request.id ?? nextNodeId(flow, type);
  checkNewId(id, taken, 'a node');
  checkPosition(request.position, id);
  const node = parseOrThrow(
    NodeSchema,
    { ...defaultNodeFields(flow, type, id), ...request.fields, id, type },
    `The new ${type} node`,
  );
  const entryMissing = !flow.nodes.some((n) => n.id === flow.entry);
  return {
    ...flow,
    ...(type === 'start' && entryMissing ? { entry: id } : {}),
    nodes: [...flow.nodes, node],
    layout: withPositions(flow.layout, { [id]: request.position }),
  };
}

/**
 * Changes fields of node `id` (a key set to `undefined` removes an optional field) and
 * validates the result with the node schema. When the change renames, adds or removes
 * exits (a branch case, a choice value, a capture type), the node's edges follow: a case or
 * choice value renamed in place (same position, old id gone, new id new) keeps its edge; edges on exits
 * that no longer exist are removed, as are intent edges when the node stops accepting them.
 */
export function updateNode(flow: FlowDocument, id: string, patch: NodePatch): FlowDocument {
  const before = findNode(flow, id);
  const p = patch as Record<string, unknown>;
  if ('id' in p && p.id !== id)
    throw new EditError('IMMUTABLE_FIELD', `A node's id changes with renameNode, not updateNode.`);
  if ('type' in p && p.type !== before.type)
    throw new EditError('IMMUTABLE_FIELD', `A node's type cannot change; add a new node instead.`);
  const after = parseOrThrow(NodeSchema, merge(before, patch), `Node "${id}"`);
  if (sameJson(before, after)) return flow;
  return {
    ...flow,
    nodes: flow.nodes.map((n) => (n === before ? after : n)),
    edges: followHandles(flow.edges, before, after),
  };
}

function followHandles(edges: FlowEdge[], before: FlowNode, after: FlowNode): FlowEdge[] {
  const oldHandles = outcomeHandles(before);
  const newHandles = outcomeHandles(after);
  const intentsKept = acceptsIntentEdges(after);
  if (sameJson(oldHandles, newHandles) && intentsKept === acceptsIntentEdges(before)) return edges;

  // a case or choice value whose id changed at the same place is a rename, not a swap
  const renamed = new Map<string, string>();
  const oldNamed = namedHandles(before);
  const newNamed = namedHandles(after);
  if (oldNamed && newNamed && oldNamed.length === newNamed.length) {
    const oldSet = new Set(oldNamed);
    const newSet = new Set(newNamed);
    oldNamed.forEach((h, i) => {
      const n = newNamed[i]!;
      if (h !== n && !newSet.has(h) && !oldSet.has(n)) renamed.set(h, n);
    });
  }
  const out: FlowEdge[] = [];
  for (const e of edges) {
    if (e.from !== before.id) out.push(e);
    else if (isIntentEdge(e)) {
      if (intentsKept) out.push(e);
    } else {
      const handle = renamed.get(e.handle) ?? e.handle;
      if (newHandles.includes(handle)) out.push(handle === e.handle ? e : { ...e, handle });
    }
  }
  return out;
}

/** The handles the author names: branch case ids, choice value ids. */
function namedHandles(node: FlowNode): string[] | undefined {
  if (node.type === 'branch') return node.cases.map((c) => c.id);
  if (node.type === 'question' && node.capture.type === 'choice') return (node.capture.values ?? []).map((v) => v.id);
  return undefined;
}

/**
 * Gives node `from` the id `to` and updates every reference to it: edges, the entry,
 * globals' `goto` and `scope`, the layout and the scenarios' expected paths. Edge ids are
 * kept (they are opaque, and keeping them keeps version diffs small).
 */
export function renameNode(flow: FlowDocument, from: string, to: string): FlowDocument {
  findNode(flow, from);
  if (from === to) return flow;
  checkNewId(to, nodeIds(flow), 'a node');
  const swap = (id: string) => (id === from ? to : id);
  return {
    ...flow,
    entry: swap(flow.entry),
    nodes: flow.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: flow.edges.map((e) => (e.from === from || e.to === from ? { ...e, from: swap(e.from), to: swap(e.to) } : e)),
    globals: flow.globals.map((g) =>
      g.goto === from || g.scope?.includes(from)
        ? { ...g, goto: swap(g.goto), ...(g.scope ? { scope: g.scope.map(swap) } : {}) }
        : g,
    ),
    tests: flow.tests.map((t) =>
      t.expect.path?.includes(from) ? { ...t, expect: { ...t.expect, path: t.expect.path.map(swap) } } : t,
    ),
    ...(flow.layout ? { layout: renameKey(flow.layout, from, to) } : {}),
  };
}

function renameKey(layout: Layout, from: string, to: string): Layout {
  if (!Object.hasOwn(layout.nodes, from)) return layout;
  const nodes: Layout['nodes'] = {};
  // a stale entry under the new id (a node removed by hand) gives way to the renamed node's
  for (const [key, value] of Object.entries(layout.nodes)) if (key !== to) nodes[key === from ? to : key] = value;
  return { ...layout, nodes };
}

/**
 * Removes nodes with their edges (both directions) and layout entries. A global that leads
 * to a removed node is removed; removed nodes leave the scopes of the others, and a global
 * whose scope becomes empty is removed too (it could never fire again). Scenario paths are
 * left alone: a test expecting a removed node should fail and say so. The entry node
 * cannot be removed (`START_NODE`).
 */
export function removeNodes(flow: FlowDocument, ids: readonly string[]): FlowDocument {
  const gone = new Set(ids);
  for (const id of gone) findNode(flow, id);
  if (gone.has(flow.entry))
    throw new EditError('START_NODE', `"${flow.entry}" is where the call starts; it cannot be removed.`);
  if (gone.size === 0) return flow;
  const globals: Global[] = [];
  for (const g of flow.globals) {
    if (gone.has(g.goto)) continue;
    if (!g.scope?.some((id) => gone.has(id))) {
      globals.push(g);
      continue;
    }
    const scope = g.scope.filter((id) => !gone.has(id));
    if (scope.length) globals.push({ ...g, scope });
  }
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !gone.has(n.id)),
    edges: flow.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)),
    globals,
    ...(flow.layout ? { layout: withoutPositions(flow.layout, gone) } : {}),
  };
}

/**
 * Moves nodes on the canvas: only `layout` changes, so the logic (and its checksum) stays
 * the same. Returns the same document when nothing moved.
 */
export function moveNodes(flow: FlowDocument, positions: Readonly<Record<string, XYPosition>>): FlowDocument {
  const ids = new Set(flow.nodes.map((n) => n.id));
  let moved = false;
  for (const [id, p] of Object.entries(positions)) {
    if (!ids.has(id)) throw new EditError('NODE_NOT_FOUND', `There is no node "${id}" to move.`);
    checkPosition(p, id);
    const old = flow.layout && Object.hasOwn(flow.layout.nodes, id) ? flow.layout.nodes[id] : undefined;
    if (!old || old.x !== p.x || old.y !== p.y) moved = true;
  }
  return moved ? { ...flow, layout: withPositions(flow.layout, positions) } : flow;
}

/** Stores the canvas viewport (layout only). */
export function setViewport(flow: FlowDocument, viewport: { x: number; y: number; zoom: number }): FlowDocument {
  if (![viewport.x, viewport.y, viewport.zoom].every(Number.isFinite) || viewport.zoom <= 0)
    throw new EditError('INVALID_VALUE', 'The viewport needs finite x and y and a positive zoom.');
  const { x, y, zoom } = viewport;
  return { ...flow, layout: { nodes: {}, ...flow.layout, viewport: { x, y, zoom } } };
}

export function checkPosition(p: XYPosition | undefined, id: string): void {
  if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y))
    throw new EditError('INVALID_VALUE', `The position of "${id}" needs finite x and y.`);
}

export function withPositions(layout: Layout | undefined, positions: Readonly<Record<string, XYPosition>>): Layout {
  const nodes = { ...layout?.nodes };
  for (const [id, p] of Object.entries(positions)) nodes[id] = { x: p.x, y: p.y };
  return { ...layout, nodes };
}

function withoutPositions(layout: Layout, gone: ReadonlySet<string>): Layout {
  if (!Object.keys(layout.nodes).some((id) => gone.has(id))) return layout;
  const nodes: Layout['nodes'] = {};
  for (const [id, p] of Object.entries(layout.nodes)) if (!gone.has(id)) nodes[id] = p;
  return { ...layout, nodes };
}
