import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  defaultRuleSet,
  evaluate,
  maskPhone,
  parsePhone,
  RULE_SET_VERSION,
  type ComplianceDecision,
  type ComplianceInputInit,
} from '@switchboard/compliance';
import { ROOT_LOGGER } from '../common/logging/app-logger.service.js';
import type { DecisionRow } from './compliance.repository.js';
import { ComplianceRepository } from './compliance.repository.js';
import { DecisionLogService } from './decision-log.service.js';
import { DncStatusPort } from './dnc-status.port.js';

export interface GateRequest {
  phone: string;
  purpose: 'TELEMARKETING' | 'INFORMATIONAL';
  subject?: string | undefined;
  /** the seller is the organisation; kept for the calls issue, which may name a brand id */
  sellerId?: string | undefined;
  callerId: string;
  mode: 'SCHEDULE' | 'DIAL_NOW';
  at: Date;
  address?: { state: string; zip?: string | undefined } | undefined;
  lineType?: 'WIRELESS' | 'RESIDENTIAL' | 'VOIP' | 'UNKNOWN' | undefined;
  campaignId?: string | undefined;
  callId?: string | undefined;
}

/** The evaluator's decision, or the gate's own block when it could not evaluate. */
export type GateDecision = Omit<ComplianceDecision, 'outcome'> & { outcome: string };

export interface GateResult {
  decision: GateDecision;
  /** the decision log row; null only when the log itself could not be written */
  record: DecisionRow | null;
  input: ComplianceInputInit | null;
}

const iso = (date: Date): string => date.toISOString();

/** The decision when the facts could not be loaded or the evaluator failed: never ALLOW. */
function failClosed(detail: string): GateDecision {
  return {
    outcome: 'BLOCKED_EVALUATION_FAILED',
    reasons: [{ check: 'GATE', code: 'EVALUATION_FAILED', detail } as unknown as ComplianceDecision['reasons'][number]],
    zones: [],
    states: [],
    ruleSetVersion: RULE_SET_VERSION,
  };
}

/**
 * The compliance gate: builds the evaluator's full input from Postgres and the DNC registries,
 * calls `evaluate` (libs/compliance, the one implementation of the rules), and logs every decision.
 * Fails closed: any error while loading or evaluating is a block (`BLOCKED_EVALUATION_FAILED`),
 * logged like any other decision.
 */
