import type { Scenario } from '@switchboard/flow';
import { useState } from 'react';
import { editorStore } from '../editor/store/editor-store.js';

/** The flow's scenarios (`tests`): rename, delete (both undoable edits) or run one. */
export function ScenariosList({
  tests,
  busy,
  onRun,
}: {
  tests: readonly Scenario[];
  busy: boolean;
  onRun: (name: string) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');

  const rename = (from: string) => {
    const to = draft.trim();
    if (to && to !== from && !editorStore.getState().run({ type: 'renameScenario', from, to })) return;
    setEditing(null);
  };

  return (
    <details className="scenarios" open={tests.length > 0} data-testid="scenarios">
      <summary>Scenarios ({tests.length})</summary>
      {tests.length === 0 && <p className="muted">No scenarios yet: end a test call and save it as one.</p>}
      <ul className="scenario-rows">
        {tests.map((t) => (
          <li key={t.name} data-scenario={t.name}>
            {editing === t.name ? (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  rename(t.name);
                }}
              >
                <label htmlFor="scenario-rename" className="sr-only">
                  New name for {t.name}
                </label>
                <input
                  id="scenario-rename"
                  value={draft}
                  autoFocus
                  onChange={(e) => setDraft(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') setEditing(null);
                  }}
                />
                <button type="submit">OK</button>
              </form>
            ) : (
              <>
                <span className="scenario-name" title={t.description ?? describe(t)}>
                  {t.name}
                </span>
                <span className="muted"> {describe(t)}</span>
                <span className="button-row">
                  <button type="button" disabled={busy} onClick={() => onRun(t.name)} aria-label={`Run ${t.name}`}>
                    Run
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      setDraft(t.name);
                      setEditing(t.name);
                    }}
                    aria-label={`Rename ${t.name}`}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    onClick={() => editorStore.getState().run({ type: 'removeScenario', name: t.name })}
                    aria-label={`Delete ${t.name}`}
                  >
                    Delete
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

function describe(t: Scenario): string {
  const turns = t.callee.length === 1 ? '1 turn' : `${t.callee.length} turns`;
  return `(${t.answeredBy}, ${turns}${t.expect.disposition ? ` → ${t.expect.disposition}` : ''})`;
}
