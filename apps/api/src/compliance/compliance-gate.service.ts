import { Inject, Injectable, Optional } from '@nestjs/common';
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
import { MetricsService } from '../metrics/metrics.service.js';
import {
  batchKey,
  ComplianceRepository,
  type CallerIdRow,
  type ConsentFact,
  type ConsentRow,
  type DecisionRow,
  type EmergencyFact,
  type GateFacts,
  type InternalDncFact,
  type InternalDncRow,
  type NewDecision,
  type RevocationFact,
  type RevocationRow,
} from './compliance.repository.js';
import { DecisionLogService } from './decision-log.service.js';
import { DncStatusPort, type DncStatus } from './dnc-status.port.js';
import { DecisionMetrics } from './decision-metrics.js';

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

/** What Postgres and the registries say about one number, as the evaluator's input is built from it. */
interface NumberFacts {
  consents: ConsentFact[];
  revocations: RevocationFact[];
  internalDnc: InternalDncFact[];
  attempts: GateFacts['attempts'];
  ebr: GateFacts['ebr'];
  reassigned: GateFacts['reassigned'];
  emergencies: EmergencyFact[];
  national: DncStatus | null;
  stateDnc: Record<string, DncStatus>;
}

/** The log entry of one decision (the chain position and id are the log's). */
type LogEntry = Omit<NewDecision, 'id' | 'createdAt'>;

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
    @Optional() metrics?: MetricsService,
  ) {
    this.metrics = metrics ? new DecisionMetrics(metrics) : null;
  }

  private readonly metrics: DecisionMetrics | null;

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
      decision = this.failedClosed(error, organizationId, phoneE164);
    }
    let record: DecisionRow | null = null;
    try {
      record = await this.decisions.append(
        logEntry(organizationId, request, phoneE164, options, decision, input, snapshotIds),
      );
    } catch (error) {
      // the decision still stands (a block stays a block); an unlogged ALLOW is not acceptable
      this.logger.error({ err: error, organizationId }, 'compliance decision could not be logged');
      if (decision.outcome === 'ALLOWED' || decision.outcome === 'DEFERRED') {
        decision = failClosed('the decision could not be written to the audit log: failing closed');
      }
    }
    this.metrics?.count(decision, request.mode);
    return { decision, record, input };
  }

  /**
   * `check` for a batch (a campaign's contacts): the same decision and the same logged input for
   * each request, in the same order, but the facts of all the numbers are loaded in one query per
   * kind of fact (and the registries through their bulk bitmap lookup), `evaluate` runs in
   * process, and the decisions are appended to the chain in one multi-row INSERT. Fails closed
   * like `check`: facts that cannot be loaded block the whole batch (`BLOCKED_EVALUATION_FAILED`,
   * logged), an evaluator error blocks its request, and if the log cannot be written no ALLOW or
   * DEFER stands. Callers pass batches of about 1,000 (one INSERT holds the whole batch).
   */
  async checkMany(
    organizationId: string,
    requests: GateRequest[],
    options: { dryRun: boolean },
  ): Promise<GateResult[]> {
    if (requests.length === 0) return [];
    const phones = requests.map((request) => {
      const parsed = parsePhone(request.phone);
      return parsed.ok ? parsed.e164 : null;
    });
    const snapshotIds = requests.map((): Record<string, string> => ({}));
    let inputs: (ComplianceInputInit | null)[] = requests.map(() => null);
    let decisions: GateDecision[];
    try {
      inputs = await this.buildInputs(organizationId, requests, phones, snapshotIds);
      decisions = inputs.map((input, i) => {
        try {
          return evaluate(input as ComplianceInputInit);
        } catch (error) {
          return this.failedClosed(error, organizationId, phones[i] ?? null);
        }
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { err: error, organizationId, requests: requests.length },
        'compliance gate failed closed for a whole batch',
      );
      inputs = requests.map(() => null);
      const blocked = failClosed(`the decision could not be made (${message.slice(0, 300)}): failing closed`);
      decisions = requests.map(() => blocked);
    }
    let records: (DecisionRow | null)[] = requests.map(() => null);
    try {
      records = await this.decisions.appendMany(
        requests.map((request, i) =>
          logEntry(
            organizationId,
            request,
            phones[i] ?? null,
            options,
            decisions[i] as GateDecision,
            inputs[i] ?? null,
            snapshotIds[i] ?? {},
          ),
        ),
      );
    } catch (error) {
      this.logger.error(
        { err: error, organizationId, requests: requests.length },
        'compliance decisions could not be logged',
      );
      const unlogged = failClosed('the decision could not be written to the audit log: failing closed');
      decisions = decisions.map((decision) =>
        decision.outcome === 'ALLOWED' || decision.outcome === 'DEFERRED' ? unlogged : decision,
      );
    }
    return requests.map((request, i) => {
      const decision = decisions[i] as GateDecision;
      this.metrics?.count(decision, request.mode);
      return { decision, record: records[i] ?? null, input: inputs[i] ?? null };
    });
  }

  private failedClosed(error: unknown, organizationId: string, phoneE164: string | null): GateDecision {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(
      { err: error, organizationId, phone: phoneE164 ? maskPhone(phoneE164) : '***' },
      'compliance gate failed closed',
    );
    return failClosed(`the decision could not be made (${message.slice(0, 300)}): failing closed`);
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
    const callerParsed = parsePhone(request.callerId);
    const callerE164 = callerParsed.ok ? callerParsed.e164 : null;
    // Postgres' facts in one round trip, the registries' beside it; an unreadable number blocks at
    // C01 on its own: there are no facts filed under it
    const [facts, national, stateDnc] = await Promise.all([
      this.repository.gateFacts(organizationId, phoneE164, callerE164, at),
      phoneE164 === null ? null : this.dnc.nationalStatus(organizationId, phoneE164, at),
      phoneE164 === null ? {} : this.stateDncFacts(organizationId, phoneE164, request.address?.state, at),
    ]);
    const { legalName, callerVerifiedOwned } = facts;
    if (legalName === null) throw new Error('the organisation has no seller record');
    const callerRow = callerVerifiedOwned === null ? null : { verifiedOwned: callerVerifiedOwned };
    if (phoneE164 === null) {
      return assembleInput(organizationId, request, null, legalName, callerE164, callerRow, null, snapshotIds);
    }
    return assembleInput(
      organizationId,
      request,
      phoneE164,
      legalName,
      callerE164,
      callerRow,
      { ...facts, national, stateDnc },
      snapshotIds,
    );
  }

  /** `buildInput` for a batch: one query per kind of fact, the registries through their bulk lookup. */
  private async buildInputs(
    organizationId: string,
    requests: GateRequest[],
    phones: (string | null)[],
    snapshotIds: Record<string, string>[],
  ): Promise<ComplianceInputInit[]> {
    const legalName = await this.repository.sellerLegalName(organizationId);
    if (legalName === null) throw new Error('the organisation has no seller record');
    // a campaign calls from one or a few caller ids: each spelling is parsed once
    const parsedCallers = new Map<string, string | null>();
    const callers = requests.map((request) => {
      let e164 = parsedCallers.get(request.callerId);
      if (e164 === undefined) {
        const parsed = parsePhone(request.callerId);
        e164 = parsed.ok ? parsed.e164 : null;
        parsedCallers.set(request.callerId, e164);
      }
      return e164;
    });
    const callerNumbers = new Set(callers.filter((caller): caller is string => caller !== null));
    const valid = phones.flatMap((phone, i) => (phone === null ? [] : [i]));
    const distinctPhones = [...new Set(valid.map((i) => phones[i] as string))];
    const pairs = valid.map((i) => ({ phone: phones[i] as string, at: (requests[i] as GateRequest).at }));
    const anyValid = distinctPhones.length > 0;
    const [callerRows, consents, revocations, internalDnc, attempts, ebr, reassigned, emergencies, registry] =
      await Promise.all([
        callerNumbers.size > 0
          ? this.repository.findCallerIds(organizationId, [...callerNumbers])
          : Promise.resolve(new Map<string, CallerIdRow>()),
        anyValid ? this.repository.undisputedConsentsForMany(organizationId, distinctPhones) : emptyMap<ConsentRow[]>(),
        anyValid ? this.repository.revocationsForMany(organizationId, distinctPhones) : emptyMap<RevocationRow[]>(),
        anyValid
          ? this.repository.activeInternalDncForMany(organizationId, distinctPhones)
          : emptyMap<InternalDncRow[]>(),
        anyValid ? this.repository.attemptsForMany(organizationId, pairs) : emptyMap<NumberFacts['attempts']>(),
        anyValid
          ? this.repository.ebrForMany(organizationId, distinctPhones)
          : emptyMap<NonNullable<NumberFacts['ebr']>>(),
        anyValid
          ? this.repository.latestReassignedChecksMany(organizationId, pairs)
          : emptyMap<NonNullable<NumberFacts['reassigned']>>(),
        anyValid ? this.repository.allEmergencies(organizationId) : Promise.resolve([]),
        this.registryFactsMany(organizationId, requests, phones),
      ]);
    return requests.map((request, i) => {
      const phoneE164 = phones[i] ?? null;
      const callerE164 = callers[i] ?? null;
      const callerRow = callerE164 === null ? null : (callerRows.get(callerE164) ?? null);
      const ids = snapshotIds[i] ?? {};
      if (phoneE164 === null)
        return assembleInput(organizationId, request, null, legalName, callerE164, callerRow, null, ids);
      const key = batchKey(phoneE164, request.at);
      const facts: NumberFacts = {
        consents: consents.get(phoneE164) ?? [],
        revocations: revocations.get(phoneE164) ?? [],
        internalDnc: internalDnc.get(phoneE164) ?? [],
        attempts: attempts.get(key) ?? [],
        ebr: ebr.get(phoneE164) ?? null,
        reassigned: reassigned.get(key) ?? null,
        emergencies,
        national: registry.national[i] ?? null,
        stateDnc: registry.states[i] ?? {},
      };
      return assembleInput(organizationId, request, phoneE164, legalName, callerE164, callerRow, facts, ids);
    });
  }

  /**
   * The national and state registry answers of a batch: one bulk lookup per (list, instant), the
   * lists per number chosen exactly as `stateDncFacts` chooses them.
   */
  private async registryFactsMany(
    organizationId: string,
    requests: GateRequest[],
    phones: (string | null)[],
  ): Promise<{ national: (DncStatus | null)[]; states: Record<string, DncStatus>[] }> {
    const national: (DncStatus | null)[] = requests.map(() => null);
    const states: Record<string, DncStatus>[] = requests.map(() => ({}));
    // each request's state lists in the order `stateDncFacts` visits them
    const stateOrder: string[][] = requests.map(() => []);
    // (list, instant) → the positions that read it
    const byKey = new Map<string, { state: string | null; at: Date; positions: number[] }>();
    requests.forEach((request, i) => {
      const phone = phones[i];
      if (phone === null || phone === undefined) return;
      const lists: (string | null)[] = [null, ...dncStatesFor(phone, request.address?.state)];
      for (const state of lists) {
        if (state !== null) (stateOrder[i] as string[]).push(state);
        const key = `${state ?? ''}|${request.at.toISOString()}`;
        const group = byKey.get(key);
        if (group) group.positions.push(i);
        else byKey.set(key, { state, at: request.at, positions: [i] });
      }
    });
    const answers = new Map<string, (DncStatus | null)[]>();
    await Promise.all(
      [...byKey.entries()].map(async ([key, group]) => {
        const list =
          group.state === null ? { kind: 'national' as const } : { kind: 'state' as const, state: group.state };
        const numbers = group.positions.map((i) => phones[i] as string);
        answers.set(key, await this.dnc.statusMany(organizationId, list, numbers, group.at));
      }),
    );
    const stateAnswers = new Map<string, DncStatus | null>();
    for (const [key, group] of byKey) {
      const found = answers.get(key) ?? [];
      group.positions.forEach((position, n) => {
        const status = found[n] ?? null;
        if (group.state === null) national[position] = status;
        else stateAnswers.set(`${position}|${group.state}`, status);
      });
    }
    stateOrder.forEach((order, i) => {
      const record = states[i] as Record<string, DncStatus>;
      for (const state of order) {
        const status = stateAnswers.get(`${i}|${state}`);
        if (status) record[state] = status;
      }
    });
    return { national, states };
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
  ): Promise<Record<string, DncStatus>> {
    const facts: Record<string, DncStatus> = {};
    for (const state of dncStatesFor(phoneE164, addressState)) {
      const status = await this.dnc.stateStatus(organizationId, state, phoneE164, at);
      if (status) facts[state] = status;
    }
    return facts;
  }
}

