import { isListeningNode } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { describeNode } from './wording.js';

/** Whole-graph checks: every node reachable, and no loop that never waits for the callee. */
export function checkGraph(ctx: CheckContext): void {
  if (!ctx.complete) return;
  checkReachability(ctx);
  checkCycles(ctx);
}

/** Node ids reachable from `entry` or from the target of a global. */
export function reachableNodes(ctx: CheckContext): Set<string> {
  const { flow, graph } = ctx;
  const seen = new Set<string>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    if (!seen.has(id) && graph.nodes.has(id)) {
      seen.add(id);
      stack.push(id);
    }
  };
  visit(flow.entry);
  for (const g of flow.globals) visit(g.goto);
  while (stack.length) {
    const id = stack.pop()!;
    for (const next of graph.successors(id)) visit(next);
  }
  return seen;
}

function checkReachability(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  if (graph.node(flow.entry)?.type !== 'start') return; // reported already; everything would look unreachable
  const reachable = reachableNodes(ctx);
  for (const node of graph.nodes.values()) {
    if (reachable.has(node.id) || node.type === 'start') continue;
    ctx.report(
      diagnostic('UNREACHABLE_NODE', `${describeNode(node)} can never be reached: no edge or global leads to it.`, {
        nodeId: node.id,
        path: ctx.nodePath(node.id),
      }),
    );
  }
}

/**
 * Strongly connected components of the graph restricted to nodes that do not listen
 * (Tarjan, iterative so that a long chain cannot overflow the stack). Any component with
 * more than one node, or a node with an edge to itself, is a loop that never waits.
 */
function checkCycles(ctx: CheckContext): void {
  const { graph } = ctx;
  const ids = [...graph.nodes.values()].filter((n) => !isListeningNode(n)).map((n) => n.id);
  const inSubgraph = new Set(ids);
  const successors = (id: string): string[] => graph.successors(id).filter((s) => inSubgraph.has(s));

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  let counter = 0;
  const components: string[][] = [];

  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: string[]; i: number }[] = [];
    const open = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: successors(id), i: 0 });
    };
    open(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.next.length) {
        const w = frame.next[frame.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        components.push(component);
      }
    }
  }

  const order = new Map(ids.map((id, i) => [id, i]));
  for (const component of components) {
    const loops = component.length > 1 || graph.successors(component[0]!).includes(component[0]!);
    if (!loops) continue;
    component.sort((a, b) => order.get(a)! - order.get(b)!);
    const first = component[0]!;
    const loop =
      component.length === 1
        ? `${describeNode(graph.node(first)!)} leads back to itself`
        : `The nodes ${component.map((id) => `"${id}"`).join(', ')} form a loop`;
    ctx.report(
      diagnostic(
        'UNBOUNDED_CYCLE',
        `${loop} without ever waiting for the callee, so it would repeat forever; ` +
          'route the loop through a question or llm node, or break it.',
        { nodeId: first, path: ctx.nodePath(first) },
      ),
    );
  }
}
