import { afterEach, describe, expect, it } from 'vitest';
import { parseTemporal, type TemporalContext } from './temporal.js';

/** Saturday 7 March 2026, 10:30 in New York (EST, UTC-5); DST starts Sunday 8 March at 02:00 */
const NY: TemporalContext = { now: new Date('2026-03-07T15:30:00Z'), timezone: 'America/New_York', locale: 'en-US' };

function value(text: string, type: 'date' | 'time' | 'datetime', context: TemporalContext = NY): string | undefined {
  return parseTemporal(text, type, context)?.value;
}

describe('parseTemporal', () => {
  describe('date → YYYY-MM-DD', () => {
    it.each([
      ['tomorrow', '2026-03-08'],
      ['today', '2026-03-07'],
      ['next Tuesday', '2026-03-10'],
      ['on Friday', '2026-03-13'],
      ['the 5th', '2026-04-05'], // the 5th has passed this month
      ['the twentieth', '2026-03-20'],
      ['Wednesday the 11th', '2026-03-11'],
      ['March 10th', '2026-03-10'],
      ['3/10', '2026-03-10'],
      ['the day after tomorrow', '2026-03-09'],
      ['in a week', '2026-03-14'],
      ['this evening', '2026-03-07'],
    ])('"%s" → %s', (text, expected) => {
      expect(value(text, 'date')).toBe(expected);
    });

    it('reads day-first dates for en-GB', () => {
      expect(value('10/3', 'date', { ...NY, locale: 'en-GB' })).toBe('2026-03-10');
    });
  });

  describe('time → HH:mm (24h)', () => {
    it.each([
      ['at three thirty', '15:30'],
      ['3 pm', '15:00'],
      ['9 am', '09:00'],
      ['at 7', '19:00'], // a bare 1–7 is the afternoon
      ['at 8', '08:00'],
      ['noon', '12:00'],
      ['half past four', '16:30'],
      ['quarter to five', '16:45'],
      ['ten past nine in the morning', '09:10'],
      ['tonight at 8', '20:00'],
      ['eleven thirty am', '11:30'],
      ['around 4', '16:00'],
      ['in two hours', '12:30'],
      ['in 20 minutes', '10:50'],
      ['tomorrow morning', '09:00'],
    ])('"%s" → %s', (text, expected) => {
      expect(value(text, 'time')).toBe(expected);
    });
  });

  describe('datetime → ISO 8601 with the zone offset at that instant', () => {
    it.each([
      // DST starts overnight: tomorrow is UTC-4 although now is UTC-5
      ['tomorrow at 3', '2026-03-08T15:00:00-04:00'],
      ['tomorrow at 3pm', '2026-03-08T15:00:00-04:00'],
      ['next Tuesday morning', '2026-03-10T09:00:00-04:00'],
      ['in two hours', '2026-03-07T12:30:00-05:00'],
      ['the 5th at noon', '2026-04-05T12:00:00-04:00'],
      ['at 3', '2026-03-07T15:00:00-05:00'],
      ['at 9', '2026-03-08T09:00:00-04:00'], // 9 am today has passed
      ['friday at 10', '2026-03-13T10:00:00-04:00'],
      ['monday at ten fifteen', '2026-03-09T10:15:00-04:00'],
      ['around 4 tomorrow', '2026-03-08T16:00:00-04:00'],
      ['can you call me back in a couple of hours', '2026-03-07T12:30:00-05:00'],
    ])('"%s" → %s', (text, expected) => {
      expect(value(text, 'datetime')).toBe(expected);
    });

    it('counts "in two hours" as elapsed time across the DST change', () => {
      // 01:30 EST; two hours later the clocks show 04:30 EDT
      const night = { ...NY, now: new Date('2026-03-08T06:30:00Z') };
      expect(value('in two hours', 'datetime', night)).toBe('2026-03-08T04:30:00-04:00');
      expect(value('in two hours', 'time', night)).toBe('04:30');
    });

    it('moves a wall time skipped by DST forward by the gap', () => {
      const eve = { ...NY, now: new Date('2026-03-07T23:00:00Z') };
      expect(value('tomorrow at 2:30 am', 'datetime', eve)).toBe('2026-03-08T03:30:00-04:00');
    });

    it('uses the offset of each zone, half-hour ones included', () => {
      expect(value('tomorrow at 3', 'datetime', { ...NY, timezone: 'Asia/Kolkata' })).toBe('2026-03-08T15:00:00+05:30');
      const london = { ...NY, timezone: 'Europe/London', now: new Date('2026-03-28T12:00:00Z') };
      expect(value('tomorrow at 3', 'datetime', london)).toBe('2026-03-29T15:00:00+01:00');
      expect(value('tomorrow at 3', 'datetime', { ...NY, timezone: 'UTC' })).toBe('2026-03-08T15:00:00+00:00');
    });

    it('reports implied parts with less confidence', () => {
      expect(parseTemporal('tomorrow at 3', 'datetime', NY)?.confidence).toBe(0.9);
      expect(parseTemporal('next Tuesday morning', 'datetime', NY)?.confidence).toBeLessThan(0.9);
    });
  });

  describe('turns without a date or time', () => {
    it.each([
      ["I'm not sure", 'datetime'],
      ['I may be busy', 'datetime'],
      ["I'm busy right now", 'datetime'],
      ['just a second', 'datetime'],
      ['hold on a minute', 'time'],
      ['yes that works', 'datetime'],
      ['at 3', 'date'],
      ['tomorrow', 'time'],
    ] as const)('"%s" gives no %s', (text, type) => {
      expect(parseTemporal(text, type, NY)).toBeUndefined();
    });
  });

  describe('does not depend on the machine time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each([
      ['Australia/Sydney', -660],
      ['America/Los_Angeles', 480],
      ['Europe/Berlin', -60],
    ])('same results with TZ=%s', (zone, januaryOffset) => {
      process.env.TZ = zone;
      // the machine zone really changed for this process
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(januaryOffset);
      expect(value('tomorrow at 3', 'datetime')).toBe('2026-03-08T15:00:00-04:00');
      expect(value('next Tuesday morning', 'datetime')).toBe('2026-03-10T09:00:00-04:00');
      expect(value('in two hours', 'datetime')).toBe('2026-03-07T12:30:00-05:00');
      expect(value('the 5th', 'date')).toBe('2026-04-05');
    });
  });
});
