import { useEffect, useState } from 'react';
import { hrefOf } from '../../router.js';
import { formatTime } from '../calls/call-view.js';
import { StatusPill } from '../calls/StatusPill.js';
import { listContacts } from './api.js';
import { CONTACT_STATES, type CampaignContact, type ContactState } from './types.js';

/** Per-contact state, filtered by state, a page at a time (keyset: "Load more" follows the cursor). */
export function ContactsTable({ campaignId, reloadKey }: { campaignId: string; reloadKey: number }) {
  const [state, setState] = useState<ContactState | ''>('');
  const [rows, setRows] = useState<CampaignContact[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshed, setRefreshed] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    listContacts(campaignId, { state }, controller.signal)
      .then((page) => {
        setRows(page.items);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [campaignId, state, reloadKey, refreshed]);

  return (
    <section className="contacts" aria-label="Contacts">
      <div className="section-head">
        <h2>Contacts</h2>
        <div className="field inline">
          <label htmlFor="contact-state">State</label>
          <select
            id="contact-state"
            value={state}
            onChange={(e) => setState(e.target.value as ContactState | '')}
            data-testid="contact-state"
          >
            <option value="">All</option>
            {CONTACT_STATES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => setRefreshed((n) => n + 1)} data-testid="contacts-refresh">
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {rows === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">
          {state ? `No contact is ${state.replace('_', ' ')}.` : 'No contacts yet: upload a CSV.'}
        </p>
      ) : (
        <table className="data-table" data-testid="contacts-table">
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">External id</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Last disposition</th>
              <th scope="col">Reasons</th>
              <th scope="col">Last call</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-testid="contact-row">
                <td className="mono">{c.phone}</td>
                <td>{c.externalId ?? '—'}</td>
                <td>
                  <StatusPill status={c.state} />
                </td>
                <td className="num">{c.attempts}</td>
                <td>{formatTime(c.nextAttemptAt)}</td>
                <td>{c.lastDisposition ?? c.lastStatus ?? '—'}</td>
                <td>
                  {c.reasons.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="reasons">
                      {c.reasons.map((r, i) => (
                        <li key={i}>
                          <code>{r}</code>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{c.lastCallId ? <a href={hrefOf({ name: 'call', id: c.lastCallId })}>Open</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          disabled={loading}
          data-testid="contacts-more"
          onClick={() => {
            setLoading(true);
            listContacts(campaignId, { state, cursor })
              .then((page) => {
                setRows((current) => [...(current ?? []), ...page.items]);
                setCursor(page.nextCursor);
              })
              .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
              .finally(() => setLoading(false));
          }}
        >
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
