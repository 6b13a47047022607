import { describe, expect, it } from 'vitest';
import { codes, decide, local, type Overrides } from '../../test/builders.js';

/** Evaluates a call dialled now at a local wall time; MS numbers get an EBR so that C12 stays quiet. */
function dialAt(phone: string, zone: string, when: string, extra: Overrides = {}) {
  const ebr = phone.startsWith('+1601') ? { ebr: { lastTransactionAt: '2025-12-01T00:00:00Z' } } : {};
  return decide({
    ...extra,
    request: { phone, at: local(when, zone), mode: 'DIAL_NOW', ...extra.request },
    facts: { ...ebr, ...extra.facts },
  });
}

type Row = [when: string, allowed: boolean];

// 2026-03-10 is a Tuesday (DST in force since 2026-03-08), 03-14 a Saturday, 03-15 a Sunday.
const TABLE: { rule: string; phone: string; zone: string; rows: Row[] }[] = [
  {
    rule: 'federal (NY has no state window)',
    phone: '+12125550101',
    zone: 'America/New_York',
    rows: [
      ['2026-03-10 07:59:59', false],
      ['2026-03-10 08:00:00', true],
      ['2026-03-10 20:59:59', true],
      ['2026-03-10 21:00:00', false],
      ['2026-03-14 08:00:00', true],
      ['2026-03-15 20:30:00', true],
      ['2026-11-26 12:00:00', true], // federal rules have no holidays
    ],
  },
  ...(
    [
      'FL:+13055550101:America/New_York',
      'OK:+14055550101:America/Chicago',
      'MD:+13015550101:America/New_York',
      'OR:+15035550101:America/Los_Angeles',
      'WA:+12065550101:America/Los_Angeles',
      'MA:+16175550101:America/New_York',
    ] as const
  ).map((spec) => {
    const [rule = '', phone = '', zone = ''] = spec.split(':');
    return {
      rule,
      phone,
      zone,
      rows: [
        ['2026-03-10 07:59:59', false],
        ['2026-03-10 08:00:00', true],
        ['2026-03-10 19:59:59', true],
        ['2026-03-10 20:00:00', false],
        ['2026-03-14 08:00:00', true],
        ['2026-03-14 20:00:00', false],
        ['2026-03-15 08:00:00', true],
        ['2026-03-15 19:59:59', true],
        ['2026-11-26 12:00:00', true],
      ] as Row[],
    };
  }),
  {
    rule: 'CT',
    phone: '+12035550101',
    zone: 'America/New_York',
    rows: [
      ['2026-03-10 08:59:59', false],
      ['2026-03-10 09:00:00', true],
      ['2026-03-10 19:59:59', true],
      ['2026-03-10 20:00:00', false],
      ['2026-03-14 09:00:00', true],
      ['2026-03-15 09:00:00', true],
      ['2026-03-15 20:00:00', false],
    ],
  },
  {
    rule: 'TX (Sunday 12–21)',
    phone: '+12145550101',
    zone: 'America/Chicago',
    rows: [
      ['2026-03-10 08:59:59', false],
      ['2026-03-10 09:00:00', true],
      ['2026-03-10 20:59:59', true],
      ['2026-03-10 21:00:00', false],
      ['2026-03-14 09:00:00', true],
      ['2026-03-15 09:00:00', false],
      ['2026-03-15 11:59:59', false],
      ['2026-03-15 12:00:00', true],
      ['2026-03-15 20:59:59', true],
      ['2026-03-15 21:00:00', false],
    ],
  },
  {
    rule: 'AL (no Sundays, no holidays)',
    phone: '+12055550101',
    zone: 'America/Chicago',
    rows: [
      ['2026-03-10 07:59:59', false],
      ['2026-03-10 08:00:00', true],
      ['2026-03-10 19:59:59', true],
      ['2026-03-10 20:00:00', false],
      ['2026-03-14 12:00:00', true],
      ['2026-03-15 12:00:00', false],
      ['2026-05-25 12:00:00', false], // Memorial Day
      ['2026-04-27 12:00:00', false], // Confederate Memorial Day
      ['2026-06-01 12:00:00', false], // Jefferson Davis' Birthday
      ['2026-06-02 12:00:00', true],
    ],
  },
  {
    rule: 'LA (no Sundays, no holidays)',
    phone: '+15045550101',
    zone: 'America/Chicago',
    rows: [
      ['2026-03-10 08:00:00', true],
      ['2026-03-10 20:00:00', false],
      ['2026-03-14 19:59:59', true],
      ['2026-03-15 12:00:00', false],
      ['2026-02-17 12:00:00', false], // Mardi Gras
      ['2026-04-03 12:00:00', false], // Good Friday
      ['2026-12-25 12:00:00', false],
    ],
  },
  {
    rule: 'MS (08–20 standard time: 09–20 clock time during DST; no Sundays)',
    phone: '+16015550101',
    zone: 'America/Chicago',
    rows: [
      ['2026-01-13 07:59:59', false],
      ['2026-01-13 08:00:00', true],
      ['2026-01-13 19:59:59', true],
      ['2026-01-13 20:00:00', false],
      ['2026-06-09 08:00:00', false],
      ['2026-06-09 08:59:59', false],
      ['2026-06-09 09:00:00', true],
      ['2026-06-09 19:59:59', true],
      ['2026-06-09 20:00:00', false],
      ['2026-03-09 08:30:00', false], // the Monday after the spring-forward
      ['2026-06-13 09:00:00', true], // Saturday
      ['2026-06-14 12:00:00', false], // Sunday
      ['2026-05-25 12:00:00', true], // holidays: no restriction
    ],
  },
  {
    rule: 'RI (09–18, Saturday 10–17, no Sundays, no holidays)',
    phone: '+14015550101',
    zone: 'America/New_York',
    rows: [
      ['2026-03-10 08:59:59', false],
      ['2026-03-10 09:00:00', true],
      ['2026-03-10 17:59:59', true],
      ['2026-03-10 18:00:00', false],
      ['2026-03-14 09:59:59', false],
      ['2026-03-14 10:00:00', true],
      ['2026-03-14 16:59:59', true],
      ['2026-03-14 17:00:00', false],
      ['2026-03-15 12:00:00', false],
      ['2026-08-10 12:00:00', false], // Victory Day
    ],
  },
  {
    rule: 'UT (08–21, no Sundays, no holidays)',
    phone: '+18015550101',
    zone: 'America/Denver',
    rows: [
      ['2026-03-10 07:59:59', false],
      ['2026-03-10 08:00:00', true],
      ['2026-03-10 20:59:59', true],
      ['2026-03-10 21:00:00', false],
      ['2026-03-14 08:00:00', true],
      ['2026-03-15 12:00:00', false],
      ['2026-07-24 12:00:00', false], // Pioneer Day
    ],
  },
  {
    rule: 'PA (08–21 every day, no holidays)',
    phone: '+12155550101',
    zone: 'America/New_York',
    rows: [
      ['2026-03-10 07:59:59', false],
      ['2026-03-10 08:00:00', true],
      ['2026-03-10 20:59:59', true],
      ['2026-03-10 21:00:00', false],
      ['2026-03-15 08:00:00', true],
      ['2026-11-26 12:00:00', false], // Thanksgiving
      ['2026-07-03 12:00:00', false], // Independence Day (observed)
      ['2026-04-03 12:00:00', false], // Good Friday
    ],
  },
];

