import { describe, expect, it } from 'vitest';
import { codes, decide, input, local, NY_PHONE } from '../test/builders.js';
import { ComplianceDecisionSchema, ComplianceInputError, evaluate, type ComplianceInputInit } from './index.js';

/** The examples and precise sentences of shared/design/COMPLIANCE.md, as tests. */

// "The evaluator's contract", copied verbatim (JSONC).
const CONTRACT_EXAMPLE = `
{ "request": {
    "seller": { "id": "acme-solar", "legalName": "Acme Solar LLC" },
    "purpose": "TELEMARKETING",  "subject": "solar-quote",
    "phone": "+12125550101",     "lineType": "WIRELESS",          // RESIDENTIAL | VOIP | UNKNOWN
    "address": { "state": "FL", "zip": "33101" },                  // optional
    "mode": "SCHEDULE",          "at": "2026-03-10T14:00:00Z",
    "callerId": { "phone": "+12125550199", "verifiedOwned": true } },
  "facts": {
    "consents": [ { "id": "c1", "type": "PEWC", "phone": "+12125550101",
        "sellers": ["Acme Solar LLC"], "capturedAt": "2026-01-05T15:00:00Z",
        "written": true, "signature": { "method": "checkbox_submit", "affirmative": true },
        "disclosure": { "text": "…", "authorizesArtificialVoice": true,
                        "notConditionOfPurchase": true } } ],
    "revocations": [ { "phone": "+1…", "receivedAt": "…", "channel": "voice", "text": "…" } ],
    "internalDnc": [ { "phone": "+1…", "requestedAt": "…" } ],
    "nationalDnc": { "snapshotId": "s1", "obtainedAt": "2026-03-05T00:00:00Z", "listed": false },
    "stateDnc": { "FL": { "obtainedAt": "…", "listed": true } },
    "ebr": { "lastTransactionAt": "…", "lastInquiryAt": "…" },     // optional
    "reassigned": { "queriedAt": "…", "result": "NO" },             // YES | NO | NO_DATA
    "attempts": [ { "at": "…", "subject": "solar-quote" } ],
    "emergencies": [ { "state": "LA", "from": "…", "to": "…" } ],
    "holidays": { "PA": ["2026-11-26"] }                            // optional; defaults built in
} }
`;

function contractExample(): { request: Record<string, unknown>; facts: Record<string, unknown> } {
  return JSON.parse(CONTRACT_EXAMPLE.replace(/\/\/[^\n]*/g, '')) as never;
}

