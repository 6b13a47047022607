import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { queryPrepared } from '../database/prepared.js';

/** Who did something, as stored beside each row. */
export interface ActorColumns {
  kind: string;
  id: string;
  label: string;
}

export interface ConsentRow {
  id: string;
  organizationId: string;
  phoneE164: string;
  type: 'PEWC' | 'PEC';
  disclosureText: string;
  disclosureSha256: string;
  authorizesArtificialVoice: boolean;
  notConditionOfPurchase: boolean;
  capturedAt: Date;
  pageUrl: string | null;
  ip: string | null;
  userAgent: string | null;
  signatureMethod: string;
  signatureAffirmative: boolean;
  written: boolean;
  sellers: string[];
  scope: string | null;
  certificateUrl: string | null;
  source: 'api' | 'csv';
  elements: { element: string; ok: boolean; subCode?: string; detail: string }[];
  createdBy: ActorColumns;
  createdAt: Date;
  dispute: { id: string; reason: string; disputedBy: ActorColumns; disputedAt: Date } | null;
}
export type NewConsent = Omit<ConsentRow, 'id' | 'createdAt' | 'dispute'>;

export interface RevocationRow {
  id: string;
  phoneE164: string;
  channel: string;
  words: string;
  receivedAt: Date;
  honouredAt: Date;
  callId: string | null;
  internalDncEntryId: string | null;
  createdBy: ActorColumns;
  createdAt: Date;
}

export interface InternalDncRow {
  id: string;
  phoneE164: string;
  requestedAt: Date;
  reason: string | null;
  source: 'api' | 'opt_out';
  revocationId: string | null;
  createdBy: ActorColumns;
  createdAt: Date;
  removedAt: Date | null;
  removedBy: ActorColumns | null;
  removalReason: string | null;
}

export interface CallerIdRow {
  id: string;
  phoneE164: string;
  verifiedOwned: boolean;
  label: string | null;
  createdAt: Date;
}

export interface EmergencyRow {
  id: string;
  state: string;
  startsAt: Date;
  endsAt: Date | null;
  note: string | null;
  createdAt: Date;
}

/** What the gate reads of a consent: the evaluator's input is built from it. */
export type ConsentFact = Pick<
  ConsentRow,
  | 'id'
  | 'type'
  | 'phoneE164'
  | 'sellers'
  | 'capturedAt'
  | 'written'
  | 'signatureMethod'
  | 'signatureAffirmative'
  | 'disclosureText'
  | 'authorizesArtificialVoice'
  | 'notConditionOfPurchase'
  | 'disclosureSha256'
>;
export type RevocationFact = Pick<RevocationRow, 'phoneE164' | 'receivedAt' | 'channel' | 'words'>;
export type InternalDncFact = Pick<InternalDncRow, 'phoneE164' | 'requestedAt'>;
export type EmergencyFact = Pick<EmergencyRow, 'state' | 'startsAt' | 'endsAt'>;

/** What Postgres holds that the gate needs for one number (`ComplianceRepository.gateFacts`). */
export interface GateFacts {
  /** null: the organisation has no seller record */
  legalName: string | null;
  /** null: the caller id is not one of the organisation's */
  callerVerifiedOwned: boolean | null;
  consents: ConsentFact[];
  revocations: RevocationFact[];
  internalDnc: InternalDncFact[];
  attempts: { at: Date; subject: string | null }[];
  ebr: { lastTransactionAt: Date | null; lastInquiryAt: Date | null } | null;
  reassigned: { queriedAt: Date; result: 'YES' | 'NO' | 'NO_DATA' } | null;
  emergencies: EmergencyFact[];
}

export interface DecisionRow {
  id: string;
  organizationId: string;
  seq: number;
  phoneE164: string | null;
  purpose: string;
  mode: string;
  dryRun: boolean;
  outcome: string;
  nextAllowedAt: Date | null;
  reasons: Record<string, unknown>[];
  decision: Record<string, unknown>;
  input: Record<string, unknown>;
  ruleSetVersion: string;
  dncSnapshotIds: Record<string, string>;
  callId: string | null;
  campaignId: string | null;
  prevHash: string;
  hash: string;
  createdAt: Date;
}
/** What the service decides of a decision row; the chain position (seq, prevHash, hash) is the repository's. */
export type NewDecision = Omit<DecisionRow, 'seq' | 'prevHash' | 'hash'>;

export interface ListWindow {
  limit: number;
  after: CursorPosition | null;
}

type SqlRow = Record<string, unknown>;

const actorOf = (row: SqlRow, prefix: string): ActorColumns => ({
  kind: row[`${prefix}_kind`] as string,
  id: row[`${prefix}_id`] as string,
  label: row[`${prefix}_label`] as string,
});

