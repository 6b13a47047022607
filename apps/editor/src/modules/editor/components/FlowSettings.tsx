import {
  isListeningNode,
  type FlowOperation,
  PURPOSES,
  VARIABLE_SOURCES,
  VARIABLE_TYPES,
  type FlowDocument,
  type Global,
} from '@switchboard/flow';
import { useState } from 'react';
import { CheckField, ListField, NumberField, SelectField, TextField } from '../../../ui/fields.js';
import { inlineSecretWarning } from '../../../ui/key-value.js';
import { JsonField, KeyValueField } from '../../../ui/KeyValueField.js';
import { editorStore } from '../store/editor-store.js';

const run = (op: FlowOperation) => editorStore.getState().run(op);
const BUILTIN_INTENTS = [
  'opt_out',
  'ask_human',
  'who_is_calling',
  'wrong_person',
  'call_back_later',
  'repeat',
  'yes',
  'no',
] as const;
const EVENTS = ['silence', 'max_duration', 'hangup'] as const;

type Tab = 'flow' | 'variables' | 'tools' | 'globals';

export function FlowSettings({ flow }: { flow: FlowDocument }) {
  const [tab, setTab] = useState<Tab>('flow');
  return (
    <section className="inspector-section" aria-label="Flow settings">
      <div role="tablist" className="tabs" aria-label="Flow settings">
        {(['flow', 'variables', 'tools', 'globals'] as const).map((t) => (
          <button
            key={t}
            role="tab"
            type="button"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
            data-testid={`settings-tab-${t}`}
          >
            {t === 'flow' ? 'Flow' : t.charAt(0).toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      {tab === 'flow' && <MetaForm flow={flow} />}
      {tab === 'variables' && <Variables flow={flow} />}
      {tab === 'tools' && <Tools flow={flow} />}
      {tab === 'globals' && <Globals flow={flow} />}
    </section>
  );
}

function MetaForm({ flow }: { flow: FlowDocument }) {
  const { meta, settings } = flow;
  const m = (patch: Record<string, unknown>) => run({ type: 'updateMeta', patch });
  const s = (patch: Record<string, unknown>) => run({ type: 'updateSettings', patch });
  return (
    <>
      <TextField label="Name" value={meta.name} onCommit={(name) => m({ name })} />
      <TextField
        label="Description"
        value={meta.description}
        onCommit={(description) => m({ description: description || undefined })}
      />
      <TextField
        label="Business (named in the disclosure)"
        value={meta.business}
        onCommit={(business) => m({ business: business || undefined })}
      />
      <TextField
        label="Call-back number"
        value={meta.callbackNumber}
        placeholder="+18005550100"
        onCommit={(callbackNumber) => m({ callbackNumber: callbackNumber || undefined })}
      />
      <TextField label="Locale" value={meta.locale} onCommit={(locale) => m({ locale })} />
      <SelectField
        label="Purpose"
        value={flow.purpose}
        options={PURPOSES}
        onChange={(purpose) => run({ type: 'setPurpose', purpose })}
      />
      <TextField
        label="Persona (who the agent is)"
        value={settings.persona}
        onCommit={(persona) => s({ persona: persona || undefined })}
      />
      <TextField
        label="Voice provider"
        value={settings.voice?.provider}
        onCommit={(provider) =>
          s({ voice: provider ? { voice: settings.voice?.voice ?? 'alloy', provider } : undefined })
        }
      />
      <TextField
        label="Voice"
        value={settings.voice?.voice}
        onCommit={(voice) =>
          s({ voice: voice ? { provider: settings.voice?.provider ?? 'openai', voice } : undefined })
        }
      />
      <TextField label="Time zone" value={settings.timezone} onCommit={(timezone) => s({ timezone })} />
      <NumberField
        label="Silence timeout (ms)"
        value={settings.defaults.noInputTimeoutMs}
        onCommit={(v) => v && s({ defaults: { noInputTimeoutMs: v } })}
      />
      <NumberField
        label="Attempts per question"
        value={settings.defaults.maxAttempts}
        onCommit={(v) => v && s({ defaults: { maxAttempts: v } })}
      />
      <NumberField
        label="Longest call (s)"
        value={settings.defaults.maxCallSeconds}
        onCommit={(v) => v && s({ defaults: { maxCallSeconds: v } })}
      />
      <CheckField
        label="Callee may interrupt by default"
        checked={settings.defaults.interruptible}
        onChange={(interruptible) => s({ defaults: { interruptible } })}
      />
    </>
  );
}

function jsonError(text: string): string | undefined {
  if (!text.trim()) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'Not JSON: write 0, true or "text" (with quotes).';
  }
}

function Variables({ flow }: { flow: FlowDocument }) {
  const [name, setName] = useState('');
  return (
    <>
      {flow.variables.map((v) => (
        <div className="subform" key={v.name}>
          <strong>{v.name}</strong>
          <SelectField
            label="Type"
            value={v.type}
            options={VARIABLE_TYPES}
            onChange={(type) => run({ type: 'updateVariable', name: v.name, patch: { type } })}
          />
          <SelectField
            label="Source"
            value={v.source}
            options={VARIABLE_SOURCES}
            onChange={(source) => run({ type: 'updateVariable', name: v.name, patch: { source } })}
          />
          <CheckField
            label="Required"
            checked={v.required ?? false}
            onChange={(required) => run({ type: 'updateVariable', name: v.name, patch: { required } })}
          />
          <CheckField
            label="Personal data (masked in logs)"
            checked={v.pii ?? false}
            onChange={(pii) => run({ type: 'updateVariable', name: v.name, patch: { pii } })}
          />
          {v.type === 'enum' && (
            <ListField
              label="Values"
              value={v.values}
              onCommit={(values) => run({ type: 'updateVariable', name: v.name, patch: { values } })}
            />
          )}
          <TextField
            label='Default (JSON: 0, true, "text")'
            value={v.default === undefined ? '' : JSON.stringify(v.default)}
            validate={jsonError}
            onCommit={(text) => {
              if (jsonError(text)) return;
              const value = text.trim() ? (JSON.parse(text) as unknown) : undefined;
              run({ type: 'updateVariable', name: v.name, patch: { default: value } });
            }}
          />
          <button type="button" onClick={() => run({ type: 'removeVariable', name: v.name })}>
            Remove {v.name}
          </button>
        </div>
      ))}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (run({ type: 'addVariable', variable: { name, type: 'string', source: 'input' } })) setName('');
        }}
      >
        <label htmlFor="new-variable">New variable</label>
        <input id="new-variable" value={name} onChange={(e) => setName(e.target.value)} placeholder="first_name" />
        <button type="submit">Add</button>
      </form>
    </>
  );
}

function Tools({ flow }: { flow: FlowDocument }) {
  const [id, setId] = useState('');
  return (
    <>
      {flow.tools.map((t) => (
        <div className="subform" key={t.id}>
          <strong>
            {t.id} ({t.kind})
          </strong>
          {t.kind === 'http' ? (
            <>
              <SelectField
                label="Method"
                value={t.method}
                options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const}
                onChange={(method) => run({ type: 'updateTool', id: t.id, patch: { method } })}
              />
              <TextField
                label="URL"
                value={t.url}
                onCommit={(url) => run({ type: 'updateTool', id: t.id, patch: { url } })}
                hint="Secrets as {{ secrets.name }}, never inline."
              />
              <KeyValueField
                label="Headers"
                keyLabel="Header"
                valueLabel="Value"
                keyPlaceholder="authorization"
                valuePlaceholder="Bearer {{ secrets.crm_token }}"
                value={t.headers}
                warn={inlineSecretWarning}
                hint="Credentials as {{ secrets.name }}, never inline."
                onCommit={(headers) => run({ type: 'updateTool', id: t.id, patch: { headers } })}
                testId={`tool-headers-${t.id}`}
              />
              <JsonField
                label="Body (JSON)"
                value={t.body}
                hint={`Templated: { "when": "{{ slot }}" }; a tool node's input is {{ input.name }}.`}
                onCommit={(body) => run({ type: 'updateTool', id: t.id, patch: { body } })}
                testId={`tool-body-${t.id}`}
              />
              <JsonField
                label="Parameters (JSON Schema, for llm nodes)"
                value={t.parameters}
                object
                onCommit={(parameters) => run({ type: 'updateTool', id: t.id, patch: { parameters } })}
                testId={`tool-parameters-${t.id}`}
              />
              <NumberField
                label="Timeout (ms)"
                value={t.timeoutMs}
                min={1}
                max={60000}
                onCommit={(timeoutMs) => run({ type: 'updateTool', id: t.id, patch: { timeoutMs } })}
              />
            </>
          ) : (
            <TextField
              label="Builtin"
              value={t.name}
              onCommit={(name) => run({ type: 'updateTool', id: t.id, patch: { name } })}
            />
          )}
          <button type="button" onClick={() => run({ type: 'removeTool', id: t.id })}>
            Remove {t.id}
          </button>
        </div>
      ))}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (run({ type: 'addTool', tool: { id, kind: 'http', method: 'POST', url: 'https://example.com/hook' } }))
            setId('');
        }}
      >
        <label htmlFor="new-tool">New HTTP tool</label>
        <input id="new-tool" value={id} onChange={(e) => setId(e.target.value)} placeholder="book" />
        <button type="submit">Add</button>
      </form>
    </>
  );
}

