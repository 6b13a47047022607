import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, validateFlow, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import {
  addIntentEdge,
  addNode,
  canConnect,
  connect,
  EditError,
  removeEdges,
  updateEdge,
  type EditErrorCode,
} from './index.js';

const load = (): FlowDocument => deepFreeze(FlowDocumentSchema.parse(structuredClone(fixture)));
const edge = (flow: FlowDocument, id: string) => flow.edges.find((e) => e.id === id);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function expectEditError(run: () => unknown, code: EditErrorCode): EditError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).code).toBe(code);
    return error as EditError;
  }
  throw new Error(`expected EditError ${code}`);
}

describe('canConnect', () => {
  const flow = load();
  /** The exits FLOW-LANGUAGE.md gives each fixture node (by its type and captures). */
  const EXITS: Record<string, string[]> = {
    start: ['human', 'voicemail', 'no_answer', 'busy', 'failed'],
    greet: ['next'],
    confirm: ['yes', 'no', 'no_input', 'no_match'],
    pick_plan: ['basic', 'premium', 'no_input', 'no_match'],
    why: ['answered', 'intent', 'no_input', 'no_match'],
    chat: ['intent', 'max_turns', 'no_input'],
    book: ['success', 'error', 'timeout'],
    check: ['high', 'else'],
    bump: ['next'],
    handoff: ['no_answer', 'busy', 'failed'],
    vm: ['next'],
    explain: ['next'],
    remove: [],
    bye: [],
  };
  const CANDIDATES = [...new Set(Object.values(EXITS).flat()), 'connected', 'bogus', null];

  it('covers a node of every type', () => {
    expect(new Set(flow.nodes.map((n) => n.type)).size).toBe(11);
    expect(Object.keys(EXITS).sort()).toEqual(
      flow.nodes
        .filter((n) => n.id !== 'fail')
        .map((n) => n.id)
        .sort(),
    );
  });

  it.each(Object.keys(EXITS))('from %s: every handle, into an end node', (source) => {
    const exits = EXITS[source]!;
    const node = flow.nodes.find((n) => n.id === source)!;
    const terminal = node.type === 'end' || node.type === 'opt_out';
    const expected = CANDIDATES.map((handle) => {
      if (terminal) return 'FROM_TERMINAL';
      if (handle === null) return exits.length === 1 ? 'ok' : 'HANDLE_REQUIRED';
      if (exits.includes(handle)) return 'ok';
      if (handle === 'intent') return 'INTENT_NOT_ALLOWED';
      if (handle === 'connected' && node.type === 'transfer') return 'TERMINAL_HANDLE';
      return 'UNKNOWN_HANDLE';
    });
    const actual = CANDIDATES.map((handle) => {
      const check = canConnect(flow, { source, sourceHandle: handle, target: 'bye', targetHandle: null });
      return check.ok ? 'ok' : check.code;
    });
    expect(Object.fromEntries(CANDIDATES.map((h, i) => [String(h), actual[i]]))).toEqual(
      Object.fromEntries(CANDIDATES.map((h, i) => [String(h), expected[i]])),
    );
  });

  it('refuses every edge into a start node, and missing ends', () => {
    for (const source of Object.keys(EXITS)) {
      const check = canConnect(flow, { source, sourceHandle: EXITS[source]![0] ?? 'next', target: 'start' });
      expect(check).toMatchObject({ ok: false, code: 'INTO_START' });
    }
    expect(canConnect(flow, { source: 'ghost', sourceHandle: 'next', target: 'bye' })).toMatchObject({
      ok: false,
      code: 'SOURCE_NOT_FOUND',
    });
    expect(canConnect(flow, { source: 'greet', sourceHandle: 'next', target: 'ghost' })).toMatchObject({
      ok: false,
      code: 'TARGET_NOT_FOUND',
    });
  });

  it('says which edge an occupied handle would replace, and never for intents', () => {
    expect(canConnect(flow, { source: 'greet', sourceHandle: 'next', target: 'bye' })).toEqual({
      ok: true,
      kind: 'outcome',
      handle: 'next',
      replaces: 'e_greet',
    });
    expect(canConnect(flow, { source: 'greet', sourceHandle: null, target: 'bye' })).toMatchObject({ handle: 'next' });
    expect(canConnect(flow, { source: 'chat', sourceHandle: 'intent', target: 'bye' })).toEqual({
      ok: true,
      kind: 'intent',
      handle: 'intent',
    });
    const free = addNode(flow, { type: 'say', position: { x: 0, y: 0 } });
    expect(canConnect(free, { source: 'say_1', sourceHandle: 'next', target: 'bye' })).toEqual({
      ok: true,
      kind: 'outcome',
      handle: 'next',
    });
    expect(
      canConnect(flow, { source: 'greet', sourceHandle: 'next', target: 'bye' }, { ignoreEdge: 'e_greet' }),
    ).not.toHaveProperty('replaces');
  });

  it('gives a reason a person can read', () => {
    const check = canConnect(flow, { source: 'bye', sourceHandle: 'next', target: 'greet' });
    expect(check).toEqual({
      ok: false,
      code: 'FROM_TERMINAL',
      reason: '"bye" ends the call, so nothing can follow it.',
    });
  });
});

