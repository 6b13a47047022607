import { useEffect, useRef, useState } from 'react';
import { hrefOf } from '../../router.js';
import { listTime } from '../calls/call-view.js';
import { StatusPill } from '../calls/StatusPill.js';
import { listContacts } from './api.js';
import { CONTACT_STATES, type CampaignContact, type ContactState } from './types.js';

const PAGE = 50;
/** states whose next attempt is ahead (for the others it is a past plan) */
const WAITING: ReadonlySet<string> = new Set(['pending', 'scheduled', 'queued']);
/** the API's largest page: a refresh re-reads at most this many of the rows already shown */
const MAX_PAGE = 200;

/**
 * Per-contact state, filtered by state, a page at a time (keyset: "Load more" follows the cursor).
 * `reloadKey` changes when the campaign page re-reads its counters (every 2 s while it runs): the rows
 * already shown are read again in place, so states move with the counters.
 */
export function ContactsTable({
  campaignId,
  reloadKey,
  masked,
  emptyHint,
}: {
  campaignId: string;
  reloadKey: number;
  /** the numbers come masked for this person's roles: say so */
  masked: boolean;
  /** what to do when there is no contact at all */
  emptyHint: string;
}) {
  const [state, setState] = useState<ContactState | ''>('');
  const [rows, setRows] = useState<CampaignContact[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshed, setRefreshed] = useState(0);
  const shown = useRef({ state, count: 0 });

  useEffect(() => {
    const controller = new AbortController();
    // a new filter starts from its first page; a refresh re-reads what is shown
    const sameFilter = shown.current.state === state;
    if (!sameFilter) {
      setRows(null);
      setCursor(null);
    }
    const limit = sameFilter ? Math.min(MAX_PAGE, Math.max(PAGE, shown.current.count)) : PAGE;
    listContacts(campaignId, { state, limit }, controller.signal)
      .then((page) => {
        shown.current = { state, count: page.items.length };
        setRows(page.items);
        setCursor(page.nextCursor);
        setError(null);
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
      {masked && (
        <p className="hint" data-testid="numbers-masked">
          Numbers are masked for your role; a compliance reviewer or an admin sees them in full.
        </p>
      )}
      {rows === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">{state ? `No contact is ${state.replace('_', ' ')}.` : `No contacts yet. ${emptyHint}`}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="contacts-table">
            <thead>
              <tr>
                <th scope="col">Phone</th>
                <th scope="col">External id</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Disposition</th>
                <th scope="col">Reasons</th>
                <th scope="col">Last call</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-testid="contact-row">
                  <td className="mono nowrap">{c.phone}</td>
                  <td>{c.externalId ?? '—'}</td>
                  <td>
                    <StatusPill status={c.state} />
                  </td>
                  <td className="num">{c.attempts}</td>
                  <td className="nowrap">{WAITING.has(c.state) ? listTime(c.nextAttemptAt) : '—'}</td>
                  <td>{c.lastDisposition?.replace(/_/g, ' ') ?? '—'}</td>
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
                  <td>
                    {c.lastCallId ? (
                      <a href={hrefOf({ name: 'call', id: c.lastCallId })} data-testid="contact-call">
                        {c.lastStatus?.replace(/_/g, ' ') ?? 'Open'}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
                shown.current = { state, count: shown.current.count + page.items.length };
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
