import { Injectable } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { defaultRuleSet } from '@switchboard/compliance';
import {
  CreateConsentBodySchema,
  type Consent,
  type ConsentListQuery,
  type CreateConsentBody,
  type CreateInternalDncBody,
  type CreateRevocationBody,
  type DeleteInternalDncQuery,
  type ImportConsentsResult,
  type InternalDncEntry,
  type InternalDncListQuery,
  type Page,
  type Revocation,
  type RevocationListQuery,
} from '@switchboard/contracts';
import type { EntityManager } from 'typeorm';
import { actorOf, ActivityService, SYSTEM_ACTOR, type Actor } from '../activity/activity.service.js';
import { allows, type Principal } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { consentElementResults, sha256Hex } from './consent-elements.js';
import { ComplianceError } from './compliance.errors.js';
import {
  ComplianceRepository,
  type ConsentRow,
  type InternalDncRow,
  type NewConsent,
  type RevocationRow,
} from './compliance.repository.js';
import { optionalPhone, requirePhone, shownPhone } from './phone.js';

/** Whether the caller sees whole numbers (compliance:read) or masked ones. */
export const seesNumbers = (principal: Principal): boolean => allows(principal.roles, 'compliance:read');

export interface OptOut {
  phone: string;
  channel: Revocation['channel'];
  words: string;
  receivedAt: Date;
  callId?: string | undefined;
}

/**
 * A number consent can be stored for: a NANP number in an in-service US geographic area code
 * (no toll-free, premium or non-geographic code, no Canada or Caribbean country); else a 400.
 */
export function requireUsGeographic(raw: string, path: string): string {
  const e164 = requirePhone(raw, path);
  if (!defaultRuleSet.areaCodes.has(e164.slice(2, 5))) {
    throw ComplianceError.invalidPhone(
      path,
      `area code ${e164.slice(2, 5)} is not an in-service US geographic area code (toll-free, non-geographic or non-US)`,
    );
  }
  return e164;
}

const toDate = (value: Date | null): string | null => (value ? value.toISOString() : null);

