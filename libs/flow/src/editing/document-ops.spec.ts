import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, validateFlow, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import {
  addGlobal,
  addTool,
  addVariable,
  EditError,
  removeGlobal,
  removeTool,
  removeVariable,
  setPurpose,
  updateGlobal,
  updateMeta,
  updateSettings,
  updateTool,
  updateVariable,
  type EditErrorCode,
} from './index.js';

const load = (): FlowDocument => deepFreeze(FlowDocumentSchema.parse(structuredClone(fixture)));
const node = (flow: FlowDocument, id: string) => flow.nodes.find((n) => n.id === id);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function expectEditError(run: () => unknown, code: EditErrorCode): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected EditError ${code}`).toBeInstanceOf(EditError);
  expect((caught as EditError).code).toBe(code);
}

describe('globals', () => {
  it('adds a global with schema defaults and an id derived from its trigger', () => {
    const flow = load();
    const next = addGlobal(flow, { trigger: { kind: 'event', event: 'silence' }, goto: 'fail' });
    expect(next.globals.at(-1)).toEqual({
      id: 'g_silence',
      trigger: { kind: 'event', event: 'silence' },
      goto: 'fail',
      return: false,
      cooldownTurns: 0,
    });
    expect(addGlobal(flow, { trigger: { kind: 'dtmf', digits: '0' }, goto: 'handoff' }).globals.at(-1)!.id).toBe(
      'g_key_0',
    );
    const twice = addGlobal(next, { trigger: { kind: 'event', event: 'silence' }, goto: 'bye' });
    expect(twice.globals.at(-1)!.id).toBe('g_silence_2');
    expect(FlowDocumentSchema.parse(twice)).toEqual(twice);
  });

  it('refuses missing targets and scopes, the start node, taken ids, invalid triggers', () => {
    const flow = load();
    expectEditError(
      () => addGlobal(flow, { trigger: { kind: 'event', event: 'silence' }, goto: 'ghost' }),
      'NODE_NOT_FOUND',
    );
    expectEditError(
      () => addGlobal(flow, { trigger: { kind: 'event', event: 'silence' }, goto: 'bye', scope: ['ghost'] }),
      'NODE_NOT_FOUND',
    );
    expectEditError(
      () => addGlobal(flow, { trigger: { kind: 'event', event: 'silence' }, goto: 'start' }),
      'INVALID_CONNECTION',
    );
    expectEditError(
      () => addGlobal(flow, { id: 'g_stop', trigger: { kind: 'event', event: 'silence' }, goto: 'bye' }),
      'ID_TAKEN',
    );
    expectEditError(() => addGlobal(flow, { trigger: { kind: 'dtmf', digits: 'x' }, goto: 'bye' }), 'INVALID_VALUE');
  });

  it('updates a global (scope removed = everywhere; renamed if free) and removes one', () => {
    const flow = load();
    const everywhere = updateGlobal(flow, 'g_help', { scope: undefined });
    expect(everywhere.globals.find((g) => g.id === 'g_help')).not.toHaveProperty('scope');
    const renamed = updateGlobal(flow, 'g_help', { id: 'g_assist', goto: 'bye' });
    expect(renamed.globals.map((g) => g.id)).toEqual(['g_stop', 'g_key', 'g_who', 'g_assist']);
    expect(renamed.globals[3]!.goto).toBe('bye');
    expect(updateGlobal(flow, 'g_help', { goto: 'handoff' })).toBe(flow);
    expectEditError(() => updateGlobal(flow, 'g_help', { id: 'g_stop' }), 'ID_TAKEN');
    expectEditError(() => updateGlobal(flow, 'g_help', { goto: 'ghost' }), 'NODE_NOT_FOUND');
    expectEditError(() => updateGlobal(flow, 'nope', { goto: 'bye' }), 'GLOBAL_NOT_FOUND');
    expect(removeGlobal(flow, 'g_help').globals.map((g) => g.id)).toEqual(['g_stop', 'g_key', 'g_who']);
    expectEditError(() => removeGlobal(flow, 'nope'), 'GLOBAL_NOT_FOUND');
  });
});

describe('variables', () => {
  it('adds and removes variables', () => {
    const flow = load();
    const next = addVariable(flow, { name: 'city', type: 'string', source: 'captured' });
    expect(next.variables.at(-1)).toEqual({ name: 'city', type: 'string', source: 'captured' });
    expectEditError(() => addVariable(flow, { name: 'note', type: 'string', source: 'captured' }), 'ID_TAKEN');
    expectEditError(() => addVariable(flow, { name: 'Bad Name', type: 'string', source: 'captured' }), 'INVALID_VALUE');
    expect(removeVariable(next, 'city').variables).toEqual(flow.variables);
    expectEditError(() => removeVariable(flow, 'nope'), 'VARIABLE_NOT_FOUND');
  });

  it('changes a variable without renaming', () => {
    const flow = load();
    const next = updateVariable(flow, 'note', { description: 'What they said', pii: true });
    expect(next.variables.find((v) => v.name === 'note')).toMatchObject({ description: 'What they said', pii: true });
    expect(next.nodes).toBe(flow.nodes);
    expectEditError(() => updateVariable(flow, 'note', { type: 'colour' as never }), 'INVALID_VALUE');
  });

  it('renaming updates captures, extractions, assignments, tool outputs and scenarios', () => {
    const flow = load();
    let next = updateVariable(flow, 'confirmed', { name: 'is_confirmed' });
    expect(node(next, 'confirm')).toMatchObject({ capture: { var: 'is_confirmed' } });
    expect(next.tests[0]!.expect.variables).toEqual({ is_confirmed: true, plan: 'basic' });
    next = updateVariable(next, 'reason', { name: 'why_not' });
    expect(node(next, 'chat')).toMatchObject({ extract: [{ var: 'why_not', type: 'text' }] });
    next = updateVariable(next, 'score', { name: 'points' });
    expect(node(next, 'bump')).toMatchObject({ assign: [{ var: 'points', value: 'score + 1' }] });
    next = updateVariable(next, 'slot', { name: 'booked_slot' });
    expect(node(next, 'book')).toMatchObject({ output: { booked_slot: 'data.slot.id' } });
    next = updateVariable(next, 'first_name', { name: 'given_name' });
    expect(next.tests[0]!.variables).toEqual({ given_name: 'Ana' });
    // templates and conditions keep the old names: the checks list every place to update
    const codes = validateFlow(next).diagnostics.map((d) => d.code);
    expect(codes).toContain('UNDECLARED_VARIABLE');
    expect(codes).not.toContain('UNDECLARED_TARGET');
    expectEditError(() => updateVariable(flow, 'note', { name: 'plan' }), 'ID_TAKEN');
    expectEditError(() => updateVariable(flow, 'nope', { name: 'x' }), 'VARIABLE_NOT_FOUND');
  });
});

describe('tools', () => {
  it('adds, changes and removes tools', () => {
    const flow = load();
    const next = addTool(flow, { id: 'mark', kind: 'builtin', name: 'lead.mark' });
    expect(next.tools.at(-1)).toEqual({ id: 'mark', kind: 'builtin', name: 'lead.mark' });
    expect(addTool(flow, { id: 'post', kind: 'http', url: 'https://x.example' }).tools.at(-1)).toMatchObject({
      method: 'POST',
    });
    expectEditError(() => addTool(flow, { id: 'book', kind: 'builtin', name: 'x' }), 'ID_TAKEN');
    expectEditError(() => addTool(flow, { id: 'x', kind: 'http' } as never), 'INVALID_VALUE');
    expect(updateTool(flow, 'book', { timeoutMs: 3000 }).tools[0]).toMatchObject({ timeoutMs: 3000 });
    expect(
      updateTool(flow, 'book', {
        kind: 'builtin',
        name: 'crm.book',
        url: undefined,
        method: undefined,
        headers: undefined,
        body: undefined,
      }).tools[0],
    ).toEqual({
      id: 'book',
      kind: 'builtin',
      name: 'crm.book',
    });
    expectEditError(() => updateTool(flow, 'book', { kind: 'builtin', name: 'crm.book' }), 'INVALID_VALUE');
    expectEditError(() => updateTool(flow, 'nope', {}), 'TOOL_NOT_FOUND');
  });

  it('renaming a tool updates tool nodes, llm tool lists and scenario mocks', () => {
    const flow = load();
    const next = updateTool(updateTool(flow, 'book', { id: 'reserve' }), 'lookup', { id: 'find' });
    expect(node(next, 'book')).toMatchObject({ tool: 'reserve' });
    expect(node(next, 'chat')).toMatchObject({ tools: ['find'] });
    expect(Object.keys(next.tests[0]!.tools!)).toEqual(['reserve']);
    expect(validateFlow(next).diagnostics).toEqual([]);
    expectEditError(() => updateTool(flow, 'book', { id: 'lookup' }), 'ID_TAKEN');
  });

  it('removing a tool drops it from llm lists; tool nodes keep it and are reported', () => {
    const flow = load();
    expect(node(removeTool(flow, 'lookup'), 'chat')).toMatchObject({ tools: [] });
    const next = removeTool(flow, 'book');
    expect(node(next, 'book')).toMatchObject({ tool: 'book' });
    expect(validateFlow(next).diagnostics.map((d) => d.code)).toContain('UNKNOWN_TOOL');
    expectEditError(() => removeTool(flow, 'nope'), 'TOOL_NOT_FOUND');
  });
});

describe('settings, meta and purpose', () => {
  it('merges settings (defaults one level deeper) and validates them', () => {
    const flow = load();
    const next = updateSettings(flow, { persona: 'You are Ava.', defaults: { maxAttempts: 3 } });
    expect(next.settings).toMatchObject({ persona: 'You are Ava.', timezone: 'America/New_York' });
    expect(next.settings.defaults).toEqual({ ...flow.settings.defaults, maxAttempts: 3 });
    expect(updateSettings(flow, { defaults: { maxAttempts: 2 } })).toBe(flow);
    expectEditError(() => updateSettings(flow, { defaults: { maxAttempts: 99 } }), 'INVALID_VALUE');
    expectEditError(() => updateSettings(flow, { llm: { model: '' } }), 'INVALID_VALUE');
  });

  it('updates meta and purpose', () => {
    const flow = load();
    expect(updateMeta(flow, { name: 'Renamed', description: 'New' }).meta).toMatchObject({
      name: 'Renamed',
      description: 'New',
      business: 'Bright Dental',
    });
    expect(updateMeta(flow, { callbackNumber: undefined }).meta).not.toHaveProperty('callbackNumber');
    expectEditError(() => updateMeta(flow, { callbackNumber: '555' }), 'INVALID_VALUE');
    expect(setPurpose(flow, 'INFORMATIONAL').purpose).toBe('INFORMATIONAL');
    expect(setPurpose(flow, 'TELEMARKETING')).toBe(flow);
    expectEditError(() => setPurpose(flow, 'SPAM' as never), 'INVALID_VALUE');
  });
});
