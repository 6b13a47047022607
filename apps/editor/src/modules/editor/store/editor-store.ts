import {
  apply,
  applyOperations,
  canRedo,
  canUndo,
  commit,
  copyNodes,
  createHistory,
  EditError,
  FlowDocumentSchema,
  parseClipboard,
  pasteNodes,
  redo,
  seal,
  undo,
  type Clipboard,
  type Diagnostic,
  type FlowDocument,
  type FlowOperation,
  type History,
  type XYPosition,
} from '@switchboard/flow';
import { createStore } from 'zustand/vanilla';

/** At least 50 undo steps (the issue); the library's default is 100. */
export const HISTORY_LIMIT = 100;
export const CLIPBOARD_KEY = 'switchboard.clipboard';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'conflict' | 'error';

/** What the canvas highlights besides the selection: a test call's path, a version diff. */
export interface Highlight {
  active?: string | undefined;
  path?: readonly string[] | undefined;
  added?: readonly string[] | undefined;
  changed?: readonly string[] | undefined;
}

export interface EditorState {
  flowId: string | null;
  /** the flow document is the source of truth; its history gives undo/redo */
  history: History;
  /** the draft revision the last save (or load) is based on */
  revision: number;
  /** the document last saved (or loaded): dirty when the present is another object */
  savedFlow: FlowDocument | null;
  saveState: SaveState;
  saveError: string | null;
  diagnostics: Diagnostic[];
  selectedNodes: string[];
  selectedEdges: string[];
  /** the last refused edit, shown to the author */
  editError: string | null;
  highlight: Highlight;
  /** the node whose "Connect…" dialog is open (connecting without a mouse) */
  connectSource: string | null;
}

export interface EditorActions {
  load(flowId: string, flow: FlowDocument, revision: number): void;
  /** runs one libs/flow operation through the history; an `EditError` is shown, not thrown */
  run(op: FlowOperation): boolean;
  undo(): void;
  redo(): void;
  /** ends merging of move steps (drag stop) */
  seal(): void;
  select(nodes: string[], edges?: string[]): void;
  setDiagnostics(diagnostics: Diagnostic[]): void;
  copySelection(storage?: Pick<Storage, 'setItem'>): number;
  paste(storage?: Pick<Storage, 'getItem'>, at?: XYPosition): number;
  deleteSelection(): void;
  duplicateSelection(): void;
  markSaving(): void;
  markSaved(flow: FlowDocument, revision: number): void;
  markConflict(message: string): void;
  markSaveError(message: string): void;
  setHighlight(highlight: Highlight): void;
  clearEditError(): void;
  /** opens the "Connect…" dialog for a node, or closes it (`null`) */
  openConnect(nodeId: string | null): void;
}

export type EditorStore = EditorState & EditorActions;

const EMPTY_FLOW = FlowDocumentSchema.parse({
  schema: 'switchboard.flow/v1',
  meta: { name: 'Untitled' },
  purpose: 'INFORMATIONAL',
  entry: 'start',
  nodes: [{ id: 'start', type: 'start' }],
  edges: [],
});

/** Reads what the API stores (logic and layout apart) as one flow document; a broken draft is kept as it is. */
export function toFlowDocument(document: Record<string, unknown>, layout: unknown): FlowDocument {
  const raw = layout ? { ...document, layout } : document;
  const parsed = FlowDocumentSchema.safeParse(raw);
  return parsed.success ? parsed.data : (raw as unknown as FlowDocument);
}