function toConsentView(row: ConsentRow, full: boolean): Consent {
  return {
    id: row.id,
    phone: shownPhone(row.phoneE164, full),
    type: row.type,
    disclosure: {
      text: row.disclosureText,
      sha256: row.disclosureSha256,
      authorizesArtificialVoice: row.authorizesArtificialVoice,
      notConditionOfPurchase: row.notConditionOfPurchase,
    },
    capturedAt: row.capturedAt.toISOString(),
    pageUrl: row.pageUrl,
    ip: full ? row.ip : row.ip === null ? null : '***',
    userAgent: row.userAgent,
    signature: { method: row.signatureMethod, affirmative: row.signatureAffirmative },
    written: row.written,
    sellers: row.sellers,
    scope: row.scope,
    certificateUrl: row.certificateUrl,
    source: row.source,
    elements: row.elements as Consent['elements'],
    valid: row.elements.every((e) => e.ok),
    status: row.dispute ? 'disputed' : 'active',
    dispute: row.dispute
      ? {
          id: row.dispute.id,
          reason: row.dispute.reason,
          disputedBy: row.dispute.disputedBy,
          disputedAt: row.dispute.disputedAt.toISOString(),
        }
      : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

function toRevocationView(row: RevocationRow, full: boolean): Revocation {
  return {
    id: row.id,
    phone: shownPhone(row.phoneE164, full),
    channel: row.channel as Revocation['channel'],
    words: row.words,
    receivedAt: row.receivedAt.toISOString(),
    honouredAt: row.honouredAt.toISOString(),
    callId: row.callId,
    internalDncEntryId: row.internalDncEntryId,
    createdBy: row.createdBy,
  };
}

function toDncView(row: InternalDncRow, full: boolean): InternalDncEntry {
  return {
    id: row.id,
    phone: shownPhone(row.phoneE164, full),
    requestedAt: row.requestedAt.toISOString(),
    reason: row.reason,
    source: row.source,
    revocationId: row.revocationId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    removedAt: toDate(row.removedAt),
    removedBy: row.removedBy,
    removalReason: row.removalReason,
  };
}

/** CSV columns of a consent import, mapped to the fields of POST /v1/consents. */
const CSV_COLUMNS: Record<string, keyof CreateConsentBody> = {
  phone: 'phone',
  type: 'type',
  disclosure_text: 'disclosureText',
  captured_at: 'capturedAt',
  sellers: 'sellers',
  signature_method: 'signatureMethod',
  affirmative_act: 'affirmativeAct',
  authorizes_artificial_voice: 'authorizesArtificialVoice',
  not_condition_of_purchase: 'notConditionOfPurchase',
  page_url: 'pageUrl',
  ip: 'ip',
  user_agent: 'userAgent',
  scope: 'scope',
  certificate_url: 'certificateUrl',
  written: 'written',
};
const REQUIRED_CSV_COLUMNS = [
  'phone',
  'type',
  'disclosure_text',
  'captured_at',
  'sellers',
  'signature_method',
  'affirmative_act',
  'authorizes_artificial_voice',
  'not_condition_of_purchase',
];
const BOOLEAN_FIELDS = new Set<string>([
  'affirmativeAct',
  'authorizesArtificialVoice',
  'notConditionOfPurchase',
  'written',
]);

function csvBoolean(value: string): boolean | string {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  return value;
}

/**
 * Consent evidence, disputes, revocations and the internal DNC list. Evidence is never edited: a
 * dispute or a revocation is a new row, and the database refuses UPDATE/DELETE of evidence.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly repository: ComplianceRepository,
    private readonly activity: ActivityService,
  ) {}

  // ---- consents --------------------------------------------------------------------------------

  async create(principal: Principal, body: CreateConsentBody): Promise<Consent> {
    const row = await this.repository.transaction(async (manager) => {
      const values = await this.newConsent(principal, body, 'api', 'body.');
      return this.insertConsent(principal, values, manager);
    });
    return toConsentView(row, seesNumbers(principal));
  }

  async list(principal: Principal, query: ConsentListQuery): Promise<Page<Consent>> {
    const phone = optionalPhone(query.phone, 'query.phone');
    const rows = await this.repository.listConsents(principal.organizationId, phone, {
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    const full = seesNumbers(principal);
    return toPage(rows, query.limit, (row) => toConsentView(row, full));
  }

  async get(principal: Principal, id: string): Promise<Consent> {
    const row = await this.repository.findConsent(principal.organizationId, id);
    if (!row) throw ComplianceError.consentNotFound(id);
    return toConsentView(row, seesNumbers(principal));
  }

  /** Marks a consent disputed: from now on the gate leaves it out (the call is blocked at once). */
  async dispute(principal: Principal, id: string, reason: string): Promise<Consent> {
    await this.repository.transaction(async (manager) => {
      const row = await this.repository.findConsent(principal.organizationId, id);
      if (!row) throw ComplianceError.consentNotFound(id);
      const inserted = await this.repository.insertDispute(
        principal.organizationId,
        id,
        reason,
        actorOf(principal),
        manager,
      );
      if (!inserted) throw ComplianceError.alreadyDisputed(id);
      await this.activity.record(
        {
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'consent.disputed',
          subjectType: 'consent',
          subjectId: id,
          details: { reason },
        },
        manager,
      );
    });
    return this.get(principal, id);
  }

  /** A CSV of consents: good rows are kept, every bad row is reported with its line and reasons. */
  async import(principal: Principal, csv: string): Promise<ImportConsentsResult> {
    const rejected: ImportConsentsResult['rejected'] = [];
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parseCsv<{ record: Record<string, string>; info: { lines: number } }>(csv, {
        columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
        skip_empty_lines: true,
        info: true,
        bom: true,
        relax_column_count: true,
        skip_records_with_error: true,
        on_skip: (error) => {
          if (error)
            rejected.push({
              line: Number((error as { lines?: unknown }).lines ?? 0),
              errors: [`unreadable CSV row: ${error.message}`],
            });
          return undefined;
        },
      });
    } catch (error) {
      throw ComplianceError.invalidCsv(`not a CSV file: ${error instanceof Error ? error.message : String(error)}`);
    }
    const header = records[0] ? Object.keys(records[0].record) : [];
    if (records.length > 0) {
      const missing = REQUIRED_CSV_COLUMNS.filter((column) => !header.includes(column));
      if (missing.length > 0) throw ComplianceError.invalidCsv(`missing column(s): ${missing.join(', ')}`);
    }
    const legalName = await this.legalName(principal.organizationId);
    const good: { line: number; values: NewConsent }[] = [];
    for (const { record, info } of records) {
      const line = info.lines;
      const body: Record<string, unknown> = {};
      for (const [column, raw] of Object.entries(record)) {
        const field = CSV_COLUMNS[column];
        if (field === undefined || raw === undefined || (raw.trim() === '' && column !== 'disclosure_text')) continue;
        if (field === 'sellers') {
          body.sellers = raw
            .split(';')
            .map((s) => s.trim())
            .filter(Boolean);
        } else body[field] = BOOLEAN_FIELDS.has(field) ? csvBoolean(raw) : raw;
      }
      const errors: string[] = [];
      const parsed = CreateConsentBodySchema.safeParse(body);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const column = Object.entries(CSV_COLUMNS).find(([, f]) => f === issue.path[0])?.[0] ?? String(issue.path[0]);
          errors.push(`${column}: ${issue.message}`);
        }
      }
      if (typeof body.disclosureText !== 'string' || body.disclosureText.trim() === '') {
        if (!errors.some((e) => e.startsWith('disclosure_text'))) errors.push('disclosure_text: missing');
      }
      let phone: string | undefined;
      if (typeof body.phone === 'string') {
        try {
          phone = requireUsGeographic(body.phone, 'phone');
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      } else if (!errors.some((e) => e.startsWith('phone'))) errors.push('phone: missing');
      if (errors.length > 0 || !parsed.success || phone === undefined) {
        rejected.push({ line, errors });
        continue;
      }
      good.push({ line, values: this.consentValues(principal, parsed.data, phone, legalName, 'csv') });
    }
    const ids = await this.repository.transaction(async (manager) => {
      const inserted: string[] = [];
      for (const { values } of good) inserted.push((await this.insertConsent(principal, values, manager)).id);
      return inserted;
    });
    rejected.sort((a, b) => a.line - b.line);
    return { imported: ids.length, ids, rejected };
  }

  // ---- revocations and the internal DNC list ---------------------------------------------------

  async revoke(principal: Principal, body: CreateRevocationBody): Promise<Revocation> {
    const phone = requirePhone(body.phone, 'body.phone');
    const row = await this.repository.transaction(async (manager) => {
      const revocation = await this.repository.insertRevocation(
        principal.organizationId,
        {
          phoneE164: phone,
          channel: body.channel,
          words: body.words,
          receivedAt: new Date(body.receivedAt),
          callId: body.callId ?? null,
          internalDncEntryId: null,
        },
        actorOf(principal),
        manager,
      );
      await this.activity.record(
        {
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'revocation.recorded',
          subjectType: 'revocation',
          subjectId: revocation.id,
          details: { channel: body.channel },
        },
        manager,
      );
      return revocation;
    });
    return toRevocationView(row, seesNumbers(principal));
  }

  async listRevocations(principal: Principal, query: RevocationListQuery): Promise<Page<Revocation>> {
    const phone = optionalPhone(query.phone, 'query.phone');
    const rows = await this.repository.listRevocations(principal.organizationId, phone, {
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    const full = seesNumbers(principal);
    return toPage(rows, query.limit, (row) => toRevocationView(row, full));
  }

  /**
   * An opt-out (in a call, a STOP reply…): the revocation AND the internal DNC entry, in one
   * transaction, so the next evaluation blocks with DNC_INTERNAL and CONSENT_REVOKED. Used by
   * `POST /internal/calls/:id/opt-out` (the calls feature).
   */
  async recordOptOut(
    organizationId: string,
    optOut: OptOut,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<{ revocation: Revocation; internalDnc: InternalDncEntry }> {
    const phone = requirePhone(optOut.phone, 'phone');
    const { revocation, entry } = await this.repository.transaction(async (manager) => {
      const entryId = crypto.randomUUID();
      const revocation = await this.repository.insertRevocation(
        organizationId,
        {
          phoneE164: phone,
          channel: optOut.channel,
          words: optOut.words,
          receivedAt: optOut.receivedAt,
          callId: optOut.callId ?? null,
          internalDncEntryId: entryId,
        },
        actor,
        manager,
      );
      const entry = await this.repository.insertInternalDnc(
        organizationId,
        {
          id: entryId,
          phoneE164: phone,
          requestedAt: optOut.receivedAt,
          reason: `opt-out (${optOut.channel})`,
          source: 'opt_out',
          revocationId: revocation.id,
        },
        actor,
        manager,
      );
      await this.activity.record(
        {
          organizationId,
          actor,
          action: 'opt_out.recorded',
          subjectType: 'revocation',
          subjectId: revocation.id,
          details: { channel: optOut.channel, internalDncEntryId: entry.id, callId: optOut.callId ?? null },
        },
        manager,
      );
      return { revocation, entry };
    });
    return { revocation: toRevocationView(revocation, true), internalDnc: toDncView(entry, true) };
  }

  async addInternalDnc(principal: Principal, body: CreateInternalDncBody): Promise<InternalDncEntry> {
    const phone = requirePhone(body.phone, 'body.phone');
    const row = await this.repository.transaction(async (manager) => {
      const entry = await this.repository.insertInternalDnc(
        principal.organizationId,
        {
          phoneE164: phone,
          requestedAt: body.requestedAt ? new Date(body.requestedAt) : new Date(),
          reason: body.reason ?? null,
          source: 'api',
          revocationId: null,
        },
        actorOf(principal),
        manager,
      );
      await this.activity.record(
        {
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'dnc_internal.added',
          subjectType: 'internal_dnc_entry',
          subjectId: entry.id,
        },
        manager,
      );
      return entry;
    });
    return toDncView(row, seesNumbers(principal));
  }

  async listInternalDnc(principal: Principal, query: InternalDncListQuery): Promise<Page<InternalDncEntry>> {
    const phone = optionalPhone(query.phone, 'query.phone');
    const rows = await this.repository.listInternalDnc(
      principal.organizationId,
      { phoneE164: phone, includeRemoved: query.includeRemoved ?? false },
      { limit: query.limit, after: decodeCursor(query.cursor) },
    );
    const full = seesNumbers(principal);
    return toPage(rows, query.limit, (row) => toDncView(row, full));
  }

  /** Admin only (the route says so): marks the number's active entries removed, with who and why. */
  async removeInternalDnc(principal: Principal, query: DeleteInternalDncQuery): Promise<{ removed: number }> {
    const phone = requirePhone(query.phone, 'query.phone');
    const ids = await this.repository.transaction(async (manager) => {
      const removed = await this.repository.removeInternalDnc(
        principal.organizationId,
        phone,
        query.reason,
        actorOf(principal),
        manager,
      );
      if (removed.length === 0) throw ComplianceError.dncEntryNotFound();
      for (const id of removed) {
        await this.activity.record(
          {
            organizationId: principal.organizationId,
            actor: actorOf(principal),
            action: 'dnc_internal.removed',
            subjectType: 'internal_dnc_entry',
            subjectId: id,
            details: { reason: query.reason },
          },
          manager,
        );
      }
      return removed;
    });
    return { removed: ids.length };
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async legalName(organizationId: string): Promise<string> {
    const legalName = await this.repository.sellerLegalName(organizationId);
    if (legalName === null) throw new Error(`organisation ${organizationId} not found`);
    return legalName;
  }

  private async newConsent(
    principal: Principal,
    body: CreateConsentBody,
    source: 'api' | 'csv',
    prefix: string,
  ): Promise<NewConsent> {
    const phone = requireUsGeographic(body.phone, `${prefix}phone`);
    return this.consentValues(principal, body, phone, await this.legalName(principal.organizationId), source);
  }

  private consentValues(
    principal: Principal,
    body: CreateConsentBody,
    phoneE164: string,
    sellerLegalName: string,
    source: 'api' | 'csv',
  ): NewConsent {
    return {
      organizationId: principal.organizationId,
      phoneE164,
      type: body.type,
      disclosureText: body.disclosureText,
      disclosureSha256: sha256Hex(body.disclosureText),
      authorizesArtificialVoice: body.authorizesArtificialVoice,
      notConditionOfPurchase: body.notConditionOfPurchase,
      capturedAt: new Date(body.capturedAt),
      pageUrl: body.pageUrl ?? null,
      ip: body.ip ?? null,
      userAgent: body.userAgent ?? null,
      signatureMethod: body.signatureMethod,
      signatureAffirmative: body.affirmativeAct,
      written: body.written,
      sellers: body.sellers,
      scope: body.scope ?? null,
      certificateUrl: body.certificateUrl ?? null,
      source,
      elements: consentElementResults({
        type: body.type,
        phone: phoneE164,
        written: body.written,
        signatureAffirmative: body.affirmativeAct,
        sellers: body.sellers,
        sellerLegalName,
        authorizesArtificialVoice: body.authorizesArtificialVoice,
        disclosureText: body.disclosureText,
        notConditionOfPurchase: body.notConditionOfPurchase,
      }),
      createdBy: actorOf(principal),
    };
  }

  private async insertConsent(principal: Principal, values: NewConsent, manager: EntityManager): Promise<ConsentRow> {
    const row = await this.repository.insertConsent(values, manager);
    await this.activity.record(
      {
        organizationId: principal.organizationId,
        actor: actorOf(principal),
        action: 'consent.created',
        subjectType: 'consent',
        subjectId: row.id,
        details: { source: values.source, type: values.type },
      },
      manager,
    );
    return row;
  }
}
