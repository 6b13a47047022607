import { Injectable } from '@nestjs/common';
import { maskPhone } from '@switchboard/compliance';
import type {
  AuditVerify,
  CallerId,
  ComplianceCheckBody,
  ComplianceDecisionRecord,
  CreateCallerIdBody,
  CreateEmergencyBody,
  DecisionListQuery,
  Emergency,
  Page,
  PageQuery,
  RecordBusinessRelationshipBody,
  RecordedFact,
  RecordReassignedCheckBody,
} from '@switchboard/contracts';
import { actorOf, ActivityService } from '../activity/activity.service.js';
import type { Principal } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { ComplianceError } from './compliance.errors.js';
import { ComplianceGateService } from './compliance-gate.service.js';
import { ComplianceRepository, type DecisionRow } from './compliance.repository.js';
import { seesNumbers } from './consents.service.js';
import { DecisionLogService } from './decision-log.service.js';
import { optionalPhone, requirePhone } from './phone.js';

const E164_IN_TEXT = /\+1\d{10}/g;

/** Masks every E.164 number inside a JSON value (decision inputs, reason details). */
function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(E164_IN_TEXT, (match) => maskPhone(match));
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  }
  return value;
}

export function toDecisionView(row: DecisionRow, full: boolean): ComplianceDecisionRecord {
  const view: ComplianceDecisionRecord = {
    id: row.id,
    seq: row.seq,
    phone: row.phoneE164,
    purpose: row.purpose,
    mode: row.mode,
    dryRun: row.dryRun,
    outcome: row.outcome,
    nextAllowedAt: row.nextAllowedAt?.toISOString() ?? null,
    reasons: row.reasons as ComplianceDecisionRecord['reasons'],
    zones: (row.decision.zones as string[] | undefined) ?? [],
    states: (row.decision.states as string[] | undefined) ?? [],
    ruleSetVersion: row.ruleSetVersion,
    dncSnapshotIds: row.dncSnapshotIds,
    callId: row.callId,
    campaignId: row.campaignId,
    input: row.input,
    hash: row.hash,
    createdAt: row.createdAt.toISOString(),
  };
  return full ? view : (maskDeep(view) as ComplianceDecisionRecord);
}

