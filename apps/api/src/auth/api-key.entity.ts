import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../common/auth/principal.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { UserEntity } from './user.entity.js';

/** A credential of another system (`sk_…`): stored as its SHA-256 and a short prefix for display. */
@Entity({ name: 'api_keys' })
@Index(['organizationId', 'createdAt', 'id'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'text' })
  name!: string;

  /** `sk_` and the first characters of the secret part, shown in lists */
  @Column({ type: 'text' })
  prefix!: string;

  /** hex SHA-256 of the whole key */
  @Column({ type: 'text', unique: true })
  keyHash!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  /** who created it (null when made by the bootstrap CLI or once that member is removed) */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdByUser?: UserEntity;

  /** millisecond precision: the keyset cursor carries a JS Date, which has no microseconds */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
