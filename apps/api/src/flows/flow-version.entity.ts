import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { FlowEntity } from './flow.entity.js';

/**
 * A published version of a flow: immutable (a trigger refuses UPDATE and DELETE), numbered
 * 1, 2, … per flow. `document` is the parsed flow (defaults applied) with the layout it had;
 * `checksum` covers the logic only.
 */
@Entity({ name: 'flow_versions' })
@Unique('uq_flow_versions_flow_id_number', ['flowId', 'number'])
export class FlowVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  flowId!: string;

  @ManyToOne(() => FlowEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'flow_id' })
  flow?: FlowEntity;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'jsonb' })
  document!: Record<string, unknown>;

  /** SHA-256 (hex) of `canonicalJson(flowLogic(document))` */
  @Column({ type: 'text' })
  checksum!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'text' })
  authorKind!: string;

  @Column({ type: 'text' })
  authorId!: string;

  @Column({ type: 'text' })
  authorLabel!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
