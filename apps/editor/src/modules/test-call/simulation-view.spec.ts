import type { SimulationEvent } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '@switchboard/flow';
import { EMPTY_CALL, foldEvents, toScenario, uniqueScenarioName } from './simulation-view.js';

const at = '2026-01-01T00:00:00Z';
const events: SimulationEvent[] = [
  { seq: 1, type: 'call.started', at, answeredBy: 'human' },
  { seq: 2, type: 'node.entered', at, nodeId: 'start', nodeType: 'start' },
  { seq: 3, type: 'node.entered', at, nodeId: 'confirm', nodeType: 'question' },
  { seq: 4, type: 'agent.said', at, nodeId: 'confirm', text: 'Can you make it?', purpose: 'prompt' },
  { seq: 5, type: 'callee.said', at, nodeId: 'confirm', text: 'yes' },
  { seq: 6, type: 'variable.set', at, nodeId: 'confirm', name: 'confirmed', value: true },
  { seq: 7, type: 'node.entered', at, nodeId: 'bye', nodeType: 'end' },
  { seq: 8, type: 'call.ended', at, nodeId: 'bye', disposition: 'confirmed' },
];

describe('the test call view', () => {
  it('folds events into bubbles, the path, the variables and the end', () => {
    const view = foldEvents(EMPTY_CALL, events);
    expect(view.path).toEqual(['start', 'confirm', 'bye']);
    expect(view.active).toBe('bye');
    expect(view.variables).toEqual({ confirmed: true });
    expect(view.disposition).toBe('confirmed');
    expect(view.bubbles.map((b) => b.speaker)).toEqual(['agent', 'callee', 'system']);
  });

  it('ignores events it has already seen (a replay)', () => {
    const once = foldEvents(EMPTY_CALL, events.slice(0, 5));
    const again = foldEvents(once, events);
    expect(again).toEqual(foldEvents(EMPTY_CALL, events));
  });

  it('writes a scenario that replays the call', () => {
    const view = foldEvents(EMPTY_CALL, events);
    expect(toScenario('says yes', { variables: { first_name: 'Ana' }, answeredBy: 'human' }, ['yes'], view)).toEqual({
      name: 'says yes',
      variables: { first_name: 'Ana' },
      answeredBy: 'human',
      callee: ['yes'],
      expect: { disposition: 'confirmed', path: ['start', 'confirm', 'bye'], said: ['Can you make it?'] },
    });
  });

  it('types the inputs by their declared variables and leaves empty ones out', () => {
    const view = foldEvents(EMPTY_CALL, events.slice(0, 3));
    const scenario = toScenario(
      'typed',
      { variables: { age: '42', vip: 'true', name: 'Ana', empty: '' }, answeredBy: 'voicemail' },
      [{ silence: true }],
      view,
      [
        { name: 'age', type: 'number' },
        { name: 'vip', type: 'boolean' },
        { name: 'name', type: 'string' },
      ],
    );
    expect(scenario).toEqual({
      name: 'typed',
      variables: { age: 42, vip: true, name: 'Ana' },
      answeredBy: 'voicemail',
      callee: [{ silence: true }],
      expect: { path: ['start', 'confirm'] },
    });
    expect(ScenarioSchema.safeParse(scenario).success).toBe(true);
  });

  it('finds a free scenario name', () => {
    expect(uniqueScenarioName([], 'call')).toBe('call');
    expect(uniqueScenarioName([{ name: 'call' }, { name: 'call 2' }], 'call')).toBe('call 3');
  });
});
