import { useEffect, useState } from 'react';
import { HttpError } from '../../api/client.js';
import { uploadContactsCsv } from './api.js';
import {
  defaultMapping,
  mappingProblems,
  mappingToQuery,
  parseCsvHeader,
  withVariables,
  type ColumnMapping,
} from './csv-mapping.js';
import { rejectedRowCount, rejectedRows, type RejectedRowView } from './import-result.js';
import type { InputVariable } from './flow-inputs.js';
import type { ContactImportResult } from './types.js';

/** enough for any header row; the file itself is uploaded whole */
const HEADER_BYTES = 64 * 1024;

/**
 * Contacts from a CSV: the header row is read here so the operator maps the columns (phone, external
 * id, each input variable of the pinned flow) before anything is sent; the API answers what it kept.
 */
export function ContactsUpload({
  campaignId,
  inputVariables,
  defaults,
  onUploaded,
}: {
  campaignId: string;
  /** the pinned version's input variables; null while they are being read */
  inputVariables: InputVariable[] | null;
  /** the campaign's default variables: a required variable with a default needs no column */
  defaults: Record<string, unknown>;
  onUploaded: (result: ContactImportResult) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [header, setHeader] = useState<string[]>([]);
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [result, setResult] = useState<{ answer: ContactImportResult; rejected: RejectedRowView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** a new file input after each upload, so the same file is not sent twice by accident */
  const [inputKey, setInputKey] = useState(0);

  const variables = inputVariables ?? [];
  const required = variables.filter((v) => v.required && !(v.name in defaults)).map((v) => v.name);
  const problems = mapping ? mappingProblems(mapping, header, required) : [];

  // the variables may arrive after the file was chosen: guess their columns then
  useEffect(() => {
    if (!inputVariables) return;
    const names = inputVariables.map((v) => v.name);
    setMapping((current) => current && withVariables(current, header, names));
  }, [inputVariables, header]);

  const columnSelect = (
    label: string,
    value: string,
    onChange: (column: string) => void,
    testId: string,
    none: string,
  ) => (
    <div className="field" key={testId}>
      <label htmlFor={testId}>{label}</label>
      <select id={testId} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{none}</option>
        {header.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section className="contacts-upload" aria-label="Upload contacts">
      <h2>Add contacts</h2>
      <div className="field">
        <label htmlFor="contacts-file">CSV file (a header row, one contact per row)</label>
        <input
          key={inputKey}
          id="contacts-file"
          type="file"
          accept=".csv,text/csv"
          data-testid="contacts-file"
          onChange={(e) => {
            const chosen = e.target.files?.[0] ?? null;
            setFile(chosen);
            setResult(null);
            setError(null);
            setMapping(null);
            setHeader([]);
            if (!chosen) return;
            chosen
              .slice(0, HEADER_BYTES)
              .text()
              .then((text) => {
                const columns = parseCsvHeader(text);
                setHeader(columns);
                setMapping(
                  defaultMapping(
                    columns,
                    variables.map((v) => v.name),
                  ),
                );
              })
              .catch((err: unknown) =>
                setError(`Cannot read the file: ${err instanceof Error ? err.message : String(err)}`),
              );
          }}
        />
      </div>
      {mapping && (
        <div className="column-mapping" data-testid="column-mapping">
          <h3>Columns</h3>
          <p className="hint">
            {header.length} columns found: {header.join(', ') || 'none'}.
          </p>
          <div className="form-grid">
            {columnSelect(
              'Phone number',
              mapping.phone,
              (c) => setMapping({ ...mapping, phone: c }),
              'map-phone',
              'Choose…',
            )}
            {columnSelect(
              'External id',
              mapping.externalId,
              (c) => setMapping({ ...mapping, externalId: c }),
              'map-externalId',
              'None',
            )}
            {(mapping.simulation || header.some((c) => c.toLowerCase() === 'simulation')) &&
              columnSelect(
                'Simulated callee (test runs)',
                mapping.simulation,
                (c) => setMapping({ ...mapping, simulation: c }),
                'map-simulation',
                'None',
              )}
            {variables.map((v) =>
              columnSelect(
                `${v.name}${v.required ? ' (required)' : ''}`,
                mapping.variables[v.name] ?? '',
                (c) => setMapping({ ...mapping, variables: { ...mapping.variables, [v.name]: c } }),
                `map-var-${v.name}`,
                v.name in defaults ? 'Campaign default' : 'None',
              ),
            )}
          </div>
          {!inputVariables && (
            <p className="hint" data-testid="mapping-loading">
              Reading the flow's input variables…
            </p>
          )}
          {problems.length > 0 && (
            <ul className="error-text" data-testid="mapping-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="primary"
            disabled={!file || !inputVariables || problems.length > 0 || busy}
            data-testid="upload-contacts"
            onClick={() => {
              if (!file) return;
              setBusy(true);
              setError(null);
              uploadContactsCsv(campaignId, file, mappingToQuery(mapping))
                .then(async (answer) => {
                  // the rejected rows' lines and values come from the file itself, read again only when needed
                  const text = answer.rejected.length > 0 ? await file.text().catch(() => null) : null;
                  setResult({ answer, rejected: rejectedRows(answer.rejected, text, mapping, header) });
                  setFile(null);
                  setMapping(null);
                  setHeader([]);
                  setInputKey((k) => k + 1);
                  onUploaded(answer);
                })
                .catch((err: unknown) =>
                  setError(
                    err instanceof HttpError && err.body?.details?.length
                      ? `${err.message}\n${err.body.details.map((d) => `${d.path}: ${d.message}`).join('\n')}`
                      : err instanceof Error
                        ? err.message
                        : String(err),
                  ),
                )
                .finally(() => setBusy(false));
            }}
          >
            {busy ? 'Uploading…' : `Upload ${file?.name ?? ''}`}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="error-text" data-testid="upload-error">
          {error}
        </p>
      )}
      {result && <ImportResult answer={result.answer} rejected={result.rejected} />}
    </section>
  );
}

/** What the API kept of the upload, and each rejected row where the operator can find it in the file. */
function ImportResult({ answer, rejected }: { answer: ContactImportResult; rejected: RejectedRowView[] }) {
  const rejectedCount = rejectedRowCount(answer.rejected);
  return (
    <div className="import-result" data-testid="import-result">
      <dl className="counter-grid">
        <div className="counter">
          <dt>Rows received</dt>
          <dd data-testid="import-received">{answer.received}</dd>
        </div>
        <div className="counter state-completed">
          <dt>Added</dt>
          <dd data-testid="import-added">{answer.added}</dd>
        </div>
        <div className="counter">
          <dt>Merged</dt>
          <dd data-testid="import-merged">{answer.merged}</dd>
        </div>
        <div className={`counter${rejectedCount ? ' state-failed' : ' is-zero'}`}>
          <dt>Rejected</dt>
          <dd data-testid="import-rejected">{rejectedCount}</dd>
        </div>
      </dl>
      <p className="hint" data-testid="import-summary">
        {answer.added} new contact{answer.added === 1 ? '' : 's'} added
        {answer.merged > 0 &&
          `; ${answer.merged} row${answer.merged === 1 ? '' : 's'} repeated a number already in the campaign or earlier in the file and ${answer.merged === 1 ? 'was' : 'were'} merged into it (the first one is kept)`}
        {rejectedCount > 0
          ? `; ${rejectedCount} row${rejectedCount === 1 ? '' : 's'} rejected, listed below. Every other row was kept: fix the rejected ones and upload just them.`
          : '.'}
      </p>
      {rejected.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="rejected-rows">
            <caption>Rejected rows</caption>
            <thead>
              <tr>
                <th
                  scope="col"
                  title="The line of the file (the header is line 1), as a text editor or spreadsheet numbers it"
                >
                  Line
                </th>
                <th scope="col">Column</th>
                <th scope="col">Value</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {rejected.map((r, i) => (
                <tr key={`${r.row}-${r.field}-${i}`} data-testid="rejected-row">
                  <td className="num" title={`data row ${r.row}`}>
                    {r.line ?? `row ${r.row}`}
                  </td>
                  <td>
                    <code>{r.column ?? r.field}</code>
                  </td>
                  <td className="mono">
                    {r.value === null ? '—' : r.value === '' ? <span className="muted">(empty)</span> : r.value}
                  </td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