describe('C13 calling windows: every row of the table', () => {
  for (const { rule, phone, zone, rows } of TABLE) {
    describe(rule, () => {
      it.each(rows)(`${phone} at %s local: allowed %s`, (when, allowed) => {
        const decision = dialAt(phone, zone, when);
        if (allowed) {
          expect(decision.outcome).toBe('ALLOWED');
        } else {
          expect(decision.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
          expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C13', code: 'OUTSIDE_HOURS' })]);
          expect(decision.nextAllowedAt).toBeDefined();
        }
      });
    });
  }

  it('informational calls follow the federal window only (TX on a Sunday morning)', () => {
    const decision = dialAt('+12145550101', 'America/Chicago', '2026-03-15 09:00:00', {
      request: { purpose: 'INFORMATIONAL' },
    });
    expect(decision.outcome).toBe('ALLOWED');
    const late = dialAt('+12145550101', 'America/Chicago', '2026-03-15 21:00:00', {
      request: { purpose: 'INFORMATIONAL' },
    });
    expect(late.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
  });

  it('is half-open to the millisecond: 20:59:59.999 is inside, 21:00:00.000 is not', () => {
    expect(decide({ request: { at: '2026-03-11T00:59:59.999Z', mode: 'DIAL_NOW' } }).outcome).toBe('ALLOWED');
    expect(decide({ request: { at: '2026-03-11T01:00:00.000Z', mode: 'DIAL_NOW' } }).outcome).toBe(
      'BLOCKED_OUTSIDE_HOURS',
    );
  });

  it('says which zone and rule set rejected the time', () => {
    const decision = dialAt('+12145550101', 'America/Chicago', '2026-03-15 10:00:00');
    expect(decision.reasons[0]?.detail).toBe(
      'Sun 2026-03-15 10:00:00 America/Chicago: outside the TX state window 12:00–21:00',
    );
    const sunday = dialAt('+12055550101', 'America/Chicago', '2026-03-15 10:00:00');
    expect(sunday.reasons[0]?.detail).toBe(
      'Sun 2026-03-15 10:00:00 America/Chicago: no calls on Sunday under AL rules',
    );
    const holiday = dialAt('+12155550101', 'America/New_York', '2026-11-26 10:00:00');
    expect(holiday.reasons[0]?.detail).toMatch(/2026-11-26 is a PA holiday \(Thanksgiving Day\)/);
  });
});

describe('C13 candidate zones and applicable states', () => {
  it('an Eastern+Central area code is callable 09:00–21:00 Eastern = 08:00–20:00 Central', () => {
    const ky = '+12705550101';
    expect(dialAt(ky, 'America/New_York', '2026-03-10 08:59:59').outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(dialAt(ky, 'America/New_York', '2026-03-10 09:00:00').outcome).toBe('ALLOWED');
    expect(dialAt(ky, 'America/New_York', '2026-03-10 20:59:59').outcome).toBe('ALLOWED');
    expect(dialAt(ky, 'America/New_York', '2026-03-10 21:00:00').outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    const early = decide({ request: { phone: ky, at: local('2026-03-10 08:30:00', 'America/New_York') } });
    expect(early).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-10T13:00:00Z' });
    expect(early.zones).toEqual(['America/New_York', 'America/Chicago']);
    expect(early.reasons[0]?.detail).toBe(
      'Tue 2026-03-10 07:30:00 America/Chicago: outside the federal window 08:00–21:00',
    );
  });

  it('applies a state window in every candidate zone (FL 850: Eastern+Central)', () => {
    const fl = '+18505550101';
    expect(dialAt(fl, 'America/New_York', '2026-03-10 08:59:59').outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(dialAt(fl, 'America/New_York', '2026-03-10 09:00:00').outcome).toBe('ALLOWED');
    expect(dialAt(fl, 'America/New_York', '2026-03-10 19:59:59').outcome).toBe('ALLOWED');
    expect(dialAt(fl, 'America/New_York', '2026-03-10 20:00:00').outcome).toBe('BLOCKED_OUTSIDE_HOURS');
  });

  it('TX 915 spans Central and Mountain: 10:00–21:00 Central', () => {
    const decision = decide({
      request: { phone: '+19155550101', at: local('2026-03-10 09:30:00', 'America/Chicago') },
    });
    expect(decision).toMatchObject({
      outcome: 'DEFERRED',
      nextAllowedAt: local('2026-03-10 10:00:00', 'America/Chicago'),
    });
  });

  it('adds the address state: its rules and every zone of the state', () => {
    // a New York number whose owner lives in Texas: TX rules, in New York and in Texas's two zones
    const decision = decide({
      request: { address: { state: 'TX' }, at: local('2026-03-15 11:00:00', 'America/New_York') },
    });
    expect(decision.states).toEqual(['NY', 'TX']);
    expect(decision.zones).toEqual(['America/New_York', 'America/Chicago', 'America/Denver']);
    // Sunday: TX allows 12:00–21:00 in each zone → 14:00 Eastern (= 12:00 Mountain) … 21:00 Eastern
    expect(decision).toMatchObject({
      outcome: 'DEFERRED',
      nextAllowedAt: local('2026-03-15 14:00:00', 'America/New_York'),
    });
  });

  it('Arizona stays on standard time, but 928 also reaches the Navajo Nation (Denver, with DST)', () => {
    const phoenix = decide({ request: { phone: '+16025550101', at: '2026-06-09T14:30:00Z' } }); // 07:30 MST
    expect(phoenix).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-06-09T15:00:00Z' });
    const navajo = decide({ request: { phone: '+19285550101', at: '2026-06-09T14:30:00Z' } }); // 08:30 MDT, 07:30 MST
    expect(navajo).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-06-09T15:00:00Z' });
    // 21:30 MDT but 20:30 MST: Denver closes first; next morning Phoenix opens last (08:00 MST = 09:00 MDT)
    const evening = decide({ request: { phone: '+19285550101', at: '2026-06-10T03:30:00Z' } });
    expect(evening).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-06-10T15:00:00Z' });
    expect(decide({ request: { phone: '+19285550101', at: '2026-06-10T02:30:00Z' } }).outcome).toBe('ALLOWED');
  });

  it('judges holidays on the local date of each zone', () => {
    // a Guam number with a Pennsylvania address. 2026-11-25 23:00Z is Thursday 09:00 in Guam
    // (Thanksgiving there) but Wednesday 18:00 in New York.
    const base = { phone: '+16715550101', address: { state: 'PA' }, mode: 'DIAL_NOW' } as const;
    const guamThanksgiving = decide({ request: { ...base, at: '2026-11-25T23:00:00Z' } });
    expect(guamThanksgiving.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(guamThanksgiving.reasons[0]?.detail).toMatch(/Pacific\/Guam: 2026-11-26 is a PA holiday/);
    // 2026-11-26 23:00Z: Friday 09:00 in Guam, but Thanksgiving 18:00 in New York
    const nyThanksgiving = decide({ request: { ...base, at: '2026-11-26T23:00:00Z' } });
    expect(nyThanksgiving.reasons[0]?.detail).toMatch(/America\/New_York: 2026-11-26 is a PA holiday/);
    // 2026-11-24 23:00Z: Wednesday 09:00 Guam, Tuesday 18:00 New York
    expect(decide({ request: { ...base, at: '2026-11-24T23:00:00Z' } }).outcome).toBe('ALLOWED');
  });

  it('adds facts.holidays to the built-in calendar, without shifting them', () => {
    const pa = { phone: '+12155550101', mode: 'DIAL_NOW' } as const;
    const at = local('2026-03-14 12:00:00', 'America/New_York'); // a Saturday
    expect(decide({ request: { ...pa, at } }).outcome).toBe('ALLOWED');
    const decision = decide({ request: { ...pa, at }, facts: { holidays: { PA: ['2026-03-14'] } } });
    expect(decision.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(decision.nextAllowedAt).toBe(local('2026-03-15 08:00:00', 'America/New_York'));
    // a holiday for a state whose window ignores holidays changes nothing
    expect(
      decide({ request: { phone: '+13055550101', at, mode: 'DIAL_NOW' }, facts: { holidays: { FL: ['2026-03-14'] } } })
        .outcome,
    ).toBe('ALLOWED');
  });

  it('fails closed past the years the holiday calendars cover', () => {
    const decision = decide({ request: { phone: '+12155550101', at: '2029-03-13T15:00:00Z' } });
    expect(decision.outcome).toBe('BLOCKED_NO_WINDOW');
    expect(decision.reasons[0]?.detail).toMatch(/does not cover 2029/);
    // states that do not close on holidays need no calendar
    expect(decide({ request: { at: '2029-03-13T15:00:00Z' } }).outcome).toBe('ALLOWED');
  });
});

describe('nextAllowedAt across DST transitions', () => {
  it('spring forward: the first window after the change opens at 08:00 EDT (12:00Z, not 13:00Z)', () => {
    // Saturday 2026-03-07 22:00 EST; clocks jump 02:00 → 03:00 on Sunday 03-08
    const decision = decide({ request: { at: '2026-03-08T03:00:00Z' } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-08T12:00:00Z' });
  });

  it('fall back: the first window after the change opens at 08:00 EST (13:00Z, not 12:00Z)', () => {
    // Saturday 2026-10-31 22:00 EDT; clocks fall 02:00 → 01:00 on Sunday 11-01
    const decision = decide({ request: { at: '2026-11-01T02:00:00Z' } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-11-01T13:00:00Z' });
  });

  it('Pacific spring forward and a TX Sunday noon on the transition day', () => {
    expect(decide({ request: { phone: '+12065550101', at: '2026-03-08T09:00:00Z' } })).toMatchObject({
      nextAllowedAt: '2026-03-08T15:00:00Z', // 08:00 PDT
    });
    expect(decide({ request: { phone: '+12145550101', at: '2026-03-08T06:00:00Z' } })).toMatchObject({
      nextAllowedAt: '2026-03-08T17:00:00Z', // Sunday 12:00 CDT
    });
  });

  it('Mississippi: 09:00 CDT in summer, 08:00 CST in winter, 09:00 CDT the Monday after spring forward', () => {
    const ebr = { ebr: { lastTransactionAt: '2025-12-01T00:00:00Z' } };
    const ms = '+16015550101';
    expect(decide({ request: { phone: ms, at: '2026-06-09T13:30:00Z' }, facts: ebr }).nextAllowedAt).toBe(
      '2026-06-09T14:00:00Z',
    );
    expect(decide({ request: { phone: ms, at: '2026-01-13T13:30:00Z' }, facts: ebr }).nextAllowedAt).toBe(
      '2026-01-13T14:00:00Z',
    );
    // Saturday 2026-03-07 20:30 CST → Sunday closed → Monday 09:00 CDT
    expect(decide({ request: { phone: ms, at: '2026-03-08T02:30:00Z' }, facts: ebr }).nextAllowedAt).toBe(
      '2026-03-09T14:00:00Z',
    );
    // the autumn change: Saturday 2026-10-31 20:30 CDT → Monday 11-02 08:00 CST
    expect(decide({ request: { phone: ms, at: '2026-11-01T01:30:00Z' }, facts: ebr }).nextAllowedAt).toBe(
      '2026-11-02T14:00:00Z',
    );
  });

  it('Alaska: both Anchorage and Adak must be inside the window', () => {
    // 08:30 AKDT is 07:30 HDT on Adak; the window opens at 08:00 HDT = 09:00 AKDT
    const decision = decide({
      request: { phone: '+19075550101', at: local('2026-06-09 08:30:00', 'America/Anchorage') },
    });
    expect(decision.nextAllowedAt).toBe(local('2026-06-09 09:00:00', 'America/Anchorage'));
  });
});

describe('SCHEDULE and DIAL_NOW', () => {
  const late = '2026-03-11T02:00:00Z'; // Tuesday 22:00 EDT

  it('SCHEDULE defers to the next window', () => {
    const decision = decide({ request: { at: late } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-11T12:00:00Z' });
    expect(codes(decision)).toEqual(['OUTSIDE_HOURS']);
  });

  it('DIAL_NOW blocks, with the same next allowed time', () => {
    const decision = decide({ request: { at: late, mode: 'DIAL_NOW' } });
    expect(decision).toMatchObject({ outcome: 'BLOCKED_OUTSIDE_HOURS', nextAllowedAt: '2026-03-11T12:00:00Z' });
  });

  it('an allowed time is ALLOWED in both modes, without nextAllowedAt', () => {
    expect(decide()).not.toHaveProperty('nextAllowedAt');
    expect(decide({ request: { mode: 'DIAL_NOW' } })).toEqual(decide());
  });
});

describe('the 14-day search', () => {
  const pa = '+12155550101';
  const days = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `2026-03-${String(from + i).padStart(2, '0')}`);
  const at = '2026-03-10T12:00:00Z'; // Tuesday 08:00 EDT

  it('finds a window exactly 14 days ahead (inclusive)', () => {
    const decision = decide({ request: { phone: pa, at }, facts: { holidays: { PA: days(10, 14) } } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-24T12:00:00Z' });
  });

  it('gives BLOCKED_NO_WINDOW when there is none within 14 days', () => {
    const decision = decide({ request: { phone: pa, at }, facts: { holidays: { PA: days(10, 15) } } });
    expect(decision.outcome).toBe('BLOCKED_NO_WINDOW');
    expect(decision).not.toHaveProperty('nextAllowedAt');
    expect(decision.reasons.map((r) => `${r.check}:${r.code}`)).toEqual(['C13:OUTSIDE_HOURS', 'C13:NO_WINDOW']);
  });

  it('dialling now without a window in 14 days: BLOCKED_OUTSIDE_HOURS, no nextAllowedAt, NO_WINDOW listed', () => {
    const decision = decide({
      request: { phone: pa, at, mode: 'DIAL_NOW' },
      facts: { holidays: { PA: days(10, 15) } },
    });
    expect(decision.outcome).toBe('BLOCKED_OUTSIDE_HOURS');
    expect(decision).not.toHaveProperty('nextAllowedAt');
    expect(codes(decision)).toEqual(['OUTSIDE_HOURS', 'NO_WINDOW']);
  });
});
