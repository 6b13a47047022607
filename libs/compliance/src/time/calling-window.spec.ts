import { describe, expect, it } from 'vitest';
import type { WindowRule } from '../rules/rule-set.js';
import { WindowCalculator, type WindowConstraint } from './calling-window.js';
import { intersect, normalize, firstAtOrAfter } from './intervals.js';
import { offsetAt, offsetSegments, standardOffsetAt, HOUR_MS } from './zone-clock.js';

const Z = (iso: string) => Date.parse(iso);

describe('offsetSegments', () => {
  it('splits at the exact instants US clocks change', () => {
    const spring = offsetSegments('America/New_York', Z('2026-03-07T00:00:00Z'), Z('2026-03-09T00:00:00Z'));
    expect(spring).toEqual([
      { start: Z('2026-03-07T00:00:00Z'), end: Z('2026-03-08T07:00:00Z'), offset: -5 * HOUR_MS },
      { start: Z('2026-03-08T07:00:00Z'), end: Z('2026-03-09T00:00:00Z'), offset: -4 * HOUR_MS },
    ]);
    const fall = offsetSegments('America/Chicago', Z('2026-10-31T00:00:00Z'), Z('2026-11-02T00:00:00Z'));
    expect(fall.map((s) => new Date(s.end).toISOString())).toEqual([
      '2026-11-01T07:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ]);
  });

  it('joins years seamlessly and answers offsets on either side of a change', () => {
    const newYear = offsetSegments('America/Denver', Z('2026-12-30T00:00:00Z'), Z('2027-01-02T00:00:00Z'));
    expect(newYear).toEqual([
      { start: Z('2026-12-30T00:00:00Z'), end: Z('2027-01-02T00:00:00Z'), offset: -7 * HOUR_MS },
    ]);
    expect(offsetAt('America/New_York', Z('2026-03-08T06:59:59Z'))).toBe(-5 * HOUR_MS);
    expect(offsetAt('America/New_York', Z('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR_MS);
    expect(offsetAt('America/Adak', Z('2026-07-01T00:00:00Z'))).toBe(-9 * HOUR_MS);
  });

  it('returns one segment for zones without DST', () => {
    expect(offsetSegments('America/Phoenix', Z('2026-03-01T00:00:00Z'), Z('2026-03-20T00:00:00Z'))).toHaveLength(1);
  });

  it('takes the standard offset in summer too', () => {
    expect(standardOffsetAt('America/Chicago', Z('2026-07-01T00:00:00Z'))).toBe(-6 * HOUR_MS);
    expect(standardOffsetAt('America/Phoenix', Z('2026-07-01T00:00:00Z'))).toBe(-7 * HOUR_MS);
  });
});

/** A rule open every day over a window, to probe DST gaps and folds (no US rule opens at 2 a.m.). */
function everyDay(start: number, end: number): WindowRule {
  const window = { start, end };
  return {
    id: 'test',
    days: [window, window, window, window, window, window, window],
    holidaysClosed: false,
    clocks: ['LOCAL'],
  };
}

function allowed(rule: WindowRule, zone: string, from: string, to: string) {
  const constraint: WindowConstraint = { rule, zone, clock: 'LOCAL', holidays: undefined };
  const calc = new WindowCalculator([constraint], Z(from), Z(from), Z(to));
  return calc.allowed().map(([s, e]) => [new Date(s).toISOString(), new Date(e).toISOString()]);
}

describe('WindowCalculator', () => {
  it('opens a window that starts inside the spring-forward gap when the clock reaches it (03:00 EDT)', () => {
    // local 02:30–05:00 on 2026-03-08: 02:30 does not exist; the window is 03:00–05:00 EDT
    expect(allowed(everyDay(150, 300), 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-08T12:00:00Z')).toEqual([
      ['2026-03-08T07:00:00.000Z', '2026-03-08T09:00:00.000Z'],
    ]);
  });

  it('allows both passes of a repeated hour on the fall-back night', () => {
    // local 01:30–02:00 on 2026-11-01 happens at 05:30Z (EDT) and again at 06:30Z (EST)
    expect(allowed(everyDay(90, 120), 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T12:00:00Z')).toEqual([
      ['2026-11-01T05:30:00.000Z', '2026-11-01T06:00:00.000Z'],
      ['2026-11-01T06:30:00.000Z', '2026-11-01T07:00:00.000Z'],
    ]);
  });

  it('keeps a window spanning the change contiguous (00:00–04:00 local is 3 hours long that night)', () => {
    expect(allowed(everyDay(0, 240), 'America/New_York', '2026-03-08T00:00:00Z', '2026-03-08T12:00:00Z')).toEqual([
      ['2026-03-08T05:00:00.000Z', '2026-03-08T08:00:00.000Z'],
    ]);
  });
});

describe('intervals', () => {
  it('normalizes, intersects and searches', () => {
    expect(
      normalize([
        [5, 7],
        [1, 3],
        [3, 4],
        [6, 9],
        [10, 10],
      ]),
    ).toEqual([
      [1, 4],
      [5, 9],
    ]);
    expect(
      intersect(
        [
          [1, 4],
          [5, 9],
        ],
        [
          [3, 6],
          [8, 20],
        ],
      ),
    ).toEqual([
      [3, 4],
      [5, 6],
      [8, 9],
    ]);
    expect(
      firstAtOrAfter(
        [
          [1, 4],
          [5, 9],
        ],
        4,
      ),
    ).toBe(5);
    expect(
      firstAtOrAfter(
        [
          [1, 4],
          [5, 9],
        ],
        2,
      ),
    ).toBe(2);
    expect(firstAtOrAfter([[1, 4]], 4)).toBeUndefined();
  });
});
