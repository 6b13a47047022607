import { useReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { problemRows } from '../graph/view-model.js';
import { editorStore } from '../store/editor-store.js';
import { useEditor } from '../store/use-editor.js';

/** Every diagnostic of the live validation; clicking one selects and centres what it is about. */
export function ProblemsPanel() {
  const diagnostics = useEditor((s) => s.diagnostics);
  const rows = useMemo(() => problemRows(diagnostics), [diagnostics]);
  const { getInternalNode, setCenter } = useReactFlow();
  const errors = rows.filter((r) => r.severity === 'error').length;

  const focus = (nodeId: string | undefined, edgeId: string | undefined) => {
    const flow = editorStore.getState().history.present;
    const target = nodeId ?? flow.edges.find((e) => e.id === edgeId)?.from;
    if (!target) return;
    editorStore.getState().select(nodeId ? [nodeId] : [], edgeId ? [edgeId] : []);
    const node = getInternalNode(target);
    if (node) {
      const w = node.measured.width ?? 240;
      const h = node.measured.height ?? 100;
      void setCenter(node.internals.positionAbsolute.x + w / 2, node.internals.positionAbsolute.y + h / 2, {
        zoom: 1.1,
        duration: 300,
      });
    }
  };

  return (
    <section className="problems" aria-labelledby="problems-title" data-testid="problems-panel">
      <h2 id="problems-title">
        Problems{' '}
        <span className="muted">
          ({errors} errors, {rows.length - errors} warnings)
        </span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No problems: this flow can be published.</p>
      ) : (
        <ul>
          {rows.map((r) => (
            <li key={r.key} className={`problem problem-${r.severity}`}>
              <button type="button" onClick={() => focus(r.nodeId, r.edgeId)} disabled={!r.nodeId && !r.edgeId}>
                <span className="sev">{r.severity === 'error' ? 'Error' : 'Warning'}</span> {r.message}
                {r.nodeId && <code> {r.nodeId}</code>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
