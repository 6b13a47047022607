import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type {
  Call,
  CallClaim,
  CallCreated,
  CallLease,
  CallListQuery,
  CallOptOutBody,
  ClaimCallBody,
  CompleteCallBody,
  CreateCallBody,
  Page,
  RenewCallLeaseBody,
} from '@switchboard/contracts';
import { CALL_DISPOSITIONS, type CallDisposition } from '@switchboard/contracts';
import { maskPhone, parsePhone } from '@switchboard/compliance';
import { actorOf, ActivityService } from '../activity/activity.service.js';
import { allows, type Principal } from '../common/auth/principal.js';
import type { ErrorDetail } from '../common/errors/api-error.js';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import { CallMetrics } from '../metrics/call-metrics.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { canonicalJson } from '../compliance/canonical-json.js';
import { ComplianceGateService, type GateDecision, type GateResult } from '../compliance/compliance-gate.service.js';
import { ConsentsService } from '../compliance/consents.service.js';
import { purposeLintDetails } from '../flows/purpose-lints.js';
import { FlowsService } from '../flows/flows.service.js';
import { CallLifecycle } from './call-lifecycle.js';
import { variableProblems } from './call-variables.js';
import type { CallEntity } from './call.entity.js';
import { CallError } from './calls.errors.js';
import { CallsClock } from './calls.clock.js';
import {
  ACTIVE,
  CANCELLABLE,
  CLAIMABLE,
  CallsRepository,
  type IdempotencyKeyUse,
  type NewCall,
} from './calls.repository.js';
import { CallsQueue } from './jobs/calls.queue.js';

/** Idempotency keys are kept 24 h. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** A request to place a call once checked: the row to insert, and when. */
interface CheckedCall {
  call: NewCall;
  now: Date;
  scheduleAt: Date | null;
}

/** The call's final status for each outcome the worker reports. */
const STATUS_OF_OUTCOME: Record<CallDisposition, string> = {
  completed: 'completed',
  opted_out: 'completed',
  transferred: 'completed',
  voicemail: 'voicemail',
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
};

/** A flow disposition that names an outcome is that outcome; any other finished the call normally. */
function outcomeOf(disposition: string): CallDisposition {
  return (CALL_DISPOSITIONS as readonly string[]).includes(disposition)
    ? (disposition as CallDisposition)
    : 'completed';
}

/**
 * Single calls: creation (flow version pinned, variables checked, the schedule-time gate, the
 * job), reads, cancellation, and the worker's side (the dial-time gate + lease, events, opt-out,
 * completion). The only rules of the calls feature live here.
 */
@Injectable()
export class CallsService {
  constructor(
    private readonly calls: CallsRepository,
    private readonly queue: CallsQueue,
    private readonly flows: FlowsService,
    private readonly gate: ComplianceGateService,
    private readonly consents: ConsentsService,
    private readonly activity: ActivityService,
    private readonly clock: CallsClock,
    private readonly webhooks: WebhooksService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly lifecycle: CallLifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callMetrics: CallMetrics,
  ) {}

  // ------------------------------------------------------------------ the caller's side

  /**
   * Creates a call, or answers the earlier one of the same Idempotency-Key; `replayed` tells which.
   * The request is checked first (numbers, flow version, variables), then the call is inserted
   * with its key in one statement; a key already used answers as before the check: the same body
   * replays its call, another is a conflict, whatever this request's own errors.
   */
  async create(
    principal: Principal,
    body: CreateCallBody,
    idempotencyKey: string | undefined,
  ): Promise<{ result: CallCreated; replayed: boolean }> {
    const organizationId = principal.organizationId;
    if (idempotencyKey === undefined) {
      const checked = await this.checkCall(principal, body);
      return {
        result: await this.placeCall(principal, checked, await this.calls.insert(checked.call)),
        replayed: false,
      };
    }

    const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    let checked: CheckedCall;
    try {
      checked = await this.checkCall(principal, body);
    } catch (error) {
      const earlier = await this.calls.findIdempotencyKey(organizationId, idempotencyKey);
      if (earlier) return this.replay(organizationId, earlier, requestHash);
      throw error;
    }
    const inserted = await this.calls.insertWithIdempotencyKey(
      checked.call,
      idempotencyKey,
      requestHash,
      IDEMPOTENCY_TTL_SECONDS,
    );
    if (inserted.kind === 'existing') return this.replay(organizationId, inserted, requestHash);
    return { result: await this.placeCall(principal, checked, inserted.call), replayed: false };
  }

