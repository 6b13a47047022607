import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An `Idempotency-Key` of `POST /v1/calls`, per organisation, kept 24 h: the same key with the
 * same body answers the same call; with another body it is a conflict.
 */
@Entity({ name: 'call_idempotency_keys' })
export class CallIdempotencyKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 (hex) of the canonical request body */
  @Column({ type: 'text' })
  requestHash!: string;

  @Column({ type: 'uuid', nullable: true })
  callId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
