import { canConnect, isIntentEdge, nodeHandles, type FlowDocument } from '@switchboard/flow';

export interface ConnectExit {
  /** the source handle (`intent` for an intent edge) */
  handle: string;
  label: string;
  kind: 'outcome' | 'intent';
  required: boolean;
}

/**
 * The exits of `nodeId` a keyboard user can connect: outcome handles with no edge yet
 * (an occupied one is rewired by dragging, or by deleting its edge first) and the intent
 * handle, which takes any number of edges. Terminal exits (`connected`) never appear.
 */
export function freeExits(flow: FlowDocument, nodeId: string): ConnectExit[] {
  const node = flow.nodes.find((n) => n.id === nodeId);
  if (!node) return [];
  const wired = new Set(flow.edges.flatMap((e) => (e.from === nodeId && !isIntentEdge(e) ? [e.handle] : [])));
  return nodeHandles(node)
    .filter((h) => h.kind === 'intent' || (h.kind === 'outcome' && !wired.has(h.id)))
    .filter((h) => canConnectSomewhere(flow, nodeId, h.id))
    .map((h) => ({ handle: h.id, label: h.label, kind: h.kind as 'outcome' | 'intent', required: h.required }));
}

/** The nodes `canConnect` accepts as the target of `nodeId`'s exit `handle`, in document order. */
export function connectTargets(flow: FlowDocument, nodeId: string, handle: string): string[] {
  return flow.nodes
    .filter((n) => canConnect(flow, { source: nodeId, sourceHandle: handle, target: n.id }).ok)
    .map((n) => n.id);
}

function canConnectSomewhere(flow: FlowDocument, nodeId: string, handle: string): boolean {
  return flow.nodes.some((n) => canConnect(flow, { source: nodeId, sourceHandle: handle, target: n.id }).ok);
}
