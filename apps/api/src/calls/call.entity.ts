import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CallSimulation } from '@switchboard/contracts';
import { OrganizationEntity } from '../organizations/organization.entity.js';

/**
 * One call: the request (number, pinned flow version, variables), its state machine
 * (`pending → blocked | scheduled → queued → dialing → in_progress → completed | …`), the current
 * attempt and its lease (the claim is a lease in Postgres), and what the worker reported.
 */
@Entity({ name: 'calls' })
@Index('idx_calls_list', ['organizationId', 'createdAt', 'id'])
@Index('idx_calls_status', ['organizationId', 'status', 'createdAt', 'id'])
@Index('idx_calls_campaign', ['campaignId', 'status'], { where: 'campaign_id IS NOT NULL' })
// the queue reconciler's pages: waiting calls by when they last changed (small: waiting calls only)
@Index('idx_calls_waiting', ['updatedAt', 'id'], { where: `status IN ('queued', 'scheduled')` })
// the lease sweeper's look-up: live leases only, so a sweep that finds nothing reads a page or two
@Index('idx_calls_lease', ['leaseUntil'], { where: `status IN ('dialing', 'in_progress')` })
// a contact's calls, newest first (GET /v1/calls?contactId=), cancelled ones included
@Index('idx_calls_contact', ['contactId', 'createdAt', 'id'], { where: 'contact_id IS NOT NULL' })
// one live call row per attempt of a campaign contact: a retried producer never makes two
@Index('uq_calls_contact_attempt', ['contactId', 'attempt'], {
  unique: true,
  where: `contact_id IS NOT NULL AND status <> 'cancelled'`,
})
export class CallEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'uuid' })
  flowId!: string;

  @Column({ type: 'integer' })
  flowVersion!: number;

  /** E.164 */
  @Column({ type: 'text' })
  to!: string;

  /** E.164 */
  @Column({ type: 'text' })
  callerId!: string;

  @Column({ type: 'text' })
  purpose!: 'TELEMARKETING' | 'INFORMATIONAL';

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  variables!: Record<string, unknown>;

  /** the simulated callee's script (`simulation` of POST /v1/calls), handed to the worker by the claim */
  @Column({ type: 'jsonb', nullable: true })
  simulation!: CallSimulation | null;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'integer', default: 1 })
  attempt!: number;

  /** ids of the call's rows in the compliance decision log, oldest first */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  decisionIds!: string[];

  /** the latest gate decision, as the evaluator returned it */
  @Column({ type: 'jsonb', nullable: true })
  lastDecision!: Record<string, unknown> | null;

  /** when the job runs (a deferral's nextAllowedAt, or scheduleAt) */
  @Column({ type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;

  @Column({ type: 'text', nullable: true })
  disposition!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  path!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  transcript!: unknown[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  events!: unknown[];

  /** the highest event sequence number stored: events are idempotent by it */
  @Column({ type: 'integer', default: -1 })
  lastEventSeq!: number;

  @Column({ type: 'text', nullable: true })
  claimedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'boolean', default: false })
  optedOut!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** why the call failed without a disposition from the worker: its lease ran out, its job was dead-lettered */
  @Column({ type: 'text', nullable: true })
  failureReason!: string | null;

  /** the campaign whose contact this attempt calls (null for single calls) */
  @Column({ type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  contactId!: string | null;
}
