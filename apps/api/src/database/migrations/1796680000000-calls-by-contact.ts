import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A campaign contact's calls, newest first: `GET /v1/calls?contactId=` (cancelled calls included). */
export class CallsByContact1796680000000 implements MigrationInterface {
  name = 'CallsByContact1796680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_calls_contact" ON "calls"  ("contact_id", "created_at", "id") WHERE contact_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_calls_contact"`);
  }
}
