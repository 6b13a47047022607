import type { FlowSummary } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { listFlows } from '../api/flows.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { getCampaign, listCampaigns } from '../modules/campaigns/api.js';
import { CampaignFormPanel } from '../modules/campaigns/CampaignForm.js';
import { counterView } from '../modules/campaigns/counters.js';
import { ProgressBar } from '../modules/campaigns/ProgressBar.js';
import { CAMPAIGN_STATUSES, type CampaignStatus, type CampaignWithCounters } from '../modules/campaigns/types.js';
import { hrefOf, navigate } from '../router.js';

/** The campaigns of the organisation, newest first, and "New campaign". */
export function CampaignsPage() {
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const [campaigns, setCampaigns] = useState<CampaignWithCounters[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [flows, setFlows] = useState<Map<string, FlowSummary>>(new Map());
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** list items carry no counters: each campaign's are read (a page is at most 50, counted by SQL) */
  const withCounters = (items: CampaignWithCounters[]): Promise<CampaignWithCounters[]> =>
    Promise.all(items.map((c) => (c.counters ? Promise.resolve(c) : getCampaign(c.id).catch(() => c))));

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    listCampaigns({ status }, controller.signal)
      .then(async (page) => {
        const items = await withCounters(page.items);
        if (controller.signal.aborted) return;
        setCampaigns(items);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [status]);
  useEffect(() => {
    listFlows({})
      .then((page) => setFlows(new Map(page.items.map((f) => [f.id, f]))))
      .catch(() => undefined);
  }, []);

  return (
    <main className="page">
      <div className="section-head">
        <h1>Campaigns</h1>
        {!creating && (
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
        <p className="muted">No campaigns{status ? ` ${status}` : ''} yet.</p>
      ) : (
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
            {campaigns.map((c) => {
              return (
                <tr key={c.id}>
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
                  <td>{new Date(c.createdAt).toLocaleString()}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          onClick={() => {
            listCampaigns({ status, cursor })
              .then(async (page) => {
                const items = await withCounters(page.items);
                setCampaigns((current) => [...(current ?? []), ...items]);
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
