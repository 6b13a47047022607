import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CallAttemptView,
  ComplianceDecisionRecord,
  ComplianceSearchHit,
  Consent,
  InternalDncEntry,
  Revocation,
} from '@switchboard/contracts';
import { DataSource } from 'typeorm';

type SqlRow = Record<string, unknown>;
type Actor = { kind: string; id: string; label: string };

const iso = (value: unknown): string => (value as Date).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null ? null : iso(value));
const actorOf = (row: SqlRow, prefix: string): Actor => ({
  kind: row[`${prefix}_kind`] as string,
  id: row[`${prefix}_id`] as string,
  label: row[`${prefix}_label`] as string,
});

/** What a search narrows to; every criterion given must hold (AND). */
export interface SearchCriteria {
  text?: string | undefined;
  phone?: string | undefined;
  consentId?: string | undefined;
  campaignId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  afterPhone: string | null;
  limit: number;
}

export interface HonouredRow {
  periodStart: Date | null;
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
  overZero: number;
}

export interface SnapshotRow {
  kind: 'national' | 'state';
  state: string;
  id: string;
  obtainedAt: Date;
  numbers: number;
}

export interface CoverageRow {
  phone: string;
  hasConsent: boolean;
  inForce: boolean;
  undisputed: boolean;
  valid: boolean;
}

/** Escapes `%`, `_` and `\` so user text matches literally in ILIKE. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Read-only SQL over the compliance feature's tables (and the DNC snapshots) for reviewers. Every
 * statement filters by organisation: another tenant's rows are simply not there.
 */
