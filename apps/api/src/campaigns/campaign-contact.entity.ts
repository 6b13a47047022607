import type { CallSimulation } from '@switchboard/contracts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CampaignEntity } from './campaign.entity.js';

/**
 * One number of a campaign (unique per campaign) and where it stands: `attempts` is the number of
 * the attempt planned last, `lastCallId` that attempt's call row. Each attempt is a `calls` row.
 */
@Entity({ name: 'campaign_contacts' })
@Index('uq_campaign_contacts_phone', ['campaignId', 'phone'], { unique: true })
@Index('idx_campaign_contacts_list', ['campaignId', 'createdAt', 'id'])
@Index('idx_campaign_contacts_state', ['campaignId', 'state'])
export class CampaignContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'uuid' })
  campaignId!: string;

  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: CampaignEntity;

  /** E.164 */
  @Column({ type: 'text' })
  phone!: string;

  @Column({ type: 'text', nullable: true })
  externalId!: string | null;

  /** the contact's own variables (the campaign's defaults are merged in when a call is planned) */
  @Column({ type: 'jsonb' })
  variables!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  simulation!: CallSimulation | null;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  lastCallId!: string | null;

  @Column({ type: 'text', nullable: true })
  lastStatus!: string | null;

  @Column({ type: 'text', nullable: true })
  lastDisposition!: string | null;

  /** the gate's reason codes of a blocked contact, or why it expired */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  reasons!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