  /** The answer to a key used before: its call, a conflict (another body) or "in progress". */
  private async replay(
    organizationId: string,
    earlier: IdempotencyKeyUse,
    requestHash: string,
  ): Promise<{ result: CallCreated; replayed: boolean }> {
    if (earlier.requestHash !== requestHash) throw CallError.idempotencyConflict();
    if (earlier.callId === null) throw CallError.idempotencyInProgress();
    const call = await this.calls.findById(organizationId, earlier.callId);
    if (!call) throw CallError.notFound(earlier.callId);
    return { result: created(call), replayed: true };
  }

  /** The request checked: numbers, schedule, the pinned flow version, variables, purpose lints. */
  private async checkCall(principal: Principal, body: CreateCallBody): Promise<CheckedCall> {
    const now = this.clock.now();
    const to = parsePhone(body.to);
    if (!to.ok) throw CallError.invalidPhone('body.to', to.problem);
    const callerId = parsePhone(body.callerId);
    if (!callerId.ok) throw CallError.invalidPhone('body.callerId', callerId.problem);
    const scheduleAt = body.scheduleAt === undefined ? null : new Date(body.scheduleAt);
    if (scheduleAt && scheduleAt.getTime() < now.getTime()) throw CallError.scheduleInPast();

    const { document, version } = await this.flows.resolvePublished(principal, body.flowId, body.version, CallError);
    const problems = variableProblems(document, body.variables);
    if (problems.length > 0) throw CallError.invalidVariables(problems);
    const lints = purposeLintDetails(document, body.purpose ?? document.purpose);
    if (lints.length > 0) throw CallError.failsCompliance(lints);
    return {
      now,
      scheduleAt,
      call: {
        organizationId: principal.organizationId,
        flowId: body.flowId,
        flowVersion: version,
        to: to.e164,
        callerId: callerId.e164,
        purpose: body.purpose ?? document.purpose,
        subject: body.subject ?? null,
        variables: body.variables,
        simulation: body.simulation ?? null,
      },
    };
  }

  /** The schedule-time gate of an inserted call, its status, its job and its activity entry. */
  private async placeCall(principal: Principal, checked: CheckedCall, call: CallEntity): Promise<CallCreated> {
    const organizationId = principal.organizationId;
    const { now, scheduleAt } = checked;
    const at = scheduleAt ?? now;
    const gate = await this.gate.check(
      organizationId,
      {
        phone: call.to,
        purpose: call.purpose,
        subject: call.subject ?? undefined,
        callerId: call.callerId,
        mode: 'SCHEDULE',
        at,
        callId: call.id,
      },
      { dryRun: false },
    );
    const decision = gate.decision;
    let runAt: Date | null = null;
    let status: 'blocked' | 'scheduled' | 'queued';
    if (decision.outcome === 'ALLOWED') {
      // a later scheduleAt is scheduled (its job is delayed); a call for now is queued
      status = at.getTime() > now.getTime() ? 'scheduled' : 'queued';
      runAt = at;
    } else if (decision.outcome === 'DEFERRED' && decision.nextAllowedAt) {
      status = 'scheduled';
      runAt = new Date(decision.nextAllowedAt);
    } else {
      status = 'blocked';
    }
    const decided = await this.calls.decidePending(call.id, {
      status,
      decisionId: gate.record?.id ?? null,
      decision: decisionJson(decision),
      scheduledFor: runAt,
    });
    // a call blocked before it was ever queued ended here: its listeners (metrics) hear of it too
    if (decided && status === 'blocked') await this.lifecycle.finished(decided, 'blocked', this.logger);
    if (runAt) {
      try {
        await this.queue.enqueue({ callId: call.id, attempt: call.attempt }, runAt.getTime() - now.getTime());
      } catch (error) {
        // Postgres is the truth: the call stays queued/scheduled and the reconciler adds its job
        // (same id) once Redis answers again
        this.logger.warn(
          { err: error, callId: call.id, to: maskPhone(call.to) },
          'call not enqueued (queue unavailable): the reconciler will enqueue it',
        );
      }
    }
    await this.activity.record({
      organizationId,
      actor: actorOf(principal),
      action: 'call.created',
      subjectType: 'call',
      subjectId: call.id,
      details: { status, outcome: decision.outcome, flowId: call.flowId, flowVersion: call.flowVersion },
    });
    this.logger.info({ callId: call.id, to: maskPhone(call.to), status, outcome: decision.outcome }, 'call created');
    if (status === 'blocked') {
      await this.webhooks.emit(organizationId, 'call.blocked', { callId: call.id, outcome: decision.outcome });
    }
    return { id: call.id, status, decision: decisionJson(decision) as CallCreated['decision'], runAt: iso(runAt) };
  }