function toConsent(row: SqlRow): ConsentRow {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    phoneE164: row.phone_e164 as string,
    type: row.type as ConsentRow['type'],
    disclosureText: row.disclosure_text as string,
    disclosureSha256: row.disclosure_sha256 as string,
    authorizesArtificialVoice: row.authorizes_artificial_voice as boolean,
    notConditionOfPurchase: row.not_condition_of_purchase as boolean,
    capturedAt: row.captured_at as Date,
    pageUrl: row.page_url as string | null,
    ip: row.ip as string | null,
    userAgent: row.user_agent as string | null,
    signatureMethod: row.signature_method as string,
    signatureAffirmative: row.signature_affirmative as boolean,
    written: row.written as boolean,
    sellers: row.sellers as string[],
    scope: row.scope as string | null,
    certificateUrl: row.certificate_url as string | null,
    source: row.source as ConsentRow['source'],
    elements: row.elements as ConsentRow['elements'],
    createdBy: actorOf(row, 'created_by'),
    createdAt: row.created_at as Date,
    dispute:
      row.dispute_id === null || row.dispute_id === undefined
        ? null
        : {
            id: row.dispute_id as string,
            reason: row.dispute_reason as string,
            disputedBy: actorOf(row, 'disputed_by'),
            disputedAt: row.disputed_at as Date,
          },
  };
}

function toRevocation(row: SqlRow): RevocationRow {
  return {
    id: row.id as string,
    phoneE164: row.phone_e164 as string,
    channel: row.channel as string,
    words: row.words as string,
    receivedAt: row.received_at as Date,
    honouredAt: row.honoured_at as Date,
    callId: row.call_id as string | null,
    internalDncEntryId: row.internal_dnc_entry_id as string | null,
    createdBy: actorOf(row, 'created_by'),
    createdAt: row.created_at as Date,
  };
}

function toInternalDnc(row: SqlRow): InternalDncRow {
  return {
    id: row.id as string,
    phoneE164: row.phone_e164 as string,
    requestedAt: row.requested_at as Date,
    reason: row.reason as string | null,
    source: row.source as InternalDncRow['source'],
    revocationId: row.revocation_id as string | null,
    createdBy: actorOf(row, 'created_by'),
    createdAt: row.created_at as Date,
    removedAt: row.removed_at as Date | null,
    removedBy: row.removed_by_kind === null ? null : actorOf(row, 'removed_by'),
    removalReason: row.removal_reason as string | null,
  };
}

function toCallerId(row: SqlRow): CallerIdRow {
  return {
    id: row.id as string,
    phoneE164: row.phone_e164 as string,
    verifiedOwned: row.verified_owned as boolean,
    label: row.label as string | null,
    createdAt: row.created_at as Date,
  };
}

function toEmergency(row: SqlRow): EmergencyRow {
  return {
    id: row.id as string,
    state: row.state as string,
    startsAt: row.starts_at as Date,
    endsAt: row.ends_at as Date | null,
    note: row.note as string | null,
    createdAt: row.created_at as Date,
  };
}

function toDecision(row: SqlRow): DecisionRow {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    seq: Number(row.seq),
    phoneE164: row.phone_e164 as string | null,
    purpose: row.purpose as string,
    mode: row.mode as string,
    dryRun: row.dry_run as boolean,
    outcome: row.outcome as string,
    nextAllowedAt: row.next_allowed_at as Date | null,
    reasons: row.reasons as Record<string, unknown>[],
    decision: row.decision as Record<string, unknown>,
    input: row.input as Record<string, unknown>,
    ruleSetVersion: row.rule_set_version as string,
    dncSnapshotIds: row.dnc_snapshot_ids as Record<string, string>,
    callId: row.call_id as string | null,
    campaignId: row.campaign_id as string | null,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
    createdAt: row.created_at as Date,
  };
}

