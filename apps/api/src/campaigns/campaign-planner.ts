import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { defaultRuleSet } from '@switchboard/compliance';
import { CallsClock } from '../calls/calls.clock.js';
import { CallsQueue } from '../calls/jobs/calls.queue.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { ComplianceGateService, type GateDecision } from '../compliance/compliance-gate.service.js';
import type { CampaignEntity } from './campaign.entity.js';
import { CampaignsRepository, type PlannableContact, type PlannedContact } from './campaigns.repository.js';
import { firstInWindow, insideIn, type OperatorWindow } from './operator-window.js';

/** Contacts planned together: one gate batch, one INSERT, one addBulk. */
export const PLAN_BATCH = 1_000;
/**
 * Calls written by one planning pass between refreshes of the `calls` table's statistics. Without
 * them, right after a large plan Postgres believes almost no call waits, and the calls reconciler's
 * page of waiting calls becomes a full scan and sort (60–80 ms a page, 195 pages a pass at 100,000:
 * 80 % of a Postgres core for as long as the calls wait).
 */
const ANALYZE_CALLS_EVERY = 20_000;
/** Window and gate are asked in turn until they agree on an instant; past this, the contact expires. */
const MAX_ROUNDS = 8;
const MINUTE = 60_000;

/** Why a contact expired without a call. */
export const EXPIRY_REASONS = {
  afterEnd: 'CAMPAIGN_ENDED',
  windowNeverOpen: 'WINDOW_NEVER_OPEN',
  noAllowedTime: 'NO_ALLOWED_TIME',
} as const;

export interface PlanSummary {
  queued: number;
  scheduled: number;
  blocked: number;
  expired: number;
}

interface Decided {
  contact: PlannableContact;
  zones: readonly string[];
  callId: string;
  at: Date;
  outcome: 'open' | 'allowed' | 'blocked' | 'expired';
  reasons: string[];
  decisionIds: string[];
  lastDecision: Record<string, unknown> | null;
}

const zonesByAreaCode = new Map<string, readonly string[]>();

/** The candidate zones of a number (its area code's), as the compliance rules read them. */
function zonesOf(phone: string): readonly string[] {
  const npa = phone.slice(2, 5);
  let zones = zonesByAreaCode.get(npa);
  if (!zones) {
    zones = defaultRuleSet.areaCodes.get(npa)?.zones ?? [];
    zonesByAreaCode.set(npa, zones);
  }
  return zones;
}

function decisionJson(decision: GateDecision): Record<string, unknown> {
  return {
    outcome: decision.outcome,
    ...(decision.nextAllowedAt ? { nextAllowedAt: decision.nextAllowedAt } : {}),
    reasons: decision.reasons,
    ruleSetVersion: decision.ruleSetVersion,
  };
}

/**
 * Plans campaign contacts: each contact's next attempt runs at the first instant ≥ max(now,
 * startAt, its not-before) that is inside the operator's window in the callee's zones, that the
 * schedule-time gate allows (a deferral moves the instant to its nextAllowedAt, and the window
 * is asked again), and that has a pacing slot (at most `perMinute` dials planned in a minute,
 * spaced 60/perMinute s apart; the counts are kept in Postgres and written with the calls). After
 * endAt the contact expires; a block ends it blocked (its call row kept, status blocked).
 */
@Injectable()
export class CampaignPlanner implements OnModuleDestroy {
  /** background passes in progress in this process, by campaign (another request joins them) */
  private readonly background = new Map<string, { again: boolean; done: Promise<void> }>();
  /** set at shutdown: passes stop between batches (what is left stays pending for the sweeper) */
  private stopping = false;

