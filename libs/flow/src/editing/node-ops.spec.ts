import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  flowLogic,
  FlowDocumentSchema,
  NODE_TYPES,
  NodeSchema,
  validateFlow,
  type FlowDocument,
  type FlowDocumentInput,
  type NodeType,
} from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import {
  addNode,
  EditError,
  moveNodes,
  nextNodeId,
  removeNodes,
  renameNode,
  setViewport,
  toCanvas,
  updateNode,
  type EditErrorCode,
} from './index.js';

/** The fixture, parsed and deep-frozen: an operation that mutates its input throws. */
const load = (): FlowDocument => deepFreeze(FlowDocumentSchema.parse(structuredClone(fixture)));
const logic = (flow: FlowDocument) => canonicalJson(flowLogic(flow));
const edgesOf = (flow: FlowDocument, from: string) =>
  flow.edges.filter((e) => e.from === from).map((e) => `${e.id}:${e.kind === 'intent' ? 'intent' : e.handle}>${e.to}`);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function expectEditError(run: () => unknown, code: EditErrorCode, message?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected EditError ${code}`).toBeInstanceOf(EditError);
  expect((caught as EditError).code).toBe(code);
  if (message) expect((caught as EditError).message).toMatch(message);
}

/** Codes of the diagnostics about `nodeId`. */
function codesFor(flow: FlowDocument, nodeId: string): string[] {
  return validateFlow(flow)
    .diagnostics.filter((d) => d.nodeId === nodeId)
    .map((d) => d.code);
}

describe('addNode', () => {
  const creatable = NODE_TYPES.filter((t) => t !== 'start');

  it.each(creatable)('adds a schema-valid %s node with a derived id, at its position', (type) => {
    const flow = load();
    const next = addNode(flow, { type, position: { x: 10, y: 20 } });
    const added = next.nodes.at(-1)!;
    expect(added).toMatchObject({ id: `${type}_1`, type });
    expect(NodeSchema.parse(added)).toEqual(added); // defaults already applied
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
    expect(next.layout?.nodes[`${type}_1`]).toEqual({ x: 10, y: 20 });
    expect(next.nodes).toHaveLength(flow.nodes.length + 1);
  });

  it('counts ids up per type: say_1, say_2, …, and reuses a freed number', () => {
    let flow = load();
    for (let i = 0; i < 3; i++) flow = addNode(flow, { type: 'say', position: { x: 0, y: 0 } });
    expect(flow.nodes.slice(-3).map((n) => n.id)).toEqual(['say_1', 'say_2', 'say_3']);
    flow = removeNodes(flow, ['say_2']);
    expect(nextNodeId(flow, 'say')).toBe('say_2');
  });

  it('uses sensible defaults: placeholder texts, a yes/no question, the first tool, a completed end', () => {
    let flow = load();
    const types: NodeType[] = ['say', 'question', 'tool', 'branch', 'set', 'end'];
    for (const type of types) flow = addNode(flow, { type, position: { x: 0, y: 0 } });
    const byId = (id: string) => flow.nodes.find((n) => n.id === id);
    expect(byId('say_1')).toEqual({ id: 'say_1', type: 'say', text: '…' });
    expect(byId('question_1')).toEqual({
      id: 'question_1',
      type: 'question',
      prompt: '…',
      capture: { var: 'question_1', type: 'yes_no' },
      input: 'speech',
    });
    expect(byId('tool_1')).toMatchObject({ tool: 'book' });
    expect(byId('branch_1')).toMatchObject({ cases: [{ id: 'case_1', when: 'true' }] });
    expect(byId('end_1')).toMatchObject({ disposition: 'completed' });
    // an undeclared capture target is reported, pointing at the node, until the author picks one
    expect(codesFor(flow, 'question_1')).toContain('UNDECLARED_TARGET');
  });

  it('takes an explicit id and preset fields', () => {
    const next = addNode(load(), {
      type: 'question',
      id: 'ask_name',
      position: { x: 0, y: 0 },
      fields: { prompt: 'What is your name?', capture: { var: 'note', type: 'text' } },
    });
    expect(next.nodes.at(-1)).toMatchObject({
      id: 'ask_name',
      prompt: 'What is your name?',
      capture: { type: 'text' },
    });
  });

  it('refuses a taken or malformed id, invalid fields, a bad position and a second start', () => {
    const flow = load();
    expectEditError(() => addNode(flow, { type: 'say', id: 'greet', position: { x: 0, y: 0 } }), 'ID_TAKEN');
    expectEditError(() => addNode(flow, { type: 'say', id: 'Greet 2', position: { x: 0, y: 0 } }), 'INVALID_ID');
    expectEditError(
      () => addNode(flow, { type: 'say', position: { x: 0, y: 0 }, fields: { text: '' } }),
      'INVALID_VALUE',
      /text: must not be empty/,
    );
    expectEditError(() => addNode(flow, { type: 'say', position: { x: Number.NaN, y: 0 } }), 'INVALID_VALUE');
    expectEditError(() => addNode(flow, { type: 'start', position: { x: 0, y: 0 } }), 'START_NODE');
  });

  it('adds a start node to a flow that lost its entry and makes it the entry', () => {
    const input = structuredClone(fixture) as FlowDocumentInput;
    input.nodes = input.nodes.filter((n) => n.type !== 'start');
    input.edges = (input.edges ?? []).filter((e) => e.from !== 'start');
    const next = addNode(deepFreeze(FlowDocumentSchema.parse(input)), { type: 'start', position: { x: 0, y: 0 } });
    expect(next.entry).toBe('start_1');
    expect(next.nodes.at(-1)).toEqual({ id: 'start_1', type: 'start', firstSpeaker: 'agent' });
  });
});

describe('updateNode', () => {
  it('changes fields, validated by the node schema; undefined removes an optional field', () => {
    const flow = load();
    const next = updateNode(flow, 'greet', { text: 'Hello from {{ meta.business }}, an automated call.', label: 'Hi' });
    expect(next.nodes[1]).toEqual({
      id: 'greet',
      type: 'say',
      label: 'Hi',
      text: 'Hello from {{ meta.business }}, an automated call.',
    });
    expect(next.nodes[0]).toBe(flow.nodes[0]); // structural sharing
    expect(next.edges).toBe(flow.edges);
    expect(updateNode(next, 'greet', { label: undefined }).nodes[1]).not.toHaveProperty('label');
  });

  it('returns the same document when nothing changes', () => {
    const flow = load();
    expect(updateNode(flow, 'greet', { text: flow.nodes[1]!.type === 'say' ? flow.nodes[1]!.text : '' })).toBe(flow);
  });

  it('refuses invalid values, unknown fields, id and type changes, unknown nodes', () => {
    const flow = load();
    expectEditError(() => updateNode(flow, 'confirm', { maxAttempts: 0 }), 'INVALID_VALUE', /maxAttempts/);
    expectEditError(() => updateNode(flow, 'greet', { promt: 'typo' } as never), 'INVALID_VALUE');
    expectEditError(() => updateNode(flow, 'greet', { id: 'hello' } as never), 'IMMUTABLE_FIELD');
    expectEditError(() => updateNode(flow, 'greet', { type: 'end' } as never), 'IMMUTABLE_FIELD');
    expectEditError(() => updateNode(flow, 'nowhere', { label: 'x' }), 'NODE_NOT_FOUND');
  });

  it('keeps the edge of a branch case renamed in place, and drops the edge of a removed case', () => {
    const flow = load();
    const renamed = updateNode(flow, 'check', { cases: [{ id: 'top', label: 'Top', when: 'score >= 9' }] });
    expect(edgesOf(renamed, 'check')).toEqual(['e_high:top>handoff', 'e_else:else>book']);
    const added = updateNode(flow, 'check', {
      cases: [
        { id: 'high', when: 'score >= 9' },
        { id: 'mid', when: 'score >= 5' },
      ],
    });
    expect(edgesOf(added, 'check')).toEqual(['e_high:high>handoff', 'e_else:else>book']);
    const reordered = updateNode(added, 'check', {
      cases: [
        { id: 'mid', when: 'score >= 5' },
        { id: 'high', when: 'score >= 9' },
      ],
    });
    expect(edgesOf(reordered, 'check')).toEqual(['e_high:high>handoff', 'e_else:else>book']);
    const removed = updateNode(added, 'check', { cases: [{ id: 'mid', when: 'score >= 5' }] });
    expect(edgesOf(removed, 'check')).toEqual(['e_else:else>book']);
  });

  it('follows a choice value renamed in place and drops answers that no longer exist', () => {
    const flow = load();
    const values = [
      { id: 'basic', label: 'Basic plan' },
      { id: 'gold', label: 'Gold plan' },
    ];
    const next = updateNode(flow, 'pick_plan', { capture: { var: 'plan', type: 'choice', values } });
    expect(edgesOf(next, 'pick_plan')).toEqual([
      'e_basic:basic>bump',
      'e_premium:gold>bump',
      'e_p_silent:no_input>fail',
      'e_p_nomatch:no_match>fail',
    ]);
    const yesNo = updateNode(flow, 'pick_plan', { capture: { var: 'confirmed', type: 'yes_no' } });
    expect(edgesOf(yesNo, 'pick_plan')).toEqual(['e_p_silent:no_input>fail', 'e_p_nomatch:no_match>fail']);
  });

  it('drops intent edges when a text question stops capturing text', () => {
    const next = updateNode(load(), 'why', { capture: { var: 'confirmed', type: 'yes_no' } });
    expect(edgesOf(next, 'why')).toEqual(['e_w_silent:no_input>fail', 'e_w_nomatch:no_match>fail']);
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
  });
});

describe('renameNode', () => {
  it('updates edges, the entry, globals (goto and scope), the layout and scenario paths', () => {
    const flow = load();
    const next = renameNode(flow, 'confirm', 'confirm_visit');
    expect(next.nodes[2]!.id).toBe('confirm_visit');
    expect(next.edges.filter((e) => e.from === 'confirm' || e.to === 'confirm')).toEqual([]);
    expect(edgesOf(next, 'confirm_visit')).toHaveLength(4);
    expect(next.edges.find((e) => e.id === 'e_later')!.to).toBe('confirm_visit');
    expect(next.layout!.nodes.confirm_visit).toEqual({ x: 0, y: 500 });
    expect(Object.keys(next.layout!.nodes).indexOf('confirm_visit')).toBe(2); // order kept
    expect(next.tests[0]!.expect.path).toEqual([
      'start',
      'greet',
      'confirm_visit',
      'pick_plan',
      'bump',
      'check',
      'book',
      'bye',
    ]);

    const handoff = renameNode(flow, 'handoff', 'to_agent');
    expect(handoff.globals.find((g) => g.id === 'g_help')!.goto).toBe('to_agent');
    const chat = renameNode(flow, 'chat', 'talk');
    expect(chat.globals.find((g) => g.id === 'g_help')!.scope).toEqual(['talk', 'why']);
    const start = renameNode(flow, 'start', 'dial');
    expect(start.entry).toBe('dial');
    expect(validateFlow(start).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps the flow valid and the scenarios passing', () => {
    const next = renameNode(renameNode(load(), 'confirm', 'ask'), 'bye', 'done');
    expect(validateFlow(next).diagnostics).toEqual([]);
  });

  it('refuses taken and malformed ids and unknown nodes; renaming to itself changes nothing', () => {
    const flow = load();
    expectEditError(() => renameNode(flow, 'greet', 'confirm'), 'ID_TAKEN');
    expectEditError(() => renameNode(flow, 'greet', '9lives'), 'INVALID_ID');
    expectEditError(() => renameNode(flow, 'nowhere', 'x'), 'NODE_NOT_FOUND');
    expect(renameNode(flow, 'greet', 'greet')).toBe(flow);
  });
});

describe('removeNodes', () => {
  it('drops the nodes, their edges in both directions and their layout', () => {
    const flow = load();
    const next = removeNodes(flow, ['pick_plan']);
    expect(next.nodes.some((n) => n.id === 'pick_plan')).toBe(false);
    expect(next.edges.filter((e) => e.from === 'pick_plan' || e.to === 'pick_plan')).toEqual([]);
    expect(next.edges).toHaveLength(flow.edges.length - 5);
    expect(next.layout!.nodes).not.toHaveProperty('pick_plan');
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
    expect(validateFlow(next).diagnostics.map((d) => d.code)).not.toContain('LAYOUT_UNKNOWN_NODE');
  });

  it('removes globals that lead to a removed node and trims scopes', () => {
    const flow = load();
    const noRemove = removeNodes(flow, ['remove']);
    expect(noRemove.globals.map((g) => g.id)).toEqual(['g_who', 'g_help']);
    const noChat = removeNodes(flow, ['chat']);
    expect(noChat.globals.find((g) => g.id === 'g_help')!.scope).toEqual(['why']);
    const neither = removeNodes(flow, ['chat', 'why']);
    // its scope emptied: it could never fire again
    expect(neither.globals.map((g) => g.id)).toEqual(['g_stop', 'g_key', 'g_who']);
  });

  it('leaves scenario paths alone so that a test expecting a removed node fails', () => {
    const next = removeNodes(load(), ['bump']);
    expect(next.tests[0]!.expect.path).toContain('bump');
    expect(validateFlow(next).diagnostics.map((d) => d.code)).toContain('SCENARIO_UNKNOWN_NODE');
  });

  it('refuses the entry node and unknown nodes; an empty list changes nothing', () => {
    const flow = load();
    expectEditError(() => removeNodes(flow, ['start']), 'START_NODE');
    expectEditError(() => removeNodes(flow, ['greet', 'nowhere']), 'NODE_NOT_FOUND');
    expect(removeNodes(flow, [])).toBe(flow);
  });
});

describe('moveNodes', () => {
  it('changes the layout only: the logic checksum stays the same', () => {
    const flow = load();
    const next = moveNodes(flow, { greet: { x: 512, y: -3 }, chat: { x: 7.5, y: 8 } });
    expect(next.layout!.nodes.greet).toEqual({ x: 512, y: -3 });
    expect(next.layout!.nodes.chat).toEqual({ x: 7.5, y: 8 });
    expect(logic(next)).toBe(logic(flow));
    expect(next.nodes).toBe(flow.nodes);
    expect(toCanvas(next).nodes[1]!.position).toEqual({ x: 512, y: -3 });
  });

  it('creates the layout when the flow has none', () => {
    const { layout: _layout, ...bare } = load();
    const next = moveNodes(bare, { greet: { x: 1, y: 2 } });
    expect(next.layout).toEqual({ nodes: { greet: { x: 1, y: 2 } } });
    expect(logic(next)).toBe(logic(bare));
  });

  it('returns the same document when nothing moved; refuses unknown nodes and bad numbers', () => {
    const flow = load();
    expect(moveNodes(flow, { greet: { x: 0, y: 250 } })).toBe(flow);
    expect(moveNodes(flow, {})).toBe(flow);
    expectEditError(() => moveNodes(flow, { nowhere: { x: 0, y: 0 } }), 'NODE_NOT_FOUND');
    expectEditError(() => moveNodes(flow, { greet: { x: Infinity, y: 0 } }), 'INVALID_VALUE');
  });

  it('setViewport stores the viewport in the layout only', () => {
    const flow = load();
    const next = setViewport(flow, { x: 10, y: 20, zoom: 1.5 });
    expect(next.layout!.viewport).toEqual({ x: 10, y: 20, zoom: 1.5 });
    expect(next.layout!.nodes).toBe(flow.layout!.nodes);
    expect(logic(next)).toBe(logic(flow));
    expectEditError(() => setViewport(flow, { x: 0, y: 0, zoom: 0 }), 'INVALID_VALUE');
  });
});