/** `AND (created_at, id) < (cursor)` and the LIMIT of a keyset page, with its parameters appended. */
function keyset(params: unknown[], window: ListWindow, alias = ''): { where: string; tail: string } {
  let where = '';
  if (window.after) {
    params.push(window.after.createdAt, window.after.id);
    where = ` AND (${alias}created_at, ${alias}id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(window.limit + 1);
  return { where, tail: ` ORDER BY ${alias}created_at DESC, ${alias}id DESC LIMIT $${params.length}` };
}

const CONSENT_SELECT = `SELECT c.*, d.id AS dispute_id, d.reason AS dispute_reason, d.disputed_by_kind, d.disputed_by_id,
  d.disputed_by_label, d.created_at AS disputed_at FROM consents c LEFT JOIN consent_disputes d ON d.consent_id = c.id`;

/** The key of a (number, instant) pair in the batch reads' maps. */
export function batchKey(phone: string, at: Date): string {
  return `${phone}|${at.toISOString()}`;
}

function distinctPairs(pairs: { phone: string; at: Date }[]): { phone: string; at: Date }[] {
  const seen = new Map<string, { phone: string; at: Date }>();
  for (const pair of pairs) seen.set(batchKey(pair.phone, pair.at), pair);
  return [...seen.values()];
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return grouped;
}

/** The genesis "previous hash" of every organisation's decision chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The only place that touches the compliance tables. Every query is scoped by organisation.
 * Methods that take a `manager` run inside the caller's transaction.
 */
@Injectable()
export class ComplianceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The seller's legal name: its seller profile, else the organisation's name. */
  async sellerLegalName(organizationId: string): Promise<string | null> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT COALESCE(sp.legal_name, o.name) AS legal_name FROM organizations o
       LEFT JOIN seller_profiles sp ON sp.organization_id = o.id WHERE o.id = $1`,
      [organizationId],
    );
    return (rows[0]?.legal_name as string | undefined) ?? null;
  }

  async setSellerLegalName(organizationId: string, legalName: string): Promise<void> {
    await this.q().query(
      `INSERT INTO seller_profiles (organization_id, legal_name) VALUES ($1, $2)
       ON CONFLICT (organization_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, updated_at = now()`,
      [organizationId, legalName],
    );
  }

  // ---- consents --------------------------------------------------------------------------------

  async insertConsent(c: NewConsent, manager?: EntityManager): Promise<ConsentRow> {
    const rows: SqlRow[] = await this.q(manager).query(
      `INSERT INTO consents (organization_id, phone_e164, type, disclosure_text, disclosure_sha256,
         authorizes_artificial_voice, not_condition_of_purchase, captured_at, page_url, ip, user_agent,
         signature_method, signature_affirmative, written, sellers, scope, certificate_url, source, elements,
         created_by_kind, created_by_id, created_by_label)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15::jsonb,$16,$17,$18,$19::jsonb,$20,$21,$22) RETURNING *`,
      [
        c.organizationId,
        c.phoneE164,
        c.type,
        c.disclosureText,
        c.disclosureSha256,
        c.authorizesArtificialVoice,
        c.notConditionOfPurchase,
        c.capturedAt,
        c.pageUrl,
        c.ip,
        c.userAgent,
        c.signatureMethod,
        c.signatureAffirmative,
        c.written,
        JSON.stringify(c.sellers),
        c.scope,
        c.certificateUrl,
        c.source,
        JSON.stringify(c.elements),
        c.createdBy.kind,
        c.createdBy.id,
        c.createdBy.label,
      ],
    );
    return toConsent(rows[0] as SqlRow);
  }

  async findConsent(organizationId: string, id: string): Promise<ConsentRow | null> {
    const rows: SqlRow[] = await this.q().query(`${CONSENT_SELECT} WHERE c.organization_id = $1 AND c.id = $2`, [
      organizationId,
      id,
    ]);
    return rows[0] ? toConsent(rows[0]) : null;
  }

  async listConsents(organizationId: string, phoneE164: string | undefined, window: ListWindow): Promise<ConsentRow[]> {
    const params: unknown[] = [organizationId];
    let where = 'c.organization_id = $1';
    if (phoneE164 !== undefined) {
      params.push(phoneE164);
      where += ` AND c.phone_e164 = $${params.length}`;
    }
    const page = keyset(params, window, 'c.');
    const rows: SqlRow[] = await this.q().query(`${CONSENT_SELECT} WHERE ${where}${page.where}${page.tail}`, params);
    return rows.map(toConsent);
  }

  /** Inserts the dispute unless the consent already has one; false when it had. */
  async insertDispute(
    organizationId: string,
    consentId: string,
    reason: string,
    by: ActorColumns,
    manager?: EntityManager,
  ): Promise<boolean> {
    const rows: SqlRow[] = await this.q(manager).query(
      `INSERT INTO consent_disputes (organization_id, consent_id, reason, disputed_by_kind, disputed_by_id, disputed_by_label)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consent_id) DO NOTHING RETURNING id`,
      [organizationId, consentId, reason, by.kind, by.id, by.label],
    );
    return rows.length === 1;
  }

  // ---- revocations and the internal DNC list ---------------------------------------------------

  async insertRevocation(
    organizationId: string,
    r: {
      phoneE164: string;
      channel: string;
      words: string;
      receivedAt: Date;
      callId: string | null;
      internalDncEntryId: string | null;
    },
    by: ActorColumns,
    manager?: EntityManager,
  ): Promise<RevocationRow> {
    const rows: SqlRow[] = await this.q(manager).query(
      `INSERT INTO revocations (organization_id, phone_e164, channel, words, received_at, call_id, internal_dnc_entry_id,
         created_by_kind, created_by_id, created_by_label, honoured_at, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10, clock_timestamp(), clock_timestamp()) RETURNING *`,
      [
        organizationId,
        r.phoneE164,
        r.channel,
        r.words,
        r.receivedAt,
        r.callId,
        r.internalDncEntryId,
        by.kind,
        by.id,
        by.label,
      ],
    );
    return toRevocation(rows[0] as SqlRow);
  }

  async listRevocations(
    organizationId: string,
    phoneE164: string | undefined,
    window: ListWindow,
  ): Promise<RevocationRow[]> {
    const params: unknown[] = [organizationId];
    let where = 'organization_id = $1';
    if (phoneE164 !== undefined) {
      params.push(phoneE164);
      where += ` AND phone_e164 = $${params.length}`;
    }
    const page = keyset(params, window);
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM revocations WHERE ${where}${page.where}${page.tail}`,
      params,
    );
    return rows.map(toRevocation);
  }

  async insertInternalDnc(
    organizationId: string,
    e: {
      id?: string;
      phoneE164: string;
      requestedAt: Date;
      reason: string | null;
      source: 'api' | 'opt_out';
      revocationId: string | null;
    },
    by: ActorColumns,
    manager?: EntityManager,
  ): Promise<InternalDncRow> {
    const rows: SqlRow[] = await this.q(manager).query(
      `INSERT INTO internal_dnc_entries (id, organization_id, phone_e164, requested_at, reason, source, revocation_id,
         created_by_kind, created_by_id, created_by_label, created_at)
       VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp()) RETURNING *`,
      [
        e.id ?? null,
        organizationId,
        e.phoneE164,
        e.requestedAt,
        e.reason,
        e.source,
        e.revocationId,
        by.kind,
        by.id,
        by.label,
      ],
    );
    return toInternalDnc(rows[0] as SqlRow);
  }

  async listInternalDnc(
    organizationId: string,
    filter: { phoneE164?: string | undefined; includeRemoved: boolean },
    window: ListWindow,
  ): Promise<InternalDncRow[]> {
    const params: unknown[] = [organizationId];
    let where = 'organization_id = $1';
    if (filter.phoneE164 !== undefined) {
      params.push(filter.phoneE164);
      where += ` AND phone_e164 = $${params.length}`;
    }
    if (!filter.includeRemoved) where += ' AND removed_at IS NULL';
    const page = keyset(params, window);
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM internal_dnc_entries WHERE ${where}${page.where}${page.tail}`,
      params,
    );
    return rows.map(toInternalDnc);
  }

  /** Marks every active entry of the number removed; how many were. */
  async removeInternalDnc(
    organizationId: string,
    phoneE164: string,
    reason: string,
    by: ActorColumns,
    manager?: EntityManager,
  ): Promise<string[]> {
    const rows: SqlRow[] = await this.q(manager).query(
      `UPDATE internal_dnc_entries SET removed_at = clock_timestamp(), removed_by_kind = $3, removed_by_id = $4,
         removed_by_label = $5, removal_reason = $6
       WHERE organization_id = $1 AND phone_e164 = $2 AND removed_at IS NULL RETURNING id`,
      [organizationId, phoneE164, by.kind, by.id, by.label, reason],
    );
    // UPDATE … RETURNING through TypeORM's query() yields [rows, count]
    const returned = (Array.isArray(rows[0]) ? rows[0] : rows) as SqlRow[];
    return returned.map((row) => row.id as string);
  }

  // ---- caller ids, emergencies, attempts, EBR, reassigned numbers ------------------------------

  /** Inserts the caller id; null when the organisation already has that number. */
  async insertCallerId(
    organizationId: string,
    c: { phoneE164: string; verifiedOwned: boolean; label: string | null },
  ): Promise<CallerIdRow | null> {
    const rows: SqlRow[] = await this.q().query(
      `INSERT INTO caller_ids (organization_id, phone_e164, verified_owned, label) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_caller_ids_phone DO NOTHING RETURNING *`,
      [organizationId, c.phoneE164, c.verifiedOwned, c.label],
    );
    return rows[0] ? toCallerId(rows[0]) : null;
  }

  async listCallerIds(organizationId: string, window: ListWindow): Promise<CallerIdRow[]> {
    const params: unknown[] = [organizationId];
    const page = keyset(params, window);
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM caller_ids WHERE organization_id = $1${page.where}${page.tail}`,
      params,
    );
    return rows.map(toCallerId);
  }

  async insertEmergency(
    organizationId: string,
    e: { state: string; startsAt: Date; endsAt: Date | null; note: string | null },
    by: ActorColumns,
  ): Promise<EmergencyRow> {
    const rows: SqlRow[] = await this.q().query(
      `INSERT INTO state_emergencies (organization_id, state, starts_at, ends_at, note, created_by_kind, created_by_id, created_by_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [organizationId, e.state, e.startsAt, e.endsAt, e.note, by.kind, by.id, by.label],
    );
    return toEmergency(rows[0] as SqlRow);
  }

  async listEmergencies(organizationId: string, window: ListWindow): Promise<EmergencyRow[]> {
    const params: unknown[] = [organizationId];
    const page = keyset(params, window);
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM state_emergencies WHERE organization_id = $1${page.where}${page.tail}`,
      params,
    );
    return rows.map(toEmergency);
  }

  async allEmergencies(organizationId: string): Promise<EmergencyRow[]> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM state_emergencies WHERE organization_id = $1 ORDER BY starts_at`,
      [organizationId],
    );
    return rows.map(toEmergency);
  }

  async insertAttempt(
    organizationId: string,
    a: { phoneE164: string; subject: string | null; attemptedAt: Date; callId: string | null; callerId: string | null },
  ): Promise<string> {
    const rows: SqlRow[] = await this.q().query(
      `INSERT INTO call_attempts (organization_id, phone_e164, subject, attempted_at, call_id, caller_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [organizationId, a.phoneE164, a.subject, a.attemptedAt, a.callId, a.callerId],
    );
    return (rows[0] as SqlRow).id as string;
  }

  async upsertBusinessRelationship(
    organizationId: string,
    phoneE164: string,
    ebr: { lastTransactionAt: Date | null; lastInquiryAt: Date | null },
  ): Promise<void> {
    await this.q().query(
      `INSERT INTO business_relationships (organization_id, phone_e164, last_transaction_at, last_inquiry_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id, phone_e164) DO UPDATE SET
         last_transaction_at = GREATEST(business_relationships.last_transaction_at, EXCLUDED.last_transaction_at),
         last_inquiry_at = GREATEST(business_relationships.last_inquiry_at, EXCLUDED.last_inquiry_at),
         updated_at = now()`,
      [organizationId, phoneE164, ebr.lastTransactionAt, ebr.lastInquiryAt],
    );
  }

  async insertReassignedCheck(
    organizationId: string,
    check: { phoneE164: string; queriedAt: Date; result: 'YES' | 'NO' | 'NO_DATA' },
  ): Promise<void> {
    await this.q().query(
      `INSERT INTO reassigned_number_checks (organization_id, phone_e164, queried_at, result) VALUES ($1, $2, $3, $4)`,
      [organizationId, check.phoneE164, check.queriedAt, check.result],
    );
  }

  // ---- the gate's reads ------------------------------------------------------------------------------

  /**
   * Everything Postgres holds that the gate needs for one number, in one round trip: the seller's
   * legal name, whether the caller id is owned, and the number's consents (undisputed), revocations,
   * active internal DNC entries, attempts in the 14 days + 24 h before `at` (enough for every cap and
   * the window search), EBR, latest Reassigned Numbers Database answer at or before `at`, and the
   * organisation's emergencies. Each list in the order the batch reads below give.
   */
  async gateFacts(
    organizationId: string,
    phoneE164: string | null,
    callerE164: string | null,
    at: Date,
  ): Promise<GateFacts> {
    const { rows } = await queryPrepared<SqlRow>(
      this.dataSource,
      `SELECT
         (SELECT COALESCE(sp.legal_name, o.name) FROM organizations o
            LEFT JOIN seller_profiles sp ON sp.organization_id = o.id WHERE o.id = $1) AS legal_name,
         (SELECT verified_owned FROM caller_ids WHERE organization_id = $1 AND phone_e164 = $3) AS caller_verified_owned,
         (SELECT json_agg(json_build_object('id', c.id, 'type', c.type, 'phoneE164', c.phone_e164,
                   'sellers', c.sellers, 'capturedAt', c.captured_at, 'written', c.written,
                   'signatureMethod', c.signature_method, 'signatureAffirmative', c.signature_affirmative,
                   'disclosureText', c.disclosure_text, 'authorizesArtificialVoice', c.authorizes_artificial_voice,
                   'notConditionOfPurchase', c.not_condition_of_purchase, 'disclosureSha256', c.disclosure_sha256)
                   ORDER BY c.captured_at, c.id)
            FROM consents c LEFT JOIN consent_disputes d ON d.consent_id = c.id
           WHERE c.organization_id = $1 AND c.phone_e164 = $2 AND d.id IS NULL) AS consents,
         (SELECT json_agg(json_build_object('phoneE164', phone_e164, 'receivedAt', received_at, 'channel', channel,
                   'words', words) ORDER BY received_at, id)
            FROM revocations WHERE organization_id = $1 AND phone_e164 = $2) AS revocations,
         (SELECT json_agg(json_build_object('phoneE164', phone_e164, 'requestedAt', requested_at)
                   ORDER BY requested_at, id)
            FROM internal_dnc_entries
           WHERE organization_id = $1 AND phone_e164 = $2 AND removed_at IS NULL) AS internal_dnc,
         (SELECT json_agg(json_build_object('at', attempted_at, 'subject', subject) ORDER BY attempted_at, id)
            FROM call_attempts WHERE organization_id = $1 AND phone_e164 = $2
             AND attempted_at > $4::timestamptz - interval '15 days') AS attempts,
         (SELECT json_build_object('lastTransactionAt', last_transaction_at, 'lastInquiryAt', last_inquiry_at)
            FROM business_relationships WHERE organization_id = $1 AND phone_e164 = $2) AS ebr,
         (SELECT json_build_object('queriedAt', queried_at, 'result', result) FROM reassigned_number_checks
           WHERE organization_id = $1 AND phone_e164 = $2 AND queried_at <= $4
           ORDER BY queried_at DESC, id DESC LIMIT 1) AS reassigned,
         (SELECT json_agg(json_build_object('state', state, 'startsAt', starts_at, 'endsAt', ends_at) ORDER BY starts_at)
            FROM state_emergencies WHERE organization_id = $1) AS emergencies`,
      [organizationId, phoneE164, callerE164, at],
    );
    const row = rows[0] ?? {};
    // timestamps inside json come back as ISO text: new Date() reads them as pg's own parser does
    const list = (value: unknown) => (value ?? []) as SqlRow[];
    const ebr = row.ebr as SqlRow | null;
    const reassigned = row.reassigned as SqlRow | null;
    return {
      legalName: (row.legal_name as string | null | undefined) ?? null,
      callerVerifiedOwned: (row.caller_verified_owned as boolean | null | undefined) ?? null,
      consents: list(row.consents).map((c) => ({
        id: c.id as string,
        type: c.type as ConsentRow['type'],
        phoneE164: c.phoneE164 as string,
        sellers: c.sellers as string[],
        capturedAt: new Date(c.capturedAt as string),
        written: c.written as boolean,
        signatureMethod: c.signatureMethod as string,
        signatureAffirmative: c.signatureAffirmative as boolean,
        disclosureText: c.disclosureText as string,
        authorizesArtificialVoice: c.authorizesArtificialVoice as boolean,
        notConditionOfPurchase: c.notConditionOfPurchase as boolean,
        disclosureSha256: c.disclosureSha256 as string,
      })),
      revocations: list(row.revocations).map((r) => ({
        phoneE164: r.phoneE164 as string,
        receivedAt: new Date(r.receivedAt as string),
        channel: r.channel as string,
        words: r.words as string,
      })),
      internalDnc: list(row.internal_dnc).map((e) => ({
        phoneE164: e.phoneE164 as string,
        requestedAt: new Date(e.requestedAt as string),
      })),
      attempts: list(row.attempts).map((a) => ({ at: new Date(a.at as string), subject: a.subject as string | null })),
      ebr: ebr
        ? {
            lastTransactionAt: ebr.lastTransactionAt === null ? null : new Date(ebr.lastTransactionAt as string),
            lastInquiryAt: ebr.lastInquiryAt === null ? null : new Date(ebr.lastInquiryAt as string),
          }
        : null,
      reassigned: reassigned
        ? { queriedAt: new Date(reassigned.queriedAt as string), result: reassigned.result as 'YES' | 'NO' | 'NO_DATA' }
        : null,
      emergencies: list(row.emergencies).map((e) => ({
        state: e.state as string,
        startsAt: new Date(e.startsAt as string),
        endsAt: e.endsAt === null ? null : new Date(e.endsAt as string),
      })),
    };
  }

  // ---- batch reads (ComplianceGateService.checkMany) ----------------------------------------------
  // One query per kind of fact for a whole batch of numbers; each returns exactly what `gateFacts`
  // returns for each number, in the same order, grouped by number.

  /** `undisputedConsentsFor` for many numbers: number → its consents (captured_at order). */
  async undisputedConsentsForMany(organizationId: string, phones: string[]): Promise<Map<string, ConsentRow[]>> {
    const rows: SqlRow[] = await this.q().query(
      `${CONSENT_SELECT} WHERE c.organization_id = $1 AND c.phone_e164 = ANY($2::text[]) AND d.id IS NULL
       ORDER BY c.captured_at, c.id`,
      [organizationId, phones],
    );
    return groupBy(rows.map(toConsent), (row) => row.phoneE164);
  }

  async revocationsForMany(organizationId: string, phones: string[]): Promise<Map<string, RevocationRow[]>> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM revocations WHERE organization_id = $1 AND phone_e164 = ANY($2::text[]) ORDER BY received_at, id`,
      [organizationId, phones],
    );
    return groupBy(rows.map(toRevocation), (row) => row.phoneE164);
  }

  async activeInternalDncForMany(organizationId: string, phones: string[]): Promise<Map<string, InternalDncRow[]>> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM internal_dnc_entries WHERE organization_id = $1 AND phone_e164 = ANY($2::text[])
         AND removed_at IS NULL ORDER BY requested_at, id`,
      [organizationId, phones],
    );
    return groupBy(rows.map(toInternalDnc), (row) => row.phoneE164);
  }

  /**
   * `attemptsFor` for many (number, instant) pairs, keyed `batchKey(phone, at)`. The window is
   * computed by Postgres per pair, exactly as the single read does.
   */
  async attemptsForMany(
    organizationId: string,
    pairs: { phone: string; at: Date }[],
  ): Promise<Map<string, { at: Date; subject: string | null }[]>> {
    const distinct = distinctPairs(pairs);
    const rows: SqlRow[] = await this.q().query(
      `SELECT r.phone, r.at, a.attempted_at, a.subject
         FROM unnest($2::text[], $3::timestamptz[]) AS r(phone, at)
         JOIN call_attempts a ON a.organization_id = $1 AND a.phone_e164 = r.phone
          AND a.attempted_at > r.at - interval '15 days'
        ORDER BY a.attempted_at, a.id`,
      [organizationId, distinct.map((p) => p.phone), distinct.map((p) => p.at)],
    );
    const grouped = new Map<string, { at: Date; subject: string | null }[]>();
    for (const row of rows) {
      const key = batchKey(row.phone as string, row.at as Date);
      const list = grouped.get(key) ?? [];
      if (list.length === 0) grouped.set(key, list);
      list.push({ at: row.attempted_at as Date, subject: row.subject as string | null });
    }
    return grouped;
  }

  async ebrForMany(
    organizationId: string,
    phones: string[],
  ): Promise<Map<string, { lastTransactionAt: Date | null; lastInquiryAt: Date | null }>> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT phone_e164, last_transaction_at, last_inquiry_at FROM business_relationships
        WHERE organization_id = $1 AND phone_e164 = ANY($2::text[])`,
      [organizationId, phones],
    );
    return new Map(
      rows.map((row) => [
        row.phone_e164 as string,
        {
          lastTransactionAt: row.last_transaction_at as Date | null,
          lastInquiryAt: row.last_inquiry_at as Date | null,
        },
      ]),
    );
  }

  /** `latestReassignedCheck` for many (number, instant) pairs, keyed `batchKey(phone, at)`. */
  async latestReassignedChecksMany(
    organizationId: string,
    pairs: { phone: string; at: Date }[],
  ): Promise<Map<string, { queriedAt: Date; result: 'YES' | 'NO' | 'NO_DATA' }>> {
    const distinct = distinctPairs(pairs);
    const rows: SqlRow[] = await this.q().query(
      `SELECT DISTINCT ON (r.phone, r.at) r.phone, r.at, c.queried_at, c.result
         FROM unnest($2::text[], $3::timestamptz[]) AS r(phone, at)
         JOIN reassigned_number_checks c ON c.organization_id = $1 AND c.phone_e164 = r.phone AND c.queried_at <= r.at
        ORDER BY r.phone, r.at, c.queried_at DESC, c.id DESC`,
      [organizationId, distinct.map((p) => p.phone), distinct.map((p) => p.at)],
    );
    return new Map(
      rows.map((row) => [
        batchKey(row.phone as string, row.at as Date),
        { queriedAt: row.queried_at as Date, result: row.result as 'YES' | 'NO' | 'NO_DATA' },
      ]),
    );
  }

  async findCallerIds(organizationId: string, phones: string[]): Promise<Map<string, CallerIdRow>> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM caller_ids WHERE organization_id = $1 AND phone_e164 = ANY($2::text[])`,
      [organizationId, phones],
    );
    return new Map(rows.map((row) => [row.phone_e164 as string, toCallerId(row)]));
  }

  // ---- the decision log --------------------------------------------------------------------------

  /**
   * Appends decisions to the organisation's chain in one multi-row INSERT. A transaction-scoped
   * advisory lock on the organisation serialises writers, so two concurrent appends can never both
   * follow the same head (the chain cannot fork): they take consecutive seqs, each chained to the
   * one before, in the given order; `hashOf` computes a row's hash from the previous one. All or
   * none are written. (A single call's decision comes here too, grouped with its concurrent ones by
   * `DecisionLogService.append`.)
   */
  appendDecisions(
    decisions: NewDecision[],
    hashOf: (row: Omit<DecisionRow, 'hash'>) => string,
  ): Promise<DecisionRow[]> {
    const first = decisions[0];
    if (!first) return Promise.resolve([]);
    const organizationId = first.organizationId;
    if (decisions.some((decision) => decision.organizationId !== organizationId)) {
      return Promise.reject(new Error('appendDecisions: every decision must belong to the same organisation'));
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('compliance_decisions:' || $1))`, [organizationId]);
      const heads: SqlRow[] = await manager.query(
        `SELECT seq, hash FROM compliance_decisions WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1`,
        [organizationId],
      );
      const head = heads[0];
      let seq = head ? Number(head.seq) : 0;
      let prevHash = head ? (head.hash as string) : GENESIS_HASH;
      const rows: DecisionRow[] = decisions.map((decision) => {
        seq += 1;
        const hash = hashOf({ ...decision, seq, prevHash });
        const row: DecisionRow = { ...decision, seq, prevHash, hash };
        prevHash = hash;
        return row;
      });
      // one JSON document of the rows (jsonb_to_recordset): two parameters whatever the batch size,
      // and each row's input (≈ 2 KB of evidence) goes as JSON as it is, where a jsonb[] parameter
      // had every element escaped into an array literal (by pg, then parsed back by Postgres)
      await manager.query(
        `INSERT INTO compliance_decisions (id, organization_id, seq, phone_e164, purpose, mode, dry_run, outcome,
           next_allowed_at, reasons, decision, input, rule_set_version, dnc_snapshot_ids, call_id, campaign_id,
           prev_hash, hash, created_at)
         SELECT x.id, $1::uuid, x.seq, x.phone_e164, x.purpose, x.mode, x.dry_run, x.outcome, x.next_allowed_at, x.reasons,
                x.decision, x.input, x.rule_set_version, x.dnc_snapshot_ids, x.call_id, x.campaign_id, x.prev_hash,
                x.hash, x.created_at
           FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, seq bigint, phone_e164 text, purpose text, mode text,
                dry_run boolean, outcome text, next_allowed_at timestamptz, reasons jsonb, decision jsonb, input jsonb,
                rule_set_version text, dnc_snapshot_ids jsonb, call_id text, campaign_id text, prev_hash text,
                hash text, created_at timestamptz)`,
        [
          organizationId,
          JSON.stringify(
            rows.map((r) => ({
              id: r.id,
              seq: r.seq,
              phone_e164: r.phoneE164,
              purpose: r.purpose,
              mode: r.mode,
              dry_run: r.dryRun,
              outcome: r.outcome,
              next_allowed_at: r.nextAllowedAt?.toISOString() ?? null,
              reasons: r.reasons,
              decision: r.decision,
              input: r.input,
              rule_set_version: r.ruleSetVersion,
              dnc_snapshot_ids: r.dncSnapshotIds,
              call_id: r.callId,
              campaign_id: r.campaignId,
              prev_hash: r.prevHash,
              hash: r.hash,
              created_at: r.createdAt.toISOString(),
            })),
          ),
        ],
      );
      return rows;
    });
  }

  async listDecisions(
    organizationId: string,
    filter: {
      phoneE164?: string | undefined;
      outcome?: string | undefined;
      from?: Date | undefined;
      to?: Date | undefined;
    },
    window: ListWindow,
  ): Promise<DecisionRow[]> {
    const params: unknown[] = [organizationId];
    let where = 'organization_id = $1';
    const add = (clause: string, value: unknown): void => {
      params.push(value);
      where += ` AND ${clause.replace('?', `$${params.length}`)}`;
    };
    if (filter.phoneE164 !== undefined) add('phone_e164 = ?', filter.phoneE164);
    if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
    if (filter.from !== undefined) add('created_at >= ?', filter.from);
    if (filter.to !== undefined) add('created_at < ?', filter.to);
    const page = keyset(params, window);
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM compliance_decisions WHERE ${where}${page.where}${page.tail}`,
      params,
    );
    return rows.map(toDecision);
  }

  /** The organisation's chain in order, `batch` rows after `afterSeq`. */
  async decisionChain(organizationId: string, afterSeq: number, batch: number): Promise<DecisionRow[]> {
    const rows: SqlRow[] = await this.q().query(
      `SELECT * FROM compliance_decisions WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [organizationId, afterSeq, batch],
    );
    return rows.map(toDecision);
  }
}
