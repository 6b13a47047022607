import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type {
  AddContactsResult,
  Call,
  CallListQuery,
  Campaign,
  CampaignContact,
  CampaignContactListQuery,
  CampaignCounters,
  CampaignDetail,
  CampaignListQuery,
  CreateCampaignBody,
  Page,
} from '@switchboard/contracts';
import { CONTACT_STATES, WEEKDAYS } from '@switchboard/contracts';
import { maskPhone, parsePhone } from '@switchboard/compliance';
import type { FlowDocument } from '@switchboard/flow';
import { actorOf, ActivityService, SYSTEM_ACTOR } from '../activity/activity.service.js';
import { CallLifecycle, type AttemptEnd } from '../calls/call-lifecycle.js';
import { variableProblems } from '../calls/call-variables.js';
import type { CallEntity } from '../calls/call.entity.js';
import { CallsClock } from '../calls/calls.clock.js';
import { CallsService } from '../calls/calls.service.js';
import { CallsQueue } from '../calls/jobs/calls.queue.js';
import { allows, type Principal } from '../common/auth/principal.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { purposeLintDetails } from '../flows/purpose-lints.js';
import { FlowsService } from '../flows/flows.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CampaignPlanner, type PlanSummary } from './campaign-planner.js';
import type { CampaignEntity } from './campaign.entity.js';
import { CampaignsRepository, type ContactRow, type CounterRows } from './campaigns.repository.js';
import { CampaignError } from './campaigns.errors.js';
import type { ParsedContacts } from './contact-import.js';

/** Where contacts may be added. */
const OPEN_FOR_CONTACTS = ['draft', 'running', 'paused'] as const;

/**
 * Campaigns: creation (flow version pinned, settings checked), contacts (JSON or CSV, bad rows
 * reported, duplicates merged), the state machine `draft → running ⇄ paused → completed |
 * cancelled`, counters, and the end of every attempt (retries, final states, completion). The
 * planning rule is CampaignPlanner's.
 */