describe('connect', () => {
  it('adds an outcome edge with an id in the style of the examples', () => {
    const flow = addNode(load(), { type: 'say', position: { x: 0, y: 0 } });
    const next = connect(flow, { source: 'say_1', sourceHandle: 'next', target: 'bye' });
    expect(next.edges.at(-1)).toEqual({ id: 'e_say_1_next', from: 'say_1', handle: 'next', to: 'bye' });
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
    const withId = connect(flow, { id: 'mine', source: 'say_1', target: 'bye' });
    expect(withId.edges.at(-1)).toMatchObject({ id: 'mine', handle: 'next' });
    expectEditError(() => connect(flow, { id: 'e_greet', source: 'say_1', target: 'bye' }), 'ID_TAKEN');
  });

  it('replaces the edge on an occupied handle: one edge per handle, same id', () => {
    const flow = load();
    const next = connect(flow, { source: 'confirm', sourceHandle: 'yes', target: 'bye' });
    expect(next.edges).toHaveLength(flow.edges.length);
    expect(edge(next, 'e_yes')).toEqual({ id: 'e_yes', from: 'confirm', handle: 'yes', to: 'bye' });
    expect(next.edges.filter((e) => e.from === 'confirm' && e.kind !== 'intent' && e.handle === 'yes')).toHaveLength(1);
  });

  it('adds an intent edge from the intent handle, to be described next', () => {
    const flow = load();
    const next = connect(flow, { source: 'chat', sourceHandle: 'intent', target: 'bye' });
    expect(next.edges.at(-1)).toEqual({ id: 'e_chat_to_bye', kind: 'intent', from: 'chat', to: 'bye' });
    expect(validateFlow(next).diagnostics.map((d) => d.code)).toContain('INTENT_EDGE_EMPTY');
    const twice = connect(next, { source: 'chat', sourceHandle: 'intent', target: 'bye' });
    expect(twice.edges.at(-1)!.id).toBe('e_chat_to_bye_2');
  });

  it('refuses what canConnect refuses, with its reason', () => {
    const flow = load();
    const error = expectEditError(
      () => connect(flow, { source: 'greet', sourceHandle: 'next', target: 'start' }),
      'INVALID_CONNECTION',
    );
    expect(error.message).toMatch(/start node/);
    expectEditError(
      () => connect(flow, { source: 'confirm', sourceHandle: 'intent', target: 'bye' }),
      'INVALID_CONNECTION',
    );
    expectEditError(
      () => connect(flow, { source: 'remove', sourceHandle: 'next', target: 'bye' }),
      'INVALID_CONNECTION',
    );
    expectEditError(
      () => connect(flow, { source: 'handoff', sourceHandle: 'connected', target: 'bye' }),
      'INVALID_CONNECTION',
    );
  });
});

