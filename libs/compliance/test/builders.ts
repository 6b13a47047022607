import { TZDate } from '@date-fns/tz';
import {
  ComplianceDecisionSchema,
  evaluate,
  type ComplianceDecision,
  type ComplianceInputInit,
  type ReasonCode,
} from '../src/index.js';

/**
 * Test inputs: `input()` is a telemarketing call that passes every check (a New York
 * number, Tuesday 2026-03-10 11:00 EDT, a valid PEWC, fresh DNC data); each test
 * overrides what it is about.
 */

type RequestInit = ComplianceInputInit['request'];
type FactsInit = NonNullable<ComplianceInputInit['facts']>;
export type ConsentInit = NonNullable<FactsInit['consents']>[number];

export interface Overrides {
  request?: Partial<RequestInit>;
  facts?: Partial<FactsInit>;
}

export const SELLER = { id: 'acme-solar', legalName: 'Acme Solar LLC' } as const;
export const NY_PHONE = '+12125550101';
export const DEFAULT_AT = '2026-03-10T15:00:00Z';

const DAY_MS = 86_400_000;
const DNC_STATES = ['CO', 'FL', 'IN', 'LA', 'MA', 'MO', 'MS', 'OK', 'PA', 'TN', 'TX', 'WY'];

export function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(iso) - days * DAY_MS).toISOString();
}

export function pewc(phone: string, overrides: Partial<ConsentInit> = {}): ConsentInit {
  return {
    id: 'c1',
    type: 'PEWC',
    phone,
    sellers: ['Acme Solar LLC'],
    capturedAt: '2026-01-05T15:00:00Z',
    written: true,
    signature: { method: 'checkbox_submit', affirmative: true },
    disclosure: {
      text: 'By clicking Submit you agree that Acme Solar LLC may call you using an artificial voice. Consent is not a condition of purchase.',
      authorizesArtificialVoice: true,
      notConditionOfPurchase: true,
    },
    ...overrides,
  };
}

export function input(overrides: Overrides = {}): ComplianceInputInit {
  const phone = overrides.request?.phone ?? NY_PHONE;
  const at = overrides.request?.at ?? DEFAULT_AT;
  return {
    request: {
      seller: SELLER,
      purpose: 'TELEMARKETING',
      subject: 'solar-quote',
      phone,
      lineType: 'WIRELESS',
      mode: 'SCHEDULE',
      at,
      callerId: { phone: '+12125550199', verifiedOwned: true },
      ...overrides.request,
    },
    facts: {
      consents: [pewc(phone)],
      nationalDnc: { snapshotId: 's1', obtainedAt: daysBefore(at, 1), listed: false },
      stateDnc: Object.fromEntries(DNC_STATES.map((s) => [s, { obtainedAt: daysBefore(at, 1), listed: false }])),
      reassigned: { queriedAt: daysBefore(at, 1), result: 'NO' },
      ...overrides.facts,
    },
  };
}

/** Evaluates and checks the decision against the output contract. */
export function decide(overrides: Overrides = {}): ComplianceDecision {
  return ComplianceDecisionSchema.parse(evaluate(input(overrides)));
}

export function codes(decision: ComplianceDecision): ReasonCode[] {
  return decision.reasons.map((r) => r.code);
}

/** A local wall-clock time in a zone, as a UTC instant (for readable window tests). */
export function local(dateTime: string, zone: string): string {
  const [date = '', time = '00:00:00'] = dateTime.split(' ');
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, zone).getTime()).toISOString().replace('.000Z', 'Z');
}
