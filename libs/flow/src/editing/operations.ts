import type { FlowDocument, FlowDocumentInput, Purpose } from '../schema/index.js';
import { duplicateNodes, pasteNodes, type Clipboard } from './clipboard.js';
import {
  addGlobal,
  addTool,
  addVariable,
  removeGlobal,
  removeTool,
  removeVariable,
  setPurpose,
  updateGlobal,
  updateMeta,
  updateSettings,
  updateTool,
  updateVariable,
  type GlobalInput,
  type GlobalPatch,
  type MetaPatch,
  type SettingsPatch,
  type ToolInput,
  type ToolPatch,
  type VariableInput,
  type VariablePatch,
} from './document-ops.js';
import {
  addIntentEdge,
  connect,
  removeEdges,
  updateEdge,
  type AddIntentEdgeRequest,
  type EdgePatch,
} from './edge-ops.js';
import { EditError } from './edit-error.js';
import type { Connection } from './handles.js';
import {
  addScenario,
  removeScenario,
  renameScenario,
  replaceDocument,
  updateScenario,
  type ScenarioInput,
  type ScenarioPatch,
} from './scenario-ops.js';
import { autoLayout, type AutoLayoutOptions, type XYPosition } from './layout.js';
import {
  addNode,
  moveNodes,
  removeNodes,
  renameNode,
  setViewport,
  updateNode,
  type AddNodeRequest,
  type NodePatch,
} from './node-ops.js';

/**
 * Every edit as data (the Activepieces model): the editor, the API and the tests send the
 * same operations, `applyOperation` runs them, and the history records them. JSON-safe.
 */
export type FlowOperation =
  | { type: 'addNode'; request: AddNodeRequest }
  | { type: 'updateNode'; id: string; patch: NodePatch }
  | { type: 'renameNode'; from: string; to: string }
  | { type: 'removeNodes'; ids: string[] }
  | { type: 'moveNodes'; positions: Record<string, XYPosition> }
  | { type: 'duplicateNodes'; ids: string[]; offset?: XYPosition }
  | { type: 'pasteNodes'; clipboard: Clipboard; at?: XYPosition }
  | { type: 'connect'; connection: Connection & { id?: string } }
  | { type: 'addIntentEdge'; request: AddIntentEdgeRequest }
  | { type: 'updateEdge'; id: string; patch: EdgePatch }
  | { type: 'removeEdges'; ids: string[] }
  | { type: 'addGlobal'; global: GlobalInput }
  | { type: 'updateGlobal'; id: string; patch: GlobalPatch }
  | { type: 'removeGlobal'; id: string }
  | { type: 'addVariable'; variable: VariableInput }
  | { type: 'updateVariable'; name: string; patch: VariablePatch }
  | { type: 'removeVariable'; name: string }
  | { type: 'addTool'; tool: ToolInput }
  | { type: 'updateTool'; id: string; patch: ToolPatch }
  | { type: 'removeTool'; id: string }
  | { type: 'addScenario'; scenario: ScenarioInput }
  | { type: 'updateScenario'; name: string; patch: ScenarioPatch }
  | { type: 'renameScenario'; from: string; to: string }
  | { type: 'removeScenario'; name: string }
  | { type: 'replaceDocument'; document: FlowDocumentInput }
  | { type: 'updateSettings'; patch: SettingsPatch }
  | { type: 'updateMeta'; patch: MetaPatch }
  | { type: 'setPurpose'; purpose: Purpose }
  | { type: 'autoLayout'; options?: AutoLayoutOptions }
  | { type: 'setViewport'; viewport: { x: number; y: number; zoom: number } };

export type FlowOperationType = FlowOperation['type'];

/** Operations that change only `layout`, never the logic. */
export const LAYOUT_OPERATIONS: ReadonlySet<FlowOperationType> = new Set(['moveNodes', 'autoLayout', 'setViewport']);

/** Runs one operation; throws `EditError` when it is impossible. */
export function applyOperation(flow: FlowDocument, op: FlowOperation): FlowDocument {
  switch (op.type) {
    case 'addNode':
      return addNode(flow, op.request);
    case 'updateNode':
      return updateNode(flow, op.id, op.patch);
    case 'renameNode':
      return renameNode(flow, op.from, op.to);
    case 'removeNodes':
      return removeNodes(flow, op.ids);
    case 'moveNodes':
      return moveNodes(flow, op.positions);
    case 'duplicateNodes':
      return duplicateNodes(flow, op.ids, op.offset);
    case 'pasteNodes':
      return pasteNodes(flow, op.clipboard, op.at).flow;
    case 'connect':
      return connect(flow, op.connection);
    case 'addIntentEdge':
      return addIntentEdge(flow, op.request);
    case 'updateEdge':
      return updateEdge(flow, op.id, op.patch);
    case 'removeEdges':
      return removeEdges(flow, op.ids);
    case 'addGlobal':
      return addGlobal(flow, op.global);
    case 'updateGlobal':
      return updateGlobal(flow, op.id, op.patch);
    case 'removeGlobal':
      return removeGlobal(flow, op.id);
    case 'addVariable':
      return addVariable(flow, op.variable);
    case 'updateVariable':
      return updateVariable(flow, op.name, op.patch);
    case 'removeVariable':
      return removeVariable(flow, op.name);
    case 'addTool':
      return addTool(flow, op.tool);
    case 'updateTool':
      return updateTool(flow, op.id, op.patch);
    case 'removeTool':
      return removeTool(flow, op.id);
    case 'addScenario':
      return addScenario(flow, op.scenario);
    case 'updateScenario':
      return updateScenario(flow, op.name, op.patch);
    case 'renameScenario':
      return renameScenario(flow, op.from, op.to);
    case 'removeScenario':
      return removeScenario(flow, op.name);
    case 'replaceDocument':
      return replaceDocument(flow, op.document);
    case 'updateSettings':
      return updateSettings(flow, op.patch);
    case 'updateMeta':
      return updateMeta(flow, op.patch);
    case 'setPurpose':
      return setPurpose(flow, op.purpose);
    case 'autoLayout':
      return autoLayout(flow, op.options);
    case 'setViewport':
      return setViewport(flow, op.viewport);
    default: {
      const unknown: { type?: unknown } = op;
      throw new EditError('UNKNOWN_OPERATION', `There is no edit operation "${String(unknown.type)}".`);
    }
  }
}

/** Runs operations in order (all or nothing: the first failure throws and nothing is kept). */
export function applyOperations(flow: FlowDocument, ops: readonly FlowOperation[]): FlowDocument {
  return ops.reduce(applyOperation, flow);
}
