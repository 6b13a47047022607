import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Diagnostic } from '@switchboard/flow';
import { OrganizationEntity } from '../organizations/organization.entity.js';

export interface DiagnosticsSummaryColumn {
  errors: number;
  warnings: number;
}

/**
 * A flow and its one editable draft. The draft's logic (`draft`, the document without its
 * layout) and where the editor draws it (`layout`) are stored apart, so a drag in the editor
 * never changes `draft_checksum`. Published versions live in `flow_versions`; a deleted flow keeps
 * them (`deleted_at`, never a hard delete).
 */
@Entity({ name: 'flows' })
@Index('idx_flows_list', ['organizationId', 'createdAt', 'id'], { where: 'deleted_at IS NULL' })
export class FlowEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** the draft's `meta.name` (kept in step on every save, for lists and search) */
  @Column({ type: 'text' })
  name!: string;

  /** the draft's `purpose` when it is one of the known values */
  @Column({ type: 'text', nullable: true })
  purpose!: string | null;

  /** the draft document without `layout`, exactly as the designer saved it (it may have errors) */
  @Column({ type: 'jsonb' })
  draft!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  layout!: Record<string, unknown> | null;

  /** +1 on every save: the optimistic-concurrency token (`ETag`/`If-Match`) */
  @Column({ type: 'integer' })
  draftRevision!: number;

  /** SHA-256 of the canonical JSON of the draft's logic */
  @Column({ type: 'text' })
  draftChecksum!: string;

  /** every diagnostic of the draft, computed when it was saved */
  @Column({ type: 'jsonb' })
  diagnostics!: Diagnostic[];

  /** error and warning counts of `diagnostics`, for lists */
  @Column({ type: 'jsonb' })
  diagnosticsSummary!: DiagnosticsSummaryColumn;

  /** the example flow it was created from */
  @Column({ type: 'text', nullable: true })
  templateId!: string | null;

  @Column({ type: 'integer', nullable: true })
  latestVersion!: number | null;

  @Column({ type: 'text', nullable: true })
  publishedChecksum!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'text' })
  createdByKind!: string;

  @Column({ type: 'text' })
  createdById!: string;

  @Column({ type: 'text' })
  createdByLabel!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'text' })
  updatedByKind!: string;

  @Column({ type: 'text' })
  updatedById!: string;

  @Column({ type: 'text' })
  updatedByLabel!: string;
}
