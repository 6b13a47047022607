import { describe, expect, it } from 'vitest';
import { actionBlocker, campaignActions, counterView, describeWindow, isLive } from './counters.js';
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

  it('keeps following a paused or cancelled campaign while calls already dialled finish', () => {
    expect(isLive('paused', counters({ contacts: 3, inProgress: 1, pending: 2 }))).toBe(true);
    expect(isLive('cancelled', counters({ contacts: 3, inProgress: 1, cancelled: 2 }))).toBe(true);
    expect(isLive('cancelled', counters({ contacts: 3, cancelled: 3 }))).toBe(false);
    expect(isLive('completed', counters({ contacts: 3, completed: 3 }))).toBe(false);
  });

  it('disables Start until the campaign has contacts (the API refuses it: CAMPAIGN_NO_CONTACTS)', () => {
    expect(actionBlocker('start', counters())).toBe('Add contacts first');
    expect(actionBlocker('start', undefined)).toBe('Add contacts first');
    expect(actionBlocker('start', counters({ contacts: 1, pending: 1 }))).toBe(null);
    expect(actionBlocker('cancel', counters())).toBe(null);
  });
});

describe('counters that add up', () => {
  it('says how many contacts no state accounts for (0 when the API is consistent)', () => {
    expect(counterView(counters({ contacts: 4, pending: 1, queued: 1, completed: 2 })).unaccounted).toBe(0);
    expect(counterView(counters({ contacts: 5, pending: 1, queued: 1, completed: 2 })).unaccounted).toBe(1);
    expect(counterView(undefined).unaccounted).toBe(0);
  });
});

describe('the operator window in words', () => {
  it('names every day, ranges of days and single days, in week order', () => {
    expect(describeWindow(null)).toBe('the legal window only');
    expect(
      describeWindow({ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '21:00' }),
    ).toBe('every day 08:00–21:00');
    expect(describeWindow({ days: [], start: '08:00', end: '21:00' })).toBe('every day 08:00–21:00');
    expect(describeWindow({ days: ['fri', 'mon', 'tue', 'wed', 'thu'], start: '09:00', end: '18:00' })).toBe(
      'Mon–Fri 09:00–18:00',
    );
    expect(describeWindow({ days: ['sat', 'mon'], start: '10:00', end: '12:00' })).toBe('Mon, Sat 10:00–12:00');
    expect(describeWindow({ days: ['mon', 'tue'], start: '10:00', end: '12:00' })).toBe('Mon, Tue 10:00–12:00');
  });
});
