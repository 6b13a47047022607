import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DncRegistry1795265345449 implements MigrationInterface {
  name = 'DncRegistry1795265345449';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "dnc_bitmaps" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "bitmap" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_dnc_bitmaps" PRIMARY KEY ("id"))`,
    );
    // Uncompressed out-of-line TOAST: substring(bitmap FROM n FOR 1) then reads one 2 kB chunk, not 1.25 MB.
    await queryRunner.query(`ALTER TABLE "dnc_bitmaps" ALTER COLUMN "bitmap" SET STORAGE EXTERNAL`);
    await queryRunner.query(
      `CREATE TABLE "dnc_snapshot_area_codes" ("snapshot_id" uuid NOT NULL, "npa" smallint NOT NULL, "bitmap_id" uuid NOT NULL, "numbers" integer NOT NULL, CONSTRAINT "pk_dnc_snapshot_area_codes" PRIMARY KEY ("snapshot_id", "npa"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_dnc_snapshot_area_codes_bitmap" ON "dnc_snapshot_area_codes"  ("bitmap_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dnc_snapshots" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "kind" text NOT NULL, "state" text NOT NULL DEFAULT '', "mode" text NOT NULL, "base_snapshot_id" uuid, "obtained_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "job_id" text NOT NULL, "numbers" bigint NOT NULL DEFAULT '0', "area_codes" integer NOT NULL DEFAULT '0', "lines_read" bigint NOT NULL DEFAULT '0', "numbers_changed" bigint NOT NULL DEFAULT '0', "malformed" integer NOT NULL DEFAULT '0', "malformed_sample" jsonb NOT NULL DEFAULT '[]', "error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, "created_by_id" text NOT NULL, CONSTRAINT "pk_dnc_snapshots" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_dnc_snapshots_list" ON "dnc_snapshots"  ("organization_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "idx_dnc_snapshots_job" ON "dnc_snapshots"  ("organization_id", "job_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_dnc_snapshots_current" ON "dnc_snapshots"  ("organization_id", "kind", "state", "obtained_at") WHERE status = 'ready'`,
    );
    await queryRunner.query(
      `ALTER TABLE "dnc_snapshots" ADD CONSTRAINT "fk_dnc_snapshots_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dnc_snapshots" DROP CONSTRAINT "fk_dnc_snapshots_organization_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_dnc_snapshots_current"`);
    await queryRunner.query(`DROP INDEX "public"."idx_dnc_snapshots_job"`);
    await queryRunner.query(`DROP INDEX "public"."idx_dnc_snapshots_list"`);
    await queryRunner.query(`DROP TABLE "dnc_snapshots"`);
    await queryRunner.query(`DROP INDEX "public"."idx_dnc_snapshot_area_codes_bitmap"`);
    await queryRunner.query(`DROP TABLE "dnc_snapshot_area_codes"`);
    await queryRunner.query(`DROP TABLE "dnc_bitmaps"`);
  }
}
