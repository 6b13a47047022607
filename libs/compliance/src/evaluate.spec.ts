import { describe, expect, it } from 'vitest';
import { codes, daysBefore, decide, DEFAULT_AT, input, NY_PHONE, pewc } from '../test/builders.js';
import { ComplianceInputError, evaluate, RULE_SET_VERSION } from './index.js';

describe('evaluate: the baseline', () => {
  it('allows a compliant telemarketing call and reports zones, states and the rule-set version', () => {
    const decision = decide();
    expect(decision).toEqual({
      outcome: 'ALLOWED',
      reasons: [],
      zones: ['America/New_York'],
      states: ['NY'],
      ruleSetVersion: RULE_SET_VERSION,
    });
    expect(RULE_SET_VERSION).toBe('2026.11.0');
  });

  it('is deterministic: the same input gives the same decision', () => {
    expect(evaluate(input())).toEqual(evaluate(input()));
  });
});

describe('C01 number format', () => {
  it.each(['+1212555010', '+11235550101', '+12121550101', 'not a number', '', '+442071234567', '555-0101'])(
    'blocks %j with INVALID_NUMBER',
    (phone) => {
      const decision = decide({ request: { phone } });
      expect(decision.outcome).toBe('BLOCKED_INVALID_NUMBER');
      expect(decision.reasons[0]).toMatchObject({ check: 'C01', code: 'INVALID_NUMBER' });
    },
  );

  it('blocks a number with an extension: it cannot be dialled automatically', () => {
    const decision = decide({ request: { phone: '(212) 555-0101 ext. 12' } });
    expect(decision.reasons[0]).toMatchObject({ check: 'C01', code: 'INVALID_NUMBER' });
    expect(decision.reasons[0]?.detail).toMatch(/extension/);
  });

  it.each([
    '(212) 555-0101',
    '212.555.0101',
    '1-212-555-0101',
    '+1 212 555 0101',
    ' 2125550101 ',
    'tel:+1-212-555-0101',
  ])('passes the messy but valid %j', (phone) => {
    const decision = decide({ request: { phone }, facts: { consents: [pewc(NY_PHONE)] } });
    expect(decision.outcome).toBe('ALLOWED');
  });

  it('does not judge the time of an invalid number (no zones), but still lists other failures', () => {
    const decision = decide({ request: { phone: 'garbage', at: '2026-03-11T03:00:00Z' } });
    expect(decision.zones).toEqual([]);
    expect(codes(decision)).not.toContain('OUTSIDE_HOURS');
    expect(codes(decision)).toContain('CONSENT_INVALID');
  });
});

describe('C02 destination', () => {
  it.each([
    ['+18005550101', /toll-free/],
    ['+18885550101', /toll-free/],
    ['+19005550101', /premium/],
    ['+15005550101', /5XX/],
    ['+14165550101', /CA/], // Toronto
    ['+16045550101', /CA/], // Vancouver
    ['+18765550101', /JM/], // Jamaica
    ['+18095550101', /DO/], // Dominican Republic
    ['+14655550101', /not in service yet/], // NY overlay, assigned, planned 2026-06-18
    ['+12225550101', /not an in-service/], // unassigned
  ])('blocks %s with UNSUPPORTED_DESTINATION', (phone, detail) => {
    const decision = decide({ request: { phone } });
    expect(decision.outcome).toBe('BLOCKED_UNSUPPORTED_DESTINATION');
    expect(decision.reasons[0]).toMatchObject({ check: 'C02', code: 'UNSUPPORTED_DESTINATION' });
    expect(decision.reasons[0]?.detail).toMatch(detail);
  });

  it.each([
    ['+17875550101', 'PR', 'America/Puerto_Rico'],
    ['+13405550101', 'VI', 'America/St_Thomas'],
    ['+16715550101', 'GU', 'Pacific/Guam'],
    ['+16705550101', 'CNMI', 'Pacific/Saipan'],
    ['+16845550101', 'AS', 'Pacific/Pago_Pago'],
    ['+18085550101', 'HI', 'Pacific/Honolulu'],
  ])('supports the US territory / state number %s (%s)', (phone, state, zone) => {
    const at = '2026-03-10T23:00:00Z'; // daytime in every one of these zones
    const decision = decide({ request: { phone, at } });
    expect(decision.states).toEqual([state]);
    expect(decision.zones).toEqual([zone]);
    expect(codes(decision)).not.toContain('UNSUPPORTED_DESTINATION');
  });

  it('blocks an address in a state it does not know', () => {
    const decision = decide({ request: { address: { state: 'ZZ' } } });
    expect(decision.outcome).toBe('BLOCKED_UNSUPPORTED_DESTINATION');
    expect(decision.reasons[0]?.detail).toMatch(/address state ZZ/);
  });

  it('reads the address state case-insensitively, with the USPS alias MP for CNMI', () => {
    expect(decide({ request: { address: { state: 'fl' } } }).states).toEqual(['NY', 'FL']);
    const cnmi = decide({ request: { address: { state: 'MP' }, at: '2026-03-10T23:00:00Z' } });
    expect(cnmi.states).toEqual(['NY', 'CNMI']);
  });
});