describe("COMPLIANCE.md: the evaluator's contract example", () => {
  it('as printed, is rejected only for its "…" placeholder dates, each named', () => {
    let error: unknown;
    try {
      evaluate(contractExample() as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceInputError);
    expect((error as ComplianceInputError).issues.map((issue) => issue.path).sort()).toEqual(
      [
        'facts.revocations[0].receivedAt',
        'facts.internalDnc[0].requestedAt',
        'facts.stateDnc.FL.obtainedAt',
        'facts.ebr.lastTransactionAt',
        'facts.ebr.lastInquiryAt',
        'facts.reassigned.queriedAt',
        'facts.attempts[0].at',
        'facts.emergencies[0].from',
        'facts.emergencies[0].to',
      ].sort(),
    );
  });

  it('with the placeholders filled in, is allowed: 10:00 EDT in New York, 09:00 CDT in western Florida', () => {
    const example = contractExample();
    const facts = example.facts;
    const other = '+12125550177'; // the contact's other number, revoked and on the internal list
    facts['revocations'] = [
      { phone: other, receivedAt: '2026-02-01T12:00:00Z', channel: 'voice', text: 'stop calling me' },
    ];
    facts['internalDnc'] = [{ phone: other, requestedAt: '2026-02-01T12:00:00Z' }];
    facts['stateDnc'] = { FL: { obtainedAt: '2026-03-05T00:00:00Z', listed: true } }; // exempt: valid PEWC
    facts['ebr'] = { lastTransactionAt: '2025-06-01T00:00:00Z', lastInquiryAt: '2026-02-20T00:00:00Z' };
    facts['reassigned'] = { queriedAt: '2026-03-09T00:00:00Z', result: 'NO' };
    facts['attempts'] = [{ at: '2026-03-10T12:00:00Z', subject: 'solar-quote' }];
    facts['emergencies'] = [{ state: 'LA', from: '2026-02-01T00:00:00Z', to: '2026-02-10T00:00:00Z' }];

    const decision = ComplianceDecisionSchema.parse(evaluate(example as ComplianceInputInit));
    expect(decision).toEqual({
      outcome: 'ALLOWED',
      reasons: [],
      zones: ['America/New_York', 'America/Chicago'],
      states: ['NY', 'FL'],
      ruleSetVersion: '2026.11.0',
    });
  });

  it("the example at 20:30 EDT is deferred to 09:00 EDT, when 08:00 CDT opens Florida's western zone", () => {
    const example = contractExample();
    const filled = {
      request: { ...example.request, at: '2026-03-11T00:30:00Z' },
      facts: {
        consents: example.facts['consents'],
        nationalDnc: example.facts['nationalDnc'],
        stateDnc: { FL: { obtainedAt: '2026-03-05T00:00:00Z', listed: false } },
      },
    };
    expect(evaluate(filled as unknown as ComplianceInputInit)).toMatchObject({
      outcome: 'DEFERRED',
      nextAllowedAt: '2026-03-11T13:00:00Z',
    });
  });
});

describe('COMPLIANCE.md: sentences as tests', () => {
  it('"Windows are half-open [start, end) in the callee\'s local time: 21:00:00 is outside."', () => {
    expect(
      decide({ request: { mode: 'DIAL_NOW', at: local('2026-03-10 20:59:59', 'America/New_York') } }).outcome,
    ).toBe('ALLOWED');
    expect(
      decide({ request: { mode: 'DIAL_NOW', at: local('2026-03-10 21:00:00', 'America/New_York') } }).outcome,
    ).toBe('BLOCKED_OUTSIDE_HOURS');
  });

  it('"an Eastern+Central area code is callable 09:00–21:00 Eastern = 08:00–20:00 Central"', () => {
    const ky = { phone: '+12705550101', mode: 'DIAL_NOW' } as const;
    const at = (t: string) => decide({ request: { ...ky, at: local(`2026-03-10 ${t}`, 'America/New_York') } }).outcome;
    expect([at('08:59:59'), at('09:00:00'), at('20:59:59'), at('21:00:00')]).toEqual([
      'BLOCKED_OUTSIDE_HOURS',
      'ALLOWED',
      'ALLOWED',
      'BLOCKED_OUTSIDE_HOURS',
    ]);
  });

  it('"An in-call opt-out writes both an internal DNC entry and a revocation, so a later evaluation reports BLOCKED_DNC_INTERNAL (with CONSENT_REVOKED among the reasons)."', () => {
    const optOut = '2026-03-09T16:02:11Z';
    const decision = decide({
      facts: {
        internalDnc: [{ phone: NY_PHONE, requestedAt: optOut }],
        revocations: [{ phone: NY_PHONE, receivedAt: optOut, channel: 'voice', text: 'stop calling me' }],
      },
    });
    expect(decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(codes(decision)).toContain('CONSENT_REVOKED');
  });

  it('"Mississippi: 08–20 in local standard time, i.e. during DST 09–20 local clock time."', () => {
    const ms = (at: string) =>
      decide({
        request: { phone: '+16015550101', mode: 'DIAL_NOW', at: local(at, 'America/Chicago') },
        facts: { ebr: { lastTransactionAt: '2026-01-02T00:00:00Z' } },
      }).outcome;
    expect([
      ms('2026-07-07 08:30:00'),
      ms('2026-07-07 09:00:00'),
      ms('2026-07-07 19:59:59'),
      ms('2026-07-07 20:00:00'),
    ]).toEqual(['BLOCKED_OUTSIDE_HOURS', 'ALLOWED', 'ALLOWED', 'BLOCKED_OUTSIDE_HOURS']);
    expect(ms('2026-02-03 08:00:00')).toBe('ALLOWED');
  });

  it('"a number must match ^\\+1[2-9]\\d{2}[2-9]\\d{6}$"', () => {
    expect(decide({ request: { phone: '+12125550101' } }).outcome).toBe('ALLOWED');
    for (const phone of ['+11125550101', '+12121550101', '+1212555010', '+121255501011']) {
      expect(decide({ request: { phone } }).outcome).toBe('BLOCKED_INVALID_NUMBER');
    }
  });

  it('"A malformed `phone` is not an input error: it reaches C01 and blocks."', () => {
    expect(decide({ request: { phone: '555-CALL-NOW' } }).reasons[0]).toMatchObject({ check: 'C01' });
  });

  it('"A state with its own DNC list and no `stateDnc` entry is treated as stale data (`DNC_DATA_STALE`)"', () => {
    expect(decide({ request: { address: { state: 'FL' } }, facts: { stateDnc: {} } }).outcome).toBe(
      'BLOCKED_DNC_DATA_STALE',
    );
  });

  it('"`facts.holidays` adds observed dates (YYYY-MM-DD, local) to the built-in calendars per state"', () => {
    // the contract example's PA entry: Thanksgiving 2026, which the built-in calendar already has
    const pa = {
      phone: '+12155550101',
      mode: 'DIAL_NOW',
      at: local('2026-11-26 10:00:00', 'America/New_York'),
    } as const;
    expect(decide({ request: pa }).outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(decide({ request: pa, facts: { holidays: { PA: ['2026-11-26'] } } }).outcome).toBe('BLOCKED_OUTSIDE_HOURS');
  });

  it('"Facts dated after `request.at` … did not exist yet and are ignored."', () => {
    const after = '2026-03-10T15:00:01Z';
    const decision = decide({
      facts: {
        revocations: [{ phone: NY_PHONE, receivedAt: after, channel: 'sms' }],
        internalDnc: [{ phone: NY_PHONE, requestedAt: after }],
        attempts: [1, 2, 3].map(() => ({ at: after, subject: 'solar-quote' })),
      },
      request: { address: { state: 'FL' } },
    });
    expect(decision.outcome).toBe('ALLOWED');
  });

  it('"C11 blocks only when `reassigned.result` is `YES`"', () => {
    expect(decide({ facts: { reassigned: { queriedAt: '2026-03-01T00:00:00Z', result: 'YES' } } }).outcome).toBe(
      'BLOCKED_REASSIGNED_NUMBER',
    );
    expect(decide({ facts: { reassigned: { queriedAt: '2026-03-01T00:00:00Z', result: 'NO_DATA' } } }).outcome).toBe(
      'ALLOWED',
    );
  });

  it('"The Oregon cap is skipped only with an EBR purchase (`lastTransactionAt`) ≤ 18 months."', () => {
    const attempts = [1, 2, 3].map((h) => ({
      at: new Date(Date.parse('2026-03-10T18:00:00Z') - h * 3_600_000).toISOString(),
    }));
    const or = { phone: '+15035550101', at: '2026-03-10T18:00:00Z' };
    expect(decide({ request: or, facts: { attempts } }).outcome).toBe('DEFERRED');
    expect(
      decide({ request: or, facts: { attempts, ebr: { lastTransactionAt: '2024-09-10T18:00:00Z' } } }).outcome,
    ).toBe('ALLOWED');
  });

  it('"Time reasons are listed in both modes. `nextAllowedAt` is present only for `DEFERRED`, `BLOCKED_OUTSIDE_HOURS` and `BLOCKED_FREQUENCY_CAP`."', () => {
    const late = '2026-03-11T02:00:00Z';
    for (const mode of ['SCHEDULE', 'DIAL_NOW'] as const) {
      const blockedEarlier = decide({ request: { at: late, mode }, facts: { consents: [] } });
      expect(codes(blockedEarlier)).toEqual(['NO_CONSENT', 'OUTSIDE_HOURS']);
      expect(blockedEarlier).not.toHaveProperty('nextAllowedAt');
    }
    expect(decide({ request: { at: late } })).toHaveProperty('nextAllowedAt');
    expect(decide({ request: { at: late, mode: 'DIAL_NOW' } })).toHaveProperty('nextAllowedAt');
  });

  it('"\'≤ 31 days\' is ≤ 31 × 24 h"', () => {
    const at = '2026-03-10T15:00:00Z';
    const ok = decide({
      facts: { nationalDnc: { snapshotId: 's', obtainedAt: '2026-02-07T15:00:00Z', listed: false } },
    });
    expect(ok.outcome).toBe('ALLOWED');
    const stale = evaluate({
      ...input({ request: { at } }),
      facts: { ...input().facts, nationalDnc: { snapshotId: 's', obtainedAt: '2026-02-07T14:59:59Z', listed: false } },
    });
    expect(stale.outcome).toBe('BLOCKED_DNC_DATA_STALE');
  });
});
