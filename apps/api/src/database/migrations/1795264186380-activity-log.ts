import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The activity log, append-only at the database level: a trigger refuses UPDATE and DELETE of a
 * row, another TRUNCATE, whoever asks (the API's own connection included).
 */
export class ActivityLog1795264186380 implements MigrationInterface {
  name = 'ActivityLog1795264186380';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "activity_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "actor_kind" text NOT NULL, "actor_id" text NOT NULL, "actor_label" text NOT NULL, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "details" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_activity_log" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_activity_log_subject" ON "activity_log"  ("organization_id", "subject_type", "subject_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_activity_log_created_at_id_organization_id" ON "activity_log"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "activity_log" ADD CONSTRAINT "fk_activity_log_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION "activity_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'activity_log is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER "activity_log_append_only" BEFORE UPDATE OR DELETE ON "activity_log" FOR EACH ROW EXECUTE FUNCTION "activity_log_refuse_change"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "activity_log_no_truncate" BEFORE TRUNCATE ON "activity_log" FOR EACH STATEMENT EXECUTE FUNCTION "activity_log_refuse_change"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "activity_log_no_truncate" ON "activity_log"`);
    await queryRunner.query(`DROP TRIGGER "activity_log_append_only" ON "activity_log"`);
    await queryRunner.query(`DROP FUNCTION "activity_log_refuse_change"()`);
    await queryRunner.query(`ALTER TABLE "activity_log" DROP CONSTRAINT "fk_activity_log_organization_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_activity_log_created_at_id_organization_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_activity_log_subject"`);
    await queryRunner.query(`DROP TABLE "activity_log"`);
  }
}
