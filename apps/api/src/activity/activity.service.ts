import { Injectable } from '@nestjs/common';
import type { Activity, ActivityQuery, Page } from '@switchboard/contracts';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import type { ActivityEntity, ActorKind } from './activity.entity.js';
import { ActivityRepository } from './activity.repository.js';

export interface Actor {
  kind: ActorKind;
  id: string;
  label: string;
}

/** The actor of what a principal does (user, API key or worker: never `system`). */
export function actorOf(principal: Principal): Actor & { kind: Principal['kind'] } {
  return { kind: principal.kind, id: principal.id, label: principal.label };
}

/** The actor of what the system does on its own (bootstrap, seeding, schedulers). */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', label: 'system' };

export interface ActivityRecord {
  organizationId: string;
  actor: Actor;
  /** `<subject>.<verb>` in the past tense: `flow.created`, `member.removed`, `api_key.revoked` */
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export function toActivity(row: ActivityEntity): Activity {
  return {
    id: row.id,
    actor: { kind: row.actorKind, id: row.actorId, label: row.actorLabel },
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    details: row.details,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Who did what to which thing, per organisation. Pass the `manager` of the transaction that makes
 * the change, so the entry is written if and only if the change is.
 */
@Injectable()
export class ActivityService {
  constructor(private readonly activity: ActivityRepository) {}

  async record(entry: ActivityRecord, manager?: EntityManager): Promise<Activity> {
    const row = await this.activity.insert(
      {
        organizationId: entry.organizationId,
        actorKind: entry.actor.kind,
        actorId: entry.actor.id,
        actorLabel: entry.actor.label,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        details: entry.details ?? null,
      },
      manager,
    );
    return toActivity(row);
  }

  async list(organizationId: string, query: ActivityQuery): Promise<Page<Activity>> {
    const rows = await this.activity.listPage(
      organizationId,
      { subjectType: query.subjectType, subjectId: query.subjectId },
      query.limit,
      decodeCursor(query.cursor),
    );
    return toPage(rows, query.limit, toActivity);
  }
}
