import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CallSimulation1795270000000 implements MigrationInterface {
  name = 'CallSimulation1795270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" ADD "simulation" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" DROP COLUMN "simulation"`);
  }
}
