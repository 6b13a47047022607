import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditVerify } from '@switchboard/contracts';
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

interface Waiting {
  decision: NewDecision;
  resolve: (row: DecisionRow) => void;
  reject: (error: unknown) => void;
}

/**
 * The decision log: every evaluation, append-only (triggers refuse UPDATE/DELETE/TRUNCATE) and
 * hash-chained per organisation, so that a row changed or removed behind the API's back is found by
 * `verify`.
 */
@Injectable()
export class DecisionLogService {
  constructor(private readonly repository: ComplianceRepository) {}

  /** per organisation: the decisions waiting for the append in flight to finish */
  private readonly waiting = new Map<string, Waiting[]>();
  /** organisations with an append in flight from this process */
  private readonly writing = new Set<string>();

  /**
   * Appends one decision; resolves once it is committed, with its chain position. Group commit:
   * while an append of the organisation is in flight, the decisions of concurrent requests wait
   * and then go in one chained INSERT (`appendDecisions`, the campaigns' batch append), in the
   * order they came; a lone decision is written at once. A batch that fails is retried one
   * decision at a time, so a decision the database refuses fails alone.
   */
  append(entry: Omit<NewDecision, 'id' | 'createdAt'>): Promise<DecisionRow> {
    const decision: NewDecision = { ...entry, id: randomUUID(), createdAt: new Date() };
    return new Promise<DecisionRow>((resolve, reject) => {
      const organizationId = decision.organizationId;
      const queue = this.waiting.get(organizationId);
      if (queue) queue.push({ decision, resolve, reject });
      else this.waiting.set(organizationId, [{ decision, resolve, reject }]);
      if (!this.writing.has(organizationId)) void this.drain(organizationId);
    });
  }

  private async drain(organizationId: string): Promise<void> {
    this.writing.add(organizationId);
    try {
      for (;;) {
        const queue = this.waiting.get(organizationId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, GROUP_COMMIT_MAX);
        if (queue.length === 0) this.waiting.delete(organizationId);
        await this.write(batch);
      }
    } finally {
      this.writing.delete(organizationId);
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const rows = await this.repository.appendDecisions(
        batch.map((waiting) => waiting.decision),
        decisionHash,
      );
      batch.forEach((waiting, i) => waiting.resolve(rows[i] as DecisionRow));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) await this.write([waiting]);
    }
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
