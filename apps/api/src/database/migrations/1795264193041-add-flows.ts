import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFlows1795264193041 implements MigrationInterface {
  name = 'AddFlows1795264193041';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "flows" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" text NOT NULL, "purpose" text, "draft" jsonb NOT NULL, "layout" jsonb, "draft_revision" integer NOT NULL, "draft_checksum" text NOT NULL, "diagnostics" jsonb NOT NULL, "diagnostics_summary" jsonb NOT NULL, "template_id" text, "latest_version" integer, "published_checksum" text, "published_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by_kind" text NOT NULL, "created_by_id" text NOT NULL, "created_by_label" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by_kind" text NOT NULL, "updated_by_id" text NOT NULL, "updated_by_label" text NOT NULL, CONSTRAINT "pk_flows" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_flows_list" ON "flows"  ("organization_id", "created_at", "id") WHERE deleted_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "flow_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "flow_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "number" integer NOT NULL, "document" jsonb NOT NULL, "checksum" text NOT NULL, "message" text NOT NULL, "author_kind" text NOT NULL, "author_id" text NOT NULL, "author_label" text NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_flow_versions_flow_id_number" UNIQUE ("flow_id", "number"), CONSTRAINT "pk_flow_versions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "flows" ADD CONSTRAINT "fk_flows_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_versions" ADD CONSTRAINT "fk_flow_versions_flow_id" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "flow_versions" ADD CONSTRAINT "fk_flow_versions_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // A published version is evidence of what was dialled: nobody rewrites or removes it, not even
    // the API by mistake (TRUNCATE and DROP, for tests and reverts, are not row operations).
    await queryRunner.query(`
      CREATE FUNCTION "flow_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'flow_versions rows are immutable (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
      END
      $$
    `);
    await queryRunner.query(
      `CREATE TRIGGER "trg_flow_versions_immutable" BEFORE UPDATE OR DELETE ON "flow_versions" FOR EACH ROW EXECUTE FUNCTION "flow_versions_immutable"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_flow_versions_immutable" ON "flow_versions"`);
    await queryRunner.query(`DROP FUNCTION "flow_versions_immutable"()`);
    await queryRunner.query(`ALTER TABLE "flow_versions" DROP CONSTRAINT "fk_flow_versions_organization_id"`);
    await queryRunner.query(`ALTER TABLE "flow_versions" DROP CONSTRAINT "fk_flow_versions_flow_id"`);
    await queryRunner.query(`ALTER TABLE "flows" DROP CONSTRAINT "fk_flows_organization_id"`);
    await queryRunner.query(`DROP TABLE "flow_versions"`);
    await queryRunner.query(`DROP INDEX "public"."idx_flows_list"`);
    await queryRunner.query(`DROP TABLE "flows"`);
  }
}
