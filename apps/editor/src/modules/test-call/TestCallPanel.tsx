import {
  SIMULATION_ANSWERED_BY,
  type FlowTestRun,
  type ScenarioRun,
  type SimulationTurnRequest,
} from '@switchboard/contracts';
import { useState } from 'react';
import { HttpError } from '../../api/client.js';
import { sendTurn, startSimulation, testFlow } from '../../api/flows.js';
import { editorStore } from '../editor/store/editor-store.js';
import { useEditor } from '../editor/store/use-editor.js';
import { ScenariosList } from './ScenariosList.js';
import {
  EMPTY_CALL,
  foldEvents,
  toScenario,
  uniqueScenarioName,
  type CallView,
  type CalleeTurn,
} from './simulation-view.js';

type Turn = CalleeTurn;

function errorText(error: unknown): string {
  if (error instanceof HttpError)
    return [error.message, ...(error.body?.details ?? []).map((d) => `${d.path}: ${d.message}`)].join('\n');
  return error instanceof Error ? error.message : String(error);
}

/** A text test call of the draft (saved first), and the flow's scenarios. */
export function TestCallPanel({ flowId, saveNow }: { flowId: string; saveNow: () => Promise<boolean> }) {
  const flow = useEditor((s) => s.history.present);
  const [simId, setSimId] = useState<string | null>(null);
  const [view, setView] = useState<CallView>(EMPTY_CALL);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [answeredBy, setAnsweredBy] = useState<(typeof SIMULATION_ANSWERED_BY)[number]>('human');
  const [run, setRun] = useState<FlowTestRun | null>(null);
  const [scenarioName, setScenarioName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const ended = view.disposition !== undefined;

  const show = (next: CallView) => {
    setView(next);
    editorStore.getState().setHighlight({ active: next.disposition ? undefined : next.active, path: next.path });
  };

  const start = async () => {
    setBusy(true);
    setError(null);
    setRun(null);
    setSaved(null);
    try {
      if (!(await saveNow())) throw new Error('The draft could not be saved; the test call runs on the saved draft.');
      const sim = await startSimulation(flowId, { version: 'draft', variables: inputs, answeredBy });
      setSimId(sim.id);
      setTurns([]);
      setScenarioName('');
      show(foldEvents(EMPTY_CALL, sim.events));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const turn = async (t: SimulationTurnRequest, recorded: Turn) => {
    if (!simId) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await sendTurn(simId, t);
      setTurns((list) => [...list, recorded]);
      const next = foldEvents(view, answer.events);
      show(next);
      if (next.disposition !== undefined && !scenarioName)
        setScenarioName(
          uniqueScenarioName(editorStore.getState().history.present.tests, `test call ${next.disposition}`),
        );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const saveScenario = () => {
    const name = scenarioName.trim();
    if (!name) return;
    const scenario = toScenario(name, { variables: inputs, answeredBy }, turns, view, flow.variables);
    if (editorStore.getState().run({ type: 'addScenario', scenario })) {
      setSaved(name);
      setScenarioName('');
      setError(null);
    } else setError(editorStore.getState().editError);
  };

  const runAll = async (names?: string[]) => {
    setBusy(true);
    setError(null);
    try {
      if (!(await saveNow())) throw new Error('The draft could not be saved.');
      setRun(await testFlow(flowId, names));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const replay = (s: ScenarioRun) => editorStore.getState().setHighlight({ path: s.path, active: s.path.at(-1) });
  const inputVars = flow.variables.filter((v) => v.source === 'input');

  return (
    <section className="test-panel" aria-labelledby="test-title" data-testid="test-panel">
      <h2 id="test-title">Test call</h2>
      {inputVars.length > 0 && (
        <details>
          <summary>Call inputs</summary>
          {inputVars.map((v) => (
            <div className="field" key={v.name}>
              <label htmlFor={`input-${v.name}`}>{v.name}</label>
              <input
                id={`input-${v.name}`}
                value={inputs[v.name] ?? ''}
                placeholder={v.type}
                onChange={(e) => setInputs({ ...inputs, [v.name]: e.target.value })}
              />
            </div>
          ))}
        </details>
      )}
      <div className="field">
        <label htmlFor="answered-by">The call is answered by</label>
        <select
          id="answered-by"
          value={answeredBy}
          onChange={(e) => setAnsweredBy(e.target.value as typeof answeredBy)}
        >
          {SIMULATION_ANSWERED_BY.map((a) => (
            <option key={a} value={a}>
              {a.replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <div className="button-row">
        <button type="button" onClick={() => void start()} disabled={busy} data-testid="start-call">
          {simId ? 'Restart call' : 'Start test call'}
        </button>
        <button
          type="button"
          onClick={() => void runAll()}
          disabled={busy || flow.tests.length === 0}
          data-testid="run-scenarios"
        >
          Run all scenarios
        </button>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {simId && (
        <>
          <ol className="chat" aria-label="Transcript" aria-live="polite" data-testid="transcript">
            {view.bubbles.map((b) => (
              <li key={b.key} className={`bubble bubble-${b.speaker}`}>
                {b.text}
              </li>
            ))}
          </ol>
          <form
            className="chat-input"
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return;
              const said = text.trim();
              setText('');
              void turn({ text: said }, said);
            }}
          >
            <label htmlFor="callee-says" className="sr-only">
              What the callee says
            </label>
            <input
              id="callee-says"
              value={text}
              disabled={ended || busy}
              onChange={(e) => setText(e.target.value)}
              placeholder="Callee says…"
              data-testid="callee-input"
            />
            <button type="submit" disabled={ended || busy}>
              Say
            </button>
          </form>
          <div className="button-row">
            <button
              type="button"
              disabled={ended || busy}
              onClick={() => void turn({ silence: true }, { silence: true })}
            >
              Silence
            </button>
            <button
              type="button"
              disabled={ended || busy}
              onClick={() => {
                const digits = window.prompt('Keys to press (0-9, *, #)', '9');
                if (digits) void turn({ dtmf: digits }, { dtmf: digits });
              }}
            >
              Key press
            </button>
            <button
              type="button"
              disabled={ended || busy}
              onClick={() => void turn({ hangup: true }, { hangup: true })}
            >
              Hang up
            </button>
          </div>
          <details open>
            <summary>Variables</summary>
            <dl className="vars" data-testid="call-variables">
              {Object.entries(view.variables).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          </details>
          {ended && (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                saveScenario();
              }}
            >
              <label htmlFor="scenario-name">Scenario name</label>
              <input
                id="scenario-name"
                value={scenarioName}
                required
                onChange={(e) => setScenarioName(e.target.value)}
                data-testid="scenario-name"
              />
              <button type="submit" data-testid="save-scenario">
                Save as scenario
              </button>
            </form>
          )}
          {saved && (
            <p role="status" className="muted" data-testid="scenario-saved">
              Scenario “{saved}” added to the flow (Undo removes it).
            </p>
          )}
        </>
      )}
      <ScenariosList tests={flow.tests} busy={busy} onRun={(name) => void runAll([name])} />
      {run && (
        <div data-testid="scenario-results">
          <h3>
            Scenarios: {run.summary.passed}/{run.summary.total} passed
          </h3>
          <ul className="scenario-list">
            {run.scenarios.map((s) => (
              <li key={s.name} className={s.passed ? 'pass' : 'fail'}>
                <button type="button" onClick={() => replay(s)} title="Show its path on the canvas">
                  {s.passed ? '✔' : '✘'} {s.name}
                </button>
                {s.failures.length > 0 && (
                  <ul>
                    {s.failures.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
