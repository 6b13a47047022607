import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  type ComplianceRepository,
  type DecisionRow,
  type NewDecision,
} from './compliance.repository.js';
import { DecisionLogService } from './decision-log.service.js';

type HashOf = (row: Omit<DecisionRow, 'hash'>) => string;

/** An in-memory chain per organisation; each append waits for `release()` before it commits. */
function fakeRepository(refuse?: (decision: NewDecision) => boolean) {
  const chains = new Map<string, DecisionRow[]>();
  const batches: number[] = [];
  const pending: Array<() => void> = [];
  const repository = {
    appendDecisions: async (decisions: NewDecision[], hashOf: HashOf): Promise<DecisionRow[]> => {
      batches.push(decisions.length);
      await new Promise<void>((resolve) => pending.push(resolve));
      if (decisions.some((decision) => refuse?.(decision))) throw new Error('refused');
      const organizationId = decisions[0]?.organizationId ?? '';
      const chain = chains.get(organizationId) ?? [];
      chains.set(organizationId, chain);
      return decisions.map((decision) => {
        const head = chain.at(-1);
        const base = { ...decision, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
        const row = { ...base, hash: hashOf(base) };
        chain.push(row);
        return row;
      });
    },
  } as unknown as ComplianceRepository;
  /** lets the appends in flight commit, until none is left */
  const release = async () => {
    for (let rounds = 0; rounds < 100; rounds++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = pending.shift();
      if (next) next();
      else if (rounds > 2) return;
    }
  };
  return { repository, chains, batches, release };
}

const entry = (organizationId: string, outcome = 'ALLOWED') =>
  ({
    organizationId,
    phoneE164: '+12125550101',
    purpose: 'INFORMATIONAL',
    mode: 'SCHEDULE',
    dryRun: false,
    outcome,
    nextAllowedAt: null,
    reasons: [],
    decision: { outcome },
    input: {},
    ruleSetVersion: 'v',
    dncSnapshotIds: {},
    callId: null,
    campaignId: null,
  }) as Omit<NewDecision, 'id' | 'createdAt'>;

describe('DecisionLogService.append (small: group commit over a fake chain)', () => {
  it('writes a lone decision at once and the decisions that arrive meanwhile together, chained in order', async () => {
    const { repository, chains, batches, release } = fakeRepository();
    const log = new DecisionLogService(repository);
    const first = log.append(entry('org'));
    const rest = [log.append(entry('org')), log.append(entry('org')), log.append(entry('org'))];
    await release();
    const rows = await Promise.all([first, ...rest]);
    expect(batches).toEqual([1, 3]);
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    expect(chains.get('org')?.map((row) => row.id)).toEqual(rows.map((row) => row.id));
    const verified = await new DecisionLogService({
      decisionChain: (_org: string, after: number) => Promise.resolve(after === 0 ? (chains.get('org') ?? []) : []),
    } as unknown as ComplianceRepository).verify('org');
    expect(verified).toEqual({ ok: true, checked: 4 });
  });

  it('groups per organisation', async () => {
    const { repository, batches, release } = fakeRepository();
    const log = new DecisionLogService(repository);
    const all = Promise.all([log.append(entry('a')), log.append(entry('b')), log.append(entry('a'))]);
    await release();
    const rows = await all;
    expect(batches.sort()).toEqual([1, 1, 1]);
    expect(rows.map((row) => `${row.organizationId}${row.seq}`)).toEqual(['a1', 'b1', 'a2']);
  });

  it('a decision the database refuses fails alone: its batch is retried one by one', async () => {
    const { repository, release } = fakeRepository((decision) => decision.outcome === 'POISON');
    const log = new DecisionLogService(repository);
    const first = log.append(entry('org'));
    const good = log.append(entry('org'));
    const poison = log.append(entry('org', 'POISON'));
    const after = log.append(entry('org'));
    const settled = Promise.allSettled([first, good, poison, after]);
    await release();
    const results = await settled;
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const seqs = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.seq] : []));
    expect(seqs).toEqual([1, 2, 3]);
  });
});
