import { NODE_ID_PATTERN, type FlowDocument, type FlowEdge, type NodeType } from '../schema/index.js';

/**
 * `base_n` with the smallest `n >= start` that `taken` does not hold (`base` itself first
 * when `bare` is set). Ids stay readable (`say_2`, `greet_2`) instead of random.
 */
export function uniqueId(base: string, taken: ReadonlySet<string>, options: { start?: number; bare?: boolean } = {}) {
  if (options.bare && !taken.has(base)) return base;
  for (let n = options.start ?? 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** `greet_3` → `greet`: the base that copies of a node are named after. */
export function idBase(id: string): string {
  return id.replace(/_\d+$/, '') || id;
}

export function isValidId(id: string): boolean {
  return NODE_ID_PATTERN.test(id);
}

export function nodeIds(flow: FlowDocument): Set<string> {
  return new Set(flow.nodes.map((n) => n.id));
}

export function edgeIds(flow: FlowDocument): Set<string> {
  return new Set(flow.edges.map((e) => e.id));
}

/** The id `addNode` gives a new node of `type` when none is asked for: `say_1`, `say_2`, … */
export function nextNodeId(flow: FlowDocument, type: NodeType): string {
  return uniqueId(type, nodeIds(flow));
}

/**
 * The id of a new edge, in the style of the example flows: `e_<from>_<handle>` for an
 * outcome edge, `e_<from>_to_<to>` for an intent edge, `_2`, `_3`… when taken.
 */
export function nextEdgeId(
  taken: ReadonlySet<string>,
  edge: Pick<FlowEdge, 'from' | 'to'> & { handle?: string | undefined },
): string {
  const base = edge.handle !== undefined ? `e_${edge.from}_${edge.handle}` : `e_${edge.from}_to_${edge.to}`;
  return uniqueId(base, taken, { bare: true, start: 2 });
}
