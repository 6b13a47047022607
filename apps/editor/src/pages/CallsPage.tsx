import { CALL_STATUSES, type Call, type CallStatus } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { formatTime } from '../modules/calls/call-view.js';
import { listCalls } from '../modules/calls/api.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { listCampaigns } from '../modules/campaigns/api.js';
import type { Campaign } from '../modules/campaigns/types.js';
import { hrefOf, navigate } from '../router.js';

type Row = Call & { campaignId?: string | null };

/** Every call, newest first: single calls and campaign attempts, by status and campaign. */
export function CallsPage({ campaignId }: { campaignId?: string }) {
  const [status, setStatus] = useState<CallStatus | ''>('');
  const [calls, setCalls] = useState<Row[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    setCalls(null);
    listCalls({ status, ...(campaignId ? { campaignId } : {}) }, controller.signal)
      .then((page) => {
        setCalls(page.items);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [status, campaignId]);
  useEffect(() => {
    listCampaigns()
      .then((page) => setCampaigns(page.items))
      .catch(() => undefined);
  }, []);
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));

  return (
    <main className="page">
      <h1>Calls</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="call-status">Status</label>
          <select
            id="call-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as CallStatus | '')}
            data-testid="call-status-filter"
          >
            <option value="">All</option>
            {CALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="call-campaign">Campaign</label>
          <select
            id="call-campaign"
            value={campaignId ?? ''}
            onChange={(e) =>
              navigate(e.target.value ? { name: 'calls', campaignId: e.target.value } : { name: 'calls' })
            }
            data-testid="call-campaign-filter"
          >
            <option value="">All calls</option>
            {campaignId && !campaignName.has(campaignId) && <option value={campaignId}>This campaign</option>}
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {calls === null ? (
        <p>Loading…</p>
      ) : calls.length === 0 ? (
        <p className="muted">No calls match.</p>
      ) : (
        <table className="data-table" data-testid="calls-table">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">Disposition</th>
              <th scope="col">Attempt</th>
              <th scope="col">Flow</th>
              <th scope="col">Campaign</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={hrefOf({ name: 'call', id: c.id })}>{formatTime(c.createdAt)}</a>
                </td>
                <td className="mono">{c.to}</td>
                <td>
                  <StatusPill status={c.status} />
                </td>
                <td>{c.disposition ?? '—'}</td>
                <td className="num">{c.attempt}</td>
                <td>
                  <a href={hrefOf({ name: 'editor', id: c.flowId })}>v{c.flowVersion}</a>
                </td>
                <td>
                  {c.campaignId ? (
                    <a href={hrefOf({ name: 'campaign', id: c.campaignId })}>
                      {campaignName.get(c.campaignId) ?? 'campaign'}
                    </a>
                  ) : (
                    <span className="muted">single call</span>
                  )}
                </td>
                <td>
                  <code>{c.lastDecision?.outcome ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          data-testid="calls-more"
          onClick={() => {
            listCalls({ status, cursor, ...(campaignId ? { campaignId } : {}) })
              .then((page) => {
                setCalls((current) => [...(current ?? []), ...page.items]);
                setCursor(page.nextCursor);
              })
              .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
          }}
        >
          Load more
        </button>
      )}
    </main>
  );
}
