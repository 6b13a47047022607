import {
  type FlowOperation,
  CAPTURE_TYPES,
  parseCondition,
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type NodeOf,
  type NodePatch,
} from '@switchboard/flow';
import { CheckField, ListField, NumberField, SelectField, TemplateField, TextField } from '../../../ui/fields.js';
import { outputPathError, parseInputValue } from '../../../ui/key-value.js';
import { KeyValueField } from '../../../ui/KeyValueField.js';
import { NODE_TITLES } from '../graph/node-types.js';
import { editorStore } from '../store/editor-store.js';

const run = (op: FlowOperation) => editorStore.getState().run(op);
const update = (id: string, patch: NodePatch) => run({ type: 'updateNode', id, patch });
/** A CEL condition's parse error, live while typing. */
const celError = (expr: string): string | undefined => {
  if (!expr.trim()) return 'A condition is required.';
  const parsed = parseCondition(expr);
  return parsed.ok ? undefined : `Not a valid condition: ${parsed.message}`;
};

interface FormProps<T extends FlowNode['type']> {
  node: NodeOf<T>;
  flow: FlowDocument;
  vars: string[];
}

function SayForm({ node, vars }: FormProps<'say'>) {
  return (
    <>
      <TemplateField
        label="Text spoken"
        testId="field-text"
        value={node.text}
        variables={vars}
        onCommit={(text) => update(node.id, { text })}
      />
      <CheckField
        label="The callee may interrupt"
        checked={node.interruptible ?? true}
        onChange={(interruptible) => update(node.id, { interruptible })}
      />
    </>
  );
}

