import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a call failed when no worker reported it (lease sweeper, dead letters); the sweeper's index. */
export class CallRecovery1795280000000 implements MigrationInterface {
  name = 'CallRecovery1795280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" ADD "failure_reason" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" DROP COLUMN "failure_reason"`);
  }
}
