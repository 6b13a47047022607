import { z } from 'zod';
import {
  EdgeSchema,
  NodeSchema,
  ToolSchema,
  VariableSchema,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type Tool,
  type Variable,
} from '../schema/index.js';
import { EditError } from './edit-error.js';
import { idBase, nextEdgeId, uniqueId } from './ids.js';
import { own } from './internal.js';
import { resolvePositions, type XYPosition } from './layout.js';
import { withPositions } from './node-ops.js';

export const CLIPBOARD_FORMAT = 'switchboard.clipboard/v1' as const;

/**
 * Copied nodes as plain JSON (it can go through the system clipboard and into another
 * flow): the nodes, the edges between them, their positions, and the variables and tools
 * they write or call, so that a paste into another flow brings what they need.
 */
export const ClipboardSchema = z.strictObject({
  format: z.literal(CLIPBOARD_FORMAT),
  nodes: z.array(NodeSchema),
  edges: z.array(EdgeSchema),
  positions: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number() })),
  variables: z.array(VariableSchema),
  tools: z.array(ToolSchema),
});
export type Clipboard = z.infer<typeof ClipboardSchema>;

/**
 * Copies nodes (start nodes are skipped: a flow has one), the edges among them, their
 * canvas positions (as `toCanvas` shows them) and the declared variables and tools they
 * reference.
 */
export function copyNodes(flow: FlowDocument, ids: readonly string[]): Clipboard {
  const wanted = new Set(ids);
  for (const id of wanted)
    if (!flow.nodes.some((n) => n.id === id))
      throw new EditError('NODE_NOT_FOUND', `There is no node "${id}" to copy.`);
  const seen = new Set<string>();
  const nodes: FlowNode[] = [];
  for (const n of flow.nodes)
    if (wanted.has(n.id) && n.type !== 'start' && !seen.has(n.id)) {
      seen.add(n.id);
      nodes.push(n);
    }
  const all = resolvePositions(flow);
  const positions: Record<string, XYPosition> = {};
  for (const n of nodes) positions[n.id] = { ...all.get(n.id)! };
  const varNames = new Set(nodes.flatMap(variablesWritten));
  const toolIds = new Set(nodes.flatMap(toolsCalled));
  return structuredClone({
    format: CLIPBOARD_FORMAT,
    nodes,
    edges: flow.edges.filter((e) => seen.has(e.from) && seen.has(e.to)),
    positions,
    variables: flow.variables.filter((v) => varNames.has(v.name)),
    tools: flow.tools.filter((t) => toolIds.has(t.id)),
  });
}

/** Reads a clipboard from untrusted JSON (the system clipboard); `INVALID_CLIPBOARD` if it is not one. */
export function parseClipboard(value: unknown): Clipboard {
  const parsed = ClipboardSchema.safeParse(value);
  if (!parsed.success) throw new EditError('INVALID_CLIPBOARD', 'The clipboard does not hold Switchboard nodes.');
  return parsed.data;
}

export interface PasteResult {
  flow: FlowDocument;
  /** clipboard node id → its id in the flow */
  idMap: Record<string, string>;
}

/**
 * Pastes a clipboard into a flow (the same one or another). Node ids are kept when free
 * and otherwise renamed after them (`greet` → `greet_2`); edges get new ids; edges whose
 * ends are not both pasted are dropped. The pasted group's top-left corner goes to `at`,
 * or 40 px right and down of where it was copied. Variables and tools the nodes need are
 * added when the flow has none of that name (an existing one of that name is kept as is).
 */
export function pasteNodes(flow: FlowDocument, clipboard: Clipboard, at?: XYPosition): PasteResult {
  const board = parseClipboard(clipboard);
  const nodes = board.nodes.filter((n) => n.type !== 'start');
  if (nodes.length === 0) return { flow, idMap: {} };

  const taken = new Set(flow.nodes.map((n) => n.id));
  const idMap: Record<string, string> = {};
  const pasted: FlowNode[] = [];
  for (const node of nodes) {
    if (Object.hasOwn(idMap, node.id)) continue;
    const id = taken.has(node.id) ? uniqueId(idBase(node.id), taken, { start: 2 }) : node.id;
    taken.add(id);
    idMap[node.id] = id;
    pasted.push(id === node.id ? node : { ...node, id });
  }

  const edgeIdsTaken = new Set(flow.edges.map((e) => e.id));
  const edges: FlowEdge[] = [];
  for (const e of board.edges) {
    const from = own(idMap, e.from);
    const to = own(idMap, e.to);
    if (from === undefined || to === undefined) continue;
    const id = nextEdgeId(edgeIdsTaken, e.kind === 'intent' ? { from, to } : { from, to, handle: e.handle });
    edgeIdsTaken.add(id);
    edges.push({ ...e, id, from, to });
  }

  const origin = topLeft(nodes.map((n) => own(board.positions, n.id)).filter((p) => p !== undefined));
  const shift = at ? { x: at.x - origin.x, y: at.y - origin.y } : { x: 40, y: 40 };
  const positions: Record<string, XYPosition> = {};
  nodes.forEach((node, i) => {
    const p = own(board.positions, node.id) ?? { x: origin.x + i * 40, y: origin.y + i * 40 };
    const id = idMap[node.id]!;
    if (!Object.hasOwn(positions, id)) positions[id] = { x: p.x + shift.x, y: p.y + shift.y };
  });

  const variables: Variable[] = board.variables.filter((v) => !flow.variables.some((w) => w.name === v.name));
  const tools: Tool[] = board.tools.filter((t) => !flow.tools.some((u) => u.id === t.id));
  return {
    flow: {
      ...flow,
      nodes: [...flow.nodes, ...pasted],
      edges: [...flow.edges, ...edges],
      ...(variables.length ? { variables: [...flow.variables, ...variables] } : {}),
      ...(tools.length ? { tools: [...flow.tools, ...tools] } : {}),
      layout: withPositions(flow.layout, positions),
    },
    idMap,
  };
}

/**
 * Copies of nodes beside them (`offset`, 40 px right and down by default) with the edges
 * among them: `pasteNodes(flow, copyNodes(flow, ids))`, which also gives the new ids.
 */
export function duplicateNodes(
  flow: FlowDocument,
  ids: readonly string[],
  offset: XYPosition = { x: 40, y: 40 },
): FlowDocument {
  const board = copyNodes(flow, ids);
  const origin = topLeft(Object.values(board.positions));
  return pasteNodes(flow, board, { x: origin.x + offset.x, y: origin.y + offset.y }).flow;
}

function topLeft(points: readonly XYPosition[]): XYPosition {
  if (points.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...points.map((p) => p.x)), y: Math.min(...points.map((p) => p.y)) };
}

function variablesWritten(node: FlowNode): string[] {
  switch (node.type) {
    case 'question':
      return [node.capture.var];
    case 'llm':
      return (node.extract ?? []).map((x) => x.var);
    case 'set':
      return node.assign.map((a) => a.var);
    case 'tool':
      return Object.keys(node.output ?? {});
    default:
      return [];
  }
}

function toolsCalled(node: FlowNode): string[] {
  if (node.type === 'tool') return [node.tool];
  if (node.type === 'llm') return node.tools ?? [];
  return [];
}
