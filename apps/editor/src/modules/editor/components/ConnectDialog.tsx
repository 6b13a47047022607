import { isIntentEdge } from '@switchboard/flow';
import { useEffect, useRef, useState } from 'react';
import { connectTargets, freeExits } from '../graph/connect-options.js';
import { editorStore } from '../store/editor-store.js';
import { useEditor } from '../store/use-editor.js';

/**
 * Connecting without a mouse: the selected node's free exits and, for the chosen exit, the
 * nodes `canConnect` accepts. Opened by `C` or the inspector's "Connect…" button.
 */
export function ConnectDialog() {
  const source = useEditor((s) => s.connectSource);
  const flow = useEditor((s) => s.history.present);
  const ref = useRef<HTMLDialogElement>(null);
  const exits = source ? freeExits(flow, source) : [];
  const [handle, setHandle] = useState('');
  const [target, setTarget] = useState('');
  const exit = exits.find((e) => e.handle === handle) ?? exits[0];
  const targets = source && exit ? connectTargets(flow, source, exit.handle) : [];
  const chosen = targets.includes(target) ? target : (targets.find((t) => t !== source) ?? targets[0] ?? '');

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (source && !d.open) {
      setHandle('');
      setTarget('');
      d.showModal();
    }
    if (!source && d.open) d.close();
  }, [source]);

  const close = () => editorStore.getState().openConnect(null);
  const connect = () => {
    if (!source || !exit || !chosen) return;
    const s = editorStore.getState();
    const before = new Set(s.history.present.edges.map((e) => e.id));
    if (!s.run({ type: 'connect', connection: { source, sourceHandle: exit.handle, target: chosen } })) return;
    const created = editorStore
      .getState()
      .history.present.edges.find(
        (e) => !before.has(e.id) || (!isIntentEdge(e) && e.from === source && e.handle === exit.handle),
      );
    close();
    // an intent edge still needs its description: show it in the inspector
    if (created && exit.kind === 'intent') editorStore.getState().select([], [created.id]);
  };

  return (
    <dialog
      ref={ref}
      onClose={close}
      aria-labelledby="connect-title"
      className="dialog connect-dialog"
      data-testid="connect-dialog"
    >
      <h2 id="connect-title">
        Connect <code>{source}</code>
      </h2>
      {exits.length === 0 ? (
        <p>Every exit of this node is wired (or it ends the call).</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            connect();
          }}
        >
          <div className="field">
            <label htmlFor="connect-exit">Exit</label>
            <select
              id="connect-exit"
              value={exit?.handle ?? ''}
              onChange={(e) => setHandle(e.target.value)}
              data-testid="connect-exit"
              autoFocus
            >
              {exits.map((x) => (
                <option key={x.handle} value={x.handle}>
                  {x.label}
                  {x.kind === 'intent' ? ' (new intent)' : x.required ? ' (required)' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="connect-target">Goes to</label>
            <select
              id="connect-target"
              value={chosen}
              onChange={(e) => setTarget(e.target.value)}
              data-testid="connect-target"
            >
              {targets.map((id) => (
                <option key={id} value={id}>
                  {id}
                  {id === source ? ' (itself)' : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="submit" className="primary" disabled={!chosen} data-testid="connect-submit">
              Connect
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {exits.length === 0 && (
        <button type="button" onClick={close}>
          Close
        </button>
      )}
    </dialog>
  );
}