const emptyMap = <T>(): Promise<Map<string, T>> => Promise.resolve(new Map<string, T>());

/** The states whose DNC list applies to the number: its area code's, then the address's, if they keep one. */
function dncStatesFor(phoneE164: string, addressState: string | undefined): string[] {
  const states = new Set<string>();
  const areaState = defaultRuleSet.areaCodes.get(phoneE164.slice(2, 5))?.state;
  if (areaState) states.add(areaState);
  if (addressState) {
    const upper = addressState.trim().toUpperCase();
    states.add(defaultRuleSet.addressStateAliases.get(upper) ?? upper);
  }
  return [...states].filter((state) => defaultRuleSet.stateDncStates.has(state));
}

/** The evaluator's input for one request from its loaded facts (`facts` null: an unreadable number). */
function assembleInput(
  organizationId: string,
  request: GateRequest,
  phoneE164: string | null,
  legalName: string,
  callerE164: string | null,
  callerRow: Pick<CallerIdRow, 'verifiedOwned'> | null,
  facts: NumberFacts | null,
  snapshotIds: Record<string, string>,
): ComplianceInputInit {
  const input: ComplianceInputInit = {
    request: {
      seller: { id: request.sellerId ?? organizationId, legalName },
      purpose: request.purpose,
      ...(request.subject !== undefined ? { subject: request.subject } : {}),
      phone: phoneE164 ?? request.phone,
      lineType: request.lineType ?? 'UNKNOWN',
      ...(request.address ? { address: request.address } : {}),
      mode: request.mode,
      at: iso(request.at),
      callerId: {
        phone: callerE164 ?? request.callerId,
        verifiedOwned: callerRow?.verifiedOwned ?? false,
      },
    },
    facts: {},
  };
  if (facts === null) return input;
  const { national, stateDnc, ebr, reassigned } = facts;
  if (national) snapshotIds.national = national.snapshotId;
  for (const [state, status] of Object.entries(stateDnc)) {
    if (status.snapshotId) snapshotIds[state] = status.snapshotId;
  }
  input.facts = {
    consents: facts.consents.map((c) => ({
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
    revocations: facts.revocations.map((r) => ({
      phone: r.phoneE164,
      receivedAt: iso(r.receivedAt),
      channel: r.channel as 'voice',
      text: r.words,
    })),
    internalDnc: facts.internalDnc.map((e) => ({ phone: e.phoneE164, requestedAt: iso(e.requestedAt) })),
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
    attempts: facts.attempts.map((a) => ({ at: iso(a.at), ...(a.subject !== null ? { subject: a.subject } : {}) })),
    emergencies: facts.emergencies.map((e) => ({
      state: e.state,
      from: iso(e.startsAt),
      ...(e.endsAt ? { to: iso(e.endsAt) } : {}),
    })),
  };
  return input;
}

/** The decision log entry of one gate decision (check and checkMany log the same thing). */
function logEntry(
  organizationId: string,
  request: GateRequest,
  phoneE164: string | null,
  options: { dryRun: boolean },
  decision: GateDecision,
  input: ComplianceInputInit | null,
  snapshotIds: Record<string, string>,
): LogEntry {
  return {
    organizationId,
    phoneE164,
    purpose: request.purpose,
    mode: request.mode,
    dryRun: options.dryRun,
    outcome: decision.outcome,
    nextAllowedAt: decision.nextAllowedAt ? new Date(decision.nextAllowedAt) : null,
    reasons: decision.reasons,
    decision: decision,
    input: input ?? { request: { ...request, at: iso(request.at) }, facts: null },
    ruleSetVersion: decision.ruleSetVersion,
    dncSnapshotIds: snapshotIds,
    callId: request.callId ?? null,
    campaignId: request.campaignId ?? null,
  };
}
