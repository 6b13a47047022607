import { canConnect, toCanvas, type NodeType, type XYPosition } from '@switchboard/flow';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { nodeTypes } from '../graph/node-types.js';
import { toViewEdges, toViewNodes, type Size, type ViewEdge, type ViewNode } from '../graph/view-model.js';
import { editorStore } from '../store/editor-store.js';
import { useEditor } from '../store/use-editor.js';

export const NODE_DRAG_TYPE = 'application/x-switchboard-node';

// Stable references: React Flow re-renders less when its props keep their identity.
const isValidConnection: IsValidConnection = (c) =>
  canConnect(editorStore.getState().history.present, {
    source: c.source,
    target: c.target,
    sourceHandle: c.sourceHandle ?? null,
  }).ok;

const onConnect = (c: Connection) => {
  editorStore
    .getState()
    .run({ type: 'connect', connection: { source: c.source, target: c.target, sourceHandle: c.sourceHandle } });
};

const onEdgesChange = (changes: EdgeChange<ViewEdge>[]) => {
  const state = editorStore.getState();
  let selected = new Set(state.selectedEdges);
  let touched = false;
  for (const change of changes)
    if (change.type === 'select') {
      touched = true;
      if (change.selected) selected.add(change.id);
      else selected.delete(change.id);
    }
  if (touched) {
    selected = new Set([...selected].filter((id) => state.history.present.edges.some((e) => e.id === id)));
    state.select(state.selectedNodes, [...selected]);
  }
};

const minimapColor = (node: { className?: string }) =>
  node.className?.includes('mark-active') ? '#b45309' : node.className?.includes('mark-added') ? '#15803d' : '#64748b';

const proOptions = { hideAttribution: true };
const defaultEdgeOptions = { interactionWidth: 16 };

export function FlowCanvas({ sizes }: { sizes: Map<string, Size> }) {
  const flow = useEditor((s) => s.history.present);
  const diagnostics = useEditor((s) => s.diagnostics);
  const selectedNodes = useEditor((s) => s.selectedNodes);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const highlight = useEditor((s) => s.highlight);
  const [sizeTick, setSizeTick] = useState(0);
  const previous = useRef(new Map<string, ViewNode>());
  const previousEdges = useRef(new Map<string, ViewEdge>());
  const { screenToFlowPosition } = useReactFlow();

  const canvas = useMemo(() => toCanvas(flow, diagnostics), [flow, diagnostics]);
  const nodes = useMemo(() => {
    const next = toViewNodes(canvas, selectedNodes, highlight, previous.current, sizes);
    previous.current = next;
    return [...next.values()];
    // sizeTick: a node was measured (sizes is mutated in place)
  }, [canvas, selectedNodes, highlight, sizes, sizeTick]);
  const edges = useMemo(() => {
    const next = toViewEdges(canvas, selectedEdges, highlight, previousEdges.current);
    previousEdges.current = next;
    return [...next.values()];
  }, [canvas, selectedEdges, highlight]);

  const onNodesChange = useCallback(
    (changes: NodeChange<ViewNode>[]) => {
      const state = editorStore.getState();
      const positions: Record<string, XYPosition> = {};
      let moved = false;
      let dragEnded = false;
      let measured = false;
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type === 'position' && change.position) {
          positions[change.id] = { x: Math.round(change.position.x), y: Math.round(change.position.y) };
          moved = true;
          if (change.dragging === false) dragEnded = true;
        } else if (change.type === 'position' && change.dragging === false) dragEnded = true;
        else if (change.type === 'dimensions' && change.dimensions) {
          const old = sizes.get(change.id);
          if (!old || old.width !== change.dimensions.width || old.height !== change.dimensions.height) {
            sizes.set(change.id, { width: change.dimensions.width, height: change.dimensions.height });
            measured = true;
          }
        } else if (change.type === 'select') {
          selection ??= new Set(state.selectedNodes);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      if (moved) state.run({ type: 'moveNodes', positions });
      if (dragEnded) state.seal();
      if (selection) state.select([...selection], editorStore.getState().selectedEdges);
      if (measured) setSizeTick((t) => t + 1);
    },
    [sizes],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(NODE_DRAG_TYPE)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_TYPE) as NodeType;
      if (!type) return;
      event.preventDefault();
      const position = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNodeAndSelect(type, { x: Math.round(position.x), y: Math.round(position.y) });
    },
    [screenToFlowPosition],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} aria-label="Flow canvas">
      <ReactFlow<ViewNode, ViewEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        fitView
        minZoom={0.1}
        onlyRenderVisibleElements
        proOptions={proOptions}
        defaultEdgeOptions={defaultEdgeOptions}
      >
        <Background gap={24} />
        <MiniMap pannable zoomable nodeColor={minimapColor} ariaLabel="Mini map" />
        <Controls showInteractive={false} aria-label="Zoom controls" />
      </ReactFlow>
    </div>
  );
}

/** Adds a node through libs/flow's `addNode` and selects it. */
export function addNodeAndSelect(type: NodeType, position: XYPosition): void {
  const state = editorStore.getState();
  const before = new Set(state.history.present.nodes.map((n) => n.id));
  if (state.run({ type: 'addNode', request: { type, position } })) {
    const created = editorStore.getState().history.present.nodes.find((n) => !before.has(n.id));
    if (created) editorStore.getState().select([created.id]);
  }
}
