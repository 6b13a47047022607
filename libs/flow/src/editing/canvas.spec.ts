import { describe, expect, it } from 'vitest';
import {
  FlowDocumentSchema,
  validateFlow,
  type Diagnostic,
  type FlowDocument,
  type FlowDocumentInput,
} from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import { globalsFor, nodeHandles, resolvePositions, toCanvas } from './index.js';

const load = (): FlowDocument => FlowDocumentSchema.parse(structuredClone(fixture));

describe('toCanvas', () => {
  const flow = load();
  const canvas = toCanvas(flow);
  const node = (id: string) => canvas.nodes.find((n) => n.id === id)!;
  const edge = (id: string) => canvas.edges.find((e) => e.id === id)!;
  const handles = (id: string) => node(id).data.handles.map((h) => `${h.id}:${h.kind}${h.required ? '!' : ''}`);

  it('maps every node in document order, typed and positioned from the layout', () => {
    expect(canvas.nodes.map((n) => n.id)).toEqual(flow.nodes.map((n) => n.id));
    expect(node('confirm')).toMatchObject({
      id: 'confirm',
      type: 'question',
      position: { x: 0, y: 500 },
      data: { node: flow.nodes[2], isEntry: false, problems: [] },
    });
    expect(node('start').data.isEntry).toBe(true);
    expect(node('start').deletable).toBe(false);
    expect(node('greet')).not.toHaveProperty('deletable');
  });

  it('gives each node its handles, labelled by outcome, with kinds and required flags', () => {
    expect(handles('start')).toEqual([
      'human:outcome!',
      'voicemail:outcome!',
      'no_answer:outcome!',
      'busy:outcome!',
      'failed:outcome!',
    ]);
    expect(handles('greet')).toEqual(['next:outcome']);
    expect(handles('confirm')).toEqual(['yes:outcome', 'no:outcome', 'no_input:outcome!', 'no_match:outcome!']);
    expect(node('pick_plan').data.handles.map((h) => [h.id, h.label])).toEqual([
      ['basic', 'Basic plan'],
      ['premium', 'Premium plan'],
      ['no_input', 'no_input'],
      ['no_match', 'no_match'],
    ]);
    expect(handles('why')).toEqual(['answered:outcome', 'intent:intent', 'no_input:outcome!', 'no_match:outcome!']);
    expect(handles('chat')).toEqual(['intent:intent', 'max_turns:outcome', 'no_input:outcome']);
    expect(handles('book')).toEqual(['success:outcome', 'error:outcome!', 'timeout:outcome!']);
    expect(node('check').data.handles.map((h) => [h.id, h.label, h.required])).toEqual([
      ['high', 'High score', false],
      ['else', 'else', true],
    ]);
    expect(handles('bump')).toEqual(['next:outcome']);
    expect(handles('handoff')).toEqual(['connected:terminal', 'no_answer:outcome', 'busy:outcome', 'failed:outcome!']);
    expect(handles('vm')).toEqual(['next:outcome']);
    expect(handles('remove')).toEqual([]);
    expect(handles('bye')).toEqual([]);
  });

  it('maps edges with their handle, a label and their kind', () => {
    expect(canvas.edges).toHaveLength(flow.edges.length);
    expect(edge('e_yes')).toEqual({
      id: 'e_yes',
      source: 'confirm',
      target: 'pick_plan',
      sourceHandle: 'yes',
      label: 'yes',
      data: { kind: 'outcome', edge: flow.edges.find((e) => e.id === 'e_yes'), problems: [] },
    });
    expect(edge('e_basic').label).toBe('Basic plan');
    expect(edge('e_high').label).toBe('High score');
    expect(edge('e_person')).toMatchObject({
      sourceHandle: 'intent',
      label: 'Wants a person',
      data: { kind: 'intent' },
    });
    expect(edge('e_later').label).toBe('They found a time that works');
    expect(edge('e_why_human').label).toBe('ask_human');
  });

  it('exposes the globals: what each applies to, and which apply to each node', () => {
    expect(canvas.globals.map((g) => [g.id, g.target, g.appliesTo])).toEqual([
      ['g_stop', 'remove', ['confirm', 'pick_plan', 'why', 'chat']],
      ['g_key', 'remove', ['confirm', 'pick_plan', 'why', 'chat']],
      ['g_who', 'explain', ['confirm', 'pick_plan', 'why', 'chat']],
      ['g_help', 'handoff', ['why', 'chat']],
    ]);
    expect(node('chat').data.globals).toEqual(['g_stop', 'g_key', 'g_who', 'g_help']);
    expect(node('confirm').data.globals).toEqual(['g_stop', 'g_key', 'g_who']);
    expect(node('greet').data.globals).toEqual([]);
    expect(globalsFor(flow, 'why').map((g) => g.id)).toEqual(['g_stop', 'g_key', 'g_who', 'g_help']);
    expect(globalsFor(flow, 'pick_plan').map((g) => g.id)).toEqual(['g_stop', 'g_key', 'g_who']);
    expect(globalsFor(flow, 'greet')).toEqual([]);
    expect(globalsFor(flow, 'nowhere')).toEqual([]);
  });

  it('puts each diagnostic on its edge, node or global, the rest on the canvas', () => {
    const broken = FlowDocumentSchema.parse({
      ...structuredClone(fixture),
      edges: fixture.edges
        .filter((e) => e.id !== 'e_c_silent')
        .concat({ id: 'e_bad', from: 'greet', handle: 'nope', to: 'confirm' }),
      globals: [...fixture.globals, { id: 'g_bad', trigger: { kind: 'intent' }, goto: 'explain' }],
      variables: [...fixture.variables, { name: 'call', type: 'string', source: 'input' }],
    } as FlowDocumentInput);
    const { diagnostics } = validateFlow(broken);
    const c = toCanvas(broken, diagnostics);
    const codes = (problems: { code: string }[]) => problems.map((p) => p.code);
    expect(codes(c.nodes.find((n) => n.id === 'confirm')!.data.problems)).toContain('REQUIRED_HANDLE_UNWIRED');
    expect(codes(c.edges.find((e) => e.id === 'e_bad')!.data.problems)).toContain('INVALID_HANDLE');
    expect(codes(c.globals.find((g) => g.id === 'g_bad')!.problems)).toEqual(['GLOBAL_TRIGGER_EMPTY']);
    expect(codes(c.problems)).toContain('BUILTIN_NAME_SHADOWED');
    const placed =
      c.nodes.flatMap((n) => n.data.problems).length +
      c.edges.flatMap((e) => e.data.problems).length +
      c.globals.flatMap((g) => g.problems).length +
      c.problems.length;
    expect(placed).toBe(diagnostics.length);
    expect(c.nodes.find((n) => n.id === 'confirm')!.data.problems[0]).toEqual({
      severity: 'error',
      code: 'REQUIRED_HANDLE_UNWIRED',
      message: expect.stringContaining('no_input') as string,
      path: expect.any(String) as string,
    });
  });

  it('does not draw edges whose ends are missing, and reports their problems on the canvas', () => {
    const input = structuredClone(fixture) as FlowDocumentInput;
    input.edges = [...(input.edges ?? []), { id: 'e_ghost', from: 'greet', handle: 'next', to: 'ghost' }];
    const broken = FlowDocumentSchema.parse(input);
    const diagnostics: Diagnostic[] = [
      { severity: 'error', code: 'EDGE_TARGET_NOT_FOUND', message: 'gone', edgeId: 'e_ghost', nodeId: 'ghost' },
    ];
    const c = toCanvas(broken, diagnostics);
    expect(c.edges.some((e) => e.id === 'e_ghost')).toBe(false);
    expect(c.problems.map((p) => p.code)).toEqual(['EDGE_TARGET_NOT_FOUND']);
  });

  it('keeps the first of duplicated ids, like FlowGraph', () => {
    const input = structuredClone(fixture) as FlowDocumentInput;
    input.nodes.push({ id: 'greet', type: 'end', disposition: 'dup' });
    input.edges = [...(input.edges ?? []), { id: 'e_yes', from: 'confirm', handle: 'no', to: 'bye' }];
    const c = toCanvas(FlowDocumentSchema.parse(input));
    expect(c.nodes.filter((n) => n.id === 'greet').map((n) => n.type)).toEqual(['say']);
    expect(c.edges.filter((e) => e.id === 'e_yes').map((e) => e.target)).toEqual(['pick_plan']);
    expect(new Set(c.nodes.map((n) => n.id)).size).toBe(c.nodes.length);
  });

  it('is deterministic, and an unchanged node keeps its handle list (for memoised node components)', () => {
    expect(toCanvas(flow)).toEqual(canvas);
    const again = toCanvas({ ...flow, meta: { ...flow.meta, name: 'Renamed' } });
    expect(again.nodes[2]!.data.handles).toBe(canvas.nodes[2]!.data.handles);
    expect(nodeHandles(flow.nodes[2]!)).toBe(canvas.nodes[2]!.data.handles);
  });

  it('places nodes without a stored position beside the others, without overlaps', () => {
    const { layout: _layout, ...rest } = flow;
    const bare: FlowDocument = rest;
    const positions = [...resolvePositions(bare).values()];
    expect(positions).toHaveLength(flow.nodes.length);
    expect(new Set(positions.map((p) => `${p.x},${p.y}`)).size).toBe(positions.length);
    expect(toCanvas(bare).nodes.find((n) => n.id === 'start')!.position).toEqual({ x: 0, y: 0 });

    const partial: FlowDocument = { ...flow, layout: { nodes: { start: { x: 0, y: 0 }, greet: { x: 100, y: 250 } } } };
    const placed = toCanvas(partial).nodes;
    expect(placed.find((n) => n.id === 'greet')!.position).toEqual({ x: 100, y: 250 });
    for (const n of placed) if (n.id !== 'start' && n.id !== 'greet') expect(n.position.x).toBeGreaterThanOrEqual(400);
    const keys = placed.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores a layout entry inherited from Object.prototype', () => {
    const input = structuredClone(fixture) as FlowDocumentInput;
    input.nodes.push({ id: 'constructor', type: 'end', disposition: 'odd' });
    const c = toCanvas(FlowDocumentSchema.parse(input));
    const p = c.nodes.find((n) => n.id === 'constructor')!.position;
    expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
  });

  it('maps a 200-node flow in well under 5 ms', () => {
    const big = bigFlow(200);
    const { diagnostics } = validateFlow(big);
    for (let i = 0; i < 20; i++) toCanvas(big, diagnostics); // warm up the JIT
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const c = toCanvas(big, diagnostics);
      times.push(performance.now() - t0);
      expect(c.nodes).toHaveLength(200);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    expect(median).toBeLessThan(5);
  });
});

