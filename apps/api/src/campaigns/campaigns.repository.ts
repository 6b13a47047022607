import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CallSimulation } from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { CampaignContactEntity } from './campaign-contact.entity.js';
import { CampaignEntity } from './campaign.entity.js';

export type NewCampaign = Omit<
  CampaignEntity,
  'id' | 'organization' | 'status' | 'createdAt' | 'updatedAt' | 'startedAt' | 'finishedAt'
>;

export interface NewContact {
  phone: string;
  externalId: string | null;
  variables: Record<string, unknown>;
  simulation: CallSimulation | null;
}

/** A contact to plan, with the attempt its next call is (the same one after a pause or a deferral). */
export interface PlannableContact {
  id: string;
  phone: string;
  variables: Record<string, unknown>;
  simulation: CallSimulation | null;
  attempts: number;
  nextAttempt: number;
  notBefore: Date | null;
}

/** One planned contact, as the planning transaction writes it. */
export interface PlannedContact {
  contactId: string;
  phone: string;
  /** the `attempts` the contact had when it was read: the write is skipped when it moved meanwhile */
  expectedAttempts: number;
  state: 'queued' | 'scheduled' | 'blocked' | 'expired';
  attempt: number;
  runAt: Date | null;
  reasons: string[];
  call: {
    id: string;
    status: 'queued' | 'scheduled' | 'blocked';
    variables: Record<string, unknown>;
    simulation: CallSimulation | null;
    decisionIds: string[];
    lastDecision: Record<string, unknown>;
  } | null;
}

/** The contact's state as the API shows it: a queued contact whose call is being dialled is in progress. */
const EFFECTIVE_STATE = `CASE WHEN ct.state IN ('scheduled', 'queued') AND lc.status IN ('dialing', 'in_progress')
  THEN 'in_progress' ELSE ct.state END`;

/** States a contact is not done in. */
export const OPEN_STATES = ['pending', 'scheduled', 'queued'] as const;

export interface ContactRow {
  id: string;
  phone: string;
  externalId: string | null;
  state: string;
  attempts: number;
  nextAttemptAt: Date | null;
  lastCallId: string | null;
  lastStatus: string | null;
  lastDisposition: string | null;
  reasons: string[];
  createdAt: Date;
}

export interface CounterRows {
  states: Array<{ state: string; n: number }>;
  dispositions: Array<{ disposition: string; n: number }>;
  reasons: Array<{ reason: string; n: number }>;
}

/** Contacts added at once past which the table's statistics are refreshed. */
const ANALYZE_AFTER = 10_000;

