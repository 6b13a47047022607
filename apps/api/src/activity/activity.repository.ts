import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../common/pagination/cursor.js';
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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: NewActivity, manager?: EntityManager): Promise<ActivityEntity> {
    const repo = (manager ?? this.dataSource.manager).getRepository(ActivityEntity);
    return repo.save(repo.create(entry));
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