  constructor(
    private readonly repository: CampaignsRepository,
    private readonly gate: ComplianceGateService,
    private readonly queue: CallsQueue,
    private readonly clock: CallsClock,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Plans every pending contact of a running campaign (or those of `only`), 1,000 at a time. Two
   * batches are in flight: the next one is read and gated while the previous one is written and
   * enqueued (the writes stay in order: each waits for the one before, so the pacing slots are
   * allocated as if one by one). The ids are read once up front: paging through the pending
   * contacts would re-read the ones still pending on every page (quadratic on 100,000).
   */
  async planPending(campaign: CampaignEntity, only?: string[], limit = Infinity): Promise<PlanSummary> {
    const summary: PlanSummary = { queued: 0, scheduled: 0, blocked: 0, expired: 0 };
    const ids = (only ?? (await this.repository.pendingContactIds(campaign.id))).slice(0, limit);
    let writing: Promise<PlannedContact[] | null> | null = null;
    let callsWritten = 0;
    /** Waits for the batch being written; false when the campaign stopped running meanwhile. */
    const settle = async (): Promise<boolean> => {
      if (!writing) return true;
      const written = await writing;
      writing = null;
      if (written === null) return false;
      for (const planned of written) summary[planned.state] += 1;
      const before = callsWritten;
      callsWritten += written.filter((planned) => planned.call !== null).length;
      if (Math.floor(callsWritten / ANALYZE_CALLS_EVERY) > Math.floor(before / ANALYZE_CALLS_EVERY)) {
        await this.repository.refreshCallStatistics();
      }
      return true;
    };
    try {
      for (let from = 0; from < ids.length && !this.stopping; from += PLAN_BATCH) {
        const batch = await this.repository.pendingContacts(campaign.id, ids.slice(from, from + PLAN_BATCH));
        if (batch.length === 0) continue;
        const now = this.clock.now();
        // gated while the previous batch is written: if that one finds the campaign stopped, this
        // batch's decisions stay logged without calls (as when a pause comes between gate and write)
        const decided = await this.decide(campaign, batch, now);
        if (!(await settle())) return summary;
        writing = this.writeBatch(campaign, batch, decided, now);
        // awaited by the next settle(); meanwhile a failure must not count as unhandled
        writing.catch(() => undefined);
      }
      await settle();
      return summary;
    } finally {
      // a failure while gating: the batch being written finishes before the error goes up
      if (writing) await (writing as Promise<unknown>).catch(() => undefined);
    }
  }

  /** Shutdown: background passes end after their current batch; the rest waits for the sweeper. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.background.values()].map((entry) => entry.done));
  }

  /**
   * Plans the campaign's pending contacts after the request that asked for it has answered (a
   * large start, resume or upload). One pass per campaign at a time in this process; a request
   * during a pass runs one more after it. Not durable by itself: if the process dies, the
   * campaign sweeper plans what was left pending.
   */
  planInBackground(campaignId: string): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const running = this.background.get(campaignId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: true, done: Promise.resolve() };
    entry.done = (async () => {
      while (entry.again) {
        entry.again = false;
        try {
          const campaign = await this.repository.findByIdAny(campaignId);
          if (campaign?.status !== 'running') return;
          const summary = await this.planPending(campaign);
          this.logger.info({ campaignId, ...summary }, 'campaign contacts planned in the background');
        } catch (error) {
          this.logger.error({ err: error, campaignId }, 'background planning failed: the campaign sweeper retries');
        }
      }
    })().finally(() => this.background.delete(campaignId));
    this.background.set(campaignId, entry);
    return entry.done;
  }

