import { useId, useState } from 'react';
import { parseJsonDraft, recordFromRows, rowsFromRecord, type KeyValueRow } from './key-value.js';

/** Rows that follow the document when it changes elsewhere (undo), like the text fields' drafts. */
function useRows(value: Readonly<Record<string, unknown>> | undefined): [KeyValueRow[], (rows: KeyValueRow[]) => void] {
  const serialized = JSON.stringify(value ?? {});
  const [rows, setRows] = useState(() => rowsFromRecord(value));
  const [seen, setSeen] = useState(serialized);
  if (seen !== serialized) {
    setSeen(serialized);
    setRows(rowsFromRecord(value));
  }
  return [rows, setRows];
}

/**
 * Key/value rows (headers, a tool node's input and output). A change is committed when a
 * row loses focus, or on Enter, or when a row is removed: one edit, one undo step.
 */
export function KeyValueField(props: {
  label: string;
  value: Readonly<Record<string, unknown>> | undefined;
  onCommit: (value: Record<string, unknown> | undefined) => void;
  keyLabel: string;
  valueLabel: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** turns a row's text into its value (strings by default) */
  parse?: (text: string, previous: unknown) => unknown;
  /** a warning for one row (an inline secret), shown under it */
  warn?: (key: string, value: string) => string | undefined;
  /** an error for one row's value (a bad dot path): nothing is committed while one shows */
  validateValue?: (value: string) => string | undefined;
  hint?: string;
  testId?: string;
}) {
  const [rows, setRows] = useRows(props.value);
  const id = useId();
  const result = recordFromRows(rows, props.parse, props.value ?? {});
  const rowErrors = rows.map((r) =>
    props.validateValue && (r.key.trim() || r.value.trim()) ? props.validateValue(r.value) : undefined,
  );

  const commit = (next: KeyValueRow[] = rows) => {
    const parsed = recordFromRows(next, props.parse, props.value ?? {});
    if (parsed.error) return;
    if (props.validateValue && next.some((r) => (r.key.trim() || r.value.trim()) && props.validateValue!(r.value)))
      return;
    if (JSON.stringify(parsed.record ?? {}) !== JSON.stringify(props.value ?? {})) props.onCommit(parsed.record);
  };
  const change = (i: number, patch: Partial<KeyValueRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <fieldset className="field kv-field" data-testid={props.testId}>
      <legend>{props.label}</legend>
      {rows.length === 0 && <p className="muted">None.</p>}
      {rows.map((row, i) => {
        const warning = props.warn?.(row.key, row.value);
        const error = rowErrors[i];
        return (
          <div className="kv-row" key={i}>
            <div className="kv-inputs">
              <input
                aria-label={`${props.keyLabel} ${i + 1}`}
                id={`${id}-k${i}`}
                value={row.key}
                placeholder={props.keyPlaceholder}
                onChange={(e) => change(i, { key: e.target.value })}
                onBlur={() => commit()}
                onKeyDown={(e) => e.key === 'Enter' && commit()}
              />
              <input
                aria-label={`${props.valueLabel} ${i + 1}`}
                value={row.value}
                placeholder={props.valuePlaceholder}
                aria-invalid={Boolean(error)}
                onChange={(e) => change(i, { value: e.target.value })}
                onBlur={() => commit()}
                onKeyDown={(e) => e.key === 'Enter' && commit()}
              />
              <button
                type="button"
                aria-label={`Remove ${row.key || `row ${i + 1}`}`}
                onClick={() => {
                  const next = rows.filter((_, j) => j !== i);
                  setRows(next);
                  commit(next);
                }}
              >
                ✕
              </button>
            </div>
            {error && (
              <small className="field-error" role="alert">
                {error}
              </small>
            )}
            {!error && warning && (
              <small className="field-warning" role="status">
                ⚠ {warning}
              </small>
            )}
          </div>
        );
      })}
      <button type="button" onClick={() => setRows([...rows, { key: '', value: '' }])}>
        Add {props.keyLabel.toLowerCase()}
      </button>
      {props.hint && <small className="hint">{props.hint}</small>}
      {result.error && (
        <small className="field-error" role="alert">
          {result.error}
        </small>
      )}
    </fieldset>
  );
}

/** A JSON value in a textarea (a tool's body or parameters): parse errors live, committed on blur when valid. */
export function JsonField(props: {
  label: string;
  value: unknown;
  onCommit: (value: unknown) => void;
  /** the value must be an object (`parameters`) */
  object?: boolean;
  hint?: string;
  testId?: string;
}) {
  const text = props.value === undefined ? '' : JSON.stringify(props.value, null, 2);
  const [draft, setDraft] = useState(text);
  const [seen, setSeen] = useState(text);
  if (seen !== text) {
    setSeen(text);
    setDraft(text);
  }
  const id = useId();
  const parsed = parseJsonDraft(draft, { object: props.object ?? false });
  return (
    <div className={`field${parsed.ok ? '' : ' field-invalid'}`}>
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        className="code"
        rows={5}
        spellCheck={false}
        value={draft}
        data-testid={props.testId}
        aria-invalid={!parsed.ok}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (parsed.ok && JSON.stringify(parsed.value) !== JSON.stringify(props.value)) props.onCommit(parsed.value);
        }}
      />
      {props.hint && <small className="hint">{props.hint}</small>}
      {!parsed.ok && (
        <small className="field-error" role="alert">
          {parsed.error}
        </small>
      )}
    </div>
  );
}