function QuestionForm({ node, flow, vars }: FormProps<'question'>) {
  const { capture } = node;
  const setCapture = (patch: Partial<typeof capture>) => update(node.id, { capture: { ...capture, ...patch } });
  const declared = flow.variables.map((v) => v.name);
  const values = capture.values ?? [];
  const setValues = (next: typeof values) => setCapture({ values: next.length ? next : undefined });
  return (
    <>
      <TemplateField
        label="Question asked"
        testId="field-prompt"
        value={node.prompt}
        variables={vars}
        onCommit={(prompt) => update(node.id, { prompt })}
      />
      <TemplateField
        label="Reprompt (after silence or no match)"
        value={node.reprompt}
        variables={vars}
        onCommit={(reprompt) => update(node.id, { reprompt: reprompt || undefined })}
      />
      <SelectField
        label="Answer type"
        testId="field-capture-type"
        value={capture.type}
        options={CAPTURE_TYPES}
        onChange={(type) =>
          setCapture(
            type === 'choice' && !capture.values
              ? { type, values: [{ id: 'option_1', label: 'Option 1' }] }
              : { type, values: type === 'choice' ? capture.values : undefined },
          )
        }
      />
      <SelectField
        label="Store the answer in"
        testId="field-capture-var"
        value={capture.var}
        options={[...new Set([capture.var, ...declared])].map((v) => ({
          value: v,
          label: declared.includes(v) ? v : `${v} (not declared)`,
        }))}
        onChange={(v) => setCapture({ var: v })}
      />
      {!declared.includes(capture.var) && (
        <button
          type="button"
          data-testid="declare-variable"
          onClick={() =>
            run({
              type: 'addVariable',
              variable: {
                name: capture.var,
                type: capture.type === 'yes_no' ? 'boolean' : capture.type === 'number' ? 'number' : 'string',
                source: 'captured',
              },
            })
          }
        >
          Declare “{capture.var}”
        </button>
      )}
      <SelectField
        label="Listen for"
        value={node.input}
        options={['speech', 'dtmf', 'both'] as const}
        onChange={(input) => update(node.id, { input })}
      />
      <NumberField
        label="Attempts (ask + reprompts)"
        value={node.maxAttempts}
        min={1}
        max={10}
        onCommit={(maxAttempts) => update(node.id, { maxAttempts })}
      />
      {capture.type === 'choice' && (
        <fieldset>
          <legend>Choices</legend>
          {values.map((v, i) => (
            <div className="subform" key={`${i}:${v.id}`}>
              <TextField
                label="Id (exit)"
                value={v.id}
                onCommit={(id) => setValues(values.map((x, j) => (j === i ? { ...x, id } : x)))}
              />
              <TextField
                label="Label"
                value={v.label}
                onCommit={(label) => setValues(values.map((x, j) => (j === i ? { ...x, label } : x)))}
              />
              <ListField
                label="Synonyms"
                value={v.synonyms}
                onCommit={(synonyms) => setValues(values.map((x, j) => (j === i ? { ...x, synonyms } : x)))}
              />
              <button
                type="button"
                onClick={() => setValues(values.filter((_, j) => j !== i))}
                disabled={values.length < 2}
              >
                Remove choice
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setValues([...values, { id: `option_${values.length + 1}`, label: `Option ${values.length + 1}` }])
            }
          >
            Add choice
          </button>
        </fieldset>
      )}
    </>
  );
}

function LlmForm({ node, flow, vars }: FormProps<'llm'>) {
  const tools = node.tools ?? [];
  const extract = node.extract ?? [];
  const declared = flow.variables.map((v) => v.name);
  const setExtract = (next: typeof extract) => update(node.id, { extract: next.length ? next : undefined });
  return (
    <>
      <TextField label="Goal of the conversation" value={node.task} onCommit={(task) => update(node.id, { task })} />
      <TemplateField
        label="Opening line"
        value={node.opening}
        variables={vars}
        onCommit={(opening) => update(node.id, { opening: opening || undefined })}
      />
      <NumberField
        label="Most callee turns"
        value={node.maxTurns}
        min={1}
        max={100}
        onCommit={(maxTurns) => update(node.id, { maxTurns })}
      />
      <fieldset>
        <legend>Tools it may call</legend>
        {flow.tools.length === 0 && <p className="muted">No tools declared (Flow → Tools).</p>}
        {flow.tools.map((t) => (
          <CheckField
            key={t.id}
            label={t.id}
            checked={tools.includes(t.id)}
            onChange={(on) => {
              const next = on ? [...tools, t.id] : tools.filter((x) => x !== t.id);
              update(node.id, { tools: next.length ? next : undefined });
            }}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Values to pick up from the conversation</legend>
        {extract.map((x, i) => (
          <div className="subform" key={`${i}:${x.var}`}>
            <SelectField
              label="Variable"
              value={x.var}
              options={[...new Set([x.var, ...declared])]}
              onChange={(v) => setExtract(extract.map((y, j) => (j === i ? { ...y, var: v } : y)))}
            />
            <SelectField
              label="Type"
              value={x.type}
              options={CAPTURE_TYPES}
              onChange={(type) => setExtract(extract.map((y, j) => (j === i ? { ...y, type } : y)))}
            />
            <TextField
              label="Description"
              value={x.description}
              onCommit={(description) =>
                setExtract(extract.map((y, j) => (j === i ? { ...y, description: description || undefined } : y)))
              }
            />
            <button type="button" onClick={() => setExtract(extract.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setExtract([...extract, { var: declared[0] ?? 'value', type: 'text' }])}>
          Add a value
        </button>
      </fieldset>
      <p className="muted">Connect its “intents” exit to describe what the callee may want.</p>
    </>
  );
}

function ToolForm({ node, flow, vars }: FormProps<'tool'>) {
  return (
    <>
      <SelectField
        label="Tool"
        value={node.tool}
        options={[...new Set([node.tool, ...flow.tools.map((t) => t.id)])]}
        onChange={(tool) => update(node.id, { tool })}
      />
      <TemplateField
        label="Filler while waiting"
        value={node.filler}
        variables={vars}
        onCommit={(filler) => update(node.id, { filler: filler || undefined })}
      />
      <NumberField
        label="Timeout (ms)"
        value={node.timeoutMs}
        min={1}
        max={60000}
        onCommit={(timeoutMs) => update(node.id, { timeoutMs })}
      />
      <KeyValueField
        label="Input (templated)"
        keyLabel="Input"
        valueLabel="Value"
        keyPlaceholder="when"
        valuePlaceholder="{{ slot }}"
        value={node.input}
        parse={parseInputValue}
        hint="The tool reads these as {{ input.name }}; values may use {{ variables }}."
        onCommit={(input) => update(node.id, { input })}
        testId="tool-input"
      />
      <KeyValueField
        label="Output (variable ← path in the result)"
        keyLabel="Variable"
        valueLabel="Path"
        keyPlaceholder={vars[0] ?? 'slot'}
        valuePlaceholder="data.slot.id"
        value={node.output}
        validateValue={outputPathError}
        hint={`Declared variables: ${vars.join(', ') || 'none yet'}.`}
        onCommit={(output) => update(node.id, { output: output as Record<string, string> | undefined })}
        testId="tool-output"
      />
    </>
  );
}

function BranchForm({ node }: FormProps<'branch'>) {
  const setCases = (cases: typeof node.cases) => update(node.id, { cases });
  return (
    <fieldset>
      <legend>Cases (first true wins; otherwise “else”)</legend>
      {node.cases.map((c, i) => (
        <div className="subform" key={`${i}:${c.id}`}>
          <TextField
            label="Id (exit)"
            value={c.id}
            onCommit={(id) => setCases(node.cases.map((x, j) => (j === i ? { ...x, id } : x)))}
          />
          <TextField
            label="Label"
            value={c.label}
            onCommit={(label) => setCases(node.cases.map((x, j) => (j === i ? { ...x, label } : x)))}
          />
          <TextField
            label="When (condition)"
            testId={`field-when-${i}`}
            value={c.when}
            validate={celError}
            hint="e.g. confirmed == true && call.attempt < 3"
            onCommit={(when) => setCases(node.cases.map((x, j) => (j === i ? { ...x, when } : x)))}
          />
          <button
            type="button"
            disabled={node.cases.length < 2}
            onClick={() => setCases(node.cases.filter((_, j) => j !== i))}
          >
            Remove case
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setCases([
            ...node.cases,
            { id: `case_${node.cases.length + 1}`, label: `Case ${node.cases.length + 1}`, when: 'true' },
          ])
        }
      >
        Add case
      </button>
    </fieldset>
  );
}

function SetForm({ node, flow }: FormProps<'set'>) {
  const setAssign = (assign: typeof node.assign) => update(node.id, { assign });
  const declared = flow.variables.map((v) => v.name);
  return (
    <fieldset>
      <legend>Assignments</legend>
      {node.assign.map((a, i) => (
        <div className="subform" key={`${i}:${a.var}`}>
          <SelectField
            label="Variable"
            value={a.var}
            options={[...new Set([a.var, ...declared])]}
            onChange={(v) => setAssign(node.assign.map((x, j) => (j === i ? { ...x, var: v } : x)))}
          />
          <TextField
            label="Value (expression)"
            value={a.value}
            validate={celError}
            onCommit={(value) => setAssign(node.assign.map((x, j) => (j === i ? { ...x, value } : x)))}
          />
          <button
            type="button"
            disabled={node.assign.length < 2}
            onClick={() => setAssign(node.assign.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setAssign([...node.assign, { var: declared[0] ?? 'value', value: 'null' }])}>
        Add assignment
      </button>
    </fieldset>
  );
}

function TransferForm({ node, vars }: FormProps<'transfer'>) {
  return (
    <>
      <TextField
        label="Transfer to (E.164 or SIP URI)"
        value={node.to}
        placeholder="+18005550100"
        onCommit={(to) => update(node.id, { to })}
      />
      <SelectField
        label="Mode"
        value={node.mode}
        options={['cold', 'warm'] as const}
        onChange={(mode) => update(node.id, { mode })}
      />
      <TemplateField
        label="Announcement"
        value={node.announce}
        variables={vars}
        onCommit={(announce) => update(node.id, { announce: announce || undefined })}
      />
    </>
  );
}

function VoicemailForm({ node, vars }: FormProps<'voicemail'>) {
  return (
    <>
      <TemplateField
        label="Message left"
        value={node.text}
        variables={vars}
        onCommit={(text) => update(node.id, { text })}
        hint="State the call-back number: {{ meta.callbackNumber }}"
      />
      <CheckField
        label="Wait for the beep"
        checked={node.waitForBeep}
        onChange={(waitForBeep) => update(node.id, { waitForBeep })}
      />
    </>
  );
}

function OptOutForm({ node, vars }: FormProps<'opt_out'>) {
  return (
    <TemplateField
      label="Confirmation spoken"
      value={node.text}
      variables={vars}
      onCommit={(text) => update(node.id, { text: text || undefined })}
    />
  );
}

function EndForm({ node, vars }: FormProps<'end'>) {
  return (
    <>
      <TemplateField
        label="Closing line"
        value={node.text}
        variables={vars}
        onCommit={(text) => update(node.id, { text: text || undefined })}
      />
      <TextField
        label="Disposition"
        value={node.disposition}
        hint="lower_case, e.g. confirmed"
        onCommit={(disposition) => update(node.id, { disposition })}
      />
    </>
  );
}

function StartForm({ node }: FormProps<'start'>) {
  return (
    <>
      <SelectField
        label="Who speaks first"
        value={node.firstSpeaker}
        options={['agent', 'callee'] as const}
        onChange={(firstSpeaker) => update(node.id, { firstSpeaker })}
      />
      <CheckField
        label="Detect answering machines"
        checked={node.amd?.enabled ?? false}
        onChange={(enabled) => update(node.id, { amd: { ...node.amd, enabled } })}
      />
    </>
  );
}

/** Variables a template may use: declared ones, plus what every call defines. */
export function templateNames(flow: FlowDocument): string[] {
  return [
    ...flow.variables.map((v) => v.name),
    'meta.business',
    'meta.callbackNumber',
    'meta.name',
    'call.attempt',
    'call.answeredBy',
    'turn.count',
  ];
}

export function NodeInspector({ node, flow }: { node: FlowNode; flow: FlowDocument }) {
  const vars = templateNames(flow);
  const props = { flow, vars };
  return (
    <section aria-labelledby="inspector-title" className="inspector-section" data-testid="node-inspector">
      <h2 id="inspector-title">
        {NODE_TITLES[node.type]} <code>{node.id}</code>
      </h2>
      <button
        type="button"
        onClick={() => editorStore.getState().openConnect(node.id)}
        aria-keyshortcuts="C"
        title="Connect an exit of this node (C)"
        data-testid="connect-command"
      >
        Connect…
      </button>
      <TextField
        label="Id"
        value={node.id}
        onCommit={(to) => run({ type: 'renameNode', from: node.id, to })}
        hint="lower_case letters, digits and _"
      />
      <TextField
        label="Label on the canvas"
        value={node.label}
        onCommit={(label) => update(node.id, { label: label || undefined })}
      />
      {node.type === 'start' && <StartForm node={node} {...props} />}
      {node.type === 'say' && <SayForm node={node} {...props} />}
      {node.type === 'question' && <QuestionForm node={node} {...props} />}
      {node.type === 'llm' && <LlmForm node={node} {...props} />}
      {node.type === 'tool' && <ToolForm node={node} {...props} />}
      {node.type === 'branch' && <BranchForm node={node} {...props} />}
      {node.type === 'set' && <SetForm node={node} {...props} />}
      {node.type === 'transfer' && <TransferForm node={node} {...props} />}
      {node.type === 'voicemail' && <VoicemailForm node={node} {...props} />}
      {node.type === 'opt_out' && <OptOutForm node={node} {...props} />}
      {node.type === 'end' && <EndForm node={node} {...props} />}
    </section>
  );
}

export function EdgeInspector({ edge }: { edge: FlowEdge }) {
  const patch = (p: Record<string, unknown>) => run({ type: 'updateEdge', id: edge.id, patch: p });
  return (
    <section className="inspector-section" aria-labelledby="edge-title">
      <h2 id="edge-title">
        {edge.kind === 'intent' ? 'Intent' : 'Connection'} <code>{edge.id}</code>
      </h2>
      <p className="muted">
        {edge.from} → {edge.to}
        {edge.kind !== 'intent' && ` (exit “${edge.handle}”)`}
      </p>
      <TextField label="Label" value={edge.label} onCommit={(label) => patch({ label: label || undefined })} />
      {edge.kind === 'intent' && (
        <>
          <TextField
            label="What the callee wants"
            value={edge.prompt}
            placeholder="The caller asks to speak with a human"
            onCommit={(prompt) => patch({ prompt: prompt || undefined })}
          />
          <ListField label="Example phrases" value={edge.examples} onCommit={(examples) => patch({ examples })} />
          <TextField
            label="Say before moving on"
            value={edge.say}
            onCommit={(say) => patch({ say: say || undefined })}
          />
        </>
      )}
      <button type="button" onClick={() => run({ type: 'removeEdges', ids: [edge.id] })}>
        Delete connection
      </button>
    </section>
  );
}
