import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Calls1795268096260 implements MigrationInterface {
  name = 'Calls1795268096260';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "call_idempotency_keys" ("organization_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "call_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_call_idempotency_keys" PRIMARY KEY ("organization_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "calls" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "flow_id" uuid NOT NULL, "flow_version" integer NOT NULL, "to" text NOT NULL, "caller_id" text NOT NULL, "purpose" text NOT NULL, "subject" text, "variables" jsonb NOT NULL, "status" text NOT NULL, "attempt" integer NOT NULL DEFAULT '1', "decision_ids" uuid array NOT NULL DEFAULT '{}', "last_decision" jsonb, "scheduled_for" TIMESTAMP WITH TIME ZONE, "disposition" text, "path" jsonb NOT NULL DEFAULT '[]', "transcript" jsonb NOT NULL DEFAULT '[]', "events" jsonb NOT NULL DEFAULT '[]', "last_event_seq" integer NOT NULL DEFAULT '-1', "claimed_by" text, "lease_until" TIMESTAMP WITH TIME ZONE, "opted_out" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_calls" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_calls_status" ON "calls"  ("organization_id", "status", "created_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "idx_calls_list" ON "calls"  ("organization_id", "created_at", "id") `);
    await queryRunner.query(
      `ALTER TABLE "calls" ADD CONSTRAINT "fk_calls_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" DROP CONSTRAINT "fk_calls_organization_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_calls_list"`);
    await queryRunner.query(`DROP INDEX "public"."idx_calls_status"`);
    await queryRunner.query(`DROP TABLE "calls"`);
    await queryRunner.query(`DROP TABLE "call_idempotency_keys"`);
  }
}
