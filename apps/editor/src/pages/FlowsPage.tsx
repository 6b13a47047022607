import type { FlowSummary, FlowTemplate } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { createFlow, listFlows, listTemplates } from '../api/flows.js';
import { hrefOf, navigate } from '../router.js';

export function FlowsPage() {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [templates, setTemplates] = useState<FlowTemplate[]>([]);
  const [template, setTemplate] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      listFlows({ q: q.trim(), status }, controller.signal)
        .then((page) => setFlows(page.items))
        .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, status]);
  useEffect(() => {
    listTemplates()
      .then((page) => {
        setTemplates(page.items);
        setTemplate((t) => t || page.items[0]?.id || '');
      })
      .catch(() => undefined);
  }, []);

  return (
    <main className="page">
      <h1>Flows</h1>
      <form
        className="create-flow"
        aria-label="New flow from a template"
        onSubmit={(e) => {
          e.preventDefault();
          createFlow({ templateId: template, ...(name.trim() ? { name: name.trim() } : {}) })
            .then((flow) => navigate({ name: 'editor', id: flow.id }))
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
        }}
      >
        <div className="field">
          <label htmlFor="template">Template</label>
          <select id="template" value={template} onChange={(e) => setTemplate(e.target.value)} data-testid="template">
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.purpose.toLowerCase()})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-name">Name</label>
          <input
            id="new-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="optional"
            data-testid="new-name"
          />
        </div>
        <button type="submit" className="primary" disabled={!template} data-testid="create-flow">
          Create flow
        </button>
      </form>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor="search">Search</label>
          <input
            id="search"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Name contains…"
          />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            <option value="draft">Draft</option>
            <option value="published">Published</option>
          </select>
        </div>
      </div>
      {flows === null ? (
        <p>Loading…</p>
      ) : flows.length === 0 ? (
        <p>No flows match.</p>
      ) : (
        <table className="flows-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Last published</th>
              <th scope="col">Problems</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id}>
                <td>
                  <a href={hrefOf({ name: 'editor', id: f.id })}>{f.name}</a>
                </td>
                <td>
                  {f.status}
                  {f.hasUnpublishedChanges && f.status === 'published' ? ' (changed)' : ''}
                </td>
                <td>{f.publishedAt ? `v${f.latestVersion} · ${new Date(f.publishedAt).toLocaleString()}` : '—'}</td>
                <td>
                  {f.diagnostics.errors} errors, {f.diagnostics.warnings} warnings
                </td>
                <td>{new Date(f.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
