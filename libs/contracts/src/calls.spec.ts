import { describe, expect, it } from 'vitest';
import { CallSimulationSchema, simulatedAnswer } from './calls.js';

describe('simulatedAnswer', () => {
  it('answers like a person when nothing is scripted', () => {
    expect(simulatedAnswer(undefined, 1)).toBe('human');
    expect(simulatedAnswer(null, 3)).toBe('human');
    expect(simulatedAnswer({}, 2)).toBe('human');
  });

  it('gives one answer to every attempt', () => {
    expect(simulatedAnswer({ answeredBy: 'busy' }, 1)).toBe('busy');
    expect(simulatedAnswer({ answeredBy: 'busy' }, 4)).toBe('busy');
  });

  it('gives a list by attempt, repeating the last one', () => {
    const simulation = { answeredBy: ['no_answer', 'voicemail', 'human'] as const };
    const parsed = CallSimulationSchema.parse({ answeredBy: [...simulation.answeredBy] });
    expect([1, 2, 3, 4, 9].map((attempt) => simulatedAnswer(parsed, attempt))).toEqual([
      'no_answer',
      'voicemail',
      'human',
      'human',
      'human',
    ]);
  });

  it('refuses unknown answers and empty lists', () => {
    expect(CallSimulationSchema.safeParse({ answeredBy: 'fax' }).success).toBe(false);
    expect(CallSimulationSchema.safeParse({ answeredBy: [] }).success).toBe(false);
  });
});