@Injectable()
export class CampaignsService implements OnModuleInit {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly planner: CampaignPlanner,
    private readonly flows: FlowsService,
    private readonly calls: CallsService,
    private readonly queue: CallsQueue,
    private readonly lifecycle: CallLifecycle,
    private readonly clock: CallsClock,
    private readonly activity: ActivityService,
    private readonly webhooks: WebhooksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onFinished((call, how) => this.attemptFinished(call, how));
  }

  // ------------------------------------------------------------------ campaigns

  async create(principal: Principal, body: CreateCampaignBody): Promise<CampaignDetail> {
    const organizationId = principal.organizationId;
    const callerId = parsePhone(body.callerId);
    if (!callerId.ok) throw CampaignError.invalidPhone('body.callerId', callerId.problem);
    if (body.window && body.window.start >= body.window.end) {
      throw CampaignError.invalid('body.window.end', 'must be after window.start (the same day, local time)');
    }
    const startAt = body.startAt === undefined ? null : new Date(body.startAt);
    const endAt = body.endAt === undefined ? null : new Date(body.endAt);
    if (startAt && endAt && endAt.getTime() <= startAt.getTime()) {
      throw CampaignError.invalid('body.endAt', 'must be after startAt');
    }
    if (endAt && endAt.getTime() <= this.clock.now().getTime()) {
      throw CampaignError.invalid('body.endAt', 'must be in the future');
    }
    const { document, version } = await this.flows.resolvePublished(
      principal,
      body.flowId,
      body.version,
      CampaignError,
    );
    // refused now rather than at start: the purpose the campaign runs under must suit its flow
    const purposeLints = purposeLintDetails(document, body.purpose ?? document.purpose);
    if (purposeLints.length > 0) throw CampaignError.failsCompliance(purposeLints);
    // the campaign's variables are defaults: a required one may come with each contact
    const problems = variableProblems(document, body.variables).filter((p) => p.message !== 'required by the flow');
    if (problems.length > 0) throw CampaignError.invalidVariables(problems);

    const retry = body.retry ?? { maxAttempts: 1, minGapMinutes: 60, on: ['no_answer', 'busy'] };
    const campaign = await this.repository.insert({
      organizationId,
      name: body.name,
      flowId: body.flowId,
      flowVersion: version,
      purpose: body.purpose ?? document.purpose,
      subject: body.subject ?? null,
      callerId: callerId.e164,
      window: body.window
        ? { days: body.window.days ?? [...WEEKDAYS], start: body.window.start, end: body.window.end }
        : null,
      maxConcurrent: body.pacing.maxConcurrent,
      perMinute: body.pacing.perMinute,
      retryMaxAttempts: retry.maxAttempts,
      retryMinGapMinutes: retry.minGapMinutes,
      retryOn: [...new Set(retry.on)],
      startAt,
      endAt,
      variables: body.variables,
    });
    await this.record(principal, 'campaign.created', campaign, { flowId: campaign.flowId, flowVersion: version });
    return { ...view(campaign), counters: emptyCounters() };
  }

  /** A page of campaigns, each with its live counters (counted for the whole page at once). */
  async list(principal: Principal, query: CampaignListQuery): Promise<Page<CampaignDetail>> {
    const rows = await this.repository.list(
      principal.organizationId,
      { status: query.status },
      decodeCursor(query.cursor),
      query.limit,
    );
    const shown = rows.slice(0, query.limit);
    const counters = await this.countersOf(shown.map((row) => row.id));
    const byId = new Map(shown.map((row, i) => [row.id, counters[i]!]));
    return toPage(rows, query.limit, (row) => ({ ...view(row), counters: byId.get(row.id)! }));
  }

  async get(principal: Principal, id: string): Promise<CampaignDetail> {
    const campaign = await this.require(principal, id);
    return { ...view(campaign), counters: await this.counters(campaign.id) };
  }

  /** draft → running: the flow passes the compliance lints, there are contacts; every contact is planned. */
  async start(principal: Principal, id: string): Promise<CampaignDetail> {
    const campaign = await this.require(principal, id);
    if (campaign.status !== 'draft') throw CampaignError.wrongStatus(id, campaign.status, 'start', ['draft']);
    const { document } = await this.flows.resolveDocument(
      campaign.organizationId,
      campaign.flowId,
      campaign.flowVersion,
    );
    // judged with the campaign's purpose: an informational flow may lack what telemarketing needs
    const lints = purposeLintDetails(document, campaign.purpose);
    if (lints.length > 0) throw CampaignError.failsCompliance(lints);
    if ((await this.repository.countContacts(campaign.id)) === 0) throw CampaignError.noContacts(id);
    const running = await this.repository.transition(id, ['draft'], 'running', { started: true });
    if (!running) throw await this.wrongStatus(principal, id, 'start', ['draft']);
    const summary = await this.plan(running);
    await this.record(principal, 'campaign.started', running, { ...summary });
    this.logger.info({ campaignId: id, ...summary }, 'campaign started');
    return this.get(principal, id);
  }

  /** running → paused: the waiting calls are cancelled and their contacts wait, for the same attempt. */
  async pause(principal: Principal, id: string): Promise<CampaignDetail> {
    await this.require(principal, id);
    const paused = await this.repository.transition(id, ['running'], 'paused');
    if (!paused) throw await this.wrongStatus(principal, id, 'pause', ['running']);
    const returned = await this.repository.returnWaitingToPending(id);
    await this.removeJobs(returned);
    await this.record(principal, 'campaign.paused', paused, { returned: returned.length });
    return this.get(principal, id);
  }

  /** paused → running: every contact not done is planned again. */
  async resume(principal: Principal, id: string): Promise<CampaignDetail> {
    await this.require(principal, id);
    const running = await this.repository.transition(id, ['paused'], 'running');
    if (!running) throw await this.wrongStatus(principal, id, 'resume', ['paused']);
    const summary = await this.plan(running);
    await this.record(principal, 'campaign.resumed', running, { ...summary });
    return this.get(principal, id);
  }

  /** → cancelled: contacts not done are cancelled with their waiting calls; calls being dialled finish. */
  async cancel(principal: Principal, id: string): Promise<CampaignDetail> {
    await this.require(principal, id);
    const cancelled = await this.repository.transition(id, ['draft', 'running', 'paused'], 'cancelled', {
      finished: true,
    });
    if (!cancelled) throw await this.wrongStatus(principal, id, 'cancel', ['draft', 'running', 'paused']);
    const removed = await this.repository.cancelOpen(id);
    await this.removeJobs(removed);
    await this.record(principal, 'campaign.cancelled', cancelled, { calls: removed.length });
    return this.get(principal, id);
  }

  // ------------------------------------------------------------------ contacts

  /** Adds parsed contacts (the rows already checked); a running campaign plans them at once. */
  async addContacts(principal: Principal, id: string, parsed: ParsedContacts): Promise<AddContactsResult> {
    const campaign = await this.require(principal, id);
    if (!(OPEN_FOR_CONTACTS as readonly string[]).includes(campaign.status)) {
      throw CampaignError.wrongStatus(id, campaign.status, 'adding contacts', OPEN_FOR_CONTACTS);
    }
    const added = await this.repository.insertContacts(campaign.organizationId, campaign.id, parsed.contacts);
    const merged = parsed.contacts.length - added + parsed.mergedInUpload;
    await this.record(principal, 'campaign.contacts_added', campaign, {
      received: parsed.received,
      added,
      merged,
      rejected: parsed.rejected.length,
    });
    const current = await this.repository.findByIdAny(id);
    if (current?.status === 'running' && added > 0) await this.plan(current);
    return { received: parsed.received, added, merged, rejected: parsed.rejected };
  }

  /** The pinned flow document of a campaign the caller may see (for checking contacts against it). */
  async flowOf(principal: Principal, id: string): Promise<{ campaign: CampaignEntity; document: FlowDocument }> {
    const campaign = await this.require(principal, id);
    const { document } = await this.flows.resolveDocument(
      campaign.organizationId,
      campaign.flowId,
      campaign.flowVersion,
    );
    return { campaign, document };
  }

  async listContacts(
    principal: Principal,
    id: string,
    query: CampaignContactListQuery,
  ): Promise<Page<CampaignContact>> {
    const campaign = await this.require(principal, id);
    const rows = await this.repository.listContacts(campaign.id, query.state, decodeCursor(query.cursor), query.limit);
    const full = allows(principal.roles, 'compliance:read');
    return toPage(rows, query.limit, (row) => contactView(row, full));
  }

  async listCalls(principal: Principal, id: string, query: CallListQuery): Promise<Page<Call>> {
    const campaign = await this.require(principal, id);
    return this.calls.list(principal, { ...query, campaignId: campaign.id });
  }

  // ------------------------------------------------------------------ the end of an attempt

  /**
   * A campaign call's attempt ended. Idempotent: only the contact's current call, while the
   * contact is not done, moves it. A retryable outcome with attempts left plans the next attempt
   * (not before minGapMinutes); a call cancelled before dialling by a pause or a dial-time
   * deferral plans the same attempt again; anything else ends the contact.
   */
  async attemptFinished(call: CallEntity, how: AttemptEnd): Promise<void> {
    if (!call.campaignId || !call.contactId) return;
    const campaign = await this.repository.findByIdAny(call.campaignId);
    if (!campaign) return;
    const status = how === 'lost' ? 'failed' : call.status;
    const now = this.clock.now();
    const settled = await this.repository.settleContact(call.contactId, call.id, () => {
      const last = { lastStatus: call.status, lastDisposition: call.disposition };
      if (status === 'cancelled') {
        if (call.disposition === 'deferred_at_dial' && campaign.status !== 'cancelled') {
          const next = (call.lastDecision as { nextAllowedAt?: string } | null)?.nextAllowedAt;
          return { state: 'pending', ...last, reasons: [], nextAttemptAt: next ? new Date(next) : null };
        }
        if (call.disposition === 'campaign_paused' && campaign.status !== 'cancelled') {
          return { state: 'pending', ...last, reasons: [], nextAttemptAt: null };
        }
        return { state: 'cancelled', ...last, reasons: [], nextAttemptAt: null };
      }
      if (status === 'blocked') {
        const reasons = ((call.lastDecision as { reasons?: Array<{ code?: string }> } | null)?.reasons ?? []).flatMap(
          (reason) => (reason.code ? [reason.code] : []),
        );
        return { state: 'blocked', ...last, reasons, nextAttemptAt: null };
      }
      if (status === 'completed') return { state: 'completed', ...last, reasons: [], nextAttemptAt: null };
      const retry =
        campaign.retryOn.includes(status) &&
        call.attempt < campaign.retryMaxAttempts &&
        campaign.status !== 'cancelled';
      if (retry) {
        const notBefore = new Date(now.getTime() + campaign.retryMinGapMinutes * 60_000);
        return { state: 'pending', ...last, reasons: [], nextAttemptAt: notBefore };
      }
      return {
        state: 'failed',
        ...last,
        lastDisposition: call.disposition ?? status,
        reasons: [],
        nextAttemptAt: null,
      };
    });
    if (!settled) return;
    this.logger.info(
      { campaignId: campaign.id, contactId: settled.id, callId: call.id, how, state: settled.state },
      'campaign attempt ended',
    );
    if (settled.state === 'pending') {
      if (campaign.status === 'running') await this.planner.planPending(campaign, [settled.id]);
      return;
    }
    await this.completeIfDone(campaign.id);
  }

  /**
   * Plans a running campaign's pending contacts: up to CAMPAIGN_INLINE_PLAN_LIMIT (10,000: about 4 s)
   * within the request (the
   * answer's counters show them planned), the rest in the background (counted `pending` until
   * then; the sweeper takes over if this process dies). Then completes it if nothing is left.
   */
  private async plan(campaign: CampaignEntity): Promise<PlanSummary & { background: boolean }> {
    const limit = this.config.calls.campaignInlinePlanLimit;
    const summary = await this.planner.planPending(campaign, undefined, limit);
    const planned = summary.queued + summary.scheduled + summary.blocked + summary.expired;
    const background = planned >= limit;
    if (background) {
      void this.planner.planInBackground(campaign.id).then(() => this.completeIfDone(campaign.id));
    } else {
      await this.completeIfDone(campaign.id);
    }
    return { ...summary, background };
  }

  /** A running campaign whose every contact is done becomes completed (and says so by webhook); true when it did. */
  async completeIfDone(campaignId: string): Promise<boolean> {
    if (!(await this.repository.allContactsFinal(campaignId))) return false;
    const completed = await this.repository.transition(campaignId, ['running'], 'completed', { finished: true });
    if (!completed) return false;
    const counters = await this.counters(campaignId);
    this.logger.info({ campaignId, counters }, 'campaign completed');
    await this.activity.record({
      organizationId: completed.organizationId,
      actor: SYSTEM_ACTOR,
      action: 'campaign.completed',
      subjectType: 'campaign',
      subjectId: completed.id,
      details: { contacts: counters.contacts },
    });
    await this.webhooks.emit(completed.organizationId, 'campaign.completed', {
      campaignId: completed.id,
      name: completed.name,
      counters,
    });
    return true;
  }

  // ------------------------------------------------------------------ helpers

  private async counters(campaignId: string): Promise<CampaignCounters> {
    return (await this.countersOf([campaignId]))[0]!;
  }

  /** The live counters of each campaign, in the order of the ids. */
  private async countersOf(campaignIds: string[]): Promise<CampaignCounters[]> {
    const counted = await this.repository.counters(campaignIds);
    return campaignIds.map((id) => countersFrom(counted.get(id)!));
  }

  private async removeJobs(attempts: Array<{ callId: string; attempt: number }>): Promise<void> {
    // the claim refuses these calls anyway (cancelled): removing the jobs only spares the worker trips
    for (let from = 0; from < attempts.length; from += 200) {
      await Promise.all(
        attempts.slice(from, from + 200).map(({ callId, attempt }) =>
          this.queue.remove(callId, attempt).catch((error: unknown) => {
            this.logger.warn({ err: error, callId }, 'the job of a cancelled campaign call could not be removed');
          }),
        ),
      );
    }
  }

  private async require(principal: Principal, id: string): Promise<CampaignEntity> {
    const campaign = await this.repository.findById(principal.organizationId, id);
    if (!campaign) throw CampaignError.notFound(id);
    return campaign;
  }

  private async wrongStatus(
    principal: Principal,
    id: string,
    action: string,
    expected: readonly string[],
  ): Promise<CampaignError> {
    const now = await this.require(principal, id);
    return CampaignError.wrongStatus(id, now.status, action, expected);
  }

  private async record(
    principal: Principal,
    action: string,
    campaign: CampaignEntity,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.activity.record({
      organizationId: campaign.organizationId,
      actor: actorOf(principal),
      action,
      subjectType: 'campaign',
      subjectId: campaign.id,
      details,
    });
  }
}

