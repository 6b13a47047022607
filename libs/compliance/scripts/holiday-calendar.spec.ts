import { describe, expect, it } from 'vitest';
import holidays from '../data/holidays.json' with { type: 'json' };
import rules from '../data/holiday-rules.json' with { type: 'json' };
import { buildHolidayCalendar, easterSunday } from './holiday-calendar.js';

describe('data/holidays.json', () => {
  it('is what scripts/generate-holidays.ts makes from data/holiday-rules.json', () => {
    expect(buildHolidayCalendar(rules)).toEqual(holidays);
  });

  it('has the dates one can check on a calendar', () => {
    const pa = holidays.states.PA as Record<string, string>;
    expect(pa['2026-11-26']).toBe('Thanksgiving Day');
    expect(pa['2026-04-03']).toBe('Good Friday');
    expect(pa['2026-11-03']).toBe('Election Day');
    expect(pa['2026-07-03']).toBe('Independence Day (observed)'); // July 4 2026 is a Saturday
    expect(pa['2027-12-31']).toBe("New Year's Day (observed)"); // Jan 1 2028 is a Saturday
    expect((holidays.states.LA as Record<string, string>)['2027-02-09']).toBe('Mardi Gras');
    expect((holidays.states.UT as Record<string, string>)['2027-07-23']).toBe('Pioneer Day (observed)');
    expect((holidays.states.RI as Record<string, string>)['2025-08-11']).toBe('Victory Day');
    expect((holidays.states.AL as Record<string, string>)['2028-04-24']).toBe('Confederate Memorial Day');
  });

  it('computes Easter', () => {
    expect([2025, 2026, 2027, 2028].map((y) => new Date(easterSunday(y)).toISOString().slice(0, 10))).toEqual([
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2028-04-16',
    ]);
  });
});
