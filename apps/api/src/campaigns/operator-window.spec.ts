import { describe, expect, it } from 'vitest';
import { firstInWindow, insideIn, type OperatorWindow } from './operator-window.js';

const window: OperatorWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };

/** The reference: the wall clock straight from Intl, no cache. */
function inside(at: Date, zone: string): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  return !['Sat', 'Sun'].includes(parts.weekday ?? '') && minutes >= 9 * 60 && minutes < 17 * 60;
}

describe('operator window', () => {
  it('agrees with Intl at every instant, seconds and DST changes included (the per-minute cache)', () => {
    // 2026-03-06 → 2026-03-10 spans the US spring-forward; a step of 7 min 13.5 s visits every second offset
    for (const zone of ['America/New_York', 'America/Phoenix', 'Asia/Kolkata', 'Australia/Adelaide']) {
      for (let t = Date.parse('2026-03-06T00:00:00Z'); t < Date.parse('2026-03-10T00:00:00Z'); t += 433_500) {
        const at = new Date(t);
        expect(insideIn(window, at, zone), `${at.toISOString()} in ${zone}`).toBe(inside(at, zone));
      }
    }
  });

  it('opens at 09:00 local on the next weekday, in the latest of the zones', () => {
    // Friday 2026-03-06 18:00 New York → Monday 09:00 (DST started Sunday: UTC-4)
    expect(firstInWindow(window, new Date('2026-03-06T23:00:00Z'), ['America/New_York'])?.toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    // a number in two zones waits for the western one
    expect(
      firstInWindow(window, new Date('2026-03-09T13:00:00Z'), ['America/New_York', 'America/Chicago'])?.toISOString(),
    ).toBe('2026-03-09T14:00:00.000Z');
    // inside already: the instant itself, seconds kept
    const at = new Date('2026-03-09T15:30:17.250Z');
    expect(firstInWindow(window, at, ['America/New_York'])?.getTime()).toBe(at.getTime());
  });
});