/** The body of `PUT /v1/flows/:id`: logic and layout apart. */
export function toSaveBody(flow: FlowDocument): {
  document: Record<string, unknown>;
  layout: FlowDocument['layout'] | null;
} {
  const { layout, ...document } = flow;
  return { document, layout: layout ?? null };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createEditorStore() {
  return createStore<EditorStore>()((set, get) => {
    const record = (next: History, extra: Partial<EditorState> = {}) => {
      const state = get();
      if (next === state.history) return;
      set({
        history: next,
        editError: null,
        saveState: state.saveState === 'conflict' ? 'conflict' : next.present === state.savedFlow ? 'saved' : 'dirty',
        ...extra,
      });
    };
    return {
      flowId: null,
      history: createHistory(EMPTY_FLOW, { limit: HISTORY_LIMIT }),
      revision: 0,
      savedFlow: null,
      saveState: 'saved',
      saveError: null,
      diagnostics: [],
      selectedNodes: [],
      selectedEdges: [],
      editError: null,
      highlight: {},
      connectSource: null,

      load(flowId, flow, revision) {
        set({
          flowId,
          history: createHistory(flow, { limit: HISTORY_LIMIT }),
          revision,
          savedFlow: flow,
          saveState: 'saved',
          saveError: null,
          diagnostics: [],
          selectedNodes: [],
          selectedEdges: [],
          editError: null,
          highlight: {},
          connectSource: null,
        });
      },
      run(op) {
        try {
          record(apply(get().history, op));
          return true;
        } catch (error) {
          if (error instanceof EditError || error instanceof Error) set({ editError: message(error) });
          return false;
        }
      },
      undo() {
        if (canUndo(get().history)) record(undo(get().history));
      },
      redo() {
        if (canRedo(get().history)) record(redo(get().history));
      },
      seal() {
        set({ history: seal(get().history) });
      },
      select(nodes, edges = []) {
        const s = get();
        if (sameList(s.selectedNodes, nodes) && sameList(s.selectedEdges, edges)) return;
        set({ selectedNodes: nodes, selectedEdges: edges });
      },
      setDiagnostics(diagnostics) {
        set({ diagnostics });
      },
      copySelection(storage = localStorage) {
        const { history, selectedNodes } = get();
        if (selectedNodes.length === 0) return 0;
        try {
          const board = copyNodes(history.present, selectedNodes);
          storage.setItem(CLIPBOARD_KEY, JSON.stringify(board));
          return board.nodes.length;
        } catch (error) {
          set({ editError: message(error) });
          return 0;
        }
      },
      paste(storage = localStorage, at) {
        const raw = storage.getItem(CLIPBOARD_KEY);
        if (!raw) return 0;
        try {
          const board: Clipboard = parseClipboard(JSON.parse(raw));
          const { flow, idMap } = pasteNodes(get().history.present, board, at);
          const ids = Object.values(idMap);
          record(commit(get().history, flow, { label: 'pasteNodes' }), { selectedNodes: ids, selectedEdges: [] });
          return ids.length;
        } catch (error) {
          set({ editError: message(error) });
          return 0;
        }
      },
      deleteSelection() {
        const { selectedNodes, selectedEdges, history } = get();
        const flow = history.present;
        const ops: FlowOperation[] = [];
        const edges = selectedEdges.filter((id) => flow.edges.some((e) => e.id === id));
        const nodes = selectedNodes.filter((id) => id !== flow.entry);
        if (edges.length) ops.push({ type: 'removeEdges', ids: edges });
        if (nodes.length) ops.push({ type: 'removeNodes', ids: nodes });
        if (!ops.length) return;
        try {
          // one undo step for the whole deletion
          record(commit(history, applyOperations(flow, ops), { label: 'delete' }), {
            selectedNodes: [],
            selectedEdges: [],
          });
        } catch (error) {
          set({ editError: message(error) });
        }
      },
      duplicateSelection() {
        const { selectedNodes, history } = get();
        if (!selectedNodes.length) return;
        const before = new Set(history.present.nodes.map((n) => n.id));
        if (get().run({ type: 'duplicateNodes', ids: selectedNodes })) {
          const created = get()
            .history.present.nodes.filter((n) => !before.has(n.id))
            .map((n) => n.id);
          set({ selectedNodes: created, selectedEdges: [] });
        }
      },
      markSaving() {
        set({ saveState: 'saving', saveError: null });
      },
      markSaved(flow, revision) {
        const present = get().history.present;
        set({ savedFlow: flow, revision, saveState: present === flow ? 'saved' : 'dirty', saveError: null });
      },
      markConflict(msg) {
        set({ saveState: 'conflict', saveError: msg });
      },
      markSaveError(msg) {
        set({ saveState: 'error', saveError: msg });
      },
      setHighlight(highlight) {
        set({ highlight });
      },
      clearEditError() {
        set({ editError: null });
      },
      openConnect(nodeId) {
        const flow = get().history.present;
        set({ connectSource: nodeId !== null && flow.nodes.some((n) => n.id === nodeId) ? nodeId : null });
      },
    };
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The editor's one store (the app edits one flow at a time). */
export const editorStore = createEditorStore();
