import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A webhook endpoint of one organisation; its signing secret is stored AES-256-GCM encrypted. */
@Entity({ name: 'webhook_endpoints' })
@Index(['organizationId', 'createdAt', 'id'])
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** `iv.tag.ciphertext` (base64url) of the `whsec_…` secret */
  @Column({ type: 'text' })
  secretEncrypted!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