/** The gate's dry run, the decision log and audit routes, and the operator-managed facts. */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly repository: ComplianceRepository,
    private readonly gate: ComplianceGateService,
    private readonly decisions: DecisionLogService,
    private readonly activity: ActivityService,
  ) {}

  /** Evaluates and logs with `dryRun: true`; changes no evidence. */
  async check(principal: Principal, body: ComplianceCheckBody): Promise<ComplianceDecisionRecord> {
    ComplianceError.requireAny(principal, ['compliance:read', 'compliance:write']);
    requirePhone(body.callerId, 'body.callerId');
    const result = await this.gate.check(
      principal.organizationId,
      {
        phone: body.phone,
        purpose: body.purpose,
        subject: body.subject,
        callerId: body.callerId,
        mode: body.mode,
        at: body.at ? new Date(body.at) : new Date(),
        address: body.address,
        lineType: body.lineType,
        campaignId: body.campaignId,
        callId: body.callId,
      },
      { dryRun: true },
    );
    if (!result.record) {
      throw new ComplianceError(503, 'SERVICE_UNAVAILABLE', 'The decision could not be logged; nothing was decided');
    }
    return toDecisionView(result.record, seesNumbers(principal));
  }

  async listDecisions(principal: Principal, query: DecisionListQuery): Promise<Page<ComplianceDecisionRecord>> {
    const phone = optionalPhone(query.phone, 'query.phone');
    const rows = await this.repository.listDecisions(
      principal.organizationId,
      {
        phoneE164: phone,
        outcome: query.outcome,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      { limit: query.limit, after: decodeCursor(query.cursor) },
    );
    const full = seesNumbers(principal);
    return toPage(rows, query.limit, (row) => toDecisionView(row, full));
  }

  verify(principal: Principal): Promise<AuditVerify> {
    return this.decisions.verify(principal.organizationId);
  }

  async seller(principal: Principal): Promise<{ legalName: string }> {
    const legalName = await this.repository.sellerLegalName(principal.organizationId);
    if (legalName === null) throw new Error(`organisation ${principal.organizationId} not found`);
    return { legalName };
  }

  async setSeller(principal: Principal, legalName: string): Promise<{ legalName: string }> {
    await this.repository.setSellerLegalName(principal.organizationId, legalName);
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'seller.legal_name_set',
      subjectType: 'organization',
      subjectId: principal.organizationId,
      details: { legalName },
    });
    return { legalName };
  }

  /** Stores an existing business relationship; the gate reads the latest per number. */
  async recordBusinessRelationship(principal: Principal, body: RecordBusinessRelationshipBody): Promise<RecordedFact> {
    const phone = requirePhone(body.phone, 'body.phone');
    await this.gate.recordBusinessRelationship(principal.organizationId, {
      phone,
      lastTransactionAt: body.lastTransactionAt ? new Date(body.lastTransactionAt) : undefined,
      lastInquiryAt: body.lastInquiryAt ? new Date(body.lastInquiryAt) : undefined,
    });
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'compliance.ebr_recorded',
      subjectType: 'phone',
      subjectId: maskPhone(phone),
    });
    return { phone: maskPhone(phone), recordedAt: new Date().toISOString() };
  }

  /** Stores a Reassigned Numbers Database answer; the gate uses the latest one at or before the call. */
  async recordReassignedCheck(principal: Principal, body: RecordReassignedCheckBody): Promise<RecordedFact> {
    const phone = requirePhone(body.phone, 'body.phone');
    await this.gate.recordReassignedCheck(principal.organizationId, {
      phone,
      queriedAt: new Date(body.queriedAt),
      result: body.result,
    });
    await this.activity.record({
      organizationId: principal.organizationId,
      actor: actorOf(principal),
      action: 'compliance.reassigned_check_recorded',
      subjectType: 'phone',
      subjectId: maskPhone(phone),
      details: { result: body.result },
    });
    return { phone: maskPhone(phone), recordedAt: new Date().toISOString() };
  }

  async addEmergency(principal: Principal, body: CreateEmergencyBody): Promise<Emergency> {
    if (body.to !== undefined && Date.parse(body.to) <= Date.parse(body.from)) {
      throw new ComplianceError(400, 'BAD_REQUEST', 'body.to: must be after body.from', [
        { path: 'body.to', message: 'must be after from' },
      ]);
    }
    const row = await this.repository.insertEmergency(
      principal.organizationId,
      {
        state: body.state,
        startsAt: new Date(body.from),
        endsAt: body.to ? new Date(body.to) : null,
        note: body.note ?? null,
      },
      actorOf(principal),
    );
    return {
      id: row.id,
      state: row.state,
      from: row.startsAt.toISOString(),
      to: row.endsAt?.toISOString() ?? null,
      note: row.note,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async listEmergencies(principal: Principal, query: PageQuery): Promise<Page<Emergency>> {
    const rows = await this.repository.listEmergencies(principal.organizationId, {
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      state: row.state,
      from: row.startsAt.toISOString(),
      to: row.endsAt?.toISOString() ?? null,
      note: row.note,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  async addCallerId(principal: Principal, body: CreateCallerIdBody): Promise<CallerId> {
    const phone = requirePhone(body.phone, 'body.phone');
    const row = await this.repository.insertCallerId(principal.organizationId, {
      phoneE164: phone,
      verifiedOwned: body.verifiedOwned,
      label: body.label ?? null,
    });
    if (!row) throw ComplianceError.callerIdExists();
    return {
      id: row.id,
      phone: row.phoneE164,
      verifiedOwned: row.verifiedOwned,
      label: row.label,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async listCallerIds(principal: Principal, query: PageQuery): Promise<Page<CallerId>> {
    const rows = await this.repository.listCallerIds(principal.organizationId, {
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    // the organisation's own lines, not a callee's personal data: shown whole to whoever may list
    // them, since placing a call or creating a campaign needs the full number
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      phone: row.phoneE164,
      verifiedOwned: row.verifiedOwned,
      label: row.label,
      createdAt: row.createdAt.toISOString(),
    }));
  }
}