function triggerText(g: Global): string {
  const t = g.trigger;
  if (t.kind === 'intent') return t.intent ? `callee says: ${t.intent}` : `callee: ${t.prompt ?? '…'}`;
  if (t.kind === 'dtmf') return `key press ${t.digits}`;
  return `event ${t.event}`;
}

type IntentTrigger = Extract<Global['trigger'], { kind: 'intent' }>;

/** A global fired by what the callee says, described in words rather than a built-in intent. */
function DescribedTrigger({ id, trigger }: { id: string; trigger: IntentTrigger }) {
  const patch = (next: IntentTrigger) => run({ type: 'updateGlobal', id, patch: { trigger: next } });
  return (
    <>
      <TextField
        label="What the callee says"
        value={trigger.prompt}
        onCommit={(prompt) => patch({ ...trigger, prompt: prompt || undefined })}
      />
      <ListField
        label="Example phrases"
        value={trigger.examples}
        onCommit={(examples) => patch({ ...trigger, examples })}
      />
    </>
  );
}

/**
 * Where a global applies: the listening nodes (questions, llm nodes) ticked, or everywhere
 * the agent listens when none is. A node named in the scope that no longer listens stays
 * listed (the checks report it) so it can be unticked.
 */
function ScopeField({ global, flow }: { global: Global; flow: FlowDocument }) {
  const scope = global.scope ?? [];
  const listening = flow.nodes.filter(isListeningNode).map((n) => n.id);
  const options = [...listening, ...scope.filter((id) => !listening.includes(id))];
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...scope, id] : scope.filter((s) => s !== id);
    run({
      type: 'updateGlobal',
      id: global.id,
      patch: { scope: next.length ? options.filter((o) => next.includes(o)) : undefined },
    });
  };
  return (
    <fieldset className="scope-field" data-testid={`global-scope-${global.id}`}>
      <legend>Applies at</legend>
      {options.length === 0 && <p className="muted">No node listens yet.</p>}
      {options.map((id) => (
        <label key={id}>
          <input type="checkbox" checked={scope.includes(id)} onChange={(e) => toggle(id, e.target.checked)} />
          {id}
          {!listening.includes(id) && <span className="muted"> (does not listen)</span>}
        </label>
      ))}
      <small className="hint" data-testid={`global-scope-summary-${global.id}`}>
        {scope.length === 0 ? 'Everywhere the agent listens (tick nodes to limit it).' : `Only at ${scope.join(', ')}.`}
      </small>
    </fieldset>
  );
}

