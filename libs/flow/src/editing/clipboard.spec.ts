import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, validateFlow, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import { copyNodes, duplicateNodes, EditError, parseClipboard, pasteNodes, toCanvas } from './index.js';

const load = (): FlowDocument => deepFreeze(FlowDocumentSchema.parse(structuredClone(fixture)));
const example = (name: string): FlowDocument =>
  deepFreeze(
    FlowDocumentSchema.parse(
      JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../flows/${name}.flow.json`, import.meta.url)), 'utf8')),
    ),
  );

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('copyNodes', () => {
  it('copies the nodes, the edges among them, their positions and the variables and tools they write or call', () => {
    const flow = load();
    const board = copyNodes(flow, ['confirm', 'pick_plan', 'bump', 'book']);
    expect(board.format).toBe('switchboard.clipboard/v1');
    expect(board.nodes.map((n) => n.id)).toEqual(['confirm', 'pick_plan', 'book', 'bump']);
    expect(board.edges.map((e) => e.id)).toEqual(['e_yes', 'e_basic', 'e_premium']);
    expect(board.positions).toEqual({
      confirm: { x: 0, y: 500 },
      pick_plan: { x: 0, y: 750 },
      book: { x: 0, y: 1500 },
      bump: { x: 0, y: 1000 },
    });
    expect(board.variables.map((v) => v.name)).toEqual(['confirmed', 'plan', 'slot', 'score']);
    expect(board.tools.map((t) => t.id)).toEqual(['book']);
    // plain JSON: survives the system clipboard
    expect(parseClipboard(JSON.parse(JSON.stringify(board)))).toEqual(board);
  });

  it('skips the start node and refuses unknown ids', () => {
    const flow = load();
    expect(copyNodes(flow, ['start', 'greet']).nodes.map((n) => n.id)).toEqual(['greet']);
    expect(() => copyNodes(flow, ['ghost'])).toThrow(EditError);
  });
});

describe('pasteNodes', () => {
  it('pastes into the same flow with fresh ids, internal edges kept, at the given point', () => {
    const flow = load();
    const board = copyNodes(flow, ['confirm', 'pick_plan', 'bump']);
    const { flow: next, idMap } = pasteNodes(flow, board, { x: 1000, y: 2000 });
    expect(idMap).toEqual({ confirm: 'confirm_2', pick_plan: 'pick_plan_2', bump: 'bump_2' });
    expect(next.nodes).toHaveLength(flow.nodes.length + 3);
    const pasted = next.edges.slice(flow.edges.length);
    expect(pasted.map((e) => `${e.id}:${e.from}>${e.to}`)).toEqual([
      'e_confirm_2_yes:confirm_2>pick_plan_2',
      'e_pick_plan_2_basic:pick_plan_2>bump_2',
      'e_pick_plan_2_premium:pick_plan_2>bump_2',
    ]);
    expect(next.layout!.nodes.confirm_2).toEqual({ x: 1000, y: 2000 });
    expect(next.layout!.nodes.bump_2).toEqual({ x: 1000, y: 2500 });
    expect(next.variables).toBe(flow.variables); // all already declared
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
    expect(new Set(next.edges.map((e) => e.id)).size).toBe(next.edges.length);
  });

  it('pastes between two flows: colliding ids are renamed, dangling edges dropped, needed variables and tools added', () => {
    const source = load();
    const target = example('appointment-reminder');
    const board = copyNodes(source, ['greet', 'confirm', 'book', 'bye']);
    const { flow: next, idMap } = pasteNodes(target, board);
    // the reminder has its own greet and confirm; book and bye are free
    expect(idMap).toEqual({ greet: 'greet_2', confirm: 'confirm_2', book: 'book', bye: 'bye' });
    const pasted = next.edges.slice(target.edges.length);
    expect(pasted.map((e) => `${e.from}.${e.kind === 'intent' ? 'intent' : e.handle}>${e.to}`)).toEqual([
      'greet_2.next>confirm_2',
      'book.success>bye',
    ]);
    expect(next.variables.slice(target.variables.length).map((v) => v.name)).toEqual(
      ['confirmed', 'slot'].filter((name) => !target.variables.some((v) => v.name === name)),
    );
    expect(next.tools.map((t) => t.id)).toContain('book');
    // 40 px right and down of where they were copied
    expect(next.layout!.nodes.greet_2).toEqual({ x: 40, y: 290 });
    expect(FlowDocumentSchema.parse(next)).toEqual(next);
    const ids = next.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    // the pasted nodes are drawn, every edge end exists
    const canvas = toCanvas(next);
    expect(canvas.edges).toHaveLength(next.edges.length);
    // and the original flow did not change
    expect(target.nodes.map((n) => n.id)).not.toContain('greet_2');
  });

  it('keeps an existing variable of the same name as it is', () => {
    const source = load();
    const target = example('appointment-reminder');
    const before = target.variables.find((v) => v.name === 'confirmed');
    const { flow: next } = pasteNodes(target, copyNodes(source, ['confirm']));
    if (before) expect(next.variables.find((v) => v.name === 'confirmed')).toBe(before);
    expect(next.variables.filter((v) => v.name === 'confirmed')).toHaveLength(1);
  });

  it('drops edges to nodes not in the clipboard and start nodes smuggled into it', () => {
    const flow = load();
    const board = copyNodes(flow, ['greet']);
    const tampered = {
      ...board,
      nodes: [...board.nodes, { id: 'start', type: 'start' as const, firstSpeaker: 'agent' as const }],
      edges: [...board.edges, { id: 'x', from: 'greet', handle: 'next', to: 'confirm' }],
    };
    const { flow: next, idMap } = pasteNodes(flow, tampered);
    expect(idMap).toEqual({ greet: 'greet_2' });
    expect(next.edges).toHaveLength(flow.edges.length);
    expect(next.nodes.filter((n) => n.type === 'start')).toHaveLength(1);
  });

  it('refuses something that is not a clipboard; an empty one changes nothing', () => {
    const flow = load();
    expect(() => pasteNodes(flow, { nodes: [] } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CLIPBOARD' }),
    );
    expect(() => parseClipboard('hello')).toThrow(EditError);
    const empty = copyNodes(flow, ['start']);
    expect(pasteNodes(flow, empty)).toEqual({ flow, idMap: {} });
  });
});

describe('duplicateNodes', () => {
  it('copies nodes beside themselves with their internal edges', () => {
    const flow = load();
    const next = duplicateNodes(flow, ['check', 'bump'], { x: 300, y: 0 });
    expect(next.nodes.slice(-2).map((n) => n.id)).toEqual(['check_2', 'bump_2']);
    expect(
      next.edges.slice(flow.edges.length).map((e) => `${e.from}.${e.kind === 'intent' ? '' : e.handle}>${e.to}`),
    ).toEqual(['bump_2.next>check_2']);
    expect(next.layout!.nodes.check_2).toEqual({ x: 300, y: 1250 });
    expect(next.layout!.nodes.bump_2).toEqual({ x: 300, y: 1000 });
    // the copies are not reachable yet and the branch's exits are not wired: only they are reported
    const errors = validateFlow(next).diagnostics.filter((d) => d.severity === 'error');
    expect(new Set(errors.map((d) => d.nodeId))).toEqual(new Set(['check_2', 'bump_2']));
  });

  it('duplicates twice with increasing suffixes', () => {
    const flow = duplicateNodes(duplicateNodes(load(), ['greet']), ['greet']);
    expect(flow.nodes.slice(-2).map((n) => n.id)).toEqual(['greet_2', 'greet_3']);
  });
});