  async get(principal: Principal, id: string): Promise<Call> {
    const call = await this.calls.findById(principal.organizationId, id);
    if (!call) throw CallError.notFound(id);
    return view(call, canSeeNumbers(principal));
  }

  async list(principal: Principal, query: CallListQuery): Promise<Page<Call>> {
    const rows = await this.calls.list(
      principal.organizationId,
      { status: query.status, campaignId: query.campaignId, contactId: query.contactId },
      decodeCursor(query.cursor),
      query.limit,
    );
    const full = canSeeNumbers(principal);
    return toPage(rows, query.limit, (row) => view(row, full));
  }

  /** A call that has not been claimed yet → cancelled, its job removed; one being dialled → 409. */
  async cancel(principal: Principal, id: string): Promise<Call> {
    const current = await this.calls.findById(principal.organizationId, id);
    if (!current) throw CallError.notFound(id);
    const call = await this.calls.transition(principal.organizationId, id, CANCELLABLE, 'cancelled', {
      finished: true,
    });
    if (!call) {
      const now = await this.calls.findById(principal.organizationId, id);
      throw CallError.notCancellable(id, now?.status ?? current.status);
    }
    // the claim refuses a cancelled call anyway: removing the job only spares the worker a trip
    await this.queue.remove(call.id, call.attempt).catch((error: unknown) => {
      this.logger.warn({ err: error, callId: call.id }, 'the job of a cancelled call could not be removed');
    });
    await this.lifecycle.finished(call, 'cancelled', this.logger);
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'call.cancelled',
      subjectType: 'call',
      subjectId: call.id,
      details: { from: current.status },
    });
    return view(call, canSeeNumbers(principal));
  }

  // ------------------------------------------------------------------ the worker's side

  /**
   * The dial-time gate and the lease. The lease is taken first (one UPDATE, so two workers
   * cannot both pass), then the gate runs in DIAL_NOW mode with fresh facts: a block ends the
   * call `blocked`; anything else than ALLOWED is a block too (fail closed).
   */
  async claim(id: string, body: ClaimCallBody): Promise<CallClaim> {
    const leaseSeconds = Math.min(body.leaseSeconds, this.config.calls.leaseSeconds);
    const leased = await this.takeLease(id, { ...body, leaseSeconds });
    if (!leased) {
      const call = await this.calls.findByIdForWorker(id);
      if (!call) throw CallError.notFound(id);
      if (call.status === 'cancelled') throw CallError.cancelled(id);
      throw CallError.alreadyClaimed(id, call.status);
    }
    const now = this.clock.now();
    this.callMetrics.attemptClaimed(leased, now);
    let gate: GateResult;
    try {
      gate = await this.gate.check(
        leased.organizationId,
        {
          phone: leased.to,
          purpose: leased.purpose,
          subject: leased.subject ?? undefined,
          callerId: leased.callerId,
          mode: 'DIAL_NOW',
          at: now,
          callId: leased.id,
        },
        { dryRun: false },
      );
    } catch (error) {
      // the gate fails closed on its own; an error here (the log unreachable) must not dial either
      const failed = await this.calls.applyDecision(id, ['dialing'], {
        status: 'failed',
        decisionId: null,
        decision: { outcome: 'BLOCKED_EVALUATION_FAILED' },
        releaseLease: true,
      });
      if (failed) await this.lifecycle.finished(failed, 'failed', this.logger);
      throw error;
    }
    const decision = gate.decision;
    if (decision.outcome === 'DEFERRED' && decision.nextAllowedAt && leased.campaignId) {
      // a campaign call is not lost to a closed window: its contact is re-planned for the same attempt
      await this.calls.applyDecision(id, ['dialing'], {
        status: 'cancelled',
        decisionId: gate.record?.id ?? null,
        decision: decisionJson(decision),
        releaseLease: true,
      });
      const deferred = await this.calls.transition(leased.organizationId, id, ['cancelled'], 'cancelled', {
        disposition: 'deferred_at_dial',
        finished: true,
      });
      if (deferred) await this.lifecycle.finished(deferred, 'cancelled', this.logger);
      throw CallError.blocked(id, decision.outcome, decisionDetails(decision));
    }
    if (decision.outcome !== 'ALLOWED') {
      const blocked = await this.calls.applyDecision(id, ['dialing'], {
        status: 'blocked',
        decisionId: gate.record?.id ?? null,
        decision: decisionJson(decision),
        releaseLease: true,
      });
      if (blocked) await this.lifecycle.finished(blocked, 'blocked', this.logger);
      throw CallError.blocked(id, decision.outcome, decisionDetails(decision));
    }
    const call = await this.calls.applyDecision(id, ['dialing'], {
      status: 'dialing',
      decisionId: gate.record?.id ?? null,
      decision: decisionJson(decision),
    });
    try {
      await this.gate.recordAttempt(leased.organizationId, {
        phone: leased.to,
        at: now,
        subject: leased.subject ?? undefined,
        callId: leased.id,
        callerId: leased.callerId,
      });
    } catch (error) {
      // an attempt the frequency caps cannot count must not be dialled (fail closed)
      const failed = await this.calls.transition(leased.organizationId, id, ['dialing'], 'failed', {
        disposition: 'attempt_not_recorded',
        finished: true,
      });
      if (failed) await this.lifecycle.finished(failed, 'failed', this.logger);
      throw error;
    }
    const pinned = await this.flows.resolveDocument(leased.organizationId, leased.flowId, leased.flowVersion);
    const current = call ?? leased;
    return {
      id: current.id,
      attempt: current.attempt,
      to: current.to,
      callerId: current.callerId,
      leaseUntil: (current.leaseUntil ?? now).toISOString(),
      leaseSeconds,
      flowVersion: current.flowVersion,
      flow: pinned.document as unknown as Record<string, unknown>,
      variables: current.variables,
      decision: decisionJson(decision) as CallClaim['decision'],
      ...(current.simulation ? { simulation: current.simulation } : {}),
    };
  }

  /**
   * The holder of an attempt extends its lease (the worker does every third of it). Anyone else,
   * or a call no longer being dialled or talked to (completed, swept as worker_lost), gets 409
   * CALL_LEASE_LOST: the attempt is not the worker's any more and it must stop the call.
   */
  async renewLease(id: string, body: RenewCallLeaseBody): Promise<CallLease> {
    const leaseSeconds = this.config.calls.leaseSeconds;
    const leaseUntil = await this.calls.renewLease(id, body.attempt, body.workerId, leaseSeconds);
    if (leaseUntil) return { leaseUntil: leaseUntil.toISOString(), leaseSeconds };
    const call = await this.calls.findByIdForWorker(id);
    if (!call) throw CallError.notFound(id);
    throw CallError.leaseLost(id, call.status);
  }

  async appendEvents(
    id: string,
    events: Array<{ seq: number } & Record<string, unknown>>,
  ): Promise<{ accepted: number; lastSeq: number }> {
    const result = await this.calls.appendEvents(id, events);
    if (result) return result;
    throw await this.notActive(id);
  }

  /** An opt-out heard during the call: a revocation and an internal DNC entry, at once. */
  async optOut(id: string, body: CallOptOutBody): Promise<{ revocationId: string; internalDncEntryId: string }> {
    const call = await this.calls.findByIdForWorker(id);
    if (!call) throw CallError.notFound(id);
    if (!(ACTIVE as readonly string[]).includes(call.status)) throw CallError.notClaimed(id, call.status);
    const { revocation, internalDnc } = await this.consents.recordOptOut(call.organizationId, {
      phone: call.to,
      channel: body.channel,
      words: body.words,
      receivedAt: body.receivedAt ? new Date(body.receivedAt) : this.clock.now(),
      callId: call.id,
    });
    await this.calls.markOptedOut(call.id);
    this.logger.info({ callId: call.id, to: maskPhone(call.to) }, 'opt-out recorded during a call');
    return { revocationId: revocation.id, internalDncEntryId: internalDnc.id };
  }

  async complete(id: string, body: CompleteCallBody): Promise<Call> {
    const call = await this.calls.complete(id, {
      status: STATUS_OF_OUTCOME[body.outcome ?? outcomeOf(body.disposition)],
      disposition: body.disposition,
      path: body.path,
      transcript: body.transcript,
      variables: body.variables,
    });
    if (!call) throw await this.notActive(id);
    this.logger.info({ callId: call.id, status: call.status, disposition: call.disposition }, 'call completed');
    await this.lifecycle.finished(call, 'completed', this.logger);
    await this.webhooks.emit(call.organizationId, call.status === 'completed' ? 'call.completed' : 'call.failed', {
      callId: call.id,
      status: call.status,
      disposition: call.disposition,
      flowId: call.flowId,
      flowVersion: call.flowVersion,
    });
    return view(call, true);
  }

  /**
   * The lease of the attempt. A campaign call is admitted first (campaign running, fewer than
   * `maxConcurrent` calls live): a paced claim changes nothing and logs no decision, the worker
   * re-delays the job until `retryAt`; a paused or cancelled campaign's call goes back to its planner.
   */
  private async takeLease(id: string, body: ClaimCallBody): Promise<CallEntity | null> {
    const admitted = await this.calls.claimInCampaign(id, body.attempt, body.workerId, body.leaseSeconds);
    if (admitted.kind === 'single') return this.calls.claim(id, body.attempt, body.workerId, body.leaseSeconds);
    if (admitted.kind === 'leased') return admitted.call;
    if (admitted.kind === 'paced') {
      const waitMs = Math.max(5_000, Math.ceil(60_000 / admitted.perMinute));
      // when the worker may try again: a real instant (the worker delays the job by it), not the calls' clock
      throw CallError.paced(id, new Date(Date.now() + waitMs), admitted.maxConcurrent);
    }
    const call = await this.calls.findByIdForWorker(id);
    if (call) {
      const disposition = admitted.campaignStatus === 'paused' ? 'campaign_paused' : 'campaign_cancelled';
      const returned = await this.calls.transition(call.organizationId, id, CLAIMABLE, 'cancelled', {
        disposition,
        finished: true,
      });
      if (returned) await this.lifecycle.finished(returned, 'cancelled', this.logger);
    }
    throw CallError.campaignNotRunning(id, admitted.campaignStatus);
  }

  private async notActive(id: string): Promise<CallError> {
    const call = await this.calls.findByIdForWorker(id);
    if (!call) return CallError.notFound(id);
    return CallError.notClaimed(id, call.status);
  }
}

