import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from '../common/auth/principal.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

/** A person who signs in to one organisation with an email and a password. */
@Entity({ name: 'users' })
@Index(['organizationId', 'createdAt', 'id'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** Lower-cased; one account per email across the installation (one organisation per user). */
  @Column({ type: 'text', unique: true })
  email!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** argon2id, PHC string format (algorithm, parameters and salt included). */
  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /** millisecond precision: the keyset cursor carries a JS Date, which has no microseconds */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
