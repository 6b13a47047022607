/**
 * Editing a flow: the canvas view of a document for React Flow (`toCanvas`), pure edit
 * operations (`(flow, args) → flow`, refusing impossible edits with an `EditError`), the
 * same operations as data (`FlowOperation`, `applyOperation`), copy/paste, auto-layout
 * and undo/redo. Shared by the editor, the API and the tests; no React, no @xyflow/react.
 */
export * from './edit-error.js';
export { idBase, nextEdgeId, nextNodeId, uniqueId } from './ids.js';
export * from './handles.js';
export * from './layout.js';
export * from './canvas.js';
export * from './node-defaults.js';
export {
  addNode,
  moveNodes,
  removeNodes,
  renameNode,
  setViewport,
  updateNode,
  type AddNodeRequest,
  type NodePatch,
} from './node-ops.js';
export * from './edge-ops.js';
export * from './document-ops.js';
export * from './scenario-ops.js';
export * from './clipboard.js';
export * from './operations.js';
export * from './history.js';
