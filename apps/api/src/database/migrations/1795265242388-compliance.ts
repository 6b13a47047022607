import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent evidence, disputes, revocations, the internal DNC list, the gate's other facts (caller
 * ids, emergencies, call attempts, EBR, reassigned-number results), the seller's legal name and the
 * hash-chained decision log. Evidence is never rewritten: triggers refuse UPDATE/DELETE of consents,
 * disputes, revocations and decisions (a dispute or a revocation is a new row), whoever asks.
 */
export class Compliance1795265242388 implements MigrationInterface {
  name = 'Compliance1795265242388';

  async up(queryRunner: QueryRunner): Promise<void> {
    const org = `"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE RESTRICT`;
    const actor = (prefix: string, nullable = false) =>
      ['kind', 'id', 'label'].map((k) => `"${prefix}_${k}" text${nullable ? '' : ' NOT NULL'}`).join(', ');
    await queryRunner.query(
      `CREATE TABLE "seller_profiles" ("organization_id" uuid PRIMARY KEY REFERENCES "organizations"("id") ON DELETE RESTRICT, "legal_name" text NOT NULL, "updated_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE TABLE "consents" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "type" text NOT NULL CHECK ("type" IN ('PEWC','PEC')), "disclosure_text" text NOT NULL, "disclosure_sha256" text NOT NULL, "authorizes_artificial_voice" boolean NOT NULL, "not_condition_of_purchase" boolean NOT NULL, "captured_at" timestamptz(3) NOT NULL, "page_url" text, "ip" text, "user_agent" text, "signature_method" text NOT NULL, "signature_affirmative" boolean NOT NULL, "written" boolean NOT NULL, "sellers" jsonb NOT NULL, "scope" text, "certificate_url" text, "source" text NOT NULL, "elements" jsonb NOT NULL, ${actor('created_by')}, "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(`CREATE INDEX "idx_consents_phone" ON "consents" ("organization_id", "phone_e164")`);
    await queryRunner.query(`CREATE INDEX "idx_consents_list" ON "consents" ("organization_id", "created_at", "id")`);
    await queryRunner.query(
      `CREATE TABLE "consent_disputes" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "consent_id" uuid NOT NULL UNIQUE REFERENCES "consents"("id") ON DELETE RESTRICT, "reason" text NOT NULL, ${actor('disputed_by')}, "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE TABLE "revocations" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "channel" text NOT NULL, "words" text NOT NULL, "received_at" timestamptz(3) NOT NULL, "honoured_at" timestamptz(3) NOT NULL DEFAULT now(), "call_id" text, "internal_dnc_entry_id" uuid, ${actor('created_by')}, "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(`CREATE INDEX "idx_revocations_phone" ON "revocations" ("organization_id", "phone_e164")`);
    await queryRunner.query(
      `CREATE INDEX "idx_revocations_list" ON "revocations" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "internal_dnc_entries" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "requested_at" timestamptz(3) NOT NULL, "reason" text, "source" text NOT NULL, "revocation_id" uuid, ${actor('created_by')}, "created_at" timestamptz(3) NOT NULL DEFAULT now(), "removed_at" timestamptz(3), ${actor('removed_by', true)}, "removal_reason" text)`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_internal_dnc_phone" ON "internal_dnc_entries" ("organization_id", "phone_e164") WHERE removed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_internal_dnc_list" ON "internal_dnc_entries" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "caller_ids" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "verified_owned" boolean NOT NULL, "label" text, "created_at" timestamptz(3) NOT NULL DEFAULT now(), CONSTRAINT "uq_caller_ids_phone" UNIQUE ("organization_id", "phone_e164"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "state_emergencies" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "state" text NOT NULL, "starts_at" timestamptz(3) NOT NULL, "ends_at" timestamptz(3), "note" text, ${actor('created_by')}, "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE TABLE "call_attempts" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "subject" text, "attempted_at" timestamptz(3) NOT NULL, "call_id" text, "caller_id" text, "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_call_attempts_phone" ON "call_attempts" ("organization_id", "phone_e164", "attempted_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "business_relationships" (${org}, "phone_e164" text NOT NULL, "last_transaction_at" timestamptz(3), "last_inquiry_at" timestamptz(3), "updated_at" timestamptz(3) NOT NULL DEFAULT now(), PRIMARY KEY ("organization_id", "phone_e164"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "reassigned_number_checks" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "phone_e164" text NOT NULL, "queried_at" timestamptz(3) NOT NULL, "result" text NOT NULL CHECK ("result" IN ('YES','NO','NO_DATA')), "created_at" timestamptz(3) NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_reassigned_phone" ON "reassigned_number_checks" ("organization_id", "phone_e164", "queried_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "compliance_decisions" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid(), ${org}, "seq" bigint NOT NULL, "phone_e164" text, "purpose" text NOT NULL, "mode" text NOT NULL, "dry_run" boolean NOT NULL, "outcome" text NOT NULL, "next_allowed_at" timestamptz(3), "reasons" jsonb NOT NULL, "decision" jsonb NOT NULL, "input" jsonb NOT NULL, "rule_set_version" text NOT NULL, "dnc_snapshot_ids" jsonb NOT NULL, "call_id" text, "campaign_id" text, "prev_hash" text NOT NULL, "hash" text NOT NULL, "created_at" timestamptz(3) NOT NULL, CONSTRAINT "uq_compliance_decisions_seq" UNIQUE ("organization_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_compliance_decisions_list" ON "compliance_decisions" ("organization_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_compliance_decisions_phone" ON "compliance_decisions" ("organization_id", "phone_e164", "created_at")`,
    );
    await queryRunner.query(`
      CREATE FUNCTION "compliance_evidence_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is evidence and append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
      END
      $$`);
    for (const table of ['consents', 'consent_disputes', 'revocations', 'compliance_decisions']) {
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_immutable" BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "compliance_evidence_immutable"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_no_truncate" BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "compliance_evidence_immutable"()`,
      );
    }
    // An internal DNC entry is only ever marked removed (by an admin, recorded); its evidence stays.
    await queryRunner.query(`
      CREATE FUNCTION "internal_dnc_entries_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.removed_at IS NOT NULL
           OR (NEW.id, NEW.organization_id, NEW.phone_e164, NEW.requested_at, NEW.reason, NEW.source, NEW.revocation_id, NEW.created_at)
              IS DISTINCT FROM (OLD.id, OLD.organization_id, OLD.phone_e164, OLD.requested_at, OLD.reason, OLD.source, OLD.revocation_id, OLD.created_at) THEN
          RAISE EXCEPTION 'internal_dnc_entries evidence cannot change: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_internal_dnc_entries_guard" BEFORE UPDATE OR DELETE ON "internal_dnc_entries" FOR EACH ROW EXECUTE FUNCTION "internal_dnc_entries_guard"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'compliance_decisions',
      'reassigned_number_checks',
      'business_relationships',
      'call_attempts',
      'state_emergencies',
      'caller_ids',
      'internal_dnc_entries',
      'revocations',
      'consent_disputes',
      'consents',
      'seller_profiles',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "internal_dnc_entries_guard"()`);
    await queryRunner.query(`DROP FUNCTION "compliance_evidence_immutable"()`);
  }
}
