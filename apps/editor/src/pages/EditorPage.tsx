import { validateFlow } from '@switchboard/flow';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getFlow, exportFlow, importFlow, saveFlow } from '../api/flows.js';
import { FlowCanvas } from '../modules/editor/components/FlowCanvas.js';
import { FlowSettings } from '../modules/editor/components/FlowSettings.js';
import { EdgeInspector, NodeInspector } from '../modules/editor/components/NodeInspector.js';
import { Palette } from '../modules/editor/components/Palette.js';
import { ProblemsPanel } from '../modules/editor/components/ProblemsPanel.js';
import { ConnectDialog } from '../modules/editor/components/ConnectDialog.js';
import { ShortcutsDialog } from '../modules/editor/components/ShortcutsDialog.js';
import type { Size } from '../modules/editor/graph/view-model.js';
import { editorStore, toFlowDocument } from '../modules/editor/store/editor-store.js';
import { createSaver } from '../modules/editor/store/saver.js';
import { useEditor } from '../modules/editor/store/use-editor.js';
import { TestCallPanel } from '../modules/test-call/TestCallPanel.js';
import { VersionsPanel } from '../modules/versions/VersionsPanel.js';
import { hrefOf, navigate } from '../router.js';

type Side = 'inspect' | 'problems' | 'test' | 'publish';
const VALIDATE_DEBOUNCE_MS = 250;

