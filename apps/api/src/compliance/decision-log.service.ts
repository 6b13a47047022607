import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditVerify } from '@switchboard/contracts';
import { GroupCommit } from '../common/batching/group-commit.js';
import { canonicalJson } from './canonical-json.js';
import { ComplianceRepository, GENESIS_HASH, type DecisionRow, type NewDecision } from './compliance.repository.js';

/** A row's content as hashed: every column but the hash itself. */
function contentOf(row: Omit<DecisionRow, 'hash'>): Record<string, unknown> {
  return {
    id: row.id,
    organizationId: row.organizationId,
    seq: row.seq,
    phoneE164: row.phoneE164,
    purpose: row.purpose,
    mode: row.mode,
    dryRun: row.dryRun,
    outcome: row.outcome,
    nextAllowedAt: row.nextAllowedAt?.toISOString() ?? null,
    reasons: row.reasons,
    decision: row.decision,
    input: row.input,
    ruleSetVersion: row.ruleSetVersion,
    dncSnapshotIds: row.dncSnapshotIds,
    callId: row.callId,
    campaignId: row.campaignId,
    prevHash: row.prevHash,
    createdAt: row.createdAt.toISOString(),
  };
}

/** SHA-256(previous hash + canonical JSON of the row's content), hex. */
export function decisionHash(row: Omit<DecisionRow, 'hash'>): string {
  return createHash('sha256')
    .update(row.prevHash + canonicalJson(contentOf(row)), 'utf8')
    .digest('hex');
}

const VERIFY_BATCH = 500;

/** The most decisions one group commit writes (the rest wait for the next). */
export const GROUP_COMMIT_MAX = 500;

/**
 * The decision log: every evaluation, append-only (triggers refuse UPDATE/DELETE/TRUNCATE) and
 * hash-chained per organisation, so that a row changed or removed behind the API's back is found by
 * `verify`.
 */
@Injectable()
export class DecisionLogService {
  /** single decisions, grouped per organisation into one chained INSERT */
  private readonly appends: GroupCommit<NewDecision, DecisionRow>;

  constructor(private readonly repository: ComplianceRepository) {
    this.appends = new GroupCommit((decisions) => this.repository.appendDecisions(decisions, decisionHash), {
      groupOf: (decision) => decision.organizationId,
      maxBatch: GROUP_COMMIT_MAX,
    });
  }

  /**
   * Appends one decision; resolves once it is committed, with its chain position. Group commit:
   * while an append of the organisation is in flight, the decisions of concurrent requests wait
   * and then go in one chained INSERT (`appendDecisions`, the campaigns' batch append), in the
   * order they came; a lone decision is written at once. A batch that fails is retried one
   * decision at a time, so a decision the database refuses fails alone.
   */
  append(entry: Omit<NewDecision, 'id' | 'createdAt'>): Promise<DecisionRow> {
    return this.appends.run({ ...entry, id: randomUUID(), createdAt: new Date() });
  }

  /** Appends the entries in order, chained, in one INSERT (one transaction: all or none). */
  appendMany(entries: Omit<NewDecision, 'id' | 'createdAt'>[]): Promise<DecisionRow[]> {
    const createdAt = new Date();
    return this.repository.appendDecisions(
      entries.map((entry) => ({ ...entry, id: randomUUID(), createdAt })),
      decisionHash,
    );
  }

  /** Recomputes the organisation's whole chain; the first row that does not hold is named. */
  async verify(organizationId: string): Promise<AuditVerify> {
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = await this.repository.decisionChain(organizationId, expectedSeq - 1, VERIFY_BATCH);
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id,
            reason: `decision #${expectedSeq} is missing: the chain jumps to #${row.seq}`,
          };
        }
        if (row.prevHash !== expectedPrev) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id,
            reason: `decision #${row.seq}: prev_hash does not match the previous decision's hash`,
          };
        }
        if (decisionHash(row) !== row.hash) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id,
            reason: `decision #${row.seq}: its content does not match its hash`,
          };
        }
        checked += 1;
        expectedPrev = row.hash;
        expectedSeq += 1;
      }
      if (rows.length < VERIFY_BATCH) return { ok: true, checked };
    }
  }
}