// ------------------------------------------------------------------ views

/** Numbers are shown whole only to callers who may read compliance evidence. */
function canSeeNumbers(principal: Principal): boolean {
  return allows(principal.roles, 'compliance:read');
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function decisionJson(decision: GateDecision): Record<string, unknown> {
  return {
    outcome: decision.outcome,
    ...(decision.nextAllowedAt ? { nextAllowedAt: decision.nextAllowedAt } : {}),
    reasons: decision.reasons,
    ruleSetVersion: decision.ruleSetVersion,
  };
}

/** The 409 of a dial-time block carries the decision, so the worker can log why. */
function decisionDetails(decision: GateDecision): ErrorDetail[] {
  return [
    { path: 'decision.outcome', message: decision.outcome },
    ...decision.reasons.map((reason) => ({ path: `decision.reasons.${reason.code}`, message: reason.detail })),
  ];
}

function created(call: CallEntity): CallCreated {
  return {
    id: call.id,
    status: call.status as CallCreated['status'],
    decision: (call.lastDecision ?? { outcome: 'PENDING', reasons: [], ruleSetVersion: '' }) as CallCreated['decision'],
    runAt: iso(call.scheduledFor),
  };
}

function view(call: CallEntity, fullNumbers: boolean): Call {
  return {
    id: call.id,
    status: call.status as Call['status'],
    to: fullNumbers ? call.to : maskPhone(call.to),
    callerId: call.callerId,
    flowId: call.flowId,
    flowVersion: call.flowVersion,
    purpose: call.purpose,
    subject: call.subject,
    variables: call.variables,
    attempt: call.attempt,
    decisionIds: call.decisionIds,
    lastDecision: call.lastDecision as Call['lastDecision'],
    scheduledFor: iso(call.scheduledFor),
    disposition: call.disposition,
    path: call.path,
    transcript: call.transcript,
    events: call.events,
    createdAt: call.createdAt.toISOString(),
    updatedAt: call.updatedAt.toISOString(),
    completedAt: iso(call.completedAt),
    failureReason: call.failureReason,
    campaignId: call.campaignId,
    contactId: call.contactId,
  };
}