describe('addIntentEdge', () => {
  it('adds a described intent edge from an llm node or a text question', () => {
    const flow = load();
    const next = addIntentEdge(flow, {
      source: 'chat',
      target: 'remove',
      label: 'Not interested',
      prompt: 'The callee is not interested',
      examples: ['no thanks'],
      say: 'Understood.',
    });
    expect(next.edges.at(-1)).toEqual({
      id: 'e_chat_to_remove',
      kind: 'intent',
      from: 'chat',
      to: 'remove',
      label: 'Not interested',
      prompt: 'The callee is not interested',
      examples: ['no thanks'],
      say: 'Understood.',
    });
    expect(addIntentEdge(flow, { source: 'why', target: 'bye', intent: 'wrong_person' }).edges.at(-1)).toMatchObject({
      from: 'why',
      intent: 'wrong_person',
    });
  });

  it('refuses other sources, bad fields and taken ids', () => {
    const flow = load();
    expectEditError(() => addIntentEdge(flow, { source: 'greet', target: 'bye', intent: 'yes' }), 'INVALID_CONNECTION');
    expectEditError(
      () => addIntentEdge(flow, { source: 'chat', target: 'start', intent: 'yes' }),
      'INVALID_CONNECTION',
    );
    expectEditError(() => addIntentEdge(flow, { source: 'chat', target: 'bye', examples: [''] }), 'INVALID_VALUE');
    expectEditError(
      () => addIntentEdge(flow, { id: 'e_person', source: 'chat', target: 'bye', intent: 'yes' }),
      'ID_TAKEN',
    );
  });
});

describe('updateEdge', () => {
  it('changes labels and intent descriptions', () => {
    const flow = load();
    const next = updateEdge(flow, 'e_person', { label: 'Asks for a human', examples: ['agent please'] });
    expect(edge(next, 'e_person')).toMatchObject({
      label: 'Asks for a human',
      examples: ['agent please'],
      intent: 'ask_human',
    });
    expect(
      updateEdge(next, 'e_person', { label: undefined }).edges.find((e) => e.id === 'e_person'),
    ).not.toHaveProperty('label');
    expect(updateEdge(flow, 'e_yes', { label: 'Confirmed' }).edges.find((e) => e.id === 'e_yes')!.label).toBe(
      'Confirmed',
    );
    expect(updateEdge(flow, 'e_yes', { to: 'pick_plan' })).toBe(flow);
  });

  it('reconnects an edge (new target, new handle) under the connection rules', () => {
    const flow = load();
    expect(edge(updateEdge(flow, 'e_yes', { to: 'bye' }), 'e_yes')).toMatchObject({ to: 'bye' });
    expectEditError(() => updateEdge(flow, 'e_yes', { to: 'start' }), 'INVALID_CONNECTION');
    expectEditError(() => updateEdge(flow, 'e_yes', { handle: 'maybe' }), 'INVALID_CONNECTION');
    // moving onto an occupied handle replaces the edge that was there
    const moved = updateEdge(flow, 'e_yes', { handle: 'no' });
    expect(edge(moved, 'e_no')).toBeUndefined();
    expect(edge(moved, 'e_yes')).toMatchObject({ handle: 'no', to: 'pick_plan' });
    expect(moved.edges).toHaveLength(flow.edges.length - 1);
    // moving the source
    const resourced = updateEdge(flow, 'e_vm_next', { from: 'explain' });
    expect(edge(resourced, 'e_vm_next')).toMatchObject({ from: 'explain', handle: 'next' });
  });

  it('refuses changing kind or id, fields of the other kind, unknown edges', () => {
    const flow = load();
    expectEditError(() => updateEdge(flow, 'e_yes', { kind: 'intent' } as never), 'IMMUTABLE_FIELD');
    expectEditError(() => updateEdge(flow, 'e_yes', { id: 'x' } as never), 'IMMUTABLE_FIELD');
    expectEditError(() => updateEdge(flow, 'e_yes', { prompt: 'hi' } as never), 'INVALID_VALUE');
    expectEditError(() => updateEdge(flow, 'nope', { label: 'x' }), 'EDGE_NOT_FOUND');
  });
});

describe('removeEdges', () => {
  it('removes edges by id', () => {
    const flow = load();
    const next = removeEdges(flow, ['e_yes', 'e_person']);
    expect(next.edges).toHaveLength(flow.edges.length - 2);
    expect(edge(next, 'e_yes')).toBeUndefined();
    expect(removeEdges(flow, [])).toBe(flow);
    expectEditError(() => removeEdges(flow, ['e_yes', 'nope']), 'EDGE_NOT_FOUND');
  });
});
