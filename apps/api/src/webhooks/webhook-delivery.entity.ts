import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt to deliver one event (`messageId`, the `webhook-id`) to one endpoint. */
@Entity({ name: 'webhook_deliveries' })
@Index(['organizationId', 'endpointId', 'createdAt', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'uuid' })
  endpointId!: string;

  @Column({ type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  event!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'integer' })
  durationMs!: number;

  @Column({ type: 'boolean' })
  success!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  nextRetryAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
