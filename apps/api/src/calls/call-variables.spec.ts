import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '@switchboard/flow';
import { variableProblems } from './call-variables.js';

const flow = {
  variables: [
    { name: 'first_name', type: 'string', source: 'input', required: true },
    { name: 'amount', type: 'number', source: 'input' },
    { name: 'vip', type: 'boolean', source: 'input' },
    { name: 'due', type: 'date', source: 'input' },
    { name: 'slot', type: 'time', source: 'input' },
    { name: 'at', type: 'datetime', source: 'input' },
    { name: 'plan', type: 'enum', source: 'input', values: ['basic', 'pro'] },
    { name: 'meta', type: 'object', source: 'input' },
    { name: 'with_default', type: 'string', source: 'input', required: true, default: 'x' },
    { name: 'confirmed', type: 'boolean', source: 'captured' },
  ],
} as unknown as FlowDocument;

const paths = (variables: Record<string, unknown>) => variableProblems(flow, variables).map((p) => p.path);

describe('variableProblems', () => {
  it('accepts values of every declared type and leaves out optional or defaulted ones', () => {
    expect(
      variableProblems(flow, {
        first_name: 'Ada',
        amount: 12.5,
        vip: false,
        due: '2026-02-28',
        slot: '09:30',
        at: '2026-03-10T14:00:00Z',
        plan: 'pro',
        meta: { a: 1 },
      }),
    ).toEqual([]);
  });

  it('names the required variables that are missing or empty', () => {
    expect(paths({})).toEqual(['body.variables.first_name']);
    expect(paths({ first_name: '' })).toEqual(['body.variables.first_name']);
  });

  it('names each value of the wrong type with what it must be', () => {
    const problems = variableProblems(flow, {
      first_name: 1,
      amount: '12',
      vip: 'yes',
      due: '2026-02-30',
      slot: '25:00',
      at: '2026-03-10',
      plan: 'gold',
      meta: [1],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'body.variables.first_name',
      'body.variables.amount',
      'body.variables.vip',
      'body.variables.due',
      'body.variables.slot',
      'body.variables.at',
      'body.variables.plan',
      'body.variables.meta',
    ]);
    expect(problems[6]?.message).toContain('"basic", "pro"');
  });

  it('refuses names the flow does not take as input (captured variables included)', () => {
    expect(paths({ first_name: 'Ada', confirmed: true, other: 1 })).toEqual([
      'body.variables.confirmed',
      'body.variables.other',
    ]);
  });
});
