import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

export const DNC_SNAPSHOT_KINDS = ['national', 'state'] as const;
export type DncSnapshotKind = (typeof DNC_SNAPSHOT_KINDS)[number];
export const DNC_IMPORT_MODES = ['full', 'additions', 'deletions'] as const;
export type DncImportMode = (typeof DNC_IMPORT_MODES)[number];
export const DNC_SNAPSHOT_STATUSES = ['importing', 'ready', 'failed'] as const;
export type DncSnapshotStatus = (typeof DNC_SNAPSHOT_STATUSES)[number];

export interface MalformedLine {
  line: number;
  text: string;
}

/**
 * One version of a Do-Not-Call registry (the national one, or one state's) as one organisation
 * obtained it: the registry is licensed per seller (FTC SAN subscription), so every organisation
 * keeps its own. A snapshot is `importing` while its job runs and becomes `ready` — and so
 * current for lookups — in the one transaction that also writes its area codes (atomic switch).
 */
@Entity({ name: 'dnc_snapshots' })
@Index('idx_dnc_snapshots_current', ['organizationId', 'kind', 'state', 'obtainedAt'], { where: "status = 'ready'" })
@Index('idx_dnc_snapshots_job', ['organizationId', 'jobId'], { unique: true })
@Index('idx_dnc_snapshots_list', ['organizationId', 'createdAt', 'id'])
export class DncSnapshotEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'text' })
  kind!: DncSnapshotKind;

  /** two-letter state for a state list; '' for the national registry (so it can be indexed and compared) */
  @Column({ type: 'text', default: '' })
  state!: string;

  @Column({ type: 'text' })
  mode!: DncImportMode;

  /** the snapshot a change list (additions/deletions) was applied to */
  @Column({ type: 'uuid', nullable: true })
  baseSnapshotId!: string | null;

  /** when the registry data was downloaded from the registry (what freshness is judged on) */
  @Column({ type: 'timestamptz' })
  obtainedAt!: Date;

  @Column({ type: 'text' })
  status!: DncSnapshotStatus;

  /** the BullMQ job that builds it */
  @Column({ type: 'text' })
  jobId!: string;

  /** numbers listed in the whole snapshot (after applying a change list) */
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  numbers!: number;

  @Column({ type: 'integer', default: 0 })
  areaCodes!: number;

  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  linesRead!: number;

  /** numbers of the upload that changed a bit (set for full/additions, cleared for deletions) */
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  numbersChanged!: number;

  @Column({ type: 'integer', default: 0 })
  malformed!: number;

  /** the first 100 malformed lines, with their line numbers */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  malformedSample!: MalformedLine[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** millisecond precision: the keyset cursor carries a JS Date, which has no microseconds */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'text' })
  createdById!: string;
}
