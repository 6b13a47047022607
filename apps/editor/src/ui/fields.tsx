import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { applyCompletion, variableCompletions } from '../modules/editor/graph/view-model.js';

/**
 * Text inputs keep a local draft and commit on blur or Enter, so one edit is one undo step
 * (not one per keystroke). The draft follows the document when it changes elsewhere (undo).
 */
function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return [draft, setDraft];
}

export function Row({
  label,
  children,
  hint,
  error,
}: {
  label: string;
  children: (id: string) => ReactNode;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <small className="hint">{hint}</small>}
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string | undefined;
  onCommit: (value: string) => void;
  placeholder?: string;
  hint?: string;
  error?: string | undefined;
  /** live check of the draft (a CEL condition's parse error) */
  validate?: (value: string) => string | undefined;
  testId?: string;
}) {
  const [draft, setDraft] = useDraft(props.value ?? '');
  const live = props.validate?.(draft);
  const commit = () => {
    if (draft !== (props.value ?? '')) props.onCommit(draft);
  };
  return (
    <Row label={props.label} hint={props.hint} error={live ?? props.error}>
      {(id) => (
        <input
          id={id}
          value={draft}
          placeholder={props.placeholder}
          data-testid={props.testId}
          aria-invalid={Boolean(live ?? props.error)}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
      )}
    </Row>
  );
}

export function NumberField(props: {
  label: string;
  value: number | undefined;
  onCommit: (value: number | undefined) => void;
  min?: number;
  max?: number;
}) {
  const [draft, setDraft] = useDraft(props.value === undefined ? '' : String(props.value));
  const commit = () => {
    const next = draft.trim() === '' ? undefined : Number(draft);
    if (next !== props.value && (next === undefined || Number.isFinite(next))) props.onCommit(next);
  };
  return (
    <Row label={props.label}>
      {(id) => (
        <input
          id={id}
          type="number"
          value={draft}
          min={props.min}
          max={props.max}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      )}
    </Row>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: readonly T[] | readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  testId?: string;
}) {
  const options = props.options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  return (
    <Row label={props.label}>
      {(id) => (
        <select
          id={id}
          value={props.value ?? ''}
          data-testid={props.testId}
          onChange={(e) => props.onChange(e.target.value as T)}
        >
          {props.value === undefined && <option value="">—</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Row>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/** A Liquid template (spoken text) with `{{ variable }}` completion from the declared variables. */
export function TemplateField(props: {
  label: string;
  value: string | undefined;
  variables: readonly string[];
  onCommit: (value: string) => void;
  hint?: string;
  testId?: string;
}) {
  const [draft, setDraft] = useDraft(props.value ?? '');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const completion = variableCompletions(draft, caret, props.variables);
  const listId = useId();
  useEffect(() => setActive(0), [completion?.prefix]);
  const choose = (name: string) => {
    if (!completion) return;
    const next = applyCompletion(draft, caret, completion.prefix, name);
    setDraft(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.caret, next.caret));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!completion) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = completion.options.length;
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(completion.options[active] ?? completion.options[0]!);
    }
  };
  return (
    <Row label={props.label} hint={props.hint ?? 'Type {{ to insert a variable.'}>
      {(id) => (
        <div className="template-field">
          <textarea
            id={id}
            ref={ref}
            rows={3}
            value={draft}
            data-testid={props.testId}
            role="combobox"
            aria-expanded={Boolean(completion)}
            aria-controls={listId}
            aria-autocomplete="list"
            onChange={(e) => {
              setDraft(e.target.value);
              setCaret(e.target.selectionStart);
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onKeyDown={onKeyDown}
            onBlur={() => draft !== (props.value ?? '') && props.onCommit(draft)}
          />
          {completion && (
            <ul className="completions" id={listId} role="listbox" aria-label="Variables">
              {completion.options.map((name, i) => (
                <li key={name} role="option" aria-selected={i === active}>
                  <button
                    type="button"
                    tabIndex={-1}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => choose(name)}
                  >
                    {name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Row>
  );
}

/** A comma-separated list of words (synonyms, examples). */
export function ListField(props: {
  label: string;
  value: readonly string[] | undefined;
  onCommit: (value: string[] | undefined) => void;
  hint?: string;
}) {
  return (
    <TextField
      label={props.label}
      hint={props.hint ?? 'Separate with commas.'}
      value={(props.value ?? []).join(', ')}
      onCommit={(v) => {
        const list = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        props.onCommit(list.length ? list : undefined);
      }}
    />
  );
}