  /** Writes and enqueues one gated batch; null when the campaign is not running any more (nothing written). */
  private async writeBatch(
    campaign: CampaignEntity,
    contacts: PlannableContact[],
    decided: Decided[],
    now: Date,
  ): Promise<PlannedContact[] | null> {
    const allowed = decided.filter((d) => d.outcome === 'allowed');
    const fromMinute = new Date(
      Math.floor(Math.min(now.getTime(), ...allowed.map((d) => d.at.getTime())) / MINUTE) * MINUTE,
    );
    let wroteAnything = false;
    const written = await this.repository.writePlan(
      campaign,
      contacts.map((c) => c.id),
      fromMinute,
      (slots, stillPending) => {
        wroteAnything = true;
        return this.allocate(campaign, decided, slots, stillPending, now);
      },
    );
    if (!wroteAnything) return null;
    // the delay from when the job is added (the batch may have waited for the one before)
    const enqueuedAt = this.clock.now().getTime();
    const jobs = written.flatMap((p) =>
      p.call && p.runAt && p.call.status !== 'blocked'
        ? [{ job: { callId: p.call.id, attempt: p.attempt }, delayMs: p.runAt.getTime() - enqueuedAt }]
        : [],
    );
    try {
      await this.queue.enqueueMany(jobs);
    } catch (error) {
      // the calls stay queued in Postgres: the calls reconciler enqueues what has no job
      this.logger.error({ err: error, campaignId: campaign.id, jobs: jobs.length }, 'campaign jobs not enqueued');
    }
    return written;
  }

