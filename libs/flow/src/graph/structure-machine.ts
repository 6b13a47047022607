import { createMachine, type AnyStateMachine, type EventObject } from 'xstate';
import { isIntentEdge, isListeningNode, isTerminalNode, type FlowDocument } from '../schema/index.js';
import { FlowGraph } from './flow-graph.js';

/** final state a connected transfer ends in */
export const TRANSFERRED = '__transferred';

/**
 * The flow's shape as a plain XState machine: one state per node, one event per way out
 * (an outcome handle, an intent edge, a non-returning global), terminal nodes final.
 * It has no behaviour — it exists so `@xstate/graph` can enumerate every path of a flow
 * (tests, the editor's path views). Returning globals come back to where they left, so
 * they add no way out and are left out.
 */
export function flowStructureMachine(flow: FlowDocument): { machine: AnyStateMachine; events: EventObject[] } {
  const graph = new FlowGraph(flow);
  const events = new Map<string, EventObject>();
  const states: Record<string, { type?: 'final'; on?: Record<string, string> }> = {};
  const way = (type: string) => {
    if (!events.has(type)) events.set(type, { type });
    return type;
  };
  for (const node of graph.nodes.values()) {
    if (isTerminalNode(node)) {
      states[node.id] = { type: 'final' };
      continue;
    }
    const on: Record<string, string> = {};
    for (const edge of graph.edgesFrom(node.id)) {
      if (!graph.nodes.has(edge.to)) continue;
      on[way(isIntentEdge(edge) ? `intent:${edge.id}` : `outcome:${edge.handle}`)] = edge.to;
    }
    if (node.type === 'transfer') on[way('outcome:connected')] = TRANSFERRED;
    if (isListeningNode(node)) {
      for (const global of graph.globalsFor(node.id)) {
        if (!global.return && graph.nodes.has(global.goto)) on[way(`global:${global.id}`)] = global.goto;
      }
    }
    states[node.id] = { on };
  }
  states[TRANSFERRED] = { type: 'final' };
  const machine = createMachine({ id: 'flow-structure', initial: flow.entry, states });
  return { machine, events: [...events.values()] };
}
