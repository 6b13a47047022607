import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { ComplianceGateService } from './compliance-gate.service.js';
import type { ComplianceRepository, DecisionRow, GateFacts } from './compliance.repository.js';
import type { DecisionLogService } from './decision-log.service.js';
import type { DncStatus, DncStatusPort } from './dnc-status.port.js';

/** A repository with no facts but the seller and an owned caller id; `fail` makes the read throw. */
function fakeRepository(fail?: 'facts', consents: GateFacts['consents'] = []): ComplianceRepository {
  const facts: GateFacts = {
    legalName: 'Acme Solar LLC',
    callerVerifiedOwned: true,
    consents,
    revocations: [],
    internalDnc: [],
    attempts: [],
    ebr: null,
    reassigned: null,
    emergencies: [],
  };
  return {
    gateFacts: fail === 'facts' ? () => Promise.reject(new Error('connection reset')) : () => Promise.resolve(facts),
  } as unknown as ComplianceRepository;
}

class FakeDnc implements DncStatusPort {
  constructor(private readonly national: () => Promise<DncStatus | null>) {}
  nationalStatus(): Promise<DncStatus | null> {
    return this.national();
  }
  stateStatus(): Promise<DncStatus | null> {
    return Promise.resolve(null);
  }
  async statusMany(_organizationId: string, list: { kind: string }, phones: string[]): Promise<(DncStatus | null)[]> {
    if (list.kind !== 'national') return phones.map(() => null);
    const status = await this.national();
    return phones.map(() => status);
  }
}

const logged: unknown[] = [];
const decisions = {
  append: (entry: Record<string, unknown>) => {
    logged.push(entry);
    return Promise.resolve({
      ...entry,
      id: 'd',
      seq: 1,
      hash: 'h',
      prevHash: 'p',
      createdAt: new Date(),
    } as unknown as DecisionRow);
  },
} as unknown as DecisionLogService;
const logger = { error: () => undefined } as unknown as Logger;

const request = {
  phone: '(212) 555-0101',
  purpose: 'TELEMARKETING' as const,
  callerId: '+12125550199',
  mode: 'DIAL_NOW' as const,
  at: new Date('2026-03-10T16:00:00Z'),
};

describe('ComplianceGateService (small: fakes for the repository and the registries)', () => {
  it('no national snapshot is stale data: telemarketing blocks with DNC_DATA_STALE', async () => {
    const gate = new ComplianceGateService(
      fakeRepository(),
      decisions,
      new FakeDnc(() => Promise.resolve(null)),
      logger,
    );
    const { decision } = await gate.check('org', request, { dryRun: true });
    expect(decision.outcome).toBe('BLOCKED_DNC_DATA_STALE');
  });

  it('fails closed and logs when the registry throws', async () => {
    const gate = new ComplianceGateService(
      fakeRepository(),
      decisions,
      new FakeDnc(() => Promise.reject(new Error('timeout'))),
      logger,
    );
    logged.length = 0;
    const { decision } = await gate.check('org', request, { dryRun: false });
    expect(decision.outcome).toBe('BLOCKED_EVALUATION_FAILED');
    expect(decision.reasons[0]?.detail).toMatch(/timeout/);
    expect(logged).toHaveLength(1);
  });

  it('fails closed when a fact cannot be read from the database', async () => {
    const fresh = { snapshotId: 's', obtainedAt: '2026-03-05T00:00:00Z', listed: false };
    const gate = new ComplianceGateService(
      fakeRepository('facts'),
      decisions,
      new FakeDnc(() => Promise.resolve(fresh)),
      logger,
    );
    const { decision } = await gate.check('org', { ...request, purpose: 'INFORMATIONAL' }, { dryRun: true });
    expect(decision.outcome).toBe('BLOCKED_EVALUATION_FAILED');
  });

  it('an ALLOW that cannot be logged becomes a block', async () => {
    const fresh = { snapshotId: 's', obtainedAt: '2026-03-05T00:00:00Z', listed: false };
    const failingLog = { append: () => Promise.reject(new Error('disk full')) } as unknown as DecisionLogService;
    const repository = fakeRepository(undefined, [
      {
        id: 'c1',
        type: 'PEWC',
        phoneE164: '+12125550101',
        sellers: ['Acme Solar LLC'],
        capturedAt: new Date('2026-01-05T15:00:00Z'),
        written: true,
        signatureMethod: 'checkbox_submit',
        signatureAffirmative: true,
        disclosureText: 'text',
        disclosureSha256: 'x',
        authorizesArtificialVoice: true,
        notConditionOfPurchase: true,
      },
    ]);
    const gate = new ComplianceGateService(repository, failingLog, new FakeDnc(() => Promise.resolve(fresh)), logger);
    const { decision, record } = await gate.check('org', request, { dryRun: false });
    expect(record).toBeNull();
    expect(decision.outcome).toBe('BLOCKED_EVALUATION_FAILED');
  });
});