describe('C03 caller id', () => {
  it('blocks a caller id that is not verified as owned', () => {
    const decision = decide({ request: { callerId: { phone: '+12125550199', verifiedOwned: false } } });
    expect(decision.outcome).toBe('BLOCKED_CALLER_ID_INVALID');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C03', code: 'CALLER_ID_INVALID' })]);
  });

  it('blocks a caller id that is not a valid number', () => {
    const decision = decide({ request: { callerId: { phone: '+1212555', verifiedOwned: true } } });
    expect(decision.outcome).toBe('BLOCKED_CALLER_ID_INVALID');
  });

  it('accepts a toll-free caller id written loosely', () => {
    expect(decide({ request: { callerId: { phone: '1 (800) 555-0199', verifiedOwned: true } } }).outcome).toBe(
      'ALLOWED',
    );
  });
});

describe('C04 state of emergency', () => {
  const la = { request: { phone: '+15045550101', at: '2026-03-10T15:00:00Z' } } as const;

  it('blocks telemarketing into Louisiana during a declared emergency [from, to)', () => {
    const decision = decide({
      ...la,
      facts: { emergencies: [{ state: 'LA', from: '2026-03-01T00:00:00Z', to: '2026-03-20T00:00:00Z' }] },
    });
    expect(decision.outcome).toBe('BLOCKED_STATE_EMERGENCY');
    expect(decision.reasons[0]).toMatchObject({ check: 'C04', code: 'STATE_EMERGENCY' });
  });

  it('blocks during an emergency with no end yet', () => {
    const decision = decide({ ...la, facts: { emergencies: [{ state: 'LA', from: '2026-03-01T00:00:00Z' }] } });
    expect(decision.outcome).toBe('BLOCKED_STATE_EMERGENCY');
  });

  it('passes at the emergency end (half-open) and before its start', () => {
    const ended = decide({
      ...la,
      facts: { emergencies: [{ state: 'LA', from: '2026-03-01T00:00:00Z', to: '2026-03-10T15:00:00Z' }] },
    });
    expect(codes(ended)).not.toContain('STATE_EMERGENCY');
    const later = decide({ ...la, facts: { emergencies: [{ state: 'LA', from: '2026-03-10T15:00:01Z' }] } });
    expect(codes(later)).not.toContain('STATE_EMERGENCY');
  });

  it('applies through the address state, and not to informational calls or other states', () => {
    const emergencies = [{ state: 'LA', from: '2026-03-01T00:00:00Z' }];
    expect(decide({ request: { address: { state: 'LA' } }, facts: { emergencies } }).outcome).toBe(
      'BLOCKED_STATE_EMERGENCY',
    );
    expect(codes(decide({ facts: { emergencies } }))).not.toContain('STATE_EMERGENCY'); // NY number
    expect(
      codes(decide({ request: { ...la.request, purpose: 'INFORMATIONAL' }, facts: { emergencies } })),
    ).not.toContain('STATE_EMERGENCY');
    const florida = [{ state: 'FL', from: '2026-03-01T00:00:00Z' }];
    expect(codes(decide({ request: { phone: '+13055550101' }, facts: { emergencies: florida } }))).toEqual([]);
  });
});

