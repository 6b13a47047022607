import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recovery loops' look-ups as partial indexes: the queue reconciler's waiting calls by when
 * they last changed (it checks only what changed since its last pass), and the lease sweeper's
 * live leases (both scanned the whole table, every 10 and 5 s).
 */
export class CallReconcilerIndexes1796593075572 implements MigrationInterface {
  name = 'CallReconcilerIndexes1796593075572';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_calls_lease" ON "calls"  ("lease_until") WHERE status IN ('dialing', 'in_progress')`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_calls_waiting" ON "calls"  ("updated_at", "id") WHERE status IN ('queued', 'scheduled')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_calls_waiting"`);
    await queryRunner.query(`DROP INDEX "public"."idx_calls_lease"`);
  }
}
