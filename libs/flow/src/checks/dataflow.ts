import { isListeningNode, type FlowEdge, type FlowNode } from '../schema/index.js';
import type { CheckContext } from './check-context.js';

/**
 * Whether a declared variable is set when the call enters a node: on every path
 * (`set`), on some (`maybe`), on none (`unset`) — or the call never gets there.
 *
 * Paths follow the edges and the non-returning globals (from every listening node they
 * apply to). Edge-sensitive where the language is: a question sets its variable only on
 * its answer exits, a tool its outputs only on `success`, a `set` node on `next`; an llm
 * node's extractions may or may not happen. Inputs and variables with a default are set
 * from the start.
 *
 * Per variable, two graph searches over arrays: "possibly unset" is what the entry
 * reaches without crossing an edge that sets the variable; "possibly set" is what the
 * targets of edges that may set it reach. O(V × (N + E)) for the V variables actually
 * read — predictable, where a bitset fixpoint can take a pass per nested loop.
 */
export type VariableStatus = 'set' | 'maybe' | 'unset' | 'unreached';

export interface VariableStates {
  status(variable: string, nodeId: string): VariableStatus;
}

const SUCCESS = 1;
const GLOBAL = 2;

const ALWAYS = 1;
const ON_SUCCESS = 2;
const MAYBE = 4;

export function computeVariableStates(ctx: CheckContext): VariableStates | undefined {
  const { flow, graph } = ctx;
  const entryNode = graph.node(flow.entry);
  if (!ctx.complete || entryNode?.type !== 'start') return undefined;

  const nodes = [...graph.nodes.values()];
  const indexOf = new Map(nodes.map((n, i) => [n.id, i]));
  const entry = indexOf.get(entryNode.id)!;

  // adjacency in compressed rows: edges of node i are outTo[outStart[i] .. outStart[i+1])
  const rows: { to: number; flags: number }[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const edge of graph.edgesFrom(node.id)) {
      const to = indexOf.get(edge.to);
      if (to !== undefined) rows[i]!.push({ to, flags: isSuccessExit(node, edge) ? SUCCESS : 0 });
    }
    if (isListeningNode(node))
      for (const g of graph.globalsFor(node.id)) {
        const to = g.return ? undefined : indexOf.get(g.goto);
        if (to !== undefined) rows[i]!.push({ to, flags: GLOBAL });
      }
  });
  const outStart = new Int32Array(nodes.length + 1);
  rows.forEach((row, i) => (outStart[i + 1] = outStart[i]! + row.length));
  const outTo = new Int32Array(outStart[nodes.length]!);
  const outFlags = new Uint8Array(outTo.length);
  rows.forEach((row, i) =>
    row.forEach((e, k) => {
      outTo[outStart[i]! + k] = e.to;
      outFlags[outStart[i]! + k] = e.flags;
    }),
  );

  const queue = new Int32Array(nodes.length);
  /** nodes reached from `seeds`, crossing edge `e` only if `pass(e, from)` */
  const search = (seeds: Iterable<number>, pass: (e: number, from: number) => boolean): Uint8Array => {
    const seen = new Uint8Array(nodes.length);
    let tail = 0;
    for (const s of seeds)
      if (!seen[s]) {
        seen[s] = 1;
        queue[tail++] = s;
      }
    for (let head = 0; head < tail; head++) {
      const from = queue[head]!;
      for (let e = outStart[from]!; e < outStart[from + 1]!; e++) {
        const to = outTo[e]!;
        if (!seen[to] && pass(e, from)) {
          seen[to] = 1;
          queue[tail++] = to;
        }
      }
    }
    return seen;
  };
  const reachable = search([entry], () => true);

  const initial = new Set(
    [...graph.variables.values()].filter((v) => v.source === 'input' || v.default !== undefined).map((v) => v.name),
  );
  const cache = new Map<string, { unset: Uint8Array; set: Uint8Array } | 'initial'>();

  const analyse = (name: string): { unset: Uint8Array; set: Uint8Array } | 'initial' => {
    if (initial.has(name)) return 'initial';
    const gen = new Uint8Array(nodes.length);
    nodes.forEach((node, i) => (gen[i] = genOf(node, name)));
    const setsForSure = (e: number, from: number): boolean => {
      const flags = outFlags[e]!;
      if (flags & GLOBAL) return false;
      return (gen[from]! & ALWAYS) !== 0 || ((gen[from]! & ON_SUCCESS) !== 0 && (flags & SUCCESS) !== 0);
    };
    const unset = search([entry], (e, from) => !setsForSure(e, from));
    const seeds: number[] = [];
    for (let from = 0; from < nodes.length; from++) {
      if (!reachable[from] || !gen[from]) continue;
      for (let e = outStart[from]!; e < outStart[from + 1]!; e++)
        if (setsForSure(e, from) || (gen[from]! & MAYBE) !== 0) seeds.push(outTo[e]!);
    }
    return { unset, set: search(seeds, () => true) };
  };

  return {
    status(name, nodeId) {
      const i = indexOf.get(nodeId);
      if (i === undefined || !reachable[i]) return 'unreached';
      let result = cache.get(name);
      if (!result) cache.set(name, (result = analyse(name)));
      if (result === 'initial') return 'set';
      if (!result.unset[i]) return 'set';
      return result.set[i] ? 'maybe' : 'unset';
    },
  };
}

function genOf(node: FlowNode, name: string): number {
  switch (node.type) {
    case 'question':
      return node.capture.var === name ? ON_SUCCESS : 0;
    case 'llm':
      return node.extract?.some((e) => e.var === name) ? MAYBE : 0;
    case 'tool':
      return node.output && Object.hasOwn(node.output, name) ? ON_SUCCESS : 0;
    case 'set':
      return node.assign.some((a) => a.var === name) ? ALWAYS : 0;
    default:
      return 0;
  }
}

/** A question's answer exits and a tool's `success`: where their variables are set. */
function isSuccessExit(node: FlowNode, edge: FlowEdge): boolean {
  if (edge.kind === 'intent') return false;
  if (node.type === 'question') return edge.handle !== 'no_input' && edge.handle !== 'no_match';
  if (node.type === 'tool') return edge.handle === 'success';
  return false;
}
