import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { GroupCommit } from '../common/batching/group-commit.js';
import type { CursorPosition } from '../common/pagination/cursor.js';
import { queryPrepared } from '../database/prepared.js';
import { ActivityEntity, type ActorKind } from './activity.entity.js';

export interface NewActivity {
  organizationId: string;
  actorKind: ActorKind;
  actorId: string;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown> | null;
}

export interface ActivityFilter {
  subjectType?: string;
  subjectId?: string;
}

/** Inserts and reads only: the table refuses anything else. */
@Injectable()
export class ActivityRepository {
  /** inserts outside a transaction, grouped with the concurrent ones into one INSERT */
  private readonly inserts = new GroupCommit<NewActivity, ActivityEntity>((entries) => this.insertMany(entries));

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the entry: in the caller's transaction when given its `manager` (one INSERT … RETURNING),
   * otherwise by group commit with the entries of concurrent requests (one multi-row INSERT while
   * the previous one is in flight; a lone entry is written at once). Resolves once committed.
   */
  async insert(entry: NewActivity, manager?: EntityManager): Promise<ActivityEntity> {
    if (!manager) return this.inserts.run(entry);
    const rows = await manager.query<Array<{ id: string; created_at: Date }>>(
      `INSERT INTO activity_log (organization_id, actor_kind, actor_id, actor_label, action, subject_type, subject_id,
         details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING id, created_at`,
      [
        entry.organizationId,
        entry.actorKind,
        entry.actorId,
        entry.actorLabel,
        entry.action,
        entry.subjectType,
        entry.subjectId,
        entry.details === null ? null : JSON.stringify(entry.details),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('activity_log: the insert returned no row');
    return { ...entry, id: row.id, createdAt: row.created_at };
  }

  /** Many entries in one INSERT (column arrays + unnest), in their order; all or none. */
  private async insertMany(entries: NewActivity[]): Promise<ActivityEntity[]> {
    const ids = entries.map(() => randomUUID());
    const { rows } = await queryPrepared<{ id: string; created_at: Date }>(
      this.dataSource,
      `INSERT INTO activity_log (id, organization_id, actor_kind, actor_id, actor_label, action, subject_type,
         subject_id, details)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::jsonb[])
       RETURNING id, created_at`,
      [
        ids,
        entries.map((e) => e.organizationId),
        entries.map((e) => e.actorKind),
        entries.map((e) => e.actorId),
        entries.map((e) => e.actorLabel),
        entries.map((e) => e.action),
        entries.map((e) => e.subjectType),
        entries.map((e) => e.subjectId),
        entries.map((e) => (e.details === null ? null : JSON.stringify(e.details))),
      ],
    );
    const createdAt = new Map(rows.map((row) => [row.id, row.created_at]));
    return entries.map((entry, i) => {
      const id = ids[i] as string;
      const at = createdAt.get(id);
      if (!at) throw new Error('activity_log: the insert did not return every row');
      return { ...entry, id, createdAt: at };
    });
  }

  listPage(
    organizationId: string,
    filter: ActivityFilter,
    limit: number,
    after: CursorPosition | null,
  ): Promise<ActivityEntity[]> {
    const query = this.dataSource
      .getRepository(ActivityEntity)
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1);
    if (filter.subjectType !== undefined) query.andWhere('a.subject_type = :subjectType', filter);
    if (filter.subjectId !== undefined) query.andWhere('a.subject_id = :subjectId', filter);
    if (after) query.andWhere('(a.created_at, a.id) < (:createdAt, :id)', after);
    return query.getMany();
  }
}
