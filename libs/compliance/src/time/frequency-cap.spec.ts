import { describe, expect, it } from 'vitest';
import { codes, decide } from '../../test/builders.js';
import { evaluateCap } from './frequency-cap.js';

const HOUR = 3_600_000;
const at = '2026-03-10T15:00:00Z'; // Tuesday 11:00 EDT
const T = Date.parse(at);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const attemptsAt = (hoursAgo: number[], subject = 'solar-quote') =>
  hoursAgo.map((h) => ({ at: iso(T - h * HOUR), subject }));

const FL = '+13055550101';
const OR = '+15035550101';

describe('C14 frequency caps (FL, OK, MD: same seller + subject; OR: any subject)', () => {
  it('counts attempts in (t − 24 h, t]: three fill the FL cap, the next time is the oldest + 24 h', () => {
    const decision = decide({ request: { phone: FL, at }, facts: { attempts: attemptsAt([20, 10, 1]) } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: iso(T + 4 * HOUR) });
    expect(decision.reasons).toEqual([expect.objectContaining({ check: 'C14', code: 'FREQUENCY_CAP' })]);
    expect(decision.reasons[0]?.detail).toMatch(/FL caps calls at 3 per 24 h; 3 attempts/);
  });

  it('two attempts do not fill it', () => {
    expect(decide({ request: { phone: FL, at }, facts: { attempts: attemptsAt([20, 10]) } }).outcome).toBe('ALLOWED');
  });

  it('the window is half-open: an attempt exactly 24 h ago is out, one at t is in', () => {
    expect(decide({ request: { phone: FL, at }, facts: { attempts: attemptsAt([24, 10, 1]) } }).outcome).toBe(
      'ALLOWED',
    );
    const decision = decide({ request: { phone: FL, at }, facts: { attempts: attemptsAt([23, 10, 0]) } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: iso(T + HOUR) });
  });

  it('with more attempts than the cap, waits until fewer than the cap remain (exact)', () => {
    // four attempts: at oldest + 24 h three are still counted; the third most recent + 24 h frees it
    const decision = decide({ request: { phone: FL, at }, facts: { attempts: attemptsAt([23, 20, 10, 1]) } });
    expect(decision.nextAllowedAt).toBe(iso(T + 4 * HOUR));
  });

  it('ignores attempts after the call time', () => {
    const attempts = [...attemptsAt([20, 10]), { at: iso(T + HOUR), subject: 'solar-quote' }];
    expect(decide({ request: { phone: FL, at }, facts: { attempts } }).outcome).toBe('ALLOWED');
  });

  it('FL counts only the same subject; an attempt without a subject counts against all', () => {
    const other = attemptsAt([20, 10, 1], 'roof-repair');
    expect(decide({ request: { phone: FL, at }, facts: { attempts: other } }).outcome).toBe('ALLOWED');
    const unlabelled = [...attemptsAt([20, 10]), { at: iso(T - HOUR) }];
    expect(decide({ request: { phone: FL, at }, facts: { attempts: unlabelled } }).outcome).toBe('DEFERRED');
  });

  it.each([
    ['OK', '+14055550101'],
    ['MD', '+13015550101'],
  ])('%s has the same cap', (_state, phone) => {
    expect(decide({ request: { phone, at }, facts: { attempts: attemptsAt([20, 10, 1]) } }).outcome).toBe('DEFERRED');
  });

  it('OR counts every subject', () => {
    const mixed = [...attemptsAt([20], 'a'), ...attemptsAt([10], 'b'), ...attemptsAt([1], 'c')];
    const decision = decide({ request: { phone: OR, at: '2026-03-10T18:00:00Z' }, facts: { attempts: mixed } });
    expect(decision.outcome).toBe('DEFERRED');
  });

  it('OR is skipped only with an EBR purchase within 18 months, not with an inquiry', () => {
    const attempts = attemptsAt([20, 10, 1]);
    const request = { phone: OR, at: '2026-03-10T18:00:00Z' }; // 11:00 PDT
    expect(decide({ request, facts: { attempts, ebr: { lastTransactionAt: '2025-01-01T00:00:00Z' } } }).outcome).toBe(
      'ALLOWED',
    );
    expect(decide({ request, facts: { attempts, ebr: { lastTransactionAt: '2024-01-01T00:00:00Z' } } }).outcome).toBe(
      'DEFERRED',
    );
    expect(decide({ request, facts: { attempts, ebr: { lastInquiryAt: '2026-03-01T00:00:00Z' } } }).outcome).toBe(
      'DEFERRED',
    );
  });

  it('does not cap states without a cap, nor informational calls', () => {
    const attempts = attemptsAt([3, 2, 1]);
    expect(decide({ request: { at }, facts: { attempts } }).outcome).toBe('ALLOWED'); // NY
    expect(decide({ request: { phone: FL, at, purpose: 'INFORMATIONAL' }, facts: { attempts } }).outcome).toBe(
      'ALLOWED',
    );
  });

  it('applies through the address state', () => {
    const decision = decide({
      request: { at, address: { state: 'FL' } },
      facts: { attempts: attemptsAt([20, 10, 1]) },
    });
    expect(codes(decision)).toEqual(['FREQUENCY_CAP']);
  });

  it('DIAL_NOW blocks with BLOCKED_FREQUENCY_CAP and the next allowed time', () => {
    const decision = decide({
      request: { phone: FL, at, mode: 'DIAL_NOW' },
      facts: { attempts: attemptsAt([20, 10, 1]) },
    });
    expect(decision).toMatchObject({ outcome: 'BLOCKED_FREQUENCY_CAP', nextAllowedAt: iso(T + 4 * HOUR) });
  });

  it('finds the first instant at which the window and the cap pass together', () => {
    // the cap frees at 20:30 EDT, after FL's 20:00 close: next morning 08:00 EDT
    const attempts = [
      { at: '2026-03-10T00:30:00Z', subject: 'solar-quote' },
      { at: '2026-03-10T13:00:00Z', subject: 'solar-quote' },
      { at: '2026-03-10T14:00:00Z', subject: 'solar-quote' },
    ];
    const decision = decide({ request: { phone: FL, at }, facts: { attempts } });
    expect(decision).toMatchObject({ outcome: 'DEFERRED', nextAllowedAt: '2026-03-11T12:00:00Z' });
    // …and a window-and-cap failure at once lists both, the window first
    const both = decide({
      request: { phone: FL, at: '2026-03-10T11:00:00Z' },
      facts: { attempts: attemptsAt([20, 10, 5]) },
    });
    expect(codes(both)).toEqual(['OUTSIDE_HOURS', 'FREQUENCY_CAP']);
  });
});

describe('evaluateCap', () => {
  const cap = { state: 'FL', maxAttempts: 3, windowMs: 24 * HOUR, scope: 'SELLER_AND_SUBJECT' } as const;

  it('reports the count and the release time', () => {
    const attempts = [T - 20 * HOUR, T - 10 * HOUR, T].map((t) => ({ at: t, subject: 'x' }));
    expect(evaluateCap(cap, attempts, T, 'x')).toEqual({ cap, counted: 3, releaseAt: T + 4 * HOUR });
    expect(evaluateCap(cap, attempts.slice(0, 2), T, 'x')).toEqual({ cap, counted: 2, releaseAt: undefined });
  });

  it('compares subjects case-insensitively and trimmed', () => {
    const attempts = [1, 2, 3].map((h) => ({ at: T - h * HOUR, subject: ' Solar-Quote ' }));
    expect(evaluateCap(cap, attempts, T, 'solar-quote').counted).toBe(3);
  });
});