describe('C05 internal DNC', () => {
  it('blocks a number on the internal list, in any format, whatever the consent', () => {
    const decision = decide({
      facts: { internalDnc: [{ phone: '(212) 555-0101', requestedAt: '2026-03-01T00:00:00Z' }] },
    });
    expect(decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C05', code: 'DNC_INTERNAL' })]);
  });

  it('also blocks informational calls', () => {
    const decision = decide({
      request: { purpose: 'INFORMATIONAL' },
      facts: { internalDnc: [{ phone: NY_PHONE, requestedAt: '2026-03-01T00:00:00Z' }] },
    });
    expect(decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
  });

  it('ignores other numbers and entries made after the call time', () => {
    const decision = decide({
      facts: {
        internalDnc: [
          { phone: '+12125550102', requestedAt: '2026-03-01T00:00:00Z' },
          { phone: NY_PHONE, requestedAt: '2026-03-10T15:00:01Z' },
        ],
      },
    });
    expect(decision.outcome).toBe('ALLOWED');
  });

  it('fails closed on an entry whose number cannot be read', () => {
    const decision = decide({ facts: { internalDnc: [{ phone: 'n/a', requestedAt: '2026-03-01T00:00:00Z' }] } });
    expect(decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(decision.reasons[0]?.detail).toMatch(/cannot be read/);
  });
});

describe('C06 consent revoked', () => {
  const revocation = {
    phone: '212-555-0101',
    receivedAt: '2026-02-01T12:00:00Z',
    channel: 'sms',
    text: 'STOP',
  } as const;

  it('blocks after a revocation, and C10 reports that no consent is left', () => {
    const decision = decide({ facts: { revocations: [revocation] } });
    expect(decision.outcome).toBe('BLOCKED_CONSENT_REVOKED');
    expect(decision.reasons[0]).toMatchObject({ check: 'C06', code: 'CONSENT_REVOKED' });
    expect(decision.reasons[0]?.detail).toMatch(/sms.*STOP/);
    expect(decision.reasons[1]).toMatchObject({ check: 'C10', code: 'NO_CONSENT' });
  });

  it('blocks informational calls too', () => {
    const decision = decide({ request: { purpose: 'INFORMATIONAL' }, facts: { revocations: [revocation] } });
    expect(decision.outcome).toBe('BLOCKED_CONSENT_REVOKED');
  });

  it('passes when a new consent was captured after the revocation', () => {
    const decision = decide({
      facts: {
        revocations: [revocation],
        consents: [pewc(NY_PHONE), pewc(NY_PHONE, { id: 'c2', capturedAt: '2026-02-15T00:00:00Z' })],
      },
    });
    expect(decision.outcome).toBe('ALLOWED');
  });

  it('ignores revocations of other numbers and revocations received after the call time', () => {
    const decision = decide({
      facts: {
        revocations: [
          { ...revocation, phone: '+12125550102' },
          { ...revocation, receivedAt: '2026-03-10T15:00:01Z' },
        ],
      },
    });
    expect(decision.outcome).toBe('ALLOWED');
  });
});

describe('C07 DNC data freshness (telemarketing)', () => {
  it('passes a snapshot exactly 31 × 24 h old and blocks one a second older', () => {
    const at = DEFAULT_AT;
    const fresh = decide({
      facts: { nationalDnc: { snapshotId: 's', obtainedAt: daysBefore(at, 31), listed: false } },
    });
    expect(fresh.outcome).toBe('ALLOWED');
    const obtainedAt = new Date(Date.parse(daysBefore(at, 31)) - 1000).toISOString();
    const stale = decide({ facts: { nationalDnc: { snapshotId: 's', obtainedAt, listed: false } } });
    expect(stale.outcome).toBe('BLOCKED_DNC_DATA_STALE');
    expect(stale.reasons[0]).toMatchObject({ check: 'C07', code: 'DNC_DATA_STALE' });
  });

  it('blocks without a national snapshot, or with one obtained after the call time', () => {
    const missing = evaluate({ ...input(), facts: { ...input().facts, nationalDnc: undefined } });
    expect(missing.outcome).toBe('BLOCKED_DNC_DATA_STALE');
    const future = decide({
      facts: { nationalDnc: { snapshotId: 's', obtainedAt: '2026-03-11T00:00:00Z', listed: false } },
    });
    expect(future.outcome).toBe('BLOCKED_DNC_DATA_STALE');
  });

  it('treats a missing state list of an applicable DNC-list state as stale, naming it', () => {
    const decision = decide({ request: { phone: '+13055550101' }, facts: { stateDnc: {} } });
    expect(decision.outcome).toBe('BLOCKED_DNC_DATA_STALE');
    expect(decision.reasons).toEqual([
      expect.objectContaining({ check: 'C07', detail: expect.stringMatching(/^FL /) }),
    ]);
  });

  it('lists the national and each state list separately; states without a list need none', () => {
    const decision = decide({
      request: { phone: '+13055550101', address: { state: 'TX' } },
      facts: { nationalDnc: undefined, stateDnc: {} },
    });
    expect(decision.reasons.filter((r) => r.code === 'DNC_DATA_STALE').map((r) => r.detail.slice(0, 8))).toEqual([
      'national',
      'FL state',
      'TX state',
    ]);
    expect(decide({ facts: { stateDnc: {} } }).outcome).toBe('ALLOWED'); // NY keeps no list
  });

  it('does not apply to informational calls', () => {
    const decision = decide({ request: { purpose: 'INFORMATIONAL' }, facts: { nationalDnc: undefined, stateDnc: {} } });
    expect(decision.outcome).toBe('ALLOWED');
  });
});

describe('C08 national DNC', () => {
  const listed = { snapshotId: 's1', obtainedAt: '2026-03-05T00:00:00Z', listed: true };

  it('passes a listed number with a valid PEWC naming this seller and number', () => {
    expect(decide({ facts: { nationalDnc: listed } }).outcome).toBe('ALLOWED');
  });

  it('blocks a listed number without a valid PEWC or EBR (and C10 says why)', () => {
    const decision = decide({ facts: { nationalDnc: listed, consents: [] } });
    expect(decision.outcome).toBe('BLOCKED_DNC_NATIONAL');
    expect(codes(decision)).toEqual(['DNC_NATIONAL', 'NO_CONSENT']);
  });

  it('does not count a PEC as the exemption', () => {
    const decision = decide({ facts: { nationalDnc: listed, consents: [pewc(NY_PHONE, { type: 'PEC' })] } });
    expect(codes(decision)).toEqual(['DNC_NATIONAL', 'CONSENT_INVALID']);
  });

  it('accepts an EBR: purchase within 18 calendar months or inquiry within 3', () => {
    const noConsent = { nationalDnc: listed, consents: [] };
    const purchase = decide({ facts: { ...noConsent, ebr: { lastTransactionAt: '2024-09-10T15:00:00Z' } } });
    expect(codes(purchase)).toEqual(['NO_CONSENT']);
    const oldPurchase = decide({ facts: { ...noConsent, ebr: { lastTransactionAt: '2024-09-10T14:59:59Z' } } });
    expect(codes(oldPurchase)).toEqual(['DNC_NATIONAL', 'NO_CONSENT']);
    const inquiry = decide({ facts: { ...noConsent, ebr: { lastInquiryAt: '2025-12-10T15:00:00Z' } } });
    expect(codes(inquiry)).toEqual(['NO_CONSENT']);
    const oldInquiry = decide({ facts: { ...noConsent, ebr: { lastInquiryAt: '2025-12-10T14:00:00Z' } } });
    expect(codes(oldInquiry)).toEqual(['DNC_NATIONAL', 'NO_CONSENT']);
  });

  it('ignores an EBR dated after the call time', () => {
    const decision = decide({
      facts: { nationalDnc: listed, consents: [], ebr: { lastInquiryAt: '2026-03-11T00:00:00Z' } },
    });
    expect(codes(decision)).toContain('DNC_NATIONAL');
  });

  it('does not apply to informational calls', () => {
    const decision = decide({ request: { purpose: 'INFORMATIONAL' }, facts: { nationalDnc: listed } });
    expect(decision.outcome).toBe('ALLOWED');
  });
});

describe('C09 state DNC', () => {
  const fl = { phone: '+13055550101' };
  const listedFl = (at = DEFAULT_AT) => ({ FL: { obtainedAt: daysBefore(at, 2), listed: true } });

  it('blocks a number on an applicable state list without an exemption', () => {
    const decision = decide({ request: fl, facts: { stateDnc: listedFl(), consents: [] } });
    expect(decision.outcome).toBe('BLOCKED_DNC_STATE');
    expect(decision.reasons[0]).toMatchObject({ check: 'C09', code: 'DNC_STATE' });
    expect(decision.reasons[0]?.detail).toMatch(/FL/);
  });

  it('honours the same exemptions as the national list', () => {
    expect(decide({ request: fl, facts: { stateDnc: listedFl() } }).outcome).toBe('ALLOWED');
    const ebr = decide({
      request: fl,
      facts: { stateDnc: listedFl(), consents: [], ebr: { lastInquiryAt: '2026-03-01T00:00:00Z' } },
    });
    expect(codes(ebr)).toEqual(['NO_CONSENT']);
  });

  it('applies through the address state, and not to states without a list', () => {
    const viaAddress = decide({ request: { address: { state: 'FL' } }, facts: { stateDnc: listedFl(), consents: [] } });
    expect(codes(viaAddress)).toContain('DNC_STATE');
    const notApplicable = decide({ facts: { stateDnc: listedFl(), consents: [] } }); // NY number, no address
    expect(codes(notApplicable)).not.toContain('DNC_STATE');
  });
});

describe('C10 consent present and valid', () => {
  const expectInvalid = (consent: Parameters<typeof pewc>[1], subCode: string) => {
    const decision = decide({ facts: { consents: [pewc(NY_PHONE, consent)] } });
    expect(decision.outcome).toBe('BLOCKED_CONSENT_INVALID');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C10', code: 'CONSENT_INVALID', subCode })]);
    return decision;
  };

  it('NO_CONSENT without any consent', () => {
    const decision = decide({ facts: { consents: [] } });
    expect(decision.outcome).toBe('BLOCKED_NO_CONSENT');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C10', code: 'NO_CONSENT' })]);
  });

  it('NO_CONSENT when the only consent was captured after the call time', () => {
    const decision = decide({ facts: { consents: [pewc(NY_PHONE, { capturedAt: '2026-03-10T15:00:01Z' })] } });
    expect(decision.outcome).toBe('BLOCKED_NO_CONSENT');
  });

  it('E1 not written', () => expectInvalid({ written: false }, 'CONSENT_NOT_WRITTEN'));
  it('E2 not signed by an affirmative act (pre-checked box)', () =>
    expectInvalid({ signature: { method: 'prechecked_box', affirmative: false } }, 'CONSENT_NOT_SIGNED'));
  it('E3 seller not named', () => expectInvalid({ sellers: ['Other Energy Inc'] }, 'CONSENT_SELLER_MISMATCH'));
  it('E4 no artificial-voice authorisation', () =>
    expectInvalid(
      { disclosure: { text: 'x', authorizesArtificialVoice: false, notConditionOfPurchase: true } },
      'CONSENT_SCOPE_INSUFFICIENT',
    ));
  it('E5 another number', () => expectInvalid({ phone: '+12125550102' }, 'CONSENT_NUMBER_MISMATCH'));
  it('E5 a number that cannot be read', () => expectInvalid({ phone: 'unknown' }, 'CONSENT_NUMBER_MISMATCH'));
  it('E6 empty disclosure text', () =>
    expectInvalid(
      { disclosure: { text: '  ', authorizesArtificialVoice: true, notConditionOfPurchase: true } },
      'CONSENT_DISCLOSURE_INCOMPLETE',
    ));
  it('E7 no "not a condition of purchase" disclosure', () =>
    expectInvalid(
      { disclosure: { text: 'x', authorizesArtificialVoice: true, notConditionOfPurchase: false } },
      'CONSENT_DISCLOSURE_INCOMPLETE',
    ));
  it('E8 a PEC for telemarketing', () => expectInvalid({ type: 'PEC' }, 'CONSENT_TYPE_INSUFFICIENT'));

  it('reports the first failing element as subCode and every failing one in subCodes', () => {
    const decision = expectInvalid(
      {
        type: 'PEC',
        written: false,
        sellers: ['Someone Else'],
        disclosure: { text: '', authorizesArtificialVoice: true, notConditionOfPurchase: false },
      },
      'CONSENT_NOT_WRITTEN',
    );
    expect(decision.reasons[0]?.subCodes).toEqual([
      'CONSENT_NOT_WRITTEN',
      'CONSENT_SELLER_MISMATCH',
      'CONSENT_DISCLOSURE_INCOMPLETE',
      'CONSENT_TYPE_INSUFFICIENT',
    ]);
  });

  it('matches sellers by legal name, case-insensitive and trimmed; several sellers may be named', () => {
    const decision = decide({ facts: { consents: [pewc(NY_PHONE, { sellers: ['Other Co', '  acme SOLAR llc '] })] } });
    expect(decision.outcome).toBe('ALLOWED');
  });

  it('matches the number in E.164 whatever its format', () => {
    expect(decide({ facts: { consents: [pewc('(212) 555-0101')] } }).outcome).toBe('ALLOWED');
  });

  it('passes if any consent is valid; otherwise describes the most recently captured one', () => {
    const bad = pewc(NY_PHONE, { id: 'old', capturedAt: '2025-01-01T00:00:00Z', written: false });
    const good = pewc(NY_PHONE, { id: 'good', capturedAt: '2024-06-01T00:00:00Z' });
    expect(decide({ facts: { consents: [bad, good] } }).outcome).toBe('ALLOWED');
    const recent = pewc(NY_PHONE, { id: 'recent', capturedAt: '2026-02-01T00:00:00Z', sellers: ['X'] });
    const decision = decide({ facts: { consents: [bad, recent] } });
    expect(decision.reasons[0]).toMatchObject({ subCode: 'CONSENT_SELLER_MISMATCH' });
    expect(decision.reasons[0]?.detail).toMatch(/^consent recent/);
  });

  it('for an informational call accepts a PEC for this seller and number', () => {
    const pec = {
      id: 'p1',
      type: 'PEC' as const,
      phone: NY_PHONE,
      sellers: ['Acme Solar LLC'],
      capturedAt: '2026-01-01T00:00:00Z',
    };
    expect(decide({ request: { purpose: 'INFORMATIONAL' }, facts: { consents: [pec] } }).outcome).toBe('ALLOWED');
    const wrongSeller = decide({
      request: { purpose: 'INFORMATIONAL' },
      facts: { consents: [{ ...pec, sellers: ['Other'] }] },
    });
    expect(wrongSeller.reasons).toEqual([
      expect.objectContaining({ subCode: 'CONSENT_SELLER_MISMATCH', subCodes: ['CONSENT_SELLER_MISMATCH'] }),
    ]);
  });

  it('keeps unknown evidence fields on a consent (page URL, IP) without complaint', () => {
    const consent = { ...pewc(NY_PHONE), pageUrl: 'https://acme.example/quote', ip: '203.0.113.7' };
    expect(decide({ facts: { consents: [consent] } }).outcome).toBe('ALLOWED');
  });
});

describe('C11 reassigned number', () => {
  it('blocks on YES', () => {
    const decision = decide({ facts: { reassigned: { queriedAt: '2026-03-09T00:00:00Z', result: 'YES' } } });
    expect(decision.outcome).toBe('BLOCKED_REASSIGNED_NUMBER');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C11', code: 'REASSIGNED_NUMBER' })]);
  });

  it.each(['NO', 'NO_DATA'] as const)('passes on %s', (result) => {
    expect(decide({ facts: { reassigned: { queriedAt: '2026-03-09T00:00:00Z', result } } }).outcome).toBe('ALLOWED');
  });

  it('passes with no fact', () => {
    expect(evaluate({ ...input(), facts: { ...input().facts, reassigned: undefined } }).outcome).toBe('ALLOWED');
  });

  it('applies to informational calls too', () => {
    const decision = decide({
      request: { purpose: 'INFORMATIONAL' },
      facts: { reassigned: { queriedAt: '2026-03-09T00:00:00Z', result: 'YES' } },
    });
    expect(decision.outcome).toBe('BLOCKED_REASSIGNED_NUMBER');
  });
});

describe('C12 state technology limits', () => {
  const ms = { phone: '+16015550101', at: '2026-01-13T16:00:00Z' }; // Tue 10:00 CST

  it('blocks artificial-voice telemarketing into Mississippi without an EBR', () => {
    const decision = decide({ request: ms });
    expect(decision.outcome).toBe('BLOCKED_STATE_RESTRICTION');
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C12', code: 'STATE_RESTRICTION' })]);
  });

  it('passes with an EBR, and for informational calls', () => {
    expect(decide({ request: ms, facts: { ebr: { lastTransactionAt: '2025-06-01T00:00:00Z' } } }).outcome).toBe(
      'ALLOWED',
    );
    expect(decide({ request: { ...ms, purpose: 'INFORMATIONAL' } }).outcome).toBe('ALLOWED');
  });

  it('applies through a Mississippi address', () => {
    expect(decide({ request: { address: { state: 'MS' } } }).outcome).toBe('BLOCKED_STATE_RESTRICTION');
  });
});

describe('outcome and reasons', () => {
  it('lists every failing check in order; the outcome is the first block', () => {
    const decision = decide({
      request: { callerId: { phone: '+12125550199', verifiedOwned: false }, at: '2026-03-11T02:00:00Z' },
      facts: {
        consents: [],
        nationalDnc: { snapshotId: 's0', obtainedAt: '2025-12-01T00:00:00Z', listed: true },
        reassigned: { queriedAt: '2026-03-01T00:00:00Z', result: 'YES' },
      },
    });
    expect(decision.reasons.map((r) => `${r.check}:${r.code}`)).toEqual([
      'C03:CALLER_ID_INVALID',
      'C07:DNC_DATA_STALE',
      'C08:DNC_NATIONAL',
      'C10:NO_CONSENT',
      'C11:REASSIGNED_NUMBER',
      'C13:OUTSIDE_HOURS',
    ]);
    expect(decision.outcome).toBe('BLOCKED_CALLER_ID_INVALID');
    expect(decision.nextAllowedAt).toBeUndefined();
  });

  it('reports a revoked consent and an internal DNC entry together (an in-call opt-out)', () => {
    const decision = decide({
      facts: {
        internalDnc: [{ phone: NY_PHONE, requestedAt: '2026-03-02T18:04:00Z' }],
        revocations: [
          { phone: NY_PHONE, receivedAt: '2026-03-02T18:04:00Z', channel: 'voice', text: 'stop calling me' },
        ],
      },
    });
    expect(decision.outcome).toBe('BLOCKED_DNC_INTERNAL');
    expect(codes(decision)).toEqual(['DNC_INTERNAL', 'CONSENT_REVOKED', 'NO_CONSENT']);
  });

  it('a block beats a deferral, and then no nextAllowedAt is given', () => {
    const decision = decide({ request: { at: '2026-03-11T02:00:00Z' }, facts: { consents: [] } });
    expect(codes(decision)).toEqual(['NO_CONSENT', 'OUTSIDE_HOURS']);
    expect(decision.outcome).toBe('BLOCKED_NO_CONSENT');
    expect(decision).not.toHaveProperty('nextAllowedAt');
  });
});

describe('invalid input', () => {
  it('throws a ComplianceInputError naming each bad field', () => {
    const valid = input();
    const bad = { ...valid, request: { ...valid.request, at: 'yesterday', mode: 'LATER' as never } };
    let error: unknown;
    try {
      evaluate(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceInputError);
    const issues = (error as ComplianceInputError).issues.map((issue) => issue.path);
    expect(issues).toEqual(expect.arrayContaining(['request.at', 'request.mode']));
    expect((error as ComplianceInputError).code).toBe('COMPLIANCE_INPUT_INVALID');
  });

  it('names array positions and rejects misspelt facts rather than ignoring them', () => {
    const base = input();
    const withTypo = { ...base, facts: { ...base.facts, revocation: [] } };
    expect(() => evaluate(withTypo as never)).toThrow(/facts: .*revocation/);
    const badConsent = input({ facts: { consents: [pewc(NY_PHONE, { capturedAt: '2026-01-05' })] } });
    expect(() => evaluate(badConsent)).toThrow(/facts\.consents\[0\]\.capturedAt/);
  });

  it('treats a malformed phone as a fact to judge, not an input error', () => {
    expect(() => evaluate(input({ request: { phone: '12' } }))).not.toThrow();
  });

  it('defaults the optional fact lists', () => {
    const decision = evaluate({ request: input().request });
    expect(decision.outcome).toBe('BLOCKED_DNC_DATA_STALE');
    expect(codes(decision)).toEqual(['DNC_DATA_STALE', 'NO_CONSENT']);
  });
});
