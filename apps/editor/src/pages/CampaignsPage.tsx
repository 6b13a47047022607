import type { FlowSummary } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { listFlows } from '../api/flows.js';
import { allows, usePermissions } from '../api/permissions.js';
import { formatTime, listTime } from '../modules/calls/call-view.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { getCampaign, listCampaigns } from '../modules/campaigns/api.js';
import { CampaignFormPanel } from '../modules/campaigns/CampaignForm.js';
import { counterView, isLive, POLL_MS } from '../modules/campaigns/counters.js';
import { ProgressBar } from '../modules/campaigns/ProgressBar.js';
import { CAMPAIGN_STATUSES, type CampaignDetail, type CampaignStatus } from '../modules/campaigns/types.js';
import { hrefOf, navigate } from '../router.js';

/**
 * The campaigns of the organisation, newest first, and "New campaign". The progress of the campaigns
 * whose contacts are moving is read again every 2 s.
 */
export function CampaignsPage() {
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const [campaigns, setCampaigns] = useState<CampaignDetail[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [flows, setFlows] = useState<Map<string, FlowSummary>>(new Map());
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const permissions = usePermissions();
  const canWrite = allows(permissions, 'campaigns:write');

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    listCampaigns({ status }, controller.signal)
      .then((page) => {
        setCampaigns(page.items);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [status]);
  // the live ones' counters, the next read only after the last answered
  const liveIds = (campaigns ?? [])
    .filter((c) => isLive(c.status, c.counters))
    .map((c) => c.id)
    .join(',');
  useEffect(() => {
    if (!liveIds) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      void Promise.all(liveIds.split(',').map((id) => getCampaign(id, controller.signal).catch(() => null))).then(
        (fresh) => {
          if (controller.signal.aborted) return;
          const byId = new Map(fresh.filter((c) => c !== null).map((c) => [c.id, c]));
          setCampaigns((current) => current?.map((c) => byId.get(c.id) ?? c) ?? null);
        },
      );
    }, POLL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [liveIds, campaigns]);
  useEffect(() => {
    listFlows({})
      .then((page) => setFlows(new Map(page.items.map((f) => [f.id, f]))))
      .catch(() => undefined);
  }, []);

  return (
    <main className="page">
      <div className="section-head">
        <h1>Campaigns</h1>
        {!creating && canWrite && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-campaign">
            New campaign
          </button>
        )}
      </div>
      {creating && (
        <CampaignFormPanel
          onCreated={(campaign) => navigate({ name: 'campaign', id: campaign.id })}
          onCancel={() => setCreating(false)}
        />
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor="campaign-status">Status</label>
          <select
            id="campaign-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as CampaignStatus | '')}
          >
            <option value="">All</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
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
      {campaigns === null ? (
        <p>Loading…</p>
      ) : campaigns.length === 0 ? (
        <p className="muted" data-testid="campaigns-empty">
          {status
            ? `No ${status} campaigns.`
            : canWrite
              ? 'No campaigns yet. "New campaign" calls a list of contacts with a published flow.'
              : 'No campaigns yet.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="campaigns-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Flow</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id} data-testid="campaign-row">
                  <td>
                    <a href={hrefOf({ name: 'campaign', id: c.id })}>{c.name}</a>
                  </td>
                  <td>
                    <a href={hrefOf({ name: 'editor', id: c.flowId })}>{flows.get(c.flowId)?.name ?? 'Flow'}</a>
                    <span className="muted"> v{c.flowVersion}</span>
                  </td>
                  <td>
                    <StatusPill status={c.status} />
                  </td>
                  <td className="progress-cell">
                    <ProgressBar view={counterView(c.counters)} />
                  </td>
                  <td className="nowrap" title={formatTime(c.createdAt)}>
                    {listTime(c.createdAt)}
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
          onClick={() => {
            listCampaigns({ status, cursor })
              .then((page) => {
                setCampaigns((current) => [...(current ?? []), ...page.items]);
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
