import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { decisionHash } from './decision-log.service.js';
import { GENESIS_HASH } from './compliance.repository.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('writes what JSON.stringify writes for JSON data with sorted keys (dates as ISO strings, holes and undefined as null in arrays)', () => {
    const value = {
      z: 'quote " and \\ and \u2028 and é',
      n: [0, -1.5, 1e21, null, true, false, undefined, [], {}],
      d: new Date('2026-03-10T16:00:00.123Z'),
      o: { b: { d: 1, c: [{ y: 1, x: 2 }] }, a: undefined },
    };
    expect(canonicalJson(value)).toBe(
      '{"d":"2026-03-10T16:00:00.123Z","n":[0,-1.5,1e+21,null,true,false,null,[],{}],"o":{"b":{"c":[{"x":2,"y":1}],"d":1}},"z":' +
        JSON.stringify(value.z) +
        '}',
    );
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ x: 'é', y: [2, 1] })).toBe(canonicalJson({ y: [2, 1], x: 'é' }));
  });
});

describe('decisionHash', () => {
  const row = {
    id: '00000000-0000-4000-8000-000000000001',
    organizationId: '00000000-0000-4000-8000-000000000002',
    seq: 1,
    phoneE164: '+12125550101',
    purpose: 'INFORMATIONAL',
    mode: 'DIAL_NOW',
    dryRun: true,
    outcome: 'ALLOWED',
    nextAllowedAt: null,
    reasons: [],
    decision: { outcome: 'ALLOWED', reasons: [] },
    input: { request: { phone: '+12125550101' } },
    ruleSetVersion: '1',
    dncSnapshotIds: {},
    callId: null,
    campaignId: null,
    prevHash: GENESIS_HASH,
    createdAt: new Date('2026-03-10T16:00:00.123Z'),
  };

  it('depends on the content and on the previous hash', () => {
    const base = decisionHash(row);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(decisionHash({ ...row })).toBe(base);
    expect(decisionHash({ ...row, outcome: 'BLOCKED_NO_CONSENT' })).not.toBe(base);
    expect(decisionHash({ ...row, prevHash: 'f'.repeat(64) })).not.toBe(base);
    expect(decisionHash({ ...row, input: { request: { phone: '+12125550102' } } })).not.toBe(base);
  });
});
