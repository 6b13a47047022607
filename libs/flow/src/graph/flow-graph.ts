import {
  isIntentEdge,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type Global,
  type IntentEdge,
  type OutcomeEdge,
  type Tool,
  type Variable,
} from '../schema/index.js';

/**
 * Indexes over a parsed flow document, built once and shared by the static checks,
 * the compiler and the editor. Duplicated ids keep their first occurrence (the checks
 * report the duplicates).
 */
export class FlowGraph {
  readonly nodes = new Map<string, FlowNode>();
  readonly tools = new Map<string, Tool>();
  readonly variables = new Map<string, Variable>();
  readonly globals = new Map<string, Global>();
  /** outcome edges by `from` then `handle` */
  private readonly outcomes = new Map<string, Map<string, OutcomeEdge>>();
  /** intent edges by `from`, in document order */
  private readonly intents = new Map<string, IntentEdge[]>();
  /** every edge by `from`, in document order */
  private readonly outgoing = new Map<string, FlowEdge[]>();

  constructor(readonly flow: FlowDocument) {
    for (const node of flow.nodes) if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
    for (const tool of flow.tools) if (!this.tools.has(tool.id)) this.tools.set(tool.id, tool);
    for (const variable of flow.variables)
      if (!this.variables.has(variable.name)) this.variables.set(variable.name, variable);
    for (const global of flow.globals) if (!this.globals.has(global.id)) this.globals.set(global.id, global);
    for (const edge of flow.edges) {
      push(this.outgoing, edge.from, edge);
      if (isIntentEdge(edge)) push(this.intents, edge.from, edge);
      else {
        let byHandle = this.outcomes.get(edge.from);
        if (!byHandle) this.outcomes.set(edge.from, (byHandle = new Map()));
        if (!byHandle.has(edge.handle)) byHandle.set(edge.handle, edge);
      }
    }
  }

  node(id: string): FlowNode | undefined {
    return this.nodes.get(id);
  }

  /** the outcome edge leaving `from` through `handle`, if wired */
  edge(from: string, handle: string): OutcomeEdge | undefined {
    return this.outcomes.get(from)?.get(handle);
  }

  intentEdges(from: string): readonly IntentEdge[] {
    return this.intents.get(from) ?? [];
  }

  edgesFrom(from: string): readonly FlowEdge[] {
    return this.outgoing.get(from) ?? [];
  }

  /** ids of the nodes reachable in one step from `id` (edges and nothing else) */
  successors(id: string): string[] {
    return this.edgesFrom(id).map((e) => e.to);
  }

  /** globals that apply while `nodeId` listens, in document order */
  globalsFor(nodeId: string): Global[] {
    return this.flow.globals.filter((g) => !g.scope || g.scope.includes(nodeId));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
