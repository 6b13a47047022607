import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Campaigns1795272000000 implements MigrationInterface {
  name = 'Campaigns1795272000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "campaigns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "flow_id" uuid NOT NULL, "flow_version" integer NOT NULL, "purpose" text NOT NULL, "subject" text, "caller_id" text NOT NULL, "window" jsonb, "max_concurrent" integer NOT NULL, "per_minute" integer NOT NULL, "retry_max_attempts" integer NOT NULL, "retry_min_gap_minutes" integer NOT NULL, "retry_on" text array NOT NULL, "start_at" TIMESTAMP WITH TIME ZONE, "end_at" TIMESTAMP WITH TIME ZONE, "variables" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_campaigns" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaigns_list" ON "campaigns"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "campaign_contacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "phone" text NOT NULL, "external_id" text, "variables" jsonb NOT NULL, "simulation" jsonb, "state" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "last_call_id" uuid, "last_status" text, "last_disposition" text, "reasons" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_campaign_contacts" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_contacts_state" ON "campaign_contacts"  ("campaign_id", "state") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_contacts_list" ON "campaign_contacts"  ("campaign_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_campaign_contacts_phone" ON "campaign_contacts"  ("campaign_id", "phone") `,
    );
    await queryRunner.query(
      `CREATE TABLE "campaign_minute_slots" ("campaign_id" uuid NOT NULL, "minute" TIMESTAMP WITH TIME ZONE NOT NULL, "used" integer NOT NULL, CONSTRAINT "pk_campaign_minute_slots" PRIMARY KEY ("campaign_id", "minute"))`,
    );
    await queryRunner.query(`ALTER TABLE "calls" ADD "campaign_id" uuid`);
    await queryRunner.query(`ALTER TABLE "calls" ADD "contact_id" uuid`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_calls_contact_attempt" ON "calls"  ("contact_id", "attempt") WHERE contact_id IS NOT NULL AND status <> 'cancelled'`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_calls_campaign" ON "calls"  ("campaign_id", "status") WHERE campaign_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "campaigns" ADD CONSTRAINT "fk_campaigns_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "campaign_contacts" ADD CONSTRAINT "fk_campaign_contacts_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_contacts" DROP CONSTRAINT "fk_campaign_contacts_campaign_id"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "fk_campaigns_organization_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_calls_campaign"`);
    await queryRunner.query(`DROP INDEX "public"."uq_calls_contact_attempt"`);
    await queryRunner.query(`ALTER TABLE "calls" DROP COLUMN "contact_id"`);
    await queryRunner.query(`ALTER TABLE "calls" DROP COLUMN "campaign_id"`);
    await queryRunner.query(`DROP TABLE "campaign_minute_slots"`);
    await queryRunner.query(`DROP INDEX "public"."uq_campaign_contacts_phone"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_contacts_list"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_contacts_state"`);
    await queryRunner.query(`DROP TABLE "campaign_contacts"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaigns_list"`);
    await queryRunner.query(`DROP TABLE "campaigns"`);
  }
}
