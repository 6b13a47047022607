import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CampaignWindow } from '@switchboard/contracts';
import { OrganizationEntity } from '../organizations/organization.entity.js';

/**
 * A campaign: one pinned flow version called over many contacts, inside the operator's window
 * (callee's local time), paced (`maxConcurrent`, `perMinute`) and retried by outcome.
 * `draft → running ⇄ paused → completed | cancelled`.
 */
@Entity({ name: 'campaigns' })
@Index('idx_campaigns_list', ['organizationId', 'createdAt', 'id'])
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'uuid' })
  flowId!: string;

  @Column({ type: 'integer' })
  flowVersion!: number;

  @Column({ type: 'text' })
  purpose!: 'TELEMARKETING' | 'INFORMATIONAL';

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** E.164 */
  @Column({ type: 'text' })
  callerId!: string;

  /** the operator's window in the callee's local time (days always filled in); null: the legal window only */
  @Column({ type: 'jsonb', nullable: true })
  window!: Required<CampaignWindow> | null;

  @Column({ type: 'integer' })
  maxConcurrent!: number;

  @Column({ type: 'integer' })
  perMinute!: number;

  @Column({ type: 'integer' })
  retryMaxAttempts!: number;

  @Column({ type: 'integer' })
  retryMinGapMinutes!: number;

  @Column({ type: 'text', array: true })
  retryOn!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  startAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endAt!: Date | null;

  /** defaults of every contact's variables */
  @Column({ type: 'jsonb' })
  variables!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  /** when it became completed or cancelled */
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
