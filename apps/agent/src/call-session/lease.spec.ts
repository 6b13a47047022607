import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRefusal, ApiUnavailable, type InternalClient } from '../api/internal-client.js';
import { grantedLeaseSeconds, LeaseKeeper, renewalIntervalMs } from './lease.js';

const logger = pino({ level: 'silent' });
const INTERVAL = 20_000;

/** A client whose renewals answer what `answers` says, in order (then succeed). */
function clientAnswering(answers: Array<'ok' | 'refused' | 'unreachable'>) {
  const renewals: number[] = [];
  const client = {
    renewLease: vi.fn(async () => {
      renewals.push(Date.now());
      const answer = answers.shift() ?? 'ok';
      if (answer === 'refused') throw new ApiRefusal(409, 'CALL_LEASE_LOST', 'lost');
      if (answer === 'unreachable') throw new ApiUnavailable('POST lease failed after 4 attempt(s)');
      return { leaseUntil: new Date(Date.now() + 60_000).toISOString(), leaseSeconds: 60 };
    }),
  };
  return { client: client as unknown as InternalClient, renewals };
}

describe('LeaseKeeper', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('renews every third of the lease', () => {
    expect(renewalIntervalMs(60)).toBe(INTERVAL);
    expect(renewalIntervalMs(0.3)).toBe(250);
    expect(grantedLeaseSeconds({ leaseSeconds: 90, leaseUntil: 'whatever' })).toBe(90);
    expect(grantedLeaseSeconds({ leaseUntil: '2026-01-01T00:01:00Z' }, Date.parse('2026-01-01T00:00:00Z'))).toBe(60);
  });

  it('keeps renewing through an unreachable API, and stops when the call ends', async () => {
    const { client, renewals } = clientAnswering(['ok', 'unreachable', 'ok']);
    const keeper = new LeaseKeeper(client, 'call-1', 1, 'w', INTERVAL, logger).start();

    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(renewals).toHaveLength(3);
    expect(keeper.renewals).toBe(2);
    expect(keeper.lost.aborted).toBe(false);

    keeper.stop();
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(renewals).toHaveLength(3);
  });

  it('aborts `lost` on a refusal and renews no more', async () => {
    const { client, renewals } = clientAnswering(['ok', 'refused']);
    const keeper = new LeaseKeeper(client, 'call-1', 1, 'w', INTERVAL, logger).start();

    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(keeper.lost.aborted).toBe(true);
    expect(keeper.lost.reason).toMatchObject({ code: 'CALL_LEASE_LOST' });

    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(renewals).toHaveLength(2);
  });

  it('ignores the refusal of a renewal that was under way when the call ended', async () => {
    let refuse!: () => void;
    const client = {
      renewLease: vi.fn(
        () => new Promise((_resolve, reject) => (refuse = () => reject(new ApiRefusal(409, 'CALL_LEASE_LOST', 'x')))),
      ),
    } as unknown as InternalClient;
    const keeper = new LeaseKeeper(client, 'call-1', 1, 'w', INTERVAL, logger).start();

    await vi.advanceTimersByTimeAsync(INTERVAL);
    keeper.stop();
    refuse();
    await vi.advanceTimersByTimeAsync(0);
    expect(keeper.lost.aborted).toBe(false);
  });
});
