import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795270100000 implements MigrationInterface {
  name = 'Webhooks1795270100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "message_id" text NOT NULL, "event" text NOT NULL, "attempt" integer NOT NULL, "status_code" integer, "duration_ms" integer NOT NULL, "success" boolean NOT NULL, "error" text, "next_retry_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ac08871b4ca6066013492a3bd9" ON "webhook_deliveries"  ("organization_id", "endpoint_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "description" text, "secret_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_webhook_endpoints" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_webhook_endpoints_created_at_id_organization_id" ON "webhook_endpoints"  ("organization_id", "created_at", "id") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_webhook_endpoints_created_at_id_organization_id"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ac08871b4ca6066013492a3bd9"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
  }
}