function Globals({ flow }: { flow: FlowDocument }) {
  const targets = flow.nodes.filter((n) => n.type !== 'start').map((n) => n.id);
  const [kind, setKind] = useState<'intent' | 'described' | 'dtmf' | 'event'>('intent');
  const [value, setValue] = useState('opt_out');
  const [examples, setExamples] = useState<string[] | undefined>(undefined);
  const [goto, setGoto] = useState(targets[0] ?? '');
  return (
    <>
      <p className="muted">Handlers that apply wherever the agent listens.</p>
      {flow.globals.map((g) => (
        <div className="subform" key={g.id}>
          <strong>{g.id}</strong> — {triggerText(g)}
          {g.trigger.kind === 'intent' && !g.trigger.intent && <DescribedTrigger id={g.id} trigger={g.trigger} />}
          <SelectField
            label="Go to"
            value={g.goto}
            options={targets}
            onChange={(to) => run({ type: 'updateGlobal', id: g.id, patch: { goto: to } })}
          />
          <CheckField
            label="Return to the interrupted node"
            checked={g.return}
            onChange={(r) => run({ type: 'updateGlobal', id: g.id, patch: { return: r } })}
          />
          <ScopeField global={g} flow={flow} />
          <button type="button" onClick={() => run({ type: 'removeGlobal', id: g.id })}>
            Remove {g.id}
          </button>
        </div>
      ))}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const trigger =
            kind === 'intent'
              ? { kind, intent: value as (typeof BUILTIN_INTENTS)[number] }
              : kind === 'described'
                ? { kind: 'intent' as const, prompt: value, ...(examples ? { examples } : {}) }
                : kind === 'dtmf'
                  ? { kind, digits: value }
                  : { kind, event: value as (typeof EVENTS)[number] };
          run({ type: 'addGlobal', global: { trigger, goto } });
        }}
      >
        <SelectField
          label="When"
          value={kind}
          options={[
            { value: 'intent', label: 'the callee says (built-in intent)' },
            { value: 'described', label: 'the callee says (described)' },
            { value: 'dtmf', label: 'a key press' },
            { value: 'event', label: 'an event' },
          ]}
          onChange={(k) => {
            setKind(k);
            setValue(k === 'intent' ? 'opt_out' : k === 'dtmf' ? '9' : k === 'described' ? '' : 'silence');
          }}
        />
        {kind === 'described' ? (
          <>
            <TextField label="What the callee says" value={value} placeholder="asks about prices" onCommit={setValue} />
            <ListField label="Example phrases" value={examples} onCommit={setExamples} />
          </>
        ) : kind === 'dtmf' ? (
          <TextField label="Keys" value={value} onCommit={setValue} />
        ) : (
          <SelectField
            label={kind === 'intent' ? 'Intent' : 'Event'}
            value={value}
            options={kind === 'intent' ? BUILTIN_INTENTS : EVENTS}
            onChange={setValue}
          />
        )}
        <SelectField label="Go to" value={goto || undefined} options={targets} onChange={setGoto} />
        <button type="submit">Add global</button>
      </form>
    </>
  );
}