/** A chain of questions and says: 200 nodes, ~300 edges, positioned. */
function bigFlow(size: number): FlowDocument {
  const nodes: FlowDocumentInput['nodes'] = [{ id: 'start', type: 'start' }];
  const edges: NonNullable<FlowDocumentInput['edges']> = [];
  const layout: Record<string, { x: number; y: number }> = { start: { x: 0, y: 0 } };
  for (const h of ['human', 'voicemail', 'no_answer', 'busy', 'failed'])
    edges.push({ id: `e_start_${h}`, from: 'start', handle: h, to: 'n1' });
  for (let i = 1; i < size - 1; i++) {
    const id = `n${i}`;
    const next = i === size - 2 ? 'bye' : `n${i + 1}`;
    layout[id] = { x: (i % 5) * 300, y: Math.floor(i / 5) * 250 };
    if (i % 2) {
      nodes.push({ id, type: 'say', text: `Step ${i} from Acme, an automated call.` });
      edges.push({ id: `e_${id}_next`, from: id, handle: 'next', to: next });
    } else {
      nodes.push({ id, type: 'question', prompt: `Question ${i}?`, capture: { var: 'answer', type: 'yes_no' } });
      for (const h of ['yes', 'no', 'no_input', 'no_match'])
        edges.push({ id: `e_${id}_${h}`, from: id, handle: h, to: h === 'yes' ? next : 'bye' });
    }
  }
  nodes.push({ id: 'bye', type: 'end', disposition: 'done' });
  layout.bye = { x: 0, y: 20_000 };
  return FlowDocumentSchema.parse({
    schema: 'switchboard.flow/v1',
    meta: { name: 'Big', business: 'Acme' },
    purpose: 'INFORMATIONAL',
    variables: [{ name: 'answer', type: 'boolean', source: 'captured' }],
    entry: 'start',
    nodes,
    edges,
    globals: [{ id: 'g_stop', trigger: { kind: 'intent', intent: 'opt_out' }, goto: 'bye' }],
    layout: { nodes: layout },
  });
}
