import * as dagre from '@dagrejs/dagre';
import type { FlowDocument, FlowNode, Layout } from '../schema/index.js';

// @dagrejs/dagre's declarations import their own files without extensions, which NodeNext
// resolution does not follow (everything would be `any`): the part we use, typed here.
interface DagreGraph {
  setGraph(label: { rankdir: string; nodesep: number; ranksep: number }): void;
  setDefaultEdgeLabel(label: () => object): void;
  setNode(id: string, label: Size): void;
  setEdge(from: string, to: string, label: object, name: string): void;
  node(id: string): { x: number; y: number };
}
const DagreGraph = dagre.Graph as unknown as new (options: { multigraph: boolean }) => DagreGraph;
const dagreLayout = dagre.layout as unknown as (graph: DagreGraph) => void;

export interface XYPosition {
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}

/** The size the layout assumes for a node the editor has not measured. */
export const DEFAULT_NODE_SIZE: Readonly<Size> = { width: 240, height: 100 };
/** Grid steps of the fallback placement; the example flows use the same spacing. */
const STEP = { x: 300, y: 250 } as const;

/** The stored position of a node, if the layout has a usable one. */
export function storedPosition(flow: FlowDocument, id: string): XYPosition | undefined {
  const nodes = flow.layout?.nodes;
  // own properties only: an id such as "constructor" must not find Object.prototype's
  if (!nodes || !Object.hasOwn(nodes, id)) return undefined;
  const p = nodes[id];
  return p && Number.isFinite(p.x) && Number.isFinite(p.y) ? p : undefined;
}

/**
 * A position for every node: the stored one, else a place found by a fast layered
 * placement (rank = steps from the entry, then from global targets) to the right of every
 * stored position, so nothing overlaps. Linear in the flow's size and deterministic; call
 * `autoLayout` to lay the whole flow out properly.
 */
export function resolvePositions(flow: FlowDocument): Map<string, XYPosition> {
  const positions = new Map<string, XYPosition>();
  const missing: FlowNode[] = [];
  for (const node of flow.nodes) {
    if (positions.has(node.id)) continue;
    const p = storedPosition(flow, node.id);
    if (p) positions.set(node.id, p);
    else missing.push(node);
  }
  if (missing.length === 0) return positions;

  let maxX = -Infinity;
  let minY = Infinity;
  for (const p of positions.values()) {
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
  }
  const origin = positions.size ? { x: maxX + STEP.x, y: minY } : { x: 0, y: 0 };
  const ranks = rankNodes(flow);
  const columns = new Map<number, number>();
  for (const node of missing) {
    const rank = ranks.get(node.id) ?? 0;
    const column = columns.get(rank) ?? 0;
    columns.set(rank, column + 1);
    positions.set(node.id, { x: origin.x + column * STEP.x, y: origin.y + rank * STEP.y });
  }
  return positions;
}

/** Breadth-first distance from the entry; global targets and orphans start new layers. */
function rankNodes(flow: FlowDocument): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const e of flow.edges) {
    const list = next.get(e.from);
    if (list) list.push(e.to);
    else next.set(e.from, [e.to]);
  }
  const rank = new Map<string, number>();
  const walk = (root: string, start: number) => {
    if (rank.has(root)) return;
    rank.set(root, start);
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const r = rank.get(id)!;
      for (const to of next.get(id) ?? [])
        if (!rank.has(to)) {
          rank.set(to, r + 1);
          queue.push(to);
        }
    }
  };
  walk(flow.entry, 0);
  for (const g of flow.globals) walk(g.goto, 1);
  for (const node of flow.nodes) walk(node.id, 0);
  return rank;
}

export interface AutoLayoutOptions {
  /** top to bottom (default) or left to right */
  direction?: 'TB' | 'LR';
  /** measured node sizes from the editor; others get `DEFAULT_NODE_SIZE` */
  sizes?: Readonly<Record<string, Size>>;
  /** space between nodes of one rank (default 60) */
  nodeSep?: number;
  /** space between ranks (default 150) */
  rankSep?: number;
}

/**
 * Lays the whole flow out with dagre: a pure step that replaces `layout.nodes` (the
 * viewport is kept) and never touches the logic. Positions are React Flow's top-left
 * corners, rounded; the same flow always gets the same layout.
 */
export function autoLayout(flow: FlowDocument, options: AutoLayoutOptions = {}): FlowDocument {
  const direction = options.direction ?? 'TB';
  const g = new DagreGraph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: options.nodeSep ?? 60, ranksep: options.rankSep ?? 150 });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, Size>();
  for (const node of flow.nodes) {
    if (sizes.has(node.id)) continue;
    const size = sizeOf(options.sizes, node.id);
    sizes.set(node.id, size);
    g.setNode(node.id, { width: size.width, height: size.height });
  }
  for (const e of flow.edges) if (sizes.has(e.from) && sizes.has(e.to)) g.setEdge(e.from, e.to, {}, e.id);
  dagreLayout(g);

  const nodes: Layout['nodes'] = {};
  for (const [id, size] of sizes) {
    const { x, y } = g.node(id);
    nodes[id] = { x: Math.round(x - size.width / 2), y: Math.round(y - size.height / 2) };
  }
  return { ...flow, layout: { ...flow.layout, nodes } };
}

function sizeOf(sizes: AutoLayoutOptions['sizes'], id: string): Size {
  const s = sizes && Object.hasOwn(sizes, id) ? sizes[id] : undefined;
  return s && s.width > 0 && s.height > 0 ? s : DEFAULT_NODE_SIZE;
}
