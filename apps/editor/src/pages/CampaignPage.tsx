import type { FlowVersion } from '@switchboard/contracts';
import { useCallback, useEffect, useState } from 'react';
import { HttpError } from '../api/client.js';
import { getFlow, getVersion } from '../api/flows.js';
import { formatTime } from '../modules/calls/call-view.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { campaignAction, getCampaign } from '../modules/campaigns/api.js';
import { ContactsTable } from '../modules/campaigns/ContactsTable.js';
import { ContactsUpload, type InputVariable } from '../modules/campaigns/ContactsUpload.js';
import { ACTION_LABELS, campaignActions, isLive, POLL_MS, type CampaignAction } from '../modules/campaigns/counters.js';
import { CountersPanel } from '../modules/campaigns/CountersPanel.js';
import type { CampaignDetail } from '../modules/campaigns/types.js';
import { hrefOf } from '../router.js';

function inputVariablesOf(version: FlowVersion): InputVariable[] {
  const declared = (version.document as { variables?: unknown }).variables;
  if (!Array.isArray(declared)) return [];
  return (declared as unknown[])
    .filter(
      (v): v is { name: string; source?: string; required?: boolean } =>
        typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string',
    )
    .filter((v) => (v.source ?? 'input') === 'input')
    .map((v) => ({ name: v.name, required: v.required === true }));
}

const describeError = (err: unknown): string[] =>
  err instanceof HttpError
    ? [err.message, ...(err.body?.details ?? []).map((d) => `${d.path}: ${d.message}`)]
    : [err instanceof Error ? err.message : String(err)];

/** One campaign: its settings, its state machine's buttons, live counters, contacts upload and table. */
export function CampaignPage({ id }: { id: string }) {
  const [campaign, setCampaign] = useState<CampaignDetail | null>(null);
  const [flowName, setFlowName] = useState<string | null>(null);
  const [inputVariables, setInputVariables] = useState<InputVariable[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string[]>([]);
  const [busy, setBusy] = useState<CampaignAction | null>(null);
  const [contactsKey, setContactsKey] = useState(0);

  const refresh = useCallback(
    (signal?: AbortSignal) =>
      getCampaign(id, signal)
        .then((c) => {
          setCampaign(c);
          setLoadError(null);
        })
        .catch((e: unknown) => !signal?.aborted && setLoadError(describeError(e).join('\n'))),
    [id],
  );

  useEffect(() => {
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  // the flow's name and the pinned version's input variables (the CSV columns to map)
  const flowId = campaign?.flowId;
  const version = campaign?.flowVersion;
  useEffect(() => {
    if (!flowId) return;
    getFlow(flowId)
      .then((flow) => {
        setFlowName(flow.name);
        return version ? getVersion(flowId, version).then((v) => setInputVariables(inputVariablesOf(v))) : undefined;
      })
      .catch(() => undefined);
  }, [flowId, version]);

  // live counters: every 2 s while the campaign runs, the next poll only after the last answered
  const status = campaign?.status;
  useEffect(() => {
    if (!status || !isLive(status)) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      timer = setTimeout(() => {
        void refresh(controller.signal).finally(() => !controller.signal.aborted && tick());
      }, POLL_MS);
    };
    tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [status, refresh]);

  if (loadError && !campaign)
    return (
      <main className="page">
        <p role="alert" className="error-text">
          {loadError}
        </p>
        <a href={hrefOf({ name: 'campaigns' })}>All campaigns</a>
      </main>
    );
  if (!campaign) return <main className="page">Loading…</main>;

  const act = (action: CampaignAction) => {
    if (
      action === 'cancel' &&
      !window.confirm(
        `Cancel "${campaign.name}"? Every contact not yet called is cancelled and nothing more is dialled; calls in progress finish. This cannot be undone.`,
      )
    )
      return;
    setBusy(action);
    setActionError([]);
    campaignAction(campaign.id, action)
      .then(() => refresh())
      .then(() => setContactsKey((k) => k + 1))
      .catch((err: unknown) => {
        setActionError(describeError(err));
        void refresh();
      })
      .finally(() => setBusy(null));
  };

  const w = campaign.window;
  return (
    <main className="page campaign-page">
      <p className="crumbs">
        <a href={hrefOf({ name: 'campaigns' })}>Campaigns</a> /
      </p>
      <header className="section-head campaign-head">
        <h1>{campaign.name}</h1>
        <StatusPill status={campaign.status} testId="campaign-status" />
        <div className="button-row">
          {campaignActions(campaign.status).map((action) => (
            <button
              key={action}
              type="button"
              className={action === 'cancel' ? 'danger' : 'primary'}
              disabled={busy !== null}
              onClick={() => act(action)}
              data-testid={`campaign-${action}`}
            >
              {busy === action ? `${ACTION_LABELS[action]}…` : ACTION_LABELS[action]}
            </button>
          ))}
        </div>
      </header>
      {actionError.length > 0 && (
        <div role="alert" className="banner banner-error" data-testid="campaign-action-error">
          {actionError.map((m, i) => (
            <p key={i}>{m}</p>
          ))}
        </div>
      )}
      {loadError && (
        <p role="status" className="error-text">
          Could not refresh: {loadError}
        </p>
      )}

      <dl className="facts">
        <div>
          <dt>Flow</dt>
          <dd>
            <a href={hrefOf({ name: 'editor', id: campaign.flowId })}>{flowName ?? campaign.flowId}</a>
            {` · v${campaign.flowVersion}`}
          </dd>
        </div>
        <div>
          <dt>Purpose</dt>
          <dd>{campaign.purpose}</dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{campaign.subject ?? '—'}</dd>
        </div>
        <div>
          <dt>Caller id</dt>
          <dd className="mono">{campaign.callerId}</dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>
            {w ? `${w.days.join(' ') || 'every day'} ${w.start}–${w.end} (callee's time)` : 'the legal window only'}
          </dd>
        </div>
        <div>
          <dt>Pacing</dt>
          <dd>
            {campaign.pacing.maxConcurrent} at once, {campaign.pacing.perMinute}/min
          </dd>
        </div>
        <div>
          <dt>Retries</dt>
          <dd>
            {campaign.retry.maxAttempts} attempt(s), {campaign.retry.minGapMinutes} min apart, retried on{' '}
            {campaign.retry.on.join(', ').replace(/_/g, ' ') || 'nothing'}
          </dd>
        </div>
        <div>
          <dt>Runs</dt>
          <dd>
            {campaign.startAt ? formatTime(campaign.startAt) : 'when started'} →{' '}
            {campaign.endAt ? formatTime(campaign.endAt) : 'no end'}
          </dd>
        </div>
        <div>
          <dt>Created · started · finished</dt>
          <dd>
            {formatTime(campaign.createdAt)} · {formatTime(campaign.startedAt)} · {formatTime(campaign.finishedAt)}
          </dd>
        </div>
        <div>
          <dt>Calls</dt>
          <dd>
            <a href={hrefOf({ name: 'calls', campaignId: campaign.id })}>All calls of this campaign</a>
          </dd>
        </div>
      </dl>

      <CountersPanel counters={campaign.counters} live={isLive(campaign.status)} />

      {(campaign.status === 'draft' || campaign.status === 'running' || campaign.status === 'paused') && (
        <ContactsUpload
          campaignId={campaign.id}
          inputVariables={inputVariables}
          defaults={campaign.variables}
          onUploaded={() => {
            void refresh();
            setContactsKey((k) => k + 1);
          }}
        />
      )}
      <ContactsTable campaignId={campaign.id} reloadKey={contactsKey} />
    </main>
  );
}