  /** The instant each contact may be called at, asking the window and the gate in turn. */
  private async decide(campaign: CampaignEntity, contacts: PlannableContact[], now: Date): Promise<Decided[]> {
    const floor = Math.max(now.getTime(), campaign.startAt?.getTime() ?? 0);
    const decided: Decided[] = contacts.map((contact) => ({
      contact,
      zones: zonesOf(contact.phone),
      callId: randomUUID(),
      at: new Date(Math.max(floor, contact.notBefore?.getTime() ?? 0)),
      outcome: 'open',
      reasons: [],
      decisionIds: [],
      lastDecision: null,
    }));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const open = decided.filter((d) => d.outcome === 'open');
      if (open.length === 0) break;
      for (const d of open) this.applyWindow(campaign, d, d.at);
      const asking = open.filter((d) => d.outcome === 'open');
      if (asking.length === 0) break;
      const results = await this.gate.checkMany(
        campaign.organizationId,
        asking.map((d) => ({
          phone: d.contact.phone,
          purpose: campaign.purpose,
          subject: campaign.subject ?? undefined,
          callerId: campaign.callerId,
          mode: 'SCHEDULE' as const,
          at: d.at,
          campaignId: campaign.id,
          callId: d.callId,
        })),
        { dryRun: false },
      );
      asking.forEach((d, i) => {
        const result = results[i];
        if (!result) throw new Error('the gate answered fewer decisions than asked');
        const decision = result.decision;
        if (result.record) d.decisionIds.push(result.record.id);
        d.lastDecision = decisionJson(decision);
        if (decision.outcome === 'ALLOWED') {
          d.outcome = 'allowed';
        } else if (decision.outcome === 'DEFERRED' && decision.nextAllowedAt) {
          const next = new Date(decision.nextAllowedAt);
          if (next.getTime() <= d.at.getTime()) {
            d.outcome = 'expired';
            d.reasons = [EXPIRY_REASONS.noAllowedTime];
          } else {
            d.at = next;
          }
        } else {
          d.outcome = 'blocked';
          d.reasons = decision.reasons.map((reason) => reason.code);
        }
      });
    }
    for (const d of decided) {
      if (d.outcome === 'open') {
        d.outcome = 'expired';
        d.reasons = [EXPIRY_REASONS.noAllowedTime];
      }
    }
    return decided;
  }

  /** Moves `d` to the window's next opening at or after `from` (or expires it); true when it moved. */
  private applyWindow(campaign: CampaignEntity, d: Decided, from: Date): boolean {
    let at = from;
    if (campaign.window) {
      const opening = firstInWindow(campaign.window, from, d.zones);
      if (!opening) {
        d.outcome = 'expired';
        d.reasons = [EXPIRY_REASONS.windowNeverOpen];
        return true;
      }
      at = opening;
    }
    if (campaign.endAt && at.getTime() > campaign.endAt.getTime()) {
      d.outcome = 'expired';
      d.reasons = [EXPIRY_REASONS.afterEnd];
      return true;
    }
    const moved = at.getTime() !== d.at.getTime();
    d.at = at;
    return moved;
  }

  /**
   * Gives each allowed contact its pacing slot: the first minute from its instant with fewer than
   * `perMinute` dials planned, the k-th dial of a minute at minute + k·60/perMinute s (never
   * before the contact's instant). A slot pushed out of the operator's window moves on to the
   * window's next opening. Runs under the campaign's planning lock, on the slot counts read there.
   */
  private allocate(
    campaign: CampaignEntity,
    decided: Decided[],
    slots: Map<number, number>,
    stillPending: Set<string>,
    now: Date,
  ): PlannedContact[] {
    const spacing = MINUTE / campaign.perMinute;
    // minutes known full jump to the next candidate (path-compressed), so a long queue stays linear
    const nextOf = new Map<number, number>();
    const firstFree = (minute: number): number => {
      let m = minute;
      const seen: number[] = [];
      while ((slots.get(m) ?? 0) >= campaign.perMinute) {
        seen.push(m);
        m = nextOf.get(m) ?? m + MINUTE;
      }
      for (const full of seen) nextOf.set(full, m);
      return m;
    };
    const ordered = decided
      .filter((d) => stillPending.has(`${d.contact.id}:${d.contact.attempts}`))
      .sort((x, y) => x.at.getTime() - y.at.getTime());
    const planned: PlannedContact[] = [];
    for (const d of ordered) {
      const base = {
        contactId: d.contact.id,
        phone: d.contact.phone,
        expectedAttempts: d.contact.attempts,
        attempt: d.contact.nextAttempt,
      };
      const call = (status: 'queued' | 'scheduled' | 'blocked') => ({
        id: d.callId,
        status,
        variables: { ...campaign.variables, ...d.contact.variables },
        simulation: d.contact.simulation,
        decisionIds: d.decisionIds,
        lastDecision: d.lastDecision ?? {},
      });
      if (d.outcome === 'blocked') {
        planned.push({ ...base, state: 'blocked', runAt: null, reasons: d.reasons, call: call('blocked') });
        continue;
      }
      if (d.outcome !== 'allowed') {
        planned.push({ ...base, state: 'expired', runAt: null, reasons: d.reasons, call: null });
        continue;
      }
      let runAt: Date | null = null;
      for (let guard = 0; guard < 1_000 && d.outcome === 'allowed'; guard++) {
        const minute = firstFree(Math.floor(d.at.getTime() / MINUTE) * MINUTE);
        const used = slots.get(minute) ?? 0;
        const candidate = new Date(Math.max(d.at.getTime(), minute + used * spacing));
        const inside =
          !campaign.window || d.zones.every((zone) => insideIn(campaign.window as OperatorWindow, candidate, zone));
        if (!inside) {
          this.applyWindow(campaign, d, candidate);
          continue;
        }
        if (campaign.endAt && candidate.getTime() > campaign.endAt.getTime()) {
          d.outcome = 'expired';
          d.reasons = [EXPIRY_REASONS.afterEnd];
          break;
        }
        slots.set(minute, used + 1);
        runAt = candidate;
        break;
      }
      if (!runAt) {
        if (d.reasons.length === 0) d.reasons = [EXPIRY_REASONS.noAllowedTime];
        planned.push({ ...base, state: 'expired', runAt: null, reasons: d.reasons, call: null });
        continue;
      }
      // queued: due now and waiting only for its pacing slot; scheduled: a later instant chosen by
      // the window, the gate, a retry gap or startAt
      const state = d.at.getTime() <= now.getTime() ? 'queued' : 'scheduled';
      planned.push({ ...base, state, runAt, reasons: [], call: call(state) });
    }
    return planned;
  }
}