const campaignLock = (manager: EntityManager, key: string, campaignId: string) =>
  manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || $2, 0))`, [key, campaignId]);

/** The only place of the campaigns feature that touches Postgres. */
@Injectable()
export class CampaignsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private campaigns(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(CampaignEntity);
  }

  async insert(campaign: NewCampaign): Promise<CampaignEntity> {
    const repository = this.campaigns();
    return repository.save(repository.create({ ...campaign, status: 'draft' }));
  }

  findById(organizationId: string, id: string): Promise<CampaignEntity | null> {
    return this.campaigns().findOne({ where: { organizationId, id } });
  }

  findByIdAny(id: string): Promise<CampaignEntity | null> {
    return this.campaigns().findOne({ where: { id } });
  }

  async list(
    organizationId: string,
    filter: { status?: string | undefined },
    after: CursorPosition | null,
    limit: number,
  ): Promise<CampaignEntity[]> {
    const query = this.campaigns()
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (filter.status !== undefined) query.andWhere('c.status = :status', { status: filter.status });
    if (after) {
      query.andWhere('(c.created_at, c.id) < (:createdAt, :id)', { createdAt: after.createdAt, id: after.id });
    }
    return query.getMany();
  }

  /** Moves the campaign from one of `from` to `to`; the updated row, or null when it was elsewhere. */
  async transition(
    id: string,
    from: readonly string[],
    to: string,
    extra: { started?: boolean; finished?: boolean } = {},
  ): Promise<CampaignEntity | null> {
    const rows = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE campaigns SET status = $2, updated_at = now(),
              started_at = CASE WHEN $4::boolean THEN coalesce(started_at, now()) ELSE started_at END,
              finished_at = CASE WHEN $5::boolean THEN now() ELSE finished_at END
        WHERE id = $1 AND status = ANY($3::text[]) RETURNING id`,
      [id, to, [...from], extra.started === true, extra.finished === true],
    );
    return rows[0].length > 0 ? this.findByIdAny(id) : null;
  }

  // ------------------------------------------------------------------ counters

  /** The counts behind the counters of each campaign (a page of a list counts in three statements). */
  async counters(campaignIds: string[]): Promise<Map<string, CounterRows>> {
    const counted = new Map<string, CounterRows>(
      campaignIds.map((id) => [id, { states: [], dispositions: [], reasons: [] }]),
    );
    if (campaignIds.length === 0) return counted;
    const [states, dispositions, reasons] = await Promise.all([
      this.dataSource.query<Array<{ campaign_id: string; state: string; n: number }>>(
        `SELECT ct.campaign_id, ${EFFECTIVE_STATE} AS state, count(*)::int AS n
           FROM campaign_contacts ct LEFT JOIN calls lc ON lc.id = ct.last_call_id
          WHERE ct.campaign_id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [campaignIds],
      ),
      this.dataSource.query<Array<{ campaign_id: string; disposition: string; n: number }>>(
        `SELECT campaign_id, last_disposition AS disposition, count(*)::int AS n FROM campaign_contacts
          WHERE campaign_id = ANY($1::uuid[]) AND last_disposition IS NOT NULL
            AND state IN ('completed', 'failed') GROUP BY 1, 2`,
        [campaignIds],
      ),
      this.dataSource.query<Array<{ campaign_id: string; reason: string; n: number }>>(
        `SELECT campaign_id, reason, count(*)::int AS n FROM campaign_contacts, unnest(reasons) AS reason
          WHERE campaign_id = ANY($1::uuid[]) AND state = 'blocked' GROUP BY 1, 2`,
        [campaignIds],
      ),
    ]);
    for (const row of states) counted.get(row.campaign_id)?.states.push(row);
    for (const row of dispositions) counted.get(row.campaign_id)?.dispositions.push(row);
    for (const row of reasons) counted.get(row.campaign_id)?.reasons.push(row);
    return counted;
  }

  /**
   * Whether the campaign has contacts and none is left to call (pending, planned or being dialled).
   * Asked at the end of every attempt: EXISTS stops at the first row, where counting read them all
   * (80 ms at 100,000 contacts, against 0.03 ms while open contacts remain).
   */
  /**
   * Running campaigns with a contact pending for more than `settleSeconds`: in a running campaign
   * a contact is pending only until a planner picks it up, so these were left behind (a process
   * that died while planning, a failed re-plan after an attempt).
   */
  async runningWithLeftBehind(settleSeconds: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT c.id FROM campaigns c
        WHERE c.status = 'running'
          AND EXISTS (SELECT 1 FROM campaign_contacts ct
                       WHERE ct.campaign_id = c.id AND ct.state = 'pending'
                         AND ct.updated_at < now() - make_interval(secs => $1))`,
      [settleSeconds],
    );
    return rows.map((row) => row.id);
  }

  /** Running campaigns whose every contact is final (their completion was missed). */
  async runningAllFinal(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT c.id FROM campaigns c
        WHERE c.status = 'running'
          AND EXISTS (SELECT 1 FROM campaign_contacts ct WHERE ct.campaign_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM campaign_contacts ct
                           WHERE ct.campaign_id = c.id AND ct.state = ANY($1::text[]))`,
      [[...OPEN_STATES]],
    );
    return rows.map((row) => row.id);
  }

  async allContactsFinal(campaignId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<Array<{ any: boolean; open: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM campaign_contacts WHERE campaign_id = $1) AS any,
              EXISTS (SELECT 1 FROM campaign_contacts WHERE campaign_id = $1 AND state = ANY($2::text[])) AS open`,
      [campaignId, [...OPEN_STATES]],
    );
    return row?.any === true && row.open === false;
  }

  async countContacts(campaignId: string): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1`,
      [campaignId],
    );
    return row?.n ?? 0;
  }

  // ------------------------------------------------------------------ contacts

  /**
   * Inserts the contacts in one transaction (multi-row INSERT of 5,000 rows at a time); a number
   * already in the campaign is left as it is. Returns how many were added.
   */
  async insertContacts(organizationId: string, campaignId: string, contacts: NewContact[]): Promise<number> {
    if (contacts.length === 0) return 0;
    const added = await this.dataSource.transaction(async (manager) => {
      let added = 0;
      for (let from = 0; from < contacts.length; from += 5_000) {
        const chunk = contacts.slice(from, from + 5_000);
        const rows = await manager.query<Array<{ id: string }>>(
          `INSERT INTO campaign_contacts (organization_id, campaign_id, phone, external_id, variables, simulation, state)
           SELECT $1, $2, x.phone, x.external_id, x.variables, x.simulation, 'pending'
             FROM jsonb_to_recordset($3::jsonb)
                  AS x(phone text, external_id text, variables jsonb, simulation jsonb)
           ON CONFLICT (campaign_id, phone) DO NOTHING
           RETURNING id`,
          [
            organizationId,
            campaignId,
            JSON.stringify(
              chunk.map((c) => ({
                phone: c.phone,
                external_id: c.externalId,
                variables: c.variables,
                simulation: c.simulation,
              })),
            ),
          ],
        );
        added += rows.length;
      }
      return added;
    });
    // a large import changes the table more than its statistics know until autovacuum comes by:
    // planned on "no pending contact", the planner's lookups by id walked all of them (ANALYZE
    // samples a bounded number of rows: ~0.2 s whatever the table's size)
    if (added >= ANALYZE_AFTER) await this.dataSource.query(`ANALYZE campaign_contacts`);
    return added;
  }

  async listContacts(
    campaignId: string,
    state: string | undefined,
    after: CursorPosition | null,
    limit: number,
  ): Promise<ContactRow[]> {
    const params: unknown[] = [campaignId, limit + 1];
    let where = 'ct.campaign_id = $1';
    if (state !== undefined) {
      params.push(state);
      where += ` AND ${EFFECTIVE_STATE} = $${params.length}`;
    }
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (ct.created_at, ct.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        phone: string;
        external_id: string | null;
        state: string;
        attempts: number;
        next_attempt_at: Date | null;
        last_call_id: string | null;
        last_status: string | null;
        last_disposition: string | null;
        reasons: string[];
        created_at: Date;
      }>
    >(
      `SELECT ct.id, ct.phone, ct.external_id, ${EFFECTIVE_STATE} AS state, ct.attempts, ct.next_attempt_at,
              ct.last_call_id, coalesce(lc.status, ct.last_status) AS last_status, ct.last_disposition,
              ct.reasons, ct.created_at
         FROM campaign_contacts ct LEFT JOIN calls lc ON lc.id = ct.last_call_id
        WHERE ${where}
        ORDER BY ct.created_at, ct.id LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      phone: row.phone,
      externalId: row.external_id,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastCallId: row.last_call_id,
      lastStatus: row.last_status,
      lastDisposition: row.last_disposition,
      reasons: row.reasons,
      createdAt: row.created_at,
    }));
  }

  /** ANALYZE calls: a plan writes calls faster than autovacuum's statistics follow. */
  async refreshCallStatistics(): Promise<void> {
    await this.dataSource.query(`ANALYZE calls`);
  }

  /** The ids of the campaign's pending contacts, in id order (what a planning pass goes through). */
  async pendingContactIds(campaignId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM campaign_contacts WHERE campaign_id = $1 AND state = 'pending' ORDER BY id`,
      [campaignId],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The contacts of `ids` that are still pending, by id, each with the attempt to plan: the same one
   * when its last call was cancelled before dialling (a pause, a dial-time deferral), else the next.
   * Looked up from the ids (primary key): filtering `id = ANY(…)` lets Postgres walk every pending
   * contact of the campaign on the (campaign_id, state) index instead, 30 ms a batch at 100,000.
   */
  async pendingContacts(campaignId: string, ids: string[]): Promise<PlannableContact[]> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        phone: string;
        variables: Record<string, unknown>;
        simulation: CallSimulation | null;
        attempts: number;
        next_attempt: number;
        next_attempt_at: Date | null;
      }>
    >(
      `SELECT ct.id, ct.phone, ct.variables, ct.simulation, ct.attempts, ct.next_attempt_at,
              CASE WHEN lc.id IS NULL OR lc.status = 'cancelled' THEN greatest(ct.attempts, 1)
                   ELSE ct.attempts + 1 END AS next_attempt
         FROM unnest($2::uuid[]) AS wanted(id)
         JOIN campaign_contacts ct ON ct.id = wanted.id
         LEFT JOIN calls lc ON lc.id = ct.last_call_id
        WHERE ct.campaign_id = $1 AND ct.state = 'pending'
        ORDER BY ct.id`,
      [campaignId, ids],
    );
    return rows.map((row) => ({
      id: row.id,
      phone: row.phone,
      variables: row.variables,
      simulation: row.simulation,
      attempts: row.attempts,
      nextAttempt: row.next_attempt,
      notBefore: row.next_attempt_at,
    }));
  }

  // ------------------------------------------------------------------ planning

  /**
   * Writes one planning batch in one transaction: under the campaign's planning lock, with the
   * campaign still running, `allocate` is given the pacing slots already used from the batch's
   * first minute on and the contacts still as they were read; it places each contact, and the
   * call rows, the contacts and the slot counts are written together. Returns what was written
   * (contacts that moved meanwhile, or a planned attempt that already has its call, are left out).
   */
  async writePlan(
    campaign: CampaignEntity,
    contactIds: string[],
    fromMinute: Date,
    allocate: (slots: Map<number, number>, stillPending: Set<string>) => PlannedContact[],
  ): Promise<PlannedContact[]> {
    return this.dataSource.transaction(async (manager) => {
      await campaignLock(manager, 'campaign-plan:', campaign.id);
      const [current] = await manager.query<Array<{ status: string }>>(
        `SELECT status FROM campaigns WHERE id = $1 FOR SHARE`,
        [campaign.id],
      );
      if (current?.status !== 'running') return [];
      const slotRows = await manager.query<Array<{ minute: Date; used: number }>>(
        `SELECT minute, used FROM campaign_minute_slots WHERE campaign_id = $1 AND minute >= $2`,
        [campaign.id, fromMinute],
      );
      const slots = new Map(slotRows.map((row) => [row.minute.getTime(), row.used]));
      const before = new Map(slots);
      // the contacts are read again under lock: a pause or a listener may have moved some. One
      // primary-key lookup per id (LATERAL): as a join or `id = ANY(…)`, Postgres prefers scanning
      // the campaign's contacts whole (40–60 ms a batch at 100,000, against 3 ms)
      const locked = await manager.query<Array<{ id: string; attempts: number }>>(
        `SELECT c.id, c.attempts FROM unnest($1::uuid[]) AS wanted(id)
           CROSS JOIN LATERAL (SELECT ct.id, ct.attempts FROM campaign_contacts ct
                                WHERE ct.id = wanted.id AND ct.state = 'pending' FOR UPDATE) c`,
        [contactIds],
      );
      const stillPending = new Set(locked.map((row) => `${row.id}:${row.attempts}`));
      return this.writeAllocation(manager, campaign, slots, before, allocate(slots, stillPending));
    });
  }

  private async writeAllocation(
    manager: EntityManager,
    campaign: CampaignEntity,
    slots: Map<number, number>,
    before: Map<number, number>,
    planned: PlannedContact[],
  ): Promise<PlannedContact[]> {
    const calls = planned.flatMap((p) => (p.call ? [{ p, call: p.call }] : []));
    let inserted = new Set<string>();
    if (calls.length > 0) {
      const rows = await manager.query<Array<{ id: string }>>(
        `INSERT INTO calls (id, organization_id, flow_id, flow_version, "to", caller_id, purpose, subject, variables,
                            simulation, status, attempt, decision_ids, last_decision, scheduled_for, completed_at,
                            campaign_id, contact_id)
         SELECT x.id, $1, $2, $3, x.phone, $4, $5, $6, x.variables, x.simulation, x.status, x.attempt,
                x.decision_ids, x.last_decision, x.run_at,
                CASE WHEN x.status = 'blocked' THEN now() ELSE NULL END, $7, x.contact_id
           FROM jsonb_to_recordset($8::jsonb) AS x(id uuid, phone text, variables jsonb, simulation jsonb,
                status text, attempt int, decision_ids uuid[], last_decision jsonb, run_at timestamptz, contact_id uuid)
         ON CONFLICT (contact_id, attempt) WHERE contact_id IS NOT NULL AND status <> 'cancelled' DO NOTHING
         RETURNING id`,
        [
          campaign.organizationId,
          campaign.flowId,
          campaign.flowVersion,
          campaign.callerId,
          campaign.purpose,
          campaign.subject,
          campaign.id,
          JSON.stringify(
            calls.map(({ p, call }) => ({
              id: call.id,
              phone: p.phone,
              variables: call.variables,
              simulation: call.simulation,
              status: call.status,
              attempt: p.attempt,
              decision_ids: call.decisionIds,
              last_decision: call.lastDecision,
              run_at: p.runAt?.toISOString() ?? null,
              contact_id: p.contactId,
            })),
          ),
        ],
      );
      inserted = new Set(rows.map((row) => row.id));
    }
    const written = planned.filter((p) => !p.call || inserted.has(p.call.id));
    if (written.length > 0) {
      await manager.query(
        `UPDATE campaign_contacts ct SET state = x.state, attempts = x.attempt, next_attempt_at = x.run_at,
                last_call_id = coalesce(x.call_id, ct.last_call_id),
                last_status = coalesce(x.call_status, ct.last_status),
                reasons = x.reasons, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, state text, attempt int, run_at timestamptz,
                call_id uuid, call_status text, reasons text[])
          WHERE ct.id = x.id`,
        [
          JSON.stringify(
            written.map((p) => ({
              id: p.contactId,
              state: p.state,
              attempt: p.state === 'expired' ? p.expectedAttempts : p.attempt,
              run_at: p.runAt?.toISOString() ?? null,
              call_id: p.call?.id ?? null,
              call_status: p.call?.status ?? null,
              reasons: p.reasons,
            })),
          ),
        ],
      );
    }
    const changed = [...slots].filter(([minute, used]) => before.get(minute) !== used);
    if (changed.length > 0) {
      await manager.query(
        `INSERT INTO campaign_minute_slots (campaign_id, minute, used)
         SELECT $1, to_timestamp(x.minute / 1000.0), x.used FROM jsonb_to_recordset($2::jsonb) AS x(minute bigint, used int)
         ON CONFLICT (campaign_id, minute) DO UPDATE SET used = EXCLUDED.used`,
        [campaign.id, JSON.stringify(changed.map(([minute, used]) => ({ minute, used })))],
      );
    }
    return written;
  }

  // ------------------------------------------------------------------ attempts that ended

  /**
   * Applies `decide` to the contact of a finished call under its row lock, when the call is still
   * the contact's current one and the contact is not done (so a listener called twice changes
   * nothing the second time). Null when nothing was changed.
   */
  async settleContact(
    contactId: string,
    callId: string,
    decide: (contact: CampaignContactEntity) => {
      state: string;
      lastStatus: string | null;
      lastDisposition: string | null;
      reasons: string[];
      nextAttemptAt: Date | null;
    } | null,
  ): Promise<CampaignContactEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const contact = await manager
        .getRepository(CampaignContactEntity)
        .createQueryBuilder('ct')
        .setLock('pessimistic_write')
        .where('ct.id = :contactId', { contactId })
        .getOne();
      if (!contact || contact.lastCallId !== callId) return null;
      if (!(['scheduled', 'queued'] as string[]).includes(contact.state)) return null;
      const change = decide(contact);
      if (!change) return null;
      await manager.query(
        `UPDATE campaign_contacts SET state = $2, last_status = $3, last_disposition = $4, reasons = $5::text[],
                next_attempt_at = $6, updated_at = now() WHERE id = $1`,
        [contactId, change.state, change.lastStatus, change.lastDisposition, change.reasons, change.nextAttemptAt],
      );
      return { ...contact, ...change };
    });
  }

  /**
   * A pause: every call of the campaign still waiting for its worker is cancelled
   * (`campaign_paused`) and its contact goes back to `pending`, for the same attempt. Returns the
   * cancelled attempts, whose jobs are to be removed.
   */
  async returnWaitingToPending(campaignId: string): Promise<Array<{ callId: string; attempt: number }>> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[Array<{ id: string; attempt: number; contact_id: string }>, number]>(
        `UPDATE calls SET status = 'cancelled', disposition = 'campaign_paused', completed_at = now(), updated_at = now()
          WHERE campaign_id = $1 AND status IN ('queued', 'scheduled') RETURNING id, attempt, contact_id`,
        [campaignId],
      );
      await manager.query(
        `UPDATE campaign_contacts SET state = 'pending', next_attempt_at = NULL, updated_at = now()
          WHERE campaign_id = $1 AND state IN ('queued', 'scheduled') AND last_call_id = ANY($2::uuid[])`,
        [campaignId, rows[0].map((row) => row.id)],
      );
      return rows[0].map((row) => ({ callId: row.id, attempt: row.attempt }));
    });
  }

  /**
   * A cancellation: every waiting call cancelled, every contact not done and not being dialled
   * cancelled. Returns the cancelled attempts, whose jobs are to be removed.
   */
  async cancelOpen(campaignId: string): Promise<Array<{ callId: string; attempt: number }>> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<[Array<{ id: string; attempt: number }>, number]>(
        `UPDATE calls SET status = 'cancelled', disposition = 'campaign_cancelled', completed_at = now(), updated_at = now()
          WHERE campaign_id = $1 AND status IN ('pending', 'queued', 'scheduled') RETURNING id, attempt`,
        [campaignId],
      );
      await manager.query(
        `UPDATE campaign_contacts ct SET state = 'cancelled', next_attempt_at = NULL, updated_at = now(),
                last_status = CASE WHEN lc.status = 'cancelled' THEN 'cancelled' ELSE ct.last_status END
           FROM campaign_contacts c2 LEFT JOIN calls lc ON lc.id = c2.last_call_id
          WHERE ct.id = c2.id AND ct.campaign_id = $1 AND ct.state = ANY($2::text[])
            AND (lc.id IS NULL OR lc.status NOT IN ('dialing', 'in_progress'))`,
        [campaignId, [...OPEN_STATES]],
      );
      return rows[0].map((row) => ({ callId: row.id, attempt: row.attempt }));
    });
  }
}
