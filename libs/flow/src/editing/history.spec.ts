import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import {
  apply,
  canRedo,
  canUndo,
  commit,
  copyNodes,
  createHistory,
  EditError,
  pasteNodes,
  redo,
  seal,
  undo,
  type History,
} from './index.js';

const load = (): FlowDocument => FlowDocumentSchema.parse(structuredClone(fixture));
const move = (id: string, x: number, y = 0) => ({ type: 'moveNodes' as const, positions: { [id]: { x, y } } });
const label = (h: History, id: string) => h.present.nodes.find((n) => n.id === id)?.label;

describe('history', () => {
  it('applies, undoes and redoes operations as document snapshots', () => {
    const flow = load();
    let h = createHistory(flow);
    expect(canUndo(h)).toBe(false);
    expect(canRedo(h)).toBe(false);
    h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: 'one' } });
    h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: 'two' } });
    expect(label(h, 'greet')).toBe('two');
    expect(h.past.map((s) => s.label)).toEqual(['updateNode', 'updateNode']);
    h = undo(h);
    expect(label(h, 'greet')).toBe('one');
    expect(canRedo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe(flow);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(label(h, 'greet')).toBe('two');
    expect(redo(h)).toBe(h);
  });

  it('a new operation after undo discards the redo steps', () => {
    let h = createHistory(load());
    h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: 'one' } });
    h = undo(h);
    h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: 'other' } });
    expect(canRedo(h)).toBe(false);
    expect(label(h, 'greet')).toBe('other');
  });

  it('keeps at least 50 steps by default (100), and at most the limit', () => {
    const flow = load();
    let h = createHistory(flow);
    for (let i = 1; i <= 120; i++) h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: `v${i}` } });
    expect(h.past).toHaveLength(100);
    for (let i = 0; i < 100; i++) h = undo(h);
    expect(label(h, 'greet')).toBe('v20');
    expect(canUndo(h)).toBe(false);

    let small = createHistory(flow, { limit: 50 });
    for (let i = 1; i <= 60; i++) small = apply(small, { type: 'updateNode', id: 'greet', patch: { label: `v${i}` } });
    expect(small.past).toHaveLength(50);
    while (canUndo(small)) small = undo(small);
    expect(label(small, 'greet')).toBe('v10');
    expect(() => createHistory(flow, { limit: 0 })).toThrow(RangeError);
  });

  it('merges consecutive moves of the same nodes into one step (a drag)', () => {
    const flow = load();
    let h = createHistory(flow);
    for (let x = 1; x <= 30; x++) h = apply(h, move('greet', x));
    expect(h.past).toHaveLength(1);
    expect(h.present.layout!.nodes.greet).toEqual({ x: 30, y: 0 });
    h = undo(h);
    expect(h.present).toBe(flow);
    h = redo(h);
    expect(h.present.layout!.nodes.greet).toEqual({ x: 30, y: 0 });
  });

  it('does not merge moves of other nodes, moves after another operation, or after seal', () => {
    let h = createHistory(load());
    h = apply(h, move('greet', 1));
    h = apply(h, move('greet', 2));
    h = apply(h, move('confirm', 1)); // another node
    expect(h.past).toHaveLength(2);
    h = apply(h, { type: 'moveNodes', positions: { confirm: { x: 5, y: 5 }, greet: { x: 5, y: 5 } } }); // another set
    expect(h.past).toHaveLength(3);
    h = apply(h, { type: 'updateNode', id: 'greet', patch: { label: 'x' } });
    h = apply(h, move('greet', 9));
    expect(h.past).toHaveLength(5);
    h = seal(h); // drag stopped
    h = apply(h, move('greet', 10));
    expect(h.past).toHaveLength(6);
    h = undo(h);
    expect(h.present.layout!.nodes.greet).toEqual({ x: 9, y: 0 });
    // after an undo a move starts a new step
    h = apply(h, move('greet', 11));
    expect(h.past).toHaveLength(6);
    h = apply(h, move('greet', 12));
    expect(h.past).toHaveLength(6);
  });

  it('records nothing for an operation that changes nothing, and nothing when one fails', () => {
    const h = createHistory(load());
    expect(apply(h, move('greet', 0, 250))).toBe(h);
    expect(() => apply(h, { type: 'removeNodes', ids: ['start'] })).toThrow(EditError);
    expect(canUndo(h)).toBe(false);
  });

  it('commits a document computed elsewhere (a paste that also returns its id map)', () => {
    const flow = load();
    let h = createHistory(flow);
    const { flow: pasted, idMap } = pasteNodes(h.present, copyNodes(h.present, ['greet']));
    h = commit(h, pasted, { label: 'paste' });
    expect(idMap).toEqual({ greet: 'greet_2' });
    expect(h.past.map((s) => s.label)).toEqual(['paste']);
    expect(undo(h).present).toBe(flow);
    expect(commit(h, h.present)).toBe(h);
  });
});
