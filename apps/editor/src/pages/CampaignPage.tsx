import { useCallback, useEffect, useState } from 'react';
import { HttpError } from '../api/client.js';
import { getFlow, getVersion } from '../api/flows.js';
import { allows, usePermissions } from '../api/permissions.js';
import { formatTime } from '../modules/calls/call-view.js';
import { StatusPill } from '../modules/calls/StatusPill.js';
import { campaignAction, getCampaign } from '../modules/campaigns/api.js';
import { ContactsTable } from '../modules/campaigns/ContactsTable.js';
import { ContactsUpload } from '../modules/campaigns/ContactsUpload.js';
import { inputVariablesOf, type InputVariable } from '../modules/campaigns/flow-inputs.js';
import {
  ACTION_LABELS,
  actionBlocker,
  campaignActions,
  describeWindow,
  isLive,
  POLL_MS,
  type CampaignAction,
} from '../modules/campaigns/counters.js';
import { CountersPanel } from '../modules/campaigns/CountersPanel.js';
import type { CampaignDetail } from '../modules/campaigns/types.js';
import { hrefOf } from '../router.js';

const describeError = (err: unknown): string[] =>
  err instanceof HttpError
    ? [err.message, ...(err.body?.details ?? []).map((d) => `${d.path}: ${d.message}`)]
    : [err instanceof Error ? err.message : String(err)];

/** One campaign: its settings, its state machine's buttons, live counters, contacts upload and table. */
export function CampaignPage({ id }: { id: string }) {
  const [campaign, setCampaign] = useState<CampaignDetail | null>(null);
  const [flowName, setFlowName] = useState<string | null>(null);
  const [inputVariables, setInputVariables] = useState<InputVariable[] | null>(null);
  const [versionError, setVersionError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string[]>([]);
  const [busy, setBusy] = useState<CampaignAction | null>(null);
  const [contactsKey, setContactsKey] = useState(0);
  const permissions = usePermissions();
  const canWrite = allows(permissions, 'campaigns:write');
  const masked = permissions !== 'loading' && permissions !== 'unknown' && !permissions.has('compliance:read');

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
    if (!flowId || !version) return;
    getFlow(flowId)
      .then((flow) => setFlowName(flow.name))
      .catch(() => undefined);
    getVersion(flowId, version)
      .then((v) => setInputVariables(inputVariablesOf(v)))
      .catch((e: unknown) => {
        // the upload still works: the API maps each input variable from the column of its name
        setInputVariables([]);
        setVersionError(describeError(e).join(' '));
      });
  }, [flowId, version]);

  // live counters: every 2 s while contacts move, the next poll only after the last answered; the
  // contacts table is read again with them so its states never lag behind the counters
  const live = campaign ? isLive(campaign.status, campaign.counters) : false;
  // a new status (started, paused, finished) changes contacts too: read them again once
  const status = campaign?.status;
  useEffect(() => {
    if (status) setContactsKey((k) => k + 1);
  }, [status]);
  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      timer = setTimeout(() => {
        void refresh(controller.signal).finally(() => {
          if (controller.signal.aborted) return;
          setContactsKey((k) => k + 1);
          tick();
        });
      }, POLL_MS);
    };
    tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [live, refresh]);

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
  const acceptsContacts = campaign.status === 'draft' || campaign.status === 'running' || campaign.status === 'paused';
  return (
    <main className="page campaign-page">
      <p className="crumbs">
        <a href={hrefOf({ name: 'campaigns' })}>Campaigns</a> /
      </p>
      <header className="section-head campaign-head">
        <h1>{campaign.name}</h1>
        <StatusPill status={campaign.status} testId="campaign-status" />
        {canWrite && (
          <div className="button-row">
            {campaignActions(campaign.status).map((action) => {
              const blocker = actionBlocker(action, campaign.counters);
              return (
                <button
                  key={action}
                  type="button"
                  className={action === 'cancel' ? 'danger' : 'primary'}
                  disabled={busy !== null || blocker !== null}
                  title={blocker ?? undefined}
                  onClick={() => act(action)}
                  data-testid={`campaign-${action}`}
                >
                  {busy === action ? `${ACTION_LABELS[action]}…` : ACTION_LABELS[action]}
                </button>
              );
            })}
          </div>
        )}
      </header>
      {canWrite && campaign.status === 'draft' && campaign.counters.contacts === 0 && (
        <p className="hint" data-testid="campaign-start-hint">
          Add contacts below, then start the campaign.
        </p>
      )}
      {actionError.length > 0 && (
        <div role="alert" className="banner banner-error banner-stack" data-testid="campaign-action-error">
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
          <dt>Window (callee's time)</dt>
          <dd data-testid="campaign-window">{describeWindow(w)}</dd>
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
            {campaign.retry.maxAttempts === 1
              ? 'one attempt, no retry'
              : `up to ${campaign.retry.maxAttempts} attempts, ${campaign.retry.minGapMinutes} min apart, on ${
                  campaign.retry.on.join(', ').replace(/_/g, ' ') || 'nothing'
                }`}
          </dd>
        </div>
        <div>
          <dt>Defaults</dt>
          <dd data-testid="campaign-defaults">
            {Object.keys(campaign.variables).length === 0
              ? 'none: every contact brings its own values'
              : Object.entries(campaign.variables)
                  .map(([name, value]) => `${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`)
                  .join(', ')}
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
          <dt>Created</dt>
          <dd>{formatTime(campaign.createdAt)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd data-testid="campaign-started-at">{campaign.startedAt ? formatTime(campaign.startedAt) : 'not yet'}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd data-testid="campaign-finished-at">
            {campaign.finishedAt ? formatTime(campaign.finishedAt) : 'not yet'}
          </dd>
        </div>
        <div>
          <dt>Calls</dt>
          <dd>
            <a href={hrefOf({ name: 'calls', campaignId: campaign.id })}>All calls of this campaign</a>
          </dd>
        </div>
      </dl>

      <CountersPanel counters={campaign.counters} live={live} />

      {canWrite && acceptsContacts && (
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
      {versionError && canWrite && acceptsContacts && (
        <p className="hint" role="status">
          Could not read the flow's input variables ({versionError}); each is read from the column of its own name.
        </p>
      )}
      <ContactsTable
        campaignId={campaign.id}
        reloadKey={contactsKey}
        masked={masked}
        emptyHint={
          canWrite && acceptsContacts ? 'Add them from a CSV above.' : acceptsContacts ? '' : 'None were added.'
        }
      />
    </main>
  );
}
