import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

export const ACTOR_KINDS = ['user', 'api_key', 'worker', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * One thing someone did. Append-only: a trigger in the migration refuses UPDATE, DELETE and
 * TRUNCATE, so not even the API can rewrite history.
 */
@Entity({ name: 'activity_log' })
@Index(['organizationId', 'createdAt', 'id'])
@Index('idx_activity_log_subject', ['organizationId', 'subjectType', 'subjectId', 'createdAt'])
export class ActivityEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'text' })
  actorKind!: ActorKind;

  @Column({ type: 'text' })
  actorId!: string;

  /** the actor's email or key name at the time: stays readable after a member is removed */
  @Column({ type: 'text' })
  actorLabel!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  subjectType!: string;

  @Column({ type: 'text' })
  subjectId!: string;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  /** millisecond precision: the keyset cursor carries a JS Date, which has no microseconds */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