@Injectable()
export class ComplianceGateService {
  constructor(
    private readonly repository: ComplianceRepository,
    private readonly decisions: DecisionLogService,
    private readonly dnc: DncStatusPort,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async check(organizationId: string, request: GateRequest, options: { dryRun: boolean }): Promise<GateResult> {
    const parsed = parsePhone(request.phone);
    const phoneE164 = parsed.ok ? parsed.e164 : null;
    const snapshotIds: Record<string, string> = {};
    let input: ComplianceInputInit | null = null;
    let decision: GateDecision;
    try {
      input = await this.buildInput(organizationId, request, phoneE164, snapshotIds);
      decision = evaluate(input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { err: error, organizationId, phone: phoneE164 ? maskPhone(phoneE164) : '***' },
        'compliance gate failed closed',
      );
      decision = failClosed(`the decision could not be made (${message.slice(0, 300)}): failing closed`);
    }
    let record: DecisionRow | null = null;
    try {
      record = await this.decisions.append({
        organizationId,
        phoneE164,
        purpose: request.purpose,
        mode: request.mode,
        dryRun: options.dryRun,
        outcome: decision.outcome,
        nextAllowedAt: decision.nextAllowedAt ? new Date(decision.nextAllowedAt) : null,
        reasons: decision.reasons,
        decision,
        input: input ?? { request: { ...request, at: iso(request.at) }, facts: null },
        ruleSetVersion: decision.ruleSetVersion,
        dncSnapshotIds: snapshotIds,
        callId: request.callId ?? null,
        campaignId: request.campaignId ?? null,
      });
    } catch (error) {
      // the decision still stands (a block stays a block); an unlogged ALLOW is not acceptable
      this.logger.error({ err: error, organizationId }, 'compliance decision could not be logged');
      if (decision.outcome === 'ALLOWED' || decision.outcome === 'DEFERRED') {
        decision = failClosed('the decision could not be written to the audit log: failing closed');
      }
    }
    return { decision, record, input };
  }

  /** Records a dial attempt (answered or not) for the frequency caps; the calls issue calls it. */
  async recordAttempt(
    organizationId: string,
    attempt: {
      phone: string;
      at: Date;
      subject?: string | undefined;
      callId?: string | undefined;
      callerId?: string | undefined;
    },
  ): Promise<string> {
    return this.repository.insertAttempt(organizationId, {
      phoneE164: this.e164(attempt.phone),
      subject: attempt.subject ?? null,
      attemptedAt: attempt.at,
      callId: attempt.callId ?? null,
      callerId: attempt.callerId ?? null,
    });
  }

  /** Records an existing business relationship (a purchase or an inquiry) with the number's subscriber. */
  async recordBusinessRelationship(
    organizationId: string,
    ebr: { phone: string; lastTransactionAt?: Date | undefined; lastInquiryAt?: Date | undefined },
  ): Promise<void> {
    await this.repository.upsertBusinessRelationship(organizationId, this.e164(ebr.phone), {
      lastTransactionAt: ebr.lastTransactionAt ?? null,
      lastInquiryAt: ebr.lastInquiryAt ?? null,
    });
  }

  /** Records a Reassigned Numbers Database answer (YES blocks calls relying on older consent, C11). */
  async recordReassignedCheck(
    organizationId: string,
    check: { phone: string; queriedAt: Date; result: 'YES' | 'NO' | 'NO_DATA' },
  ): Promise<void> {
    await this.repository.insertReassignedCheck(organizationId, {
      phoneE164: this.e164(check.phone),
      queriedAt: check.queriedAt,
      result: check.result,
    });
  }

  private e164(phone: string): string {
    const parsed = parsePhone(phone);
    if (!parsed.ok) throw new Error(`the number ${parsed.problem}`);
    return parsed.e164;
  }

  private async buildInput(
    organizationId: string,
    request: GateRequest,
    phoneE164: string | null,
    snapshotIds: Record<string, string>,
  ): Promise<ComplianceInputInit> {
    const at = request.at;
    const legalName = await this.repository.sellerLegalName(organizationId);
    if (legalName === null) throw new Error('the organisation has no seller record');
    const callerParsed = parsePhone(request.callerId);
    const callerRow = callerParsed.ok ? await this.repository.findCallerId(organizationId, callerParsed.e164) : null;

    const input: ComplianceInputInit = {
      request: {
        seller: { id: request.sellerId ?? organizationId, legalName },
        purpose: request.purpose,
        ...(request.subject !== undefined ? { subject: request.subject } : {}),
        phone: phoneE164 ?? request.phone,
        lineType: request.lineType ?? 'UNKNOWN',
        ...(request.address ? { address: request.address } : {}),
        mode: request.mode,
        at: iso(at),
        callerId: {
          phone: callerParsed.ok ? callerParsed.e164 : request.callerId,
          verifiedOwned: callerRow?.verifiedOwned ?? false,
        },
      },
      facts: {},
    };
    // an unreadable number blocks at C01 on its own; there are no facts filed under it
    if (phoneE164 === null) return input;

    const [consents, revocations, internalDnc, attempts, ebr, reassigned, emergencies, national, stateDnc] =
      await Promise.all([
        this.repository.undisputedConsentsFor(organizationId, phoneE164),
        this.repository.revocationsFor(organizationId, phoneE164),
        this.repository.activeInternalDncFor(organizationId, phoneE164),
        this.repository.attemptsFor(organizationId, phoneE164, at),
        this.repository.ebrFor(organizationId, phoneE164),
        this.repository.latestReassignedCheck(organizationId, phoneE164, at),
        this.repository.allEmergencies(organizationId),
        this.dnc.nationalStatus(organizationId, phoneE164, at),
        this.stateDncFacts(organizationId, phoneE164, request.address?.state, at),
      ]);

    if (national) snapshotIds.national = national.snapshotId;
    for (const [state, status] of Object.entries(stateDnc)) {
      if (status.snapshotId) snapshotIds[state] = status.snapshotId;
    }
    input.facts = {
      consents: consents.map((c) => ({
        id: c.id,
        type: c.type,
        phone: c.phoneE164,
        sellers: c.sellers,
        capturedAt: iso(c.capturedAt),
        written: c.written,
        signature: { method: c.signatureMethod, affirmative: c.signatureAffirmative },
        disclosure: {
          text: c.disclosureText,
          authorizesArtificialVoice: c.authorizesArtificialVoice,
          notConditionOfPurchase: c.notConditionOfPurchase,
        },
        disclosureSha256: c.disclosureSha256,
      })),
      revocations: revocations.map((r) => ({
        phone: r.phoneE164,
        receivedAt: iso(r.receivedAt),
        channel: r.channel as 'voice',
        text: r.words,
      })),
      internalDnc: internalDnc.map((e) => ({ phone: e.phoneE164, requestedAt: iso(e.requestedAt) })),
      ...(national ? { nationalDnc: national } : {}),
      stateDnc,
      ...(ebr
        ? {
            ebr: {
              ...(ebr.lastTransactionAt ? { lastTransactionAt: iso(ebr.lastTransactionAt) } : {}),
              ...(ebr.lastInquiryAt ? { lastInquiryAt: iso(ebr.lastInquiryAt) } : {}),
            },
          }
        : {}),
      ...(reassigned ? { reassigned: { queriedAt: iso(reassigned.queriedAt), result: reassigned.result } } : {}),
      attempts: attempts.map((a) => ({ at: iso(a.at), ...(a.subject !== null ? { subject: a.subject } : {}) })),
      emergencies: emergencies.map((e) => ({
        state: e.state,
        from: iso(e.startsAt),
        ...(e.endsAt ? { to: iso(e.endsAt) } : {}),
      })),
    };
    return input;
  }

  /**
   * The state lists that apply: the area code's state and the address's state, when they keep a DNC
   * list. A state without a loaded snapshot is left out, which the evaluator treats as stale data.
   */
  private async stateDncFacts(
    organizationId: string,
    phoneE164: string,
    addressState: string | undefined,
    at: Date,
  ): Promise<Record<string, { snapshotId: string; obtainedAt: string; listed: boolean }>> {
    const states = new Set<string>();
    const areaState = defaultRuleSet.areaCodes.get(phoneE164.slice(2, 5))?.state;
    if (areaState) states.add(areaState);
    if (addressState) {
      const upper = addressState.trim().toUpperCase();
      states.add(defaultRuleSet.addressStateAliases.get(upper) ?? upper);
    }
    const facts: Record<string, { snapshotId: string; obtainedAt: string; listed: boolean }> = {};
    for (const state of states) {
      if (!defaultRuleSet.stateDncStates.has(state)) continue;
      const status = await this.dnc.stateStatus(organizationId, state, phoneE164, at);
      if (status) facts[state] = status;
    }
    return facts;
  }
}