@Injectable()
export class ComplianceReviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organisation's name and the seller legal name consents must name (the name until one is set). */
  async organization(organizationId: string): Promise<{ name: string; legalName: string } | null> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT o.name, COALESCE(sp.legal_name, o.name) AS legal_name FROM organizations o
         LEFT JOIN seller_profiles sp ON sp.organization_id = o.id WHERE o.id = $1`,
      [organizationId],
    );
    const row = rows[0];
    return row ? { name: row.name as string, legalName: row.legal_name as string } : null;
  }

  async consents(organizationId: string, phone: string): Promise<Consent[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT c.*, d.id AS dispute_id, d.reason AS dispute_reason, d.disputed_by_kind, d.disputed_by_id,
              d.disputed_by_label, d.created_at AS disputed_at
         FROM consents c LEFT JOIN consent_disputes d ON d.consent_id = c.id AND d.organization_id = c.organization_id
        WHERE c.organization_id = $1 AND c.phone_e164 = $2 ORDER BY c.captured_at, c.id`,
      [organizationId, phone],
    );
    return rows.map((row) => {
      const elements = row.elements as Consent['elements'];
      const disputed = row.dispute_id !== null;
      return {
        id: row.id as string,
        phone: row.phone_e164 as string,
        type: row.type as Consent['type'],
        disclosure: {
          text: row.disclosure_text as string,
          sha256: row.disclosure_sha256 as string,
          authorizesArtificialVoice: row.authorizes_artificial_voice as boolean,
          notConditionOfPurchase: row.not_condition_of_purchase as boolean,
        },
        capturedAt: iso(row.captured_at),
        pageUrl: row.page_url as string | null,
        ip: row.ip as string | null,
        userAgent: row.user_agent as string | null,
        signature: { method: row.signature_method as string, affirmative: row.signature_affirmative as boolean },
        written: row.written as boolean,
        sellers: row.sellers as string[],
        scope: row.scope as string | null,
        certificateUrl: row.certificate_url as string | null,
        source: row.source as Consent['source'],
        elements,
        valid: elements.every((element) => element.ok),
        status: disputed ? 'disputed' : 'active',
        dispute: disputed
          ? {
              id: row.dispute_id as string,
              reason: row.dispute_reason as string,
              disputedBy: actorOf(row, 'disputed_by'),
              disputedAt: iso(row.disputed_at),
            }
          : null,
        createdBy: actorOf(row, 'created_by'),
        createdAt: iso(row.created_at),
      };
    });
  }

  async revocations(organizationId: string, phone: string): Promise<Revocation[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT * FROM revocations WHERE organization_id = $1 AND phone_e164 = $2 ORDER BY received_at, id`,
      [organizationId, phone],
    );
    return rows.map((row) => ({
      id: row.id as string,
      phone: row.phone_e164 as string,
      channel: row.channel as Revocation['channel'],
      words: row.words as string,
      receivedAt: iso(row.received_at),
      honouredAt: iso(row.honoured_at),
      callId: row.call_id as string | null,
      internalDncEntryId: row.internal_dnc_entry_id as string | null,
      createdBy: actorOf(row, 'created_by'),
    }));
  }

  async internalDnc(organizationId: string, phone: string): Promise<InternalDncEntry[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT * FROM internal_dnc_entries WHERE organization_id = $1 AND phone_e164 = $2 ORDER BY created_at, id`,
      [organizationId, phone],
    );
    return rows.map((row) => ({
      id: row.id as string,
      phone: row.phone_e164 as string,
      requestedAt: iso(row.requested_at),
      reason: row.reason as string | null,
      source: row.source as InternalDncEntry['source'],
      revocationId: row.revocation_id as string | null,
      createdBy: actorOf(row, 'created_by'),
      createdAt: iso(row.created_at),
      removedAt: isoOrNull(row.removed_at),
      removedBy: row.removed_at === null ? null : actorOf(row, 'removed_by'),
      removalReason: row.removal_reason as string | null,
    }));
  }

  async decisions(organizationId: string, phone: string): Promise<ComplianceDecisionRecord[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT * FROM compliance_decisions WHERE organization_id = $1 AND phone_e164 = $2 ORDER BY seq`,
      [organizationId, phone],
    );
    return rows.map(toDecision);
  }

  async attempts(organizationId: string, phone: string): Promise<CallAttemptView[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT * FROM call_attempts WHERE organization_id = $1 AND phone_e164 = $2 ORDER BY attempted_at, id`,
      [organizationId, phone],
    );
    return rows.map((row) => ({
      id: row.id as string,
      attemptedAt: iso(row.attempted_at),
      subject: row.subject as string | null,
      callId: row.call_id as string | null,
      callerId: row.caller_id as string | null,
    }));
  }

  /**
   * Numbers with any evidence, one row per number with its counts, ordered by number (keyset on the
   * number). The date range limits the events counted and a number needs one inside it; the other
   * criteria pick numbers whatever the date of the matching row.
   */
  async search(organizationId: string, criteria: SearchCriteria): Promise<ComplianceSearchHit[]> {
    const params: unknown[] = [organizationId, criteria.from ?? null, criteria.to ?? null];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const filters: string[] = [];
    if (criteria.text !== undefined || criteria.phone !== undefined) {
      const alternatives: string[] = [];
      if (criteria.text !== undefined) {
        const p = param(likePattern(criteria.text));
        alternatives.push(
          `SELECT phone_e164 FROM consents WHERE organization_id = $1 AND (disclosure_text ILIKE ${p}
             OR scope ILIKE ${p} OR page_url ILIKE ${p} OR certificate_url ILIKE ${p} OR sellers::text ILIKE ${p})`,
        );
      }
      if (criteria.phone !== undefined) alternatives.push(`SELECT ${param(criteria.phone)}::text`);
      filters.push(`phone IN (${alternatives.join(' UNION ')})`);
    }
    if (criteria.consentId !== undefined) {
      filters.push(
        `phone IN (SELECT phone_e164 FROM consents WHERE organization_id = $1 AND id = ${param(criteria.consentId)})`,
      );
    }
    if (criteria.campaignId !== undefined) {
      filters.push(
        `phone IN (SELECT phone_e164 FROM compliance_decisions WHERE organization_id = $1 AND campaign_id = ${param(criteria.campaignId)})`,
      );
    }
    if (criteria.afterPhone !== null) filters.push(`phone > ${param(criteria.afterPhone)}`);
    const limit = param(criteria.limit + 1);
    const rows = await this.dataSource.query<SqlRow[]>(
      `WITH events AS (
         SELECT phone_e164 AS phone, 'consent' AS kind, captured_at AS at FROM consents WHERE organization_id = $1
         UNION ALL SELECT phone_e164, 'revocation', received_at FROM revocations WHERE organization_id = $1
         UNION ALL SELECT phone_e164, 'dnc', created_at FROM internal_dnc_entries WHERE organization_id = $1
         UNION ALL SELECT phone_e164, 'decision', created_at FROM compliance_decisions
                    WHERE organization_id = $1 AND phone_e164 IS NOT NULL
         UNION ALL SELECT phone_e164, 'attempt', attempted_at FROM call_attempts WHERE organization_id = $1)
       SELECT phone,
              count(*) FILTER (WHERE kind = 'consent')::int AS consents,
              count(*) FILTER (WHERE kind = 'revocation')::int AS revocations,
              count(*) FILTER (WHERE kind = 'dnc')::int AS dnc,
              count(*) FILTER (WHERE kind = 'decision')::int AS decisions,
              count(*) FILTER (WHERE kind = 'attempt')::int AS attempts,
              min(at) AS first_at, max(at) AS last_at
         FROM events
        WHERE ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
              ${filters.map((filter) => `AND ${filter}`).join(' ')}
        GROUP BY phone ORDER BY phone LIMIT ${limit}`,
      params,
    );
    return rows.map((row) => ({
      phone: row.phone as string,
      counts: {
        consents: row.consents as number,
        revocations: row.revocations as number,
        internalDnc: row.dnc as number,
        decisions: row.decisions as number,
        attempts: row.attempts as number,
      },
      firstAt: iso(row.first_at),
      lastAt: iso(row.last_at),
    }));
  }

  /** honouredAt − receivedAt in seconds, per period (`periodStart` null = the whole range). */
  async honouredTimes(
    organizationId: string,
    period: 'day' | 'week' | 'month' | null,
    from: Date | null,
    to: Date | null,
  ): Promise<HonouredRow[]> {
    const bucket = period === null ? 'NULL::timestamptz' : `date_trunc('${period}', received_at, 'UTC')`;
    const rows = await this.dataSource.query<SqlRow[]>(
      `WITH r AS (
         SELECT ${bucket} AS period_start, EXTRACT(EPOCH FROM honoured_at - received_at)::float8 AS seconds
           FROM revocations
          WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR received_at >= $2)
            AND ($3::timestamptz IS NULL OR received_at < $3))
       SELECT period_start, count(*)::int AS count,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95,
              max(seconds) AS max, count(*) FILTER (WHERE seconds > 0)::int AS over_zero
         FROM r GROUP BY period_start ORDER BY period_start`,
      [organizationId, from, to],
    );
    return rows.map((row) => ({
      periodStart: row.period_start as Date | null,
      count: row.count as number,
      p50: row.p50 as number | null,
      p95: row.p95 as number | null,
      max: row.max as number | null,
      overZero: row.over_zero as number,
    }));
  }

  async revocationChannels(
    organizationId: string,
    period: 'day' | 'week' | 'month',
    from: Date | null,
    to: Date | null,
  ): Promise<{ periodStart: Date; channel: string; count: number }[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT date_trunc('${period}', received_at, 'UTC') AS period_start, channel, count(*)::int AS count
         FROM revocations
        WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR received_at >= $2)
          AND ($3::timestamptz IS NULL OR received_at < $3)
        GROUP BY 1, 2`,
      [organizationId, from, to],
    );
    return rows.map((row) => ({
      periodStart: row.period_start as Date,
      channel: row.channel as string,
      count: row.count as number,
    }));
  }

  /** DIAL_NOW decisions that were ALLOWED although a reason says OUTSIDE_HOURS (newest first, keyset). */
  async allowedOutsideHours(
    organizationId: string,
    range: { from: Date | null; to: Date | null },
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<{ checked: number; count: number; rows: ComplianceDecisionRecord[] }> {
    const where = `organization_id = $1 AND mode = 'DIAL_NOW' AND outcome = 'ALLOWED'
       AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)`;
    const outside = `reasons @> '[{"code":"OUTSIDE_HOURS"}]'::jsonb`;
    const [totals] = await this.dataSource.query<SqlRow[]>(
      `SELECT count(*)::int AS checked, count(*) FILTER (WHERE ${outside})::int AS count
         FROM compliance_decisions WHERE ${where}`,
      [organizationId, range.from, range.to],
    );
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT * FROM compliance_decisions WHERE ${where} AND ${outside}
          AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $6`,
      [organizationId, range.from, range.to, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return {
      checked: (totals?.checked as number | undefined) ?? 0,
      count: (totals?.count as number | undefined) ?? 0,
      rows: rows.map(toDecision),
    };
  }

  /** The newest ready snapshot of each list obtained at or before `at`. */
  async currentSnapshots(organizationId: string, at: Date): Promise<SnapshotRow[]> {
    const rows = await this.dataSource.query<SqlRow[]>(
      `SELECT DISTINCT ON (kind, state) kind, state, id, obtained_at, numbers
         FROM dnc_snapshots WHERE organization_id = $1 AND status = 'ready' AND obtained_at <= $2
        ORDER BY kind, state, obtained_at DESC, completed_at DESC`,
      [organizationId, at],
    );
    return rows.map((row) => ({
      kind: row.kind as SnapshotRow['kind'],
      state: row.state as string,
      id: row.id as string,
      obtainedAt: row.obtained_at as Date,
      numbers: Number(row.numbers),
    }));
  }

  /**
   * Per number: any consent on file; one captured after the latest revocation (in force, as the
   * gate counts it); one of those not disputed; one of those whose stored E1–E8 results all hold.
   * The numbers: those given, or those of a campaign's contacts (null when the organisation has no
   * such campaign).
   */
  async coverage(
    organizationId: string,
    numbers: { phones: string[] } | { campaignId: string },
    at: Date,
  ): Promise<CoverageRow[] | null> {
    if ('campaignId' in numbers) {
      const found = await this.dataSource.query<SqlRow[]>(
        `SELECT 1 FROM campaigns WHERE id = $1 AND organization_id = $2`,
        [numbers.campaignId, organizationId],
      );
      if (found.length === 0) return null;
    }
    const source =
      'campaignId' in numbers
        ? `SELECT DISTINCT phone FROM campaign_contacts WHERE campaign_id = $2::uuid AND organization_id = $1`
        : `SELECT DISTINCT unnest($2::text[]) AS phone`;
    const rows = await this.dataSource.query<SqlRow[]>(
      `WITH p AS (${source}),
       rv AS (SELECT phone_e164, max(received_at) AS revoked_at FROM revocations
               WHERE organization_id = $1 AND phone_e164 IN (SELECT phone FROM p) AND received_at <= $3
               GROUP BY phone_e164),
       c AS (SELECT c.phone_e164, c.captured_at > coalesce(rv.revoked_at, '-infinity') AS in_force,
                    d.id IS NULL AS undisputed,
                    NOT jsonb_path_exists(c.elements, '$[*] ? (@.ok == false)') AS valid
               FROM consents c
               LEFT JOIN rv ON rv.phone_e164 = c.phone_e164
               LEFT JOIN consent_disputes d ON d.consent_id = c.id
              WHERE c.organization_id = $1 AND c.phone_e164 IN (SELECT phone FROM p) AND c.captured_at <= $3)
       SELECT p.phone, count(c.phone_e164) > 0 AS has_consent,
              coalesce(bool_or(c.in_force), false) AS in_force,
              coalesce(bool_or(c.in_force AND c.undisputed), false) AS undisputed,
              coalesce(bool_or(c.in_force AND c.undisputed AND c.valid), false) AS valid
         FROM p LEFT JOIN c ON c.phone_e164 = p.phone GROUP BY p.phone ORDER BY p.phone`,
      [organizationId, 'campaignId' in numbers ? numbers.campaignId : numbers.phones, at],
    );
    return rows.map((row) => ({
      phone: row.phone as string,
      hasConsent: row.has_consent as boolean,
      inForce: row.in_force as boolean,
      undisputed: row.undisputed as boolean,
      valid: row.valid as boolean,
    }));
  }
}

function toDecision(row: SqlRow): ComplianceDecisionRecord {
  const decision = row.decision as Record<string, unknown>;
  return {
    id: row.id as string,
    seq: Number(row.seq),
    phone: row.phone_e164 as string | null,
    purpose: row.purpose as string,
    mode: row.mode as string,
    dryRun: row.dry_run as boolean,
    outcome: row.outcome as string,
    nextAllowedAt: isoOrNull(row.next_allowed_at),
    reasons: row.reasons as ComplianceDecisionRecord['reasons'],
    zones: (decision.zones as string[] | undefined) ?? [],
    states: (decision.states as string[] | undefined) ?? [],
    ruleSetVersion: row.rule_set_version as string,
    dncSnapshotIds: row.dnc_snapshot_ids as Record<string, string>,
    callId: row.call_id as string | null,
    campaignId: row.campaign_id as string | null,
    input: row.input,
    hash: row.hash as string,
    createdAt: iso(row.created_at),
  };
}
