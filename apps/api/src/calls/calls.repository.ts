import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { GroupCommit } from '../common/batching/group-commit.js';
import { CallEntity } from './call.entity.js';
import { queryPrepared } from '../database/prepared.js';

export type NewCall = Pick<
  CallEntity,
  'organizationId' | 'flowId' | 'flowVersion' | 'to' | 'callerId' | 'purpose' | 'subject' | 'variables'
> &
  Partial<Pick<CallEntity, 'simulation'>>;

/** An Idempotency-Key's earlier use: the body it came with and its call (null: still being created). */
export interface IdempotencyKeyUse {
  kind: 'existing';
  requestHash: string;
  callId: string | null;
}

/** Statuses a worker may claim a call from. */
export const CLAIMABLE = ['queued', 'scheduled'] as const;
/** Statuses of a call being dialled or talked to. */
export const ACTIVE = ['dialing', 'in_progress'] as const;
/** The same statuses as SQL lists, written into the recovery queries so that their partial indexes match. */
const WAITING_SQL = `(${CLAIMABLE.map((status) => `'${status}'`).join(', ')})`;
const ACTIVE_SQL = `(${ACTIVE.map((status) => `'${status}'`).join(', ')})`;
/** Statuses a caller may cancel from. */
export const CANCELLABLE = ['pending', 'queued', 'scheduled'] as const;

/** A call waiting for its job, as the queue reconciler checks it. */
export type WaitingCall = Pick<CallEntity, 'id' | 'attempt' | 'scheduledFor'>;

type SqlRow = Record<string, unknown>;

/** A `calls` row read with plain SQL, as TypeORM would hydrate it. */
function toCall(row: SqlRow): CallEntity {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    flowId: row.flow_id as string,
    flowVersion: row.flow_version as number,
    to: row.to as string,
    callerId: row.caller_id as string,
    purpose: row.purpose as CallEntity['purpose'],
    subject: row.subject as string | null,
    variables: row.variables as Record<string, unknown>,
    simulation: row.simulation as CallEntity['simulation'],
    status: row.status as string,
    attempt: row.attempt as number,
    decisionIds: row.decision_ids as string[],
    lastDecision: row.last_decision as Record<string, unknown> | null,
    scheduledFor: row.scheduled_for as Date | null,
    disposition: row.disposition as string | null,
    path: row.path as string[],
    transcript: row.transcript as unknown[],
    events: row.events as unknown[],
    lastEventSeq: row.last_event_seq as number,
    claimedBy: row.claimed_by as string | null,
    leaseUntil: row.lease_until as Date | null,
    optedOut: row.opted_out as boolean,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    completedAt: row.completed_at as Date | null,
    failureReason: row.failure_reason as string | null,
    campaignId: row.campaign_id as string | null,
    contactId: row.contact_id as string | null,
  };
}

/** A call to insert, and the Idempotency-Key to reserve for it (if any). */
interface NewCallItem {
  call: NewCall;
  idempotency: { key: string; requestHash: string; ttlSeconds: number } | null;
}

/** How a pending call leaves `pending` after its schedule-time gate. */
export interface PendingDecision {
  status: 'blocked' | 'scheduled' | 'queued';
  decisionId: string | null;
  decision: Record<string, unknown>;
  scheduledFor: Date | null;
}

/** The only place of the calls feature that touches Postgres. */
@Injectable()
export class CallsRepository {
  /** new calls of concurrent requests, one INSERT */
  private readonly inserts = new GroupCommit<NewCallItem, { kind: 'inserted'; call: CallEntity } | IdempotencyKeyUse>(
    (items) => this.insertMany(items),
  );
  /** the schedule-time decisions of concurrent requests, one UPDATE */
  private readonly pendingDecisions = new GroupCommit<{ id: string; change: PendingDecision }, CallEntity | null>(
    (items) => this.decidePendingMany(items),
  );

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private calls(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(CallEntity);
  }

  /** A new call (`pending`, attempt 1), grouped with concurrent ones (see `insertWithIdempotencyKey`). */
  async insert(call: NewCall): Promise<CallEntity> {
    const result = await this.inserts.run({ call, idempotency: null });
    if (result.kind !== 'inserted') throw new Error('calls: a call without an Idempotency-Key was not inserted');
    return result.call;
  }

