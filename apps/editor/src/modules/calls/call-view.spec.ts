import { describe, expect, it } from 'vitest';
import {
  attemptsOfContact,
  decisionsOfCall,
  emptyCallText,
  eventRows,
  eventTime,
  listTime,
  outcomeTone,
  statusTone,
  transcriptBubbles,
  variableRows,
} from './call-view.js';

describe('the call page view model', () => {
  it('turns the transcript into bubbles, naming turns without words', () => {
    expect(
      transcriptBubbles([
        { speaker: 'agent', text: 'Hi Ana', at: '2026-03-10T15:00:00Z', nodeId: 'greet', kind: 'speech' },
        { speaker: 'callee', text: 'yes', at: '2026-03-10T15:00:03Z', nodeId: 'confirm', kind: 'speech' },
        { speaker: 'callee', text: '1', at: null, nodeId: 'menu', kind: 'dtmf' },
        { speaker: 'callee', text: '', kind: 'silence' },
        { speaker: 'callee', text: '', kind: 'hangup' },
        'a line the worker sent as text',
      ]),
    ).toEqual([
      { speaker: 'agent', text: 'Hi Ana', at: '2026-03-10T15:00:00Z', nodeId: 'greet' },
      { speaker: 'callee', text: 'yes', at: '2026-03-10T15:00:03Z', nodeId: 'confirm' },
      { speaker: 'callee', text: '(keypad: 1)', at: null, nodeId: 'menu' },
      { speaker: 'callee', text: '(silence)', at: null, nodeId: null },
      { speaker: 'callee', text: '(hung up)', at: null, nodeId: null },
      { speaker: 'system', text: 'a line the worker sent as text', at: null, nodeId: null },
    ]);
  });

  it('lists events with their other fields compacted, and variables sorted', () => {
    expect(
      eventRows([
        { seq: 0, type: 'dialing', at: '2026-03-10T15:00:00Z' },
        { seq: 1, type: 'node', at: '2026-03-10T15:00:01Z', nodeId: 'greet' },
        42,
      ]),
    ).toEqual([
      { seq: 0, type: 'dialing', at: '2026-03-10T15:00:00Z', detail: '' },
      { seq: 1, type: 'node', at: '2026-03-10T15:00:01Z', detail: '{"nodeId":"greet"}' },
      { seq: null, type: 'event', at: null, detail: '{"value":42}' },
    ]);
    expect(variableRows({ confirmed: true, first_name: 'Ana', at: { h: 1 } })).toEqual([
      { name: 'at', value: '{"h":1}' },
      { name: 'confirmed', value: 'true' },
      { name: 'first_name', value: 'Ana' },
    ]);
  });

  it('colours statuses by what they mean for the operator', () => {
    expect(statusTone('completed')).toBe('ok');
    expect(statusTone('blocked')).toBe('bad');
    expect(statusTone('no_answer')).toBe('warn');
    expect(statusTone('in_progress')).toBe('live');
    expect(statusTone('queued')).toBe('wait');
    expect(statusTone('cancelled')).toBe('off');
  });
});

describe('what an empty call page says', () => {
  it('explains an empty transcript or path by the status instead of a vague "(yet)"', () => {
    expect(emptyCallText('blocked', 'transcript')).toBe(
      'Never dialled: the compliance gate blocked it (see the decision above).',
    );
    expect(emptyCallText('cancelled', 'path')).toBe('Never dialled: cancelled before its turn.');
    expect(emptyCallText('expired', 'transcript')).toMatch(/^Never dialled/);
    expect(emptyCallText('scheduled', 'transcript')).toBe('Not dialled yet.');
    expect(emptyCallText('in_progress', 'transcript')).toBe('Nothing was said yet.');
    expect(emptyCallText('no_answer', 'transcript')).toBe('Nothing was said.');
    expect(emptyCallText('voicemail', 'path')).toBe('No node was reached.');
  });

  it("shows an event's clock time on the call's day, date and time otherwise", () => {
    const created = '2026-03-10T15:00:00Z';
    expect(eventTime('2026-03-10T15:00:05Z', created)).toBe(new Date('2026-03-10T15:00:05Z').toLocaleTimeString());
    expect(eventTime('2026-03-14T15:00:05Z', created)).toBe(new Date('2026-03-14T15:00:05Z').toLocaleString());
    expect(eventTime(null, created)).toBe('—');
  });
});

describe('times in lists', () => {
  it('shows the clock time for today and a short date otherwise', () => {
    const now = new Date('2026-03-10T18:00:00');
    expect(listTime('2026-03-10T09:05:00', now)).toBe(new Date('2026-03-10T09:05:00').toLocaleTimeString());
    expect(listTime('2026-03-01T09:05:00', now)).toBe(
      new Date('2026-03-01T09:05:00').toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }),
    );
    expect(listTime(null, now)).toBe('—');
  });
});

describe("a call's decisions and attempts", () => {
  it('keeps the decisions of the call, oldest first (schedule time, then dial time)', () => {
    const records = [
      { id: 'd4', seq: 4, callId: 'c1', mode: 'DIAL_NOW' },
      { id: 'd3', seq: 3, callId: 'c2', mode: 'SCHEDULE' },
      { id: 'd1', seq: 1, callId: 'c1', mode: 'SCHEDULE' },
      { id: 'd0', seq: 0, callId: null, mode: 'DRY_RUN' },
    ];
    expect(decisionsOfCall(records, 'c1').map((r) => r.id)).toEqual(['d1', 'd4']);
    expect(decisionsOfCall(records, 'c9')).toEqual([]);
  });

  it("keeps a contact's attempts, oldest first", () => {
    const calls = [
      { id: 'b', contactId: 'k1', attempt: 2, createdAt: '2026-03-10T15:05:00Z' },
      { id: 'x', contactId: 'k2', attempt: 1, createdAt: '2026-03-10T15:00:00Z' },
      { id: 'a', contactId: 'k1', attempt: 1, createdAt: '2026-03-10T15:00:00Z' },
      { id: 's', contactId: null, attempt: 1, createdAt: '2026-03-10T15:00:00Z' },
    ];
    expect(attemptsOfContact(calls, 'k1').map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('reads a deferral as a wait, not as a block', () => {
    expect(outcomeTone('ALLOWED')).toBe('ok');
    expect(outcomeTone('DEFERRED')).toBe('warn');
    expect(outcomeTone('BLOCKED_NO_CONSENT')).toBe('bad');
  });
});
