import { useState } from 'react';
import { HttpError } from '../../api/client.js';
import { uploadContactsCsv } from './api.js';
import { defaultMapping, mappingProblems, mappingToQuery, parseCsvHeader, type ColumnMapping } from './csv-mapping.js';
import type { ContactImportResult } from './types.js';

export interface InputVariable {
  name: string;
  required: boolean;
}

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
  inputVariables: InputVariable[];
  /** the campaign's default variables: a required variable with a default needs no column */
  defaults: Record<string, unknown>;
  onUploaded: (result: ContactImportResult) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [header, setHeader] = useState<string[]>([]);
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [result, setResult] = useState<ContactImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const required = inputVariables.filter((v) => v.required && !(v.name in defaults)).map((v) => v.name);
  const problems = mapping ? mappingProblems(mapping, header, required) : [];

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
                    inputVariables.map((v) => v.name),
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
            {inputVariables.map((v) =>
              columnSelect(
                `${v.name}${v.required ? ' (required)' : ''}`,
                mapping.variables[v.name] ?? '',
                (c) => setMapping({ ...mapping, variables: { ...mapping.variables, [v.name]: c } }),
                `map-var-${v.name}`,
                v.name in defaults ? 'Campaign default' : 'None',
              ),
            )}
          </div>
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
            disabled={!file || problems.length > 0 || busy}
            data-testid="upload-contacts"
            onClick={() => {
              if (!file) return;
              setBusy(true);
              setError(null);
              uploadContactsCsv(campaignId, file, mappingToQuery(mapping))
                .then((answer) => {
                  setResult(answer);
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
      {result && (
        <div className="import-result" data-testid="import-result">
          <dl className="counter-grid">
            <div className="counter">
              <dt>Received</dt>
              <dd data-testid="import-received">{result.received}</dd>
            </div>
            <div className="counter">
              <dt>Added</dt>
              <dd data-testid="import-added">{result.added}</dd>
            </div>
            <div className="counter">
              <dt>Merged</dt>
              <dd data-testid="import-merged">{result.merged}</dd>
            </div>
            <div className={`counter${result.rejected.length ? ' state-failed' : ''}`}>
              <dt>Rejected</dt>
              <dd data-testid="import-rejected">{result.rejected.length}</dd>
            </div>
          </dl>
          {result.rejected.length > 0 && (
            <table className="data-table" data-testid="rejected-rows">
              <caption>Rejected rows (the other rows were kept)</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {result.rejected.map((r, i) => (
                  <tr key={`${r.row}-${r.field}-${i}`}>
                    <td className="num">{r.row}</td>
                    <td>
                      <code>{r.field}</code>
                    </td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
