import type { Diagnostic, Severity } from '../checks/index.js';
import {
  isIntentEdge,
  isListeningNode,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type Global,
  type NodeType,
} from '../schema/index.js';
import { INTENT_HANDLE, nodeHandles, type CanvasHandle } from './handles.js';
import { resolvePositions, type XYPosition } from './layout.js';

/*
 * The canvas is derived from the flow document, never saved: plain objects shaped like
 * React Flow's nodes and edges (this library imports neither React nor @xyflow/react).
 * Data types are type aliases, not interfaces, so that they satisfy React Flow's
 * `Record<string, unknown>` constraint: `Node<CanvasNodeData, NodeType>` accepts them.
 */

export type CanvasProblem = {
  severity: Severity;
  code: string;
  message: string;
  /** where in the document, e.g. `nodes[3].capture.var`: lets the inspector focus the field */
  path?: string;
};

export type CanvasNodeData = {
  node: FlowNode;
  handles: CanvasHandle[];
  problems: CanvasProblem[];
  isEntry: boolean;
  /** ids of the globals that fire while this node listens (empty for nodes that never listen) */
  globals: string[];
};

export type CanvasNode = {
  id: string;
  /** the node type: the key of the editor's `nodeTypes` registry */
  type: NodeType;
  position: XYPosition;
  data: CanvasNodeData;
  /** the entry is not deletable (`removeNodes` refuses it) */
  deletable?: boolean;
};

export type CanvasEdgeData = {
  kind: 'outcome' | 'intent';
  edge: FlowEdge;
  problems: CanvasProblem[];
};

export type CanvasEdge = {
  id: string;
  source: string;
  target: string;
  /** the outcome handle, or `intent` */
  sourceHandle: string;
  label: string;
  data: CanvasEdgeData;
};

export type CanvasGlobal = {
  id: string;
  global: Global;
  /** the node it leads to */
  target: string;
  /** the listening nodes where it fires */
  appliesTo: string[];
  problems: CanvasProblem[];
};

export type Canvas = {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  globals: CanvasGlobal[];
  /** diagnostics about no node, edge or global on the canvas (meta, settings, variables, tests…) */
  problems: CanvasProblem[];
};

const GLOBAL_PATH = /^globals\[(\d+)\]/;

/**
 * Maps a flow (and, optionally, its diagnostics from `validateFlow`) to the canvas.
 * Deterministic (document order; a duplicated id keeps its first occurrence, like
 * `FlowGraph`), linear in the size of the flow, and positions come from `layout` or, when
 * missing, from `resolvePositions`. Edges whose ends do not exist are not drawn; their
 * diagnostics go to `problems`. A diagnostic with an edge id goes to that edge, else one
 * with a node id to that node, else one under `globals[i]` to that global.
 */
export function toCanvas(flow: FlowDocument, diagnostics: readonly Diagnostic[] = []): Canvas {
  const positions = resolvePositions(flow);
  const nodeProblems = new Map<string, CanvasProblem[]>();
  const edgeProblems = new Map<string, CanvasProblem[]>();
  const globalProblems = new Map<number, CanvasProblem[]>();
  const problems: CanvasProblem[] = [];

  const nodesById = new Map<string, FlowNode>();
  for (const n of flow.nodes) if (!nodesById.has(n.id)) nodesById.set(n.id, n);
  const drawnEdges = new Map<string, FlowEdge>();
  for (const e of flow.edges)
    if (!drawnEdges.has(e.id) && nodesById.has(e.from) && nodesById.has(e.to)) drawnEdges.set(e.id, e);

  for (const d of diagnostics) {
    const problem = toProblem(d);
    if (d.edgeId !== undefined && drawnEdges.has(d.edgeId)) push(edgeProblems, d.edgeId, problem);
    else if (d.nodeId !== undefined && nodesById.has(d.nodeId)) push(nodeProblems, d.nodeId, problem);
    else {
      const index = d.path === undefined ? undefined : GLOBAL_PATH.exec(d.path)?.[1];
      if (index !== undefined && Number(index) < flow.globals.length) push(globalProblems, Number(index), problem);
      else problems.push(problem);
    }
  }

  const globals: CanvasGlobal[] = flow.globals.map((global, i) => ({
    id: global.id,
    global,
    target: global.goto,
    appliesTo: [],
    problems: globalProblems.get(i) ?? [],
  }));

  const nodes: CanvasNode[] = [];
  for (const node of nodesById.values()) {
    const applying: string[] = [];
    if (isListeningNode(node))
      for (const g of globals)
        if (!g.global.scope || g.global.scope.includes(node.id)) {
          applying.push(g.id);
          g.appliesTo.push(node.id);
        }
    const isEntry = node.id === flow.entry;
    nodes.push({
      id: node.id,
      type: node.type,
      position: positions.get(node.id)!,
      data: {
        node,
        handles: nodeHandles(node),
        problems: nodeProblems.get(node.id) ?? [],
        isEntry,
        globals: applying,
      },
      ...(isEntry ? { deletable: false } : {}),
    });
  }

  const edges: CanvasEdge[] = [];
  for (const edge of drawnEdges.values()) {
    const intent = isIntentEdge(edge);
    const sourceHandle = intent ? INTENT_HANDLE : edge.handle;
    edges.push({
      id: edge.id,
      source: edge.from,
      target: edge.to,
      sourceHandle,
      label: edgeLabel(edge, nodesById.get(edge.from)!),
      data: { kind: intent ? 'intent' : 'outcome', edge, problems: edgeProblems.get(edge.id) ?? [] },
    });
  }
  return { nodes, edges, globals, problems };
}

/** The globals that fire while `nodeId` listens, in document order (none for a node that never listens). */
export function globalsFor(flow: FlowDocument, nodeId: string): Global[] {
  const node = flow.nodes.find((n) => n.id === nodeId);
  if (!node || !isListeningNode(node)) return [];
  return flow.globals.filter((g) => !g.scope || g.scope.includes(nodeId));
}

function edgeLabel(edge: FlowEdge, source: FlowNode): string {
  if (edge.label?.trim()) return edge.label;
  if (isIntentEdge(edge)) return edge.intent || edge.prompt?.trim() || edge.examples?.[0] || 'intent';
  return nodeHandles(source).find((h) => h.id === edge.handle)?.label ?? edge.handle;
}

function toProblem(d: Diagnostic): CanvasProblem {
  const p: CanvasProblem = { severity: d.severity, code: d.code, message: d.message };
  if (d.path !== undefined) p.path = d.path;
  return p;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