// ------------------------------------------------------------------ views

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function emptyCounters(): CampaignCounters {
  return {
    contacts: 0,
    pending: 0,
    scheduled: 0,
    queued: 0,
    inProgress: 0,
    completed: 0,
    failed: 0,
    blocked: 0,
    cancelled: 0,
    expired: 0,
    byDisposition: {},
    blockedByReason: {},
  };
}

function view(campaign: CampaignEntity): Campaign {
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status as Campaign['status'],
    flowId: campaign.flowId,
    flowVersion: campaign.flowVersion,
    purpose: campaign.purpose,
    subject: campaign.subject,
    callerId: campaign.callerId,
    window: campaign.window,
    pacing: { maxConcurrent: campaign.maxConcurrent, perMinute: campaign.perMinute },
    retry: {
      maxAttempts: campaign.retryMaxAttempts,
      minGapMinutes: campaign.retryMinGapMinutes,
      on: campaign.retryOn as Campaign['retry']['on'],
    },
    startAt: iso(campaign.startAt),
    endAt: iso(campaign.endAt),
    variables: campaign.variables,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
    startedAt: iso(campaign.startedAt),
    finishedAt: iso(campaign.finishedAt),
  };
}

function contactView(row: ContactRow, fullNumbers: boolean): CampaignContact {
  return {
    id: row.id,
    phone: fullNumbers ? row.phone : maskPhone(row.phone),
    externalId: row.externalId,
    state: (CONTACT_STATES as readonly string[]).includes(row.state)
      ? (row.state as CampaignContact['state'])
      : 'pending',
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastCallId: row.lastCallId,
    lastStatus: row.lastStatus,
    lastDisposition: row.lastDisposition,
    reasons: row.reasons,
  };
}

/** The counters of one campaign from its counts by state, disposition and blocking reason. */
function countersFrom(rows: CounterRows): CampaignCounters {
  const counters = emptyCounters();
  const key: Record<string, keyof Omit<CampaignCounters, 'contacts' | 'byDisposition' | 'blockedByReason'>> = {
    pending: 'pending',
    scheduled: 'scheduled',
    queued: 'queued',
    in_progress: 'inProgress',
    completed: 'completed',
    failed: 'failed',
    blocked: 'blocked',
    cancelled: 'cancelled',
    expired: 'expired',
  };
  for (const row of rows.states) {
    counters.contacts += row.n;
    const name = key[row.state];
    if (name) counters[name] += row.n;
  }
  for (const row of rows.dispositions) counters.byDisposition[row.disposition] = row.n;
  for (const row of rows.reasons) counters.blockedByReason[row.reason] = row.n;
  return counters;
}
