import type { FlowDiffResult, FlowVersionSummary } from '@switchboard/contracts';
import { useCallback, useEffect, useState } from 'react';
import { HttpError } from '../../api/client.js';
import { diffVersions, getVersion, listVersions, publishFlow } from '../../api/flows.js';
import { FlowDocumentSchema, type FlowDocumentInput } from '@switchboard/flow';
import { diffDraft, diffView, type DiffView } from '../editor/graph/view-model.js';
import { editorStore } from '../editor/store/editor-store.js';

/** Publish, the versions, a logic diff highlighted on the canvas, restore into the draft. */
export function VersionsPanel({ flowId, saveNow }: { flowId: string; saveNow: () => Promise<boolean> }) {
  const [versions, setVersions] = useState<FlowVersionSummary[]>([]);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [a, setA] = useState<number | ''>('');
  const [b, setB] = useState<number | ''>('');
  const [against, setAgainst] = useState<number | ''>('');
  const [diff, setDiff] = useState<{ raw: FlowDiffResult; view: DiffView; title: string } | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const page = await listVersions(flowId);
    setVersions(page.items);
    const [latest, previous] = [...page.items].sort((x, y) => y.number - x.number);
    if (latest) {
      setB(latest.number);
      setAgainst(latest.number);
    }
    if (previous) setA(previous.number);
  }, [flowId]);
  useEffect(() => {
    void refresh().catch(() => undefined);
  }, [refresh]);

  const publish = async () => {
    setStatus('Publishing…');
    setProblems([]);
    try {
      if (!(await saveNow())) throw new Error('Save the draft first (see the banner).');
      const v = await publishFlow(flowId, message, editorStore.getState().revision);
      setStatus(`Published version ${v.number}.`);
      setMessage('');
      await refresh();
    } catch (e) {
      if (e instanceof HttpError) {
        setStatus(e.status === 422 ? 'Not published: fix these first.' : e.message);
        setProblems((e.body?.details ?? []).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)));
      } else setStatus(e instanceof Error ? e.message : String(e));
    }
  };

  const showDiff = (raw: FlowDiffResult, title: string) => {
    const view = diffView(raw);
    setDiff({ raw, view, title });
    setDiffError(null);
    editorStore.getState().setHighlight({ added: view.added, changed: view.changed });
  };

  const compare = async () => {
    if (a === '' || b === '') return;
    try {
      showDiff(await diffVersions(flowId, a, b), `v${a} → v${b}`);
    } catch (e) {
      setDiffError(e instanceof Error ? e.message : String(e));
    }
  };

  /** the current draft (unsaved edits included) against a published version, diffed here */
  const compareDraft = async () => {
    if (against === '') return;
    try {
      const v = await getVersion(flowId, against);
      const parsed = FlowDocumentSchema.safeParse(v.document);
      if (!parsed.success) throw new Error(`Version ${against} is not a valid flow document.`);
      showDiff(
        diffDraft({ number: against, document: parsed.data }, editorStore.getState().history.present),
        `v${against} → draft`,
      );
    } catch (e) {
      setDiffError(e instanceof Error ? e.message : String(e));
    }
  };

  const restore = async (n: number) => {
    if (!window.confirm(`Replace the draft with version ${n}? (Undo brings the draft back.)`)) return;
    const v = await getVersion(flowId, n);
    const { layout: versionLayout, ...logic } = v.document;
    // the version's own layout; a version stored without one keeps the draft's positions
    const layout = versionLayout ?? editorStore.getState().history.present.layout;
    const document = { ...logic, ...(layout ? { layout } : {}) } as FlowDocumentInput;
    editorStore.getState().run({ type: 'replaceDocument', document });
  };

  return (
    <section className="versions-panel" aria-labelledby="versions-title" data-testid="versions-panel">
      <h2 id="versions-title">Publish</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void publish();
        }}
      >
        <div className="field">
          <label htmlFor="publish-message">What changed</label>
          <input
            id="publish-message"
            value={message}
            required
            onChange={(e) => setMessage(e.target.value)}
            data-testid="publish-message"
          />
        </div>
        <button type="submit" className="primary" data-testid="publish">
          Publish
        </button>
      </form>
      {status && (
        <p role="status" data-testid="publish-status">
          {status}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="error-text">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <h2>Versions</h2>
      {versions.length === 0 && <p className="muted">Not published yet.</p>}
      <ul className="version-list">
        {versions.map((v) => (
          <li key={v.number}>
            <strong>v{v.number}</strong> {v.message}{' '}
            <span className="muted">
              ({new Date(v.publishedAt).toLocaleString()}, {v.author.label})
            </span>{' '}
            <button type="button" onClick={() => void restore(v.number)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
      {versions.length > 1 && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void compare();
          }}
        >
          <label htmlFor="diff-a">Compare</label>
          <select id="diff-a" value={a} onChange={(e) => setA(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
              </option>
            ))}
          </select>
          <label htmlFor="diff-b">with</label>
          <select id="diff-b" value={b} onChange={(e) => setB(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
              </option>
            ))}
          </select>
          <button type="submit" data-testid="show-diff">
            Show changes
          </button>
        </form>
      )}
      {versions.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void compareDraft();
          }}
        >
          <label htmlFor="diff-draft">Compare the draft with</label>
          <select id="diff-draft" value={against} onChange={(e) => setAgainst(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
              </option>
            ))}
          </select>
          <button type="submit" data-testid="show-draft-diff">
            Show draft changes
          </button>
        </form>
      )}
      {diffError && (
        <p role="alert" className="error-text">
          {diffError}
        </p>
      )}
      {diff && (
        <div className="diff" data-testid="diff">
          <p className="muted" data-testid="diff-title">
            {diff.title}
          </p>
          {diff.raw.identical ? (
            <p>The logic is identical.</p>
          ) : (
            <ul>
              {diff.view.added.map((id) => (
                <li key={`a${id}`} className="diff-added">
                  Node added: {id}
                </li>
              ))}
              {diff.view.changed.map((id) => (
                <li key={`c${id}`} className="diff-changed">
                  Node changed: {id}
                </li>
              ))}
              {diff.view.lines.map((l) => (
                <li key={l} className={l.includes('removed') ? 'diff-removed' : ''}>
                  {l}
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            onClick={() => {
              setDiff(null);
              editorStore.getState().setHighlight({});
            }}
          >
            Clear highlight
          </button>
        </div>
      )}
    </section>
  );
}
