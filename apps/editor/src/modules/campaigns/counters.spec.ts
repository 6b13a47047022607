import { describe, expect, it } from 'vitest';
import { campaignActions, counterView, isLive } from './counters.js';
import type { CampaignCounters } from './types.js';

const counters = (over: Partial<CampaignCounters> = {}): CampaignCounters => ({
  contacts: 0,
  pending: 0,
  scheduled: 0,
  queued: 0,
  inProgress: 0,
  completed: 0,
  failed: 0,
  blocked: 0,
  cancelled: 0,
  expired: 0,
  byDisposition: {},
  blockedByReason: {},
  ...over,
});

describe('the counter view model', () => {
  it('counts final contacts for the progress bar, one segment per non-empty final state', () => {
    const view = counterView(
      counters({ contacts: 8, scheduled: 2, queued: 1, inProgress: 1, completed: 2, failed: 1, blocked: 1 }),
    );
    expect(view.total).toBe(8);
    expect(view.done).toBe(4);
    expect(view.percent).toBe(50);
    expect(view.segments).toEqual([
      { state: 'completed', label: 'Completed', count: 2, width: 25 },
      { state: 'failed', label: 'Failed', count: 1, width: 12.5 },
      { state: 'blocked', label: 'Blocked', count: 1, width: 12.5 },
    ]);
    expect(view.rows.map((r) => [r.state, r.count])).toEqual([
      ['pending', 0],
      ['scheduled', 2],
      ['queued', 1],
      ['in_progress', 1],
      ['completed', 2],
      ['failed', 1],
      ['blocked', 1],
      ['expired', 0],
      ['cancelled', 0],
    ]);
  });

  it('rounds the percent down, so 100% means every contact is final', () => {
    expect(counterView(counters({ contacts: 3, completed: 2, queued: 1 })).percent).toBe(66);
    expect(counterView(counters({ contacts: 1000, completed: 999, queued: 1 })).percent).toBe(99);
    expect(counterView(counters({ contacts: 2, completed: 1, expired: 1 })).percent).toBe(100);
  });

  it('sorts dispositions and block reasons by count, drops zeros, and copes with no counters', () => {
    const view = counterView(
      counters({
        byDisposition: { confirmed: 3, no_answer: 5, opted_out: 0, busy: 3 },
        blockedByReason: { DNC_NATIONAL: 1, TIME_WINDOW: 4 },
      }),
    );
    expect(view.dispositions).toEqual([
      { name: 'no_answer', count: 5 },
      { name: 'busy', count: 3 },
      { name: 'confirmed', count: 3 },
    ]);
    expect(view.blockedReasons).toEqual([
      { code: 'TIME_WINDOW', count: 4 },
      { code: 'DNC_NATIONAL', count: 1 },
    ]);
    const empty = counterView(undefined);
    expect(empty).toMatchObject({ total: 0, done: 0, percent: 0, segments: [], dispositions: [], blockedReasons: [] });
  });
});

describe('the campaign state machine as buttons', () => {
  it('offers only the transitions the API accepts', () => {
    expect(campaignActions('draft')).toEqual(['start', 'cancel']);
    expect(campaignActions('running')).toEqual(['pause', 'cancel']);
    expect(campaignActions('paused')).toEqual(['resume', 'cancel']);
    expect(campaignActions('completed')).toEqual([]);
    expect(campaignActions('cancelled')).toEqual([]);
    expect(isLive('running')).toBe(true);
    expect(isLive('paused')).toBe(false);
  });
});
