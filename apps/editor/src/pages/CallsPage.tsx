import { CALL_STATUSES, type Call, type CallStatus } from '@switchboard/contracts';
import { useEffect, useRef, useState } from 'react';
import { listFlows } from '../api/flows.js';
import { usePermissions } from '../api/permissions.js';
import { ACTIVE_STATUSES, listTime } from '../modules/calls/call-view.js';
import { listCalls } from '../modules/calls/api.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { listCampaigns } from '../modules/campaigns/api.js';
import { POLL_MS } from '../modules/campaigns/counters.js';
import type { Campaign } from '../modules/campaigns/types.js';
import { hrefOf, navigate } from '../router.js';

type Row = Call;
const PAGE = 50;
/** the API's largest page: a refresh re-reads at most this many of the calls shown */
const MAX_PAGE = 200;

/**
 * Every call, newest first: single calls and campaign attempts, by status and campaign. While a call
 * shown is about to change (queued, dialling, in progress) the list is read again every 2 s.
 */
export function CallsPage({ campaignId }: { campaignId?: string }) {
  const [status, setStatus] = useState<CallStatus | ''>('');
  const [calls, setCalls] = useState<Row[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [flowNames, setFlowNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const filter = `${status}|${campaignId ?? ''}`;
  const shown = useRef({ filter, count: 0 });
  const permissions = usePermissions();
  const masked = permissions !== 'loading' && permissions !== 'unknown' && !permissions.has('compliance:read');

  useEffect(() => {
    const controller = new AbortController();
    const sameFilter = shown.current.filter === filter;
    if (!sameFilter) {
      setCalls(null);
      setCursor(null);
    }
    const limit = sameFilter ? Math.min(MAX_PAGE, Math.max(PAGE, shown.current.count)) : PAGE;
    listCalls({ status, limit, ...(campaignId ? { campaignId } : {}) }, controller.signal)
      .then((page) => {
        shown.current = { filter, count: page.items.length };
        setCalls(page.items);
        setCursor(page.nextCursor);
        setError(null);
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [status, campaignId, filter, reloadKey]);

  const moving = calls?.some((c) => ACTIVE_STATUSES.has(c.status)) ?? false;
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(() => setReloadKey((k) => k + 1), POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, calls]);

  useEffect(() => {
    listCampaigns()
      .then((page) => setCampaigns(page.items))
      .catch(() => undefined);
    listFlows({})
      .then((page) => setFlowNames(new Map(page.items.map((f) => [f.id, f.name]))))
      .catch(() => undefined);
  }, []);
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));

  return (
    <main className="page">
      <h1>
        Calls{' '}
        {moving && (
          <span className="live-dot" role="img" aria-label="updating every 2 seconds" title="updating every 2 s" />
        )}
      </h1>
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
      {masked && (
        <p className="hint" data-testid="numbers-masked">
          Numbers are masked for your role; a compliance reviewer or an admin sees them in full.
        </p>
      )}
      {calls === null ? (
        <p>Loading…</p>
      ) : calls.length === 0 ? (
        <p className="muted" data-testid="calls-empty">
          {status || campaignId
            ? `No ${status ? `${status.replace('_', ' ')} ` : ''}calls${campaignId ? ' in this campaign' : ''}.`
            : 'No calls yet: start a campaign, or place a call with POST /v1/calls.'}
        </p>
      ) : (
        <div className="table-scroll">
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
                  <td className="nowrap">
                    <a href={hrefOf({ name: 'call', id: c.id })} title={new Date(c.createdAt).toLocaleString()}>
                      {listTime(c.createdAt)}
                    </a>
                  </td>
                  <td className="mono nowrap">{c.to}</td>
                  <td>
                    <StatusPill status={c.status} />
                  </td>
                  <td>{c.disposition?.replace(/_/g, ' ') ?? '—'}</td>
                  <td className="num">{c.attempt}</td>
                  <td>
                    <a href={hrefOf({ name: 'editor', id: c.flowId })}>{flowNames.get(c.flowId) ?? 'Flow'}</a>
                    <span className="muted"> v{c.flowVersion}</span>
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
        </div>
      )}
      {cursor && (
        <button
          type="button"
          data-testid="calls-more"
          onClick={() => {
            listCalls({ status, cursor, ...(campaignId ? { campaignId } : {}) })
              .then((page) => {
                shown.current = { filter, count: shown.current.count + page.items.length };
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