  /**
   * A new call under an Idempotency-Key: the key is reserved for the call and the call inserted in
   * the same statement (the key names the call from the start), unless the key was used in the
   * last `ttlSeconds` — then nothing is written and the key's earlier use is answered. An expired
   * key is taken over. Group commit: the calls of concurrent requests go in one INSERT (a lone
   * one at once); a statement that fails is retried call by call, so a call the database refuses
   * fails alone.
   */
  async insertWithIdempotencyKey(
    call: NewCall,
    key: string,
    requestHash: string,
    ttlSeconds: number,
  ): Promise<{ kind: 'inserted'; call: CallEntity } | IdempotencyKeyUse> {
    return this.inserts.run({ call, idempotency: { key, requestHash, ttlSeconds } });
  }

  /** New calls, with or without a key each, in one statement; one answer per call, in order. */
  private async insertMany(
    items: NewCallItem[],
  ): Promise<Array<{ kind: 'inserted'; call: CallEntity } | IdempotencyKeyUse>> {
    // a key twice in one statement would conflict with itself: the later use is answered after
    const seen = new Set<string>();
    const written = items.map((item) => {
      if (item.idempotency === null) return true;
      const name = `${item.call.organizationId}:${item.idempotency.key}`;
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    });
    const rows = items.filter((_, i) => written[i]);
    const ids = rows.map(() => randomUUID());
    const { rows: inserted } = await queryPrepared<SqlRow>(
      this.dataSource,
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[], $13::int[])
           AS u(id, organization_id, flow_id, flow_version, "to", caller_id, purpose, subject, variables, simulation,
                key, request_hash, ttl_seconds)),
       reserved AS (
         INSERT INTO call_idempotency_keys (organization_id, key, request_hash, call_id, expires_at)
         SELECT organization_id, key, request_hash, id, now() + make_interval(secs => ttl_seconds)
           FROM input WHERE key IS NOT NULL
         ON CONFLICT (organization_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, call_id = EXCLUDED.call_id, created_at = now(),
               expires_at = EXCLUDED.expires_at
           WHERE call_idempotency_keys.expires_at < now()
         RETURNING call_id)
       INSERT INTO calls (id, organization_id, flow_id, flow_version, "to", caller_id, purpose, subject, variables,
         simulation, status, attempt)
       SELECT id, organization_id, flow_id, flow_version, "to", caller_id, purpose, subject, variables, simulation,
              'pending', 1
         FROM input WHERE key IS NULL OR id IN (SELECT call_id FROM reserved)
       RETURNING *`,
      [
        ids,
        rows.map((item) => item.call.organizationId),
        rows.map((item) => item.call.flowId),
        rows.map((item) => item.call.flowVersion),
        rows.map((item) => item.call.to),
        rows.map((item) => item.call.callerId),
        rows.map((item) => item.call.purpose),
        rows.map((item) => item.call.subject),
        rows.map((item) => JSON.stringify(item.call.variables)),
        rows.map((item) => (item.call.simulation ? JSON.stringify(item.call.simulation) : null)),
        rows.map((item) => item.idempotency?.key ?? null),
        rows.map((item) => item.idempotency?.requestHash ?? null),
        rows.map((item) => item.idempotency?.ttlSeconds ?? null),
      ],
    );
    const byId = new Map(inserted.map((row) => [row.id as string, toCall(row)]));
    let next = 0;
    return Promise.all(
      items.map(async (item, i) => {
        const id = written[i] ? ids[next++] : undefined;
        const call = id === undefined ? undefined : byId.get(id);
        if (call) return { kind: 'inserted' as const, call };
        if (item.idempotency === null) throw new Error('calls: a call without an Idempotency-Key was not inserted');
        const { key, requestHash, ttlSeconds } = item.idempotency;
        const earlier = await this.findIdempotencyKey(item.call.organizationId, key);
        if (earlier) return earlier;
        // the key expired or was freed in between: it is this request's to take (directly: this
        // runs inside the group's write, which the next group waits for)
        const [again] = await this.insertMany([{ call: item.call, idempotency: { key, requestHash, ttlSeconds } }]);
        if (!again) throw new Error('calls: no answer for the call');
        return again;
      }),
    );
  }

  findById(organizationId: string, id: string): Promise<CallEntity | null> {
    return this.calls().findOne({ where: { organizationId, id } });
  }

  /** For the worker routes: the call id alone names the tenant (the worker token is not a tenant). */
  findByIdForWorker(id: string): Promise<CallEntity | null> {
    return this.calls().findOne({ where: { id } });
  }

  async list(
    organizationId: string,
    filter: { status?: string | undefined; campaignId?: string | undefined; contactId?: string | undefined },
    after: CursorPosition | null,
    limit: number,
  ): Promise<CallEntity[]> {
    const query = this.calls()
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (filter.status !== undefined) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.campaignId !== undefined)
      query.andWhere('c.campaign_id = :campaignId', { campaignId: filter.campaignId });
    if (filter.contactId !== undefined) query.andWhere('c.contact_id = :contactId', { contactId: filter.contactId });
    if (after) {
      query.andWhere('(c.created_at, c.id) < (:createdAt, :id)', { createdAt: after.createdAt, id: after.id });
    }
    return query.getMany();
  }

  /** Records a gate decision and moves the call on, when it still is in one of `from`. */
  async applyDecision(
    id: string,
    from: readonly string[],
    change: {
      status: string;
      decisionId: string | null;
      decision: Record<string, unknown>;
      scheduledFor?: Date | null;
      releaseLease?: boolean;
    },
  ): Promise<CallEntity | null> {
    // the row as updated (RETURNING *): reading it back would be a second round trip
    const { rows } = await queryPrepared<SqlRow>(
      this.dataSource,
      `UPDATE calls SET status = $2,
              decision_ids = CASE WHEN $3::uuid IS NULL THEN decision_ids ELSE array_append(decision_ids, $3::uuid) END,
              last_decision = $4::jsonb,
              scheduled_for = CASE WHEN $5::boolean THEN $6::timestamptz ELSE scheduled_for END,
              claimed_by = CASE WHEN $7::boolean THEN NULL ELSE claimed_by END,
              lease_until = CASE WHEN $7::boolean THEN NULL ELSE lease_until END,
              completed_at = CASE WHEN $2 = 'blocked' THEN now() ELSE completed_at END,
              updated_at = now()
        WHERE id = $1 AND status = ANY($8::text[])
        RETURNING *`,
      [
        id,
        change.status,
        change.decisionId,
        JSON.stringify(change.decision),
        change.scheduledFor !== undefined,
        change.scheduledFor ?? null,
        change.releaseLease === true,
        [...from],
      ],
    );
    const row = rows[0];
    return row ? toCall(row) : null;
  }

  /**
   * `applyDecision(id, ['pending'], change)` of a new call's schedule-time gate, grouped with the
   * concurrent ones into one UPDATE (a lone one at once; a failed statement is retried call by call).
   */
  decidePending(id: string, change: PendingDecision): Promise<CallEntity | null> {
    return this.pendingDecisions.run({ id, change });
  }

  private async decidePendingMany(
    items: Array<{ id: string; change: PendingDecision }>,
  ): Promise<(CallEntity | null)[]> {
    const { rows } = await queryPrepared<SqlRow>(
      this.dataSource,
      `UPDATE calls c SET status = u.status,
              decision_ids = CASE WHEN u.decision_id IS NULL THEN c.decision_ids
                                  ELSE array_append(c.decision_ids, u.decision_id) END,
              last_decision = u.decision,
              scheduled_for = u.scheduled_for,
              completed_at = CASE WHEN u.status = 'blocked' THEN now() ELSE c.completed_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[], $5::timestamptz[])
           AS u(id, status, decision_id, decision, scheduled_for)
        WHERE c.id = u.id AND c.status = 'pending'
        RETURNING c.*`,
      [
        items.map((item) => item.id),
        items.map((item) => item.change.status),
        items.map((item) => item.change.decisionId),
        items.map((item) => JSON.stringify(item.change.decision)),
        items.map((item) => item.change.scheduledFor),
      ],
    );
    const byId = new Map(rows.map((row) => [row.id as string, toCall(row)]));
    return items.map((item) => byId.get(item.id) ?? null);
  }

  /** Moves the call from one of `from` to `to`; the updated row, or null when it was elsewhere. */
  async transition(
    organizationId: string,
    id: string,
    from: readonly string[],
    to: string,
    extra: { disposition?: string; finished?: boolean } = {},
  ): Promise<CallEntity | null> {
    const result = await this.calls()
      .createQueryBuilder()
      .update(CallEntity)
      .set({
        status: to,
        updatedAt: () => 'now()',
        ...(extra.disposition !== undefined ? { disposition: extra.disposition } : {}),
        ...(extra.finished ? { completedAt: () => 'now()', claimedBy: null, leaseUntil: null } : {}),
      })
      .where({ organizationId, id, status: In([...from]) })
      .returning('*')
      .execute();
    return result.affected ? this.findById(organizationId, id) : null;
  }

  /**
   * The lease: one UPDATE that succeeds for one claimer of an attempt only. The call leaves the
   * claimable statuses, so the same attempt can never be claimed again, lease expired or not.
   */
  async claim(id: string, attempt: number, workerId: string, leaseSeconds: number): Promise<CallEntity | null> {
    const rows = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE calls SET status = 'dialing', claimed_by = $3,
              lease_until = now() + make_interval(secs => $4), updated_at = now()
        WHERE id = $1 AND attempt = $2 AND status = ANY($5::text[])
          AND (lease_until IS NULL OR lease_until < now())
        RETURNING id`,
      [id, attempt, workerId, leaseSeconds, [...CLAIMABLE]],
    );
    return rows[0].length > 0 ? this.findByIdForWorker(id) : null;
  }

  /**
   * The claim of a campaign call: under the campaign's advisory lock (so two claims cannot both
   * take the last slot), a campaign that is not running refuses, and one with `maxConcurrent`
   * calls holding a live lease answers `paced`; otherwise the lease is taken as `claim` does.
   * `single` when the call belongs to no campaign (or is not claimable for this attempt).
   */
  async claimInCampaign(
    id: string,
    attempt: number,
    workerId: string,
    leaseSeconds: number,
  ): Promise<
    | { kind: 'single' }
    | { kind: 'not_running'; campaignStatus: string }
    | { kind: 'paced'; maxConcurrent: number; perMinute: number }
    | { kind: 'leased'; call: CallEntity | null }
  > {
    const leasedId = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<Array<{ campaign_id: string | null }>>(
        `SELECT campaign_id FROM calls WHERE id = $1 AND attempt = $2 AND status = ANY($3::text[])`,
        [id, attempt, [...CLAIMABLE]],
      );
      if (!row?.campaign_id) return { kind: 'single' as const };
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('campaign-claims:' || $1, 0))`, [
        row.campaign_id,
      ]);
      const [campaign] = await manager.query<Array<{ status: string; max_concurrent: number; per_minute: number }>>(
        `SELECT status, max_concurrent, per_minute FROM campaigns WHERE id = $1`,
        [row.campaign_id],
      );
      if (!campaign || campaign.status !== 'running') {
        return { kind: 'not_running' as const, campaignStatus: campaign?.status ?? 'deleted' };
      }
      const [active] = await manager.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM calls
          WHERE campaign_id = $1 AND status = ANY($2::text[]) AND lease_until > now()`,
        [row.campaign_id, [...ACTIVE]],
      );
      if ((active?.n ?? 0) >= campaign.max_concurrent) {
        return { kind: 'paced' as const, maxConcurrent: campaign.max_concurrent, perMinute: campaign.per_minute };
      }
      const [updated] = await manager.query<[Array<{ id: string }>, number]>(
        `UPDATE calls SET status = 'dialing', claimed_by = $3,
                lease_until = now() + make_interval(secs => $4), updated_at = now()
          WHERE id = $1 AND attempt = $2 AND status = ANY($5::text[])
            AND (lease_until IS NULL OR lease_until < now())
          RETURNING id`,
        [id, attempt, workerId, leaseSeconds, [...CLAIMABLE]],
      );
      return { kind: 'leased' as const, id: updated.length > 0 ? id : null };
    });
    if (leasedId.kind !== 'leased') return leasedId;
    return { kind: 'leased', call: leasedId.id ? await this.findByIdForWorker(leasedId.id) : null };
  }

  /**
   * Appends the events whose sequence number is above the stored one (a resent batch adds
   * nothing), and moves a dialing call to in_progress. Null when the call is not active.
   */
  async appendEvents(
    id: string,
    events: Array<{ seq: number } & Record<string, unknown>>,
  ): Promise<{ accepted: number; lastSeq: number } | null> {
    return this.dataSource.transaction(async (manager) => {
      const call = await manager
        .getRepository(CallEntity)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :id', { id })
        .getOne();
      if (!call || !(ACTIVE as readonly string[]).includes(call.status)) return null;
      const fresh = [...events].sort((x, y) => x.seq - y.seq).filter((event) => event.seq > call.lastEventSeq);
      const unique = fresh.filter((event, index) => index === 0 || event.seq !== fresh[index - 1]?.seq);
      const lastSeq = unique.at(-1)?.seq ?? call.lastEventSeq;
      if (unique.length > 0 || call.status === 'dialing') {
        await manager.query(
          `UPDATE calls SET events = events || $2::jsonb, last_event_seq = $3,
                  status = 'in_progress', updated_at = now() WHERE id = $1`,
          [id, JSON.stringify(unique), lastSeq],
        );
      }
      return { accepted: unique.length, lastSeq };
    });
  }

  async markOptedOut(id: string): Promise<void> {
    await this.calls().update({ id }, { optedOut: true, updatedAt: () => 'now()' });
  }

  /** Finishes an active call with what the worker reports; null when it is not active. */
  async complete(
    id: string,
    result: {
      status: string;
      disposition: string;
      path: string[];
      transcript: unknown[];
      variables: Record<string, unknown>;
    },
  ): Promise<CallEntity | null> {
    const rows = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE calls SET status = $2, disposition = $3, path = $4::jsonb, transcript = $5::jsonb,
              variables = variables || $6::jsonb, completed_at = now(), claimed_by = NULL,
              lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = ANY($7::text[])
        RETURNING id`,
      [
        id,
        result.status,
        result.disposition,
        JSON.stringify(result.path),
        JSON.stringify(result.transcript),
        JSON.stringify(result.variables),
        [...ACTIVE],
      ],
    );
    return rows[0].length > 0 ? this.findByIdForWorker(id) : null;
  }

  // ------------------------------------------------------------------ recovery (leases, reconciler, dead letters)

  /**
   * Extends the lease of the holder of an attempt still being dialled or talked to. A lease that
   * ran out but was not swept yet is still the holder's: the sweeper and this UPDATE take the same
   * row lock, so exactly one of them wins. Null when `workerId` does not hold the attempt.
   */
  async renewLease(id: string, attempt: number, workerId: string, leaseSeconds: number): Promise<Date | null> {
    const rows = await this.dataSource.query<[Array<{ lease_until: Date }>, number]>(
      `UPDATE calls SET lease_until = now() + make_interval(secs => $4), updated_at = now()
        WHERE id = $1 AND attempt = $2 AND claimed_by = $3 AND status = ANY($5::text[])
        RETURNING lease_until`,
      [id, attempt, workerId, leaseSeconds, [...ACTIVE]],
    );
    return rows[0][0]?.lease_until ?? null;
  }

  /**
   * Ends up to `limit` active calls whose lease ran out: `failed`, disposition `worker_lost`, the
   * events and transcript received so far kept. SKIP LOCKED: a call being renewed or completed
   * right now is left for the next sweep. The statuses are written out so that the planner matches
   * the partial index `idx_calls_lease` (live leases only): a sweep that finds nothing reads a
   * few index pages, whatever the size of the table.
   */
  async expireLeases(limit: number): Promise<CallEntity[]> {
    const rows = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE calls SET status = 'failed', disposition = 'worker_lost',
              failure_reason = 'the lease of ' || coalesce(claimed_by, 'its worker') || ' ran out at '
                || to_char(lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              completed_at = now(), claimed_by = NULL, lease_until = NULL, updated_at = now()
        WHERE id IN (SELECT id FROM calls WHERE status IN ${ACTIVE_SQL} AND lease_until < now()
                      ORDER BY lease_until LIMIT $1 FOR UPDATE SKIP LOCKED)
          AND status IN ${ACTIVE_SQL} AND lease_until < now()
        RETURNING id`,
      [limit],
    );
    if (rows[0].length === 0) return [];
    return this.calls().find({ where: { id: In(rows[0].map((row) => row.id)) } });
  }

  /**
   * The bounds of a reconciler pass over changed calls. `until`: calls changed later are left out
   * of this pass (their creator is enqueueing them right now). `nextFrom`: where the next pass
   * starts, so that it sees every call that becomes visible after this one: `until`, or earlier
   * when an API transaction still open began before it (its rows carry its start, `now()`, and
   * are not visible yet), less `overlapSeconds` for a server clock stepped back. Timestamps as
   * Postgres text: microseconds, which a JS Date would round away.
   */
  async reconcileWindow(settleSeconds: number, overlapSeconds: number): Promise<{ until: string; nextFrom: string }> {
    const [row] = await this.dataSource.query<Array<{ until: string; next_from: string }>>(
      `SELECT (now() - make_interval(secs => $1))::text AS until,
              (least(now() - make_interval(secs => $1),
                     (SELECT min(xact_start) FROM pg_stat_activity
                       WHERE datname = current_database() AND pid <> pg_backend_pid()
                         AND application_name = current_setting('application_name')))
                - make_interval(secs => $2))::text AS next_from`,
      [settleSeconds, overlapSeconds],
    );
    if (!row) throw new Error('reconcileWindow: no row');
    return { until: row.until, nextFrom: row.next_from };
  }

  /**
   * A page of the calls waiting for their job (queued or scheduled) changed in [`from`, `until`),
   * in the order of (updated_at, id) after `after` (`from` with the nil uuid for the first page;
   * `-infinity` for every waiting call). Served by the partial index `idx_calls_waiting`: its
   * condition is written out for the planner to match it.
   */
  async findWaitingChanged(
    after: { at: string; id: string },
    until: string,
    limit: number,
  ): Promise<Array<WaitingCall & { at: string }>> {
    const rows = await this.dataSource.query<
      Array<{ id: string; attempt: number; scheduled_for: Date | null; at: string }>
    >(
      `SELECT id, attempt, scheduled_for, updated_at::text AS at FROM calls
        WHERE status IN ${WAITING_SQL} AND (updated_at, id) > ($1::timestamptz, $2::uuid)
          AND updated_at < $3::timestamptz
        ORDER BY updated_at, id LIMIT $4`,
      [after.at, after.id, until, limit],
    );
    return rows.map((row) => ({ id: row.id, attempt: row.attempt, scheduledFor: row.scheduled_for, at: row.at }));
  }

  /** Those of `ids` still waiting for their job (queued or scheduled), with their attempt. */
  async findWaitingByIds(ids: readonly string[]): Promise<WaitingCall[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query<Array<{ id: string; attempt: number; scheduled_for: Date | null }>>(
      `SELECT id, attempt, scheduled_for FROM calls WHERE id = ANY($1::uuid[]) AND status IN ${WAITING_SQL}`,
      [[...ids]],
    );
    return rows.map((row) => ({ id: row.id, attempt: row.attempt, scheduledFor: row.scheduled_for }));
  }

  /**
   * A call whose job failed for good before any worker claimed it → `failed`, disposition
   * `dead_lettered`. Null when the attempt is not waiting any more (claimed, cancelled, a later
   * attempt): then the call is left as it is.
   */
  async deadLetter(id: string, attempt: number, reason: string): Promise<CallEntity | null> {
    const rows = await this.dataSource.query<[Array<{ id: string }>, number]>(
      `UPDATE calls SET status = 'failed', disposition = 'dead_lettered', failure_reason = $3,
              completed_at = now(), claimed_by = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND attempt = $2 AND status = ANY($4::text[])
        RETURNING id`,
      [id, attempt, reason, [...CLAIMABLE]],
    );
    return rows[0].length > 0 ? this.findByIdForWorker(id) : null;
  }

  // ------------------------------------------------------------------ idempotency keys

  /** The use of `key` in the last 24 h (expired keys do not count), or null. */
  async findIdempotencyKey(organizationId: string, key: string): Promise<IdempotencyKeyUse | null> {
    const { rows } = await queryPrepared<{ request_hash: string; call_id: string | null }>(
      this.dataSource,
      `SELECT request_hash, call_id FROM call_idempotency_keys
        WHERE organization_id = $1 AND key = $2 AND expires_at >= now()`,
      [organizationId, key],
    );
    const row = rows[0];
    return row ? { kind: 'existing', requestHash: row.request_hash, callId: row.call_id } : null;
  }
}