export function EditorPage({ id }: { id: string }) {
  const [loadError, setLoadError] = useState<string | null>(null);
  const loaded = useEditor((s) => s.flowId === id);
  const reload = useCallback(async () => {
    try {
      const detail = await getFlow(id);
      editorStore.getState().load(id, toFlowDocument(detail.document, detail.layout), detail.revision);
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  if (loadError)
    return (
      <main className="page">
        <p role="alert">Could not open this flow: {loadError}</p>
        <a href={hrefOf({ name: 'flows' })}>Back to the flows</a>
      </main>
    );
  if (!loaded) return <main className="page">Loading…</main>;
  return (
    <ReactFlowProvider>
      <Editor id={id} reload={reload} />
    </ReactFlowProvider>
  );
}

function useLiveValidation() {
  const flow = useEditor((s) => s.history.present);
  useEffect(() => {
    const timer = setTimeout(
      () => editorStore.getState().setDiagnostics(validateFlow(flow).diagnostics),
      VALIDATE_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [flow]);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

function Editor({ id, reload }: { id: string; reload: () => Promise<void> }) {
  useLiveValidation();
  const saver = useMemo(() => createSaver(editorStore, id, saveFlow), [id]);
  useEffect(() => saver.autosave(), [saver]);
  const saveNow = useCallback(() => saver.saveNow(), [saver]);
  const sizes = useRef(new Map<string, Size>()).current;
  const { fitView } = useReactFlow();
  const [side, setSide] = useState<Side>('inspect');
  const [help, setHelp] = useState(false);
  const flow = useEditor((s) => s.history.present);
  const saveState = useEditor((s) => s.saveState);
  const saveError = useEditor((s) => s.saveError);
  const editError = useEditor((s) => s.editError);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const selectedNodes = useEditor((s) => s.selectedNodes);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const errorCount = useEditor((s) => s.diagnostics.filter((d) => d.severity === 'error').length);
  const fileInput = useRef<HTMLInputElement>(null);

  const layout = useCallback(() => {
    editorStore.getState().run({ type: 'autoLayout', options: { sizes: Object.fromEntries(sizes) } });
    requestAnimationFrame(() => void fitView({ duration: 300 }));
  }, [fitView, sizes]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // a field keeps its keys, and an open dialog its Escape
      if (isTyping(e.target) || (e.target as HTMLElement | null)?.closest?.('dialog')) return;
      const s = editorStore.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && !e.shiftKey) s.undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) s.redo();
      else if (mod && key === 'd') s.duplicateSelection();
      else if (mod && key === 'c') s.copySelection();
      else if (mod && key === 'v') s.paste();
      else if (mod && key === 'a') s.select(s.history.present.nodes.map((n) => n.id));
      else if (mod && key === 's') void saveNow();
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) s.deleteSelection();
      else if (!mod && !e.altKey && key === 'c' && s.selectedNodes.length === 1) s.openConnect(s.selectedNodes[0]!);
      else if (e.key === '?') setHelp(true);
      else if (e.key === 'Escape') s.select([]);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [saveNow]);

  const selectedNode = selectedNodes.length === 1 ? flow.nodes.find((n) => n.id === selectedNodes[0]) : undefined;
  const selectedEdge =
    !selectedNode && selectedEdges.length === 1 ? flow.edges.find((e) => e.id === selectedEdges[0]) : undefined;

  const download = async () => {
    await saveNow();
    const doc = await exportFlow(id);
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${flow.meta.name.replace(/[^\w-]+/g, '-').toLowerCase()}.flow.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const upload = async (file: File) => {
    const created = await importFlow(JSON.parse(await file.text()));
    navigate({ name: 'editor', id: created.id });
  };

  return (
    <div className="editor">
      <header className="toolbar" role="toolbar" aria-label="Flow editor">
        <a href={hrefOf({ name: 'flows' })} className="back">
          ← Flows
        </a>
        <h1>{flow.meta.name}</h1>
        <span className={`save-state save-${saveState}`} role="status" data-testid="save-state">
          {
            { saved: 'Saved', dirty: 'Unsaved changes', saving: 'Saving…', conflict: 'Conflict', error: 'Not saved' }[
              saveState
            ]
          }
        </span>
        <button type="button" onClick={() => editorStore.getState().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button
          type="button"
          onClick={() => editorStore.getState().redo()}
          disabled={!canRedo}
          title="Redo (Ctrl+Shift+Z)"
        >
          Redo
        </button>
        <button
          type="button"
          onClick={() => editorStore.getState().duplicateSelection()}
          disabled={!selectedNodes.length}
          title="Duplicate (Ctrl+D)"
        >
          Duplicate
        </button>
        <button
          type="button"
          onClick={() => editorStore.getState().copySelection()}
          disabled={!selectedNodes.length}
          title="Copy (Ctrl+C)"
        >
          Copy
        </button>
        <button type="button" onClick={() => editorStore.getState().paste()} title="Paste (Ctrl+V)">
          Paste
        </button>
        <button
          type="button"
          onClick={() => editorStore.getState().deleteSelection()}
          disabled={!selectedNodes.length && !selectedEdges.length}
          title="Delete"
        >
          Delete
        </button>
        <button type="button" onClick={layout} data-testid="auto-layout">
          Auto-layout
        </button>
        <button type="button" onClick={() => void fitView({ duration: 300 })} data-testid="fit-view">
          Fit view
        </button>
        <button type="button" onClick={() => void download()}>
          Export
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Import a flow file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file)
              void upload(file).catch((err: unknown) => window.alert(err instanceof Error ? err.message : String(err)));
          }}
        />
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts (?)">
          ?
        </button>
      </header>
      {saveState === 'conflict' && (
        <div className="banner banner-conflict" role="alert" data-testid="conflict-banner">
          {saveError} Your changes are not saved.
          <button type="button" onClick={() => void reload()}>
            Reload theirs
          </button>
          <button type="button" onClick={() => void saver.saveNow({ overwrite: true })}>
            Overwrite with mine
          </button>
        </div>
      )}
      {saveState === 'error' && (
        <div className="banner banner-error" role="alert">
          Could not save: {saveError}{' '}
          <button type="button" onClick={() => void saveNow()}>
            Retry
          </button>
        </div>
      )}
      {editError && (
        <div className="banner banner-error" role="alert" data-testid="edit-error">
          {editError}
          <button type="button" onClick={() => editorStore.getState().clearEditError()} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <div className="editor-body">
        <Palette />
        <FlowCanvas sizes={sizes} />
        <aside className="sidebar">
          <div role="tablist" className="tabs" aria-label="Side panel">
            {(
              [
                ['inspect', 'Inspect'],
                ['problems', `Problems${errorCount ? ` (${errorCount})` : ''}`],
                ['test', 'Test call'],
                ['publish', 'Publish'],
              ] as const
            ).map(([key, label]) => (
              <button
                key={key}
                type="button"
                role="tab"
                aria-selected={side === key}
                onClick={() => setSide(key)}
                data-testid={`tab-${key}`}
              >
                {label}
              </button>
            ))}
          </div>
          <div className="sidebar-body">
            {side === 'inspect' &&
              (selectedNode ? (
                <NodeInspector key={selectedNode.id} node={selectedNode} flow={flow} />
              ) : selectedEdge ? (
                <EdgeInspector key={selectedEdge.id} edge={selectedEdge} />
              ) : (
                <FlowSettings flow={flow} />
              ))}
            {side === 'problems' && <ProblemsPanel />}
            {side === 'test' && <TestCallPanel flowId={id} saveNow={saveNow} />}
            {side === 'publish' && <VersionsPanel flowId={id} saveNow={saveNow} />}
          </div>
        </aside>
      </div>
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
      <ConnectDialog />
    </div>
  );
}
