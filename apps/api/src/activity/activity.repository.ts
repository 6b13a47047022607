import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
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

const INSERT_ACTIVITY = `INSERT INTO activity_log (organization_id, actor_kind, actor_id, actor_label, action,
    subject_type, subject_id, details)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING id, created_at`;

/** Inserts and reads only: the table refuses anything else. */
@Injectable()
export class ActivityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One INSERT … RETURNING, in the caller's transaction when given a `manager` (save() would open
   * a transaction of its own around it otherwise: 3 round trips on every POST /v1/calls).
   */
  async insert(entry: NewActivity, manager?: EntityManager): Promise<ActivityEntity> {
    const values = [
      entry.organizationId,
      entry.actorKind,
      entry.actorId,
      entry.actorLabel,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.details === null ? null : JSON.stringify(entry.details),
    ];
    // in the caller's transaction through its manager; alone, a prepared statement on the pool
    const rows = manager
      ? await manager.query<Array<{ id: string; created_at: Date }>>(INSERT_ACTIVITY, values)
      : (await queryPrepared<{ id: string; created_at: Date }>(this.dataSource, INSERT_ACTIVITY, values)).rows;
    const row = rows[0];
    if (!row) throw new Error('activity_log: the insert returned no row');
    return { ...entry, id: row.id, createdAt: row.created_at };
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
