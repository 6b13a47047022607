import type { Call } from '@switchboard/contracts';
import { useCallback, useEffect, useState } from 'react';
import { getFlow } from '../api/flows.js';
import { allows, usePermissions } from '../api/permissions.js';
import { cancelCall, getCall } from '../modules/calls/api.js';
import {
  CANCELLABLE_STATUSES,
  emptyCallText,
  eventRows,
  eventTime,
  formatTime,
  MOVING_STATUSES,
  transcriptBubbles,
  variableRows,
} from '../modules/calls/call-view.js';
import { AttemptsPanel } from '../modules/calls/AttemptsPanel.js';
import { DecisionPanel } from '../modules/calls/DecisionPanel.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { getCampaign } from '../modules/campaigns/api.js';
import { hrefOf } from '../router.js';

/** One call as a compliance reviewer reads it: why it was (not) dialled, what was said, what happened. */
export function CallPage({ id }: { id: string }) {
  const [call, setCall] = useState<Call | null>(null);
  const [flowName, setFlowName] = useState<string | null>(null);
  const [campaign, setCampaign] = useState<{ name: string; maxAttempts: number } | null>(null);
  const permissions = usePermissions();
  const readsLog = permissions !== 'loading' && permissions !== 'unknown' && permissions.has('compliance:read');
  const masked = permissions !== 'loading' && permissions !== 'unknown' && !readsLog;
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      getCall(id, signal)
        .then((c) => {
          setCall(c);
          setError(null);
        })
        .catch((e: unknown) => !signal?.aborted && setError(e instanceof Error ? e.message : String(e))),
    [id],
  );
  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);
  const flowId = call?.flowId;
  useEffect(() => {
    if (flowId)
      getFlow(flowId)
        .then((f) => setFlowName(f.name))
        .catch(() => undefined);
  }, [flowId]);
  const campaignId = call?.campaignId;
  useEffect(() => {
    if (campaignId)
      getCampaign(campaignId)
        .then((c) => setCampaign({ name: c.name, maxAttempts: c.retry.maxAttempts }))
        .catch(() => undefined);
  }, [campaignId]);
  const status = call?.status;
  useEffect(() => {
    if (!status || !MOVING_STATUSES.has(status)) return;
    const controller = new AbortController();
    const timer = setInterval(() => void refresh(controller.signal), 2_000);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [status, refresh]);

  if (!call)
    return (
      <main className="page">
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : (
          'Loading…'
        )}
      </main>
    );

  const bubbles = transcriptBubbles(call.transcript);
  const events = eventRows(call.events);
  const variables = variableRows(call.variables);
  return (
    <main className="page call-page">
      <p className="crumbs">
        {call.campaignId ? (
          <>
            <a href={hrefOf({ name: 'campaigns' })}>Campaigns</a> /{' '}
            <a href={hrefOf({ name: 'campaign', id: call.campaignId })} data-testid="call-campaign">
              {campaign?.name ?? 'Campaign'}
            </a>{' '}
            / <a href={hrefOf({ name: 'calls', campaignId: call.campaignId })}>Calls</a> /
          </>
        ) : (
          <>
            <a href={hrefOf({ name: 'calls' })}>Calls</a> /
          </>
        )}
      </p>
      <header className="section-head title-head">
        <h1>
          Call to{' '}
          <span className="mono" data-testid="call-to">
            {call.to}
          </span>
        </h1>
        <StatusPill status={call.status} testId="call-status" />
        {CANCELLABLE_STATUSES.has(call.status) && allows(permissions, 'calls:write') && (
          <button
            type="button"
            data-testid="call-cancel"
            className="danger"
            onClick={() => {
              if (!window.confirm('Cancel this call? It will not be dialled.')) return;
              cancelCall(call.id)
                .then(() => refresh())
                .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
            }}
          >
            Cancel call
          </button>
        )}
      </header>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {masked && <p className="hint">The number is masked for your role.</p>}
      {call.failureReason && (
        <div role="status" className="banner banner-error banner-stack" data-testid="call-failure">
          <p>
            <strong>Why it failed:</strong> {call.failureReason}
          </p>
        </div>
      )}

      <dl className="facts">
        <div>
          <dt>Flow</dt>
          <dd>
            <a href={hrefOf({ name: 'editor', id: call.flowId })}>{flowName ?? 'flow'}</a> · v{call.flowVersion}
          </dd>
        </div>
        <div>
          <dt>Purpose</dt>
          <dd>{call.purpose}</dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{call.subject ?? '—'}</dd>
        </div>
        <div>
          <dt>Caller id</dt>
          <dd className="mono">{call.callerId}</dd>
        </div>
        <div>
          <dt>Attempt</dt>
          <dd>
            <span data-testid="call-attempt">{call.attempt}</span>
            {campaign && <span className="muted"> of up to {campaign.maxAttempts}</span>}
          </dd>
        </div>
        <div>
          <dt>Scheduled for</dt>
          <dd>{formatTime(call.scheduledFor)}</dd>
        </div>
        <div>
          <dt>Disposition</dt>
          <dd data-testid="call-disposition">{call.disposition?.replace(/_/g, ' ') ?? '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(call.createdAt)}</dd>
        </div>
        <div>
          <dt>Ended</dt>
          <dd>
            {call.completedAt ? formatTime(call.completedAt) : MOVING_STATUSES.has(call.status) ? 'not yet' : '—'}
          </dd>
        </div>
      </dl>

      <DecisionPanel call={call} readsLog={readsLog} />
      <AttemptsPanel call={call} />

      <div className="call-columns">
        <section aria-label="Transcript">
          <h2>Transcript</h2>
          {bubbles.length === 0 ? (
            <p className="muted" data-testid="call-transcript-empty">
              {emptyCallText(call.status, 'transcript')}
            </p>
          ) : (
            <ol className="chat call-chat" data-testid="call-transcript">
              {bubbles.map((b, i) => (
                <li
                  key={i}
                  className={`bubble bubble-${b.speaker}`}
                  title={[b.nodeId, b.at].filter(Boolean).join(' · ')}
                >
                  {b.text}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-label="Variables and path">
          <h2>Variables</h2>
          {variables.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <dl className="vars">
              {variables.map((v) => (
                <div key={v.name}>
                  <dt>{v.name}</dt>
                  <dd className="mono">{v.value}</dd>
                </div>
              ))}
            </dl>
          )}
          <h2>Path</h2>
          {call.path.length === 0 ? (
            <p className="muted">{emptyCallText(call.status, 'path')}</p>
          ) : (
            <ol className="path" data-testid="call-path">
              {call.path.map((node, i) => (
                <li key={i}>
                  <code>{node}</code>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <section aria-label="Events">
        <h2>Events</h2>
        {events.length === 0 ? (
          <p className="muted">No events.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table compact" data-testid="call-events">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e, i) => (
                  <tr key={i}>
                    <td className="num">{e.seq ?? ''}</td>
                    <td className="nowrap" title={e.at ?? undefined}>
                      {eventTime(e.at, call.createdAt)}
                    </td>
                    <td>
                      <code>{e.type}</code>
                    </td>
                    <td className="mono small">{e.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
