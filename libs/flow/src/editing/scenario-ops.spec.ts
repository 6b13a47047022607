import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import {
  addScenario,
  apply,
  applyOperation,
  createHistory,
  EditError,
  redo,
  removeScenario,
  renameScenario,
  replaceDocument,
  undo,
  updateScenario,
  type EditErrorCode,
  type FlowOperation,
} from './index.js';

const load = (): FlowDocument => deepFreeze(FlowDocumentSchema.parse(structuredClone(fixture)));

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

const voicemail = { name: 'voicemail', answeredBy: 'voicemail', expect: { disposition: 'voicemail' } } as const;

describe('scenario operations', () => {
  it('adds a scenario with the schema defaults applied, at the end', () => {
    const flow = load();
    const next = addScenario(flow, voicemail);
    expect(next.tests.map((t) => t.name)).toEqual(['books', 'voicemail']);
    expect(next.tests[1]).toEqual({
      name: 'voicemail',
      answeredBy: 'voicemail',
      callee: [],
      expect: { disposition: 'voicemail' },
    });
    expect(next.tests[0]).toBe(flow.tests[0]);
    expect(flow.tests).toHaveLength(1);
  });

  it('refuses a taken name and a scenario the schema rejects', () => {
    const flow = load();
    expectEditError(() => addScenario(flow, { ...voicemail, name: 'books' }), 'ID_TAKEN');
    expectEditError(() => addScenario(flow, { name: '', expect: {} }), 'INVALID_VALUE');
    expectEditError(
      () => addScenario(flow, { name: 'bad', answeredBy: 'robot' as never, expect: {} }),
      'INVALID_VALUE',
    );
    expectEditError(() => addScenario(flow, { name: 'bad', callee: [{ dtmf: 'x' }], expect: {} }), 'INVALID_VALUE');
  });

  it('updates a scenario; a field set to undefined is removed; no change keeps the document', () => {
    const flow = load();
    const next = updateScenario(flow, 'books', { description: 'Ana books basic', tools: undefined });
    expect(next.tests[0]).toMatchObject({ name: 'books', description: 'Ana books basic' });
    expect(next.tests[0]).not.toHaveProperty('tools');
    expect(updateScenario(flow, 'books', { callee: ['yes', 'basic'] })).toBe(flow);
    expectEditError(() => updateScenario(flow, 'ghost', { description: 'x' }), 'SCENARIO_NOT_FOUND');
    expectEditError(() => updateScenario(flow, 'books', { answeredBy: 'robot' as never }), 'INVALID_VALUE');
  });

  it('renames a scenario to a free name only', () => {
    const flow = addScenario(load(), voicemail);
    const next = renameScenario(flow, 'books', 'books basic');
    expect(next.tests.map((t) => t.name)).toEqual(['books basic', 'voicemail']);
    expectEditError(() => renameScenario(flow, 'books', 'voicemail'), 'ID_TAKEN');
    expectEditError(() => renameScenario(flow, 'ghost', 'x'), 'SCENARIO_NOT_FOUND');
    expect(renameScenario(flow, 'books', 'books')).toBe(flow);
  });

  it('removes a scenario', () => {
    const flow = load();
    expect(removeScenario(flow, 'books').tests).toEqual([]);
    expectEditError(() => removeScenario(flow, 'ghost'), 'SCENARIO_NOT_FOUND');
  });

  it('runs as JSON operations and is undoable through the history', () => {
    const ops: FlowOperation[] = JSON.parse(
      JSON.stringify([
        { type: 'addScenario', scenario: voicemail },
        { type: 'updateScenario', name: 'voicemail', patch: { description: 'no one answers' } },
        { type: 'renameScenario', from: 'voicemail', to: 'machine' },
        { type: 'removeScenario', name: 'books' },
      ]),
    ) as FlowOperation[];
    let history = createHistory(load());
    for (const op of ops) history = apply(history, op);
    expect(history.present.tests).toEqual([
      { name: 'machine', description: 'no one answers', answeredBy: 'voicemail', callee: [], expect: voicemail.expect },
    ]);
    expect(history.past.map((s) => s.label)).toEqual([
      'addScenario',
      'updateScenario',
      'renameScenario',
      'removeScenario',
    ]);
    history = undo(undo(history));
    expect(history.present.tests.map((t) => t.name)).toEqual(['books', 'voicemail']);
    history = redo(history);
    expect(history.present.tests.map((t) => t.name)).toEqual(['books', 'machine']);
  });
});

describe('replaceDocument', () => {
  it('takes the incoming document whole, its layout included', () => {
    const flow = load();
    const older = structuredClone(fixture) as Record<string, unknown>;
    older.meta = { ...(older.meta as object), name: 'Older' };
    older.layout = { nodes: { start: { x: 5, y: 7 } }, viewport: { x: 1, y: 2, zoom: 0.5 } };
    const next = replaceDocument(flow, older);
    expect(next.meta.name).toBe('Older');
    expect(next.layout).toEqual({ nodes: { start: { x: 5, y: 7 } }, viewport: { x: 1, y: 2, zoom: 0.5 } });
    expect(next.tests).toEqual(flow.tests);
  });

  it('keeps the document when nothing changes, and refuses an invalid one', () => {
    const flow = load();
    expect(replaceDocument(flow, structuredClone(flow))).toBe(flow);
    expectEditError(() => replaceDocument(flow, { ...flow, nodes: [] }), 'INVALID_DOCUMENT');
    expectEditError(() => replaceDocument(flow, null), 'INVALID_DOCUMENT');
  });

  it('is one undoable step', () => {
    const flow = load();
    const other = { ...structuredClone(flow), meta: { ...flow.meta, name: 'Restored' } };
    let history = apply(createHistory(flow), { type: 'replaceDocument', document: other });
    expect(history.present.meta.name).toBe('Restored');
    expect(history.past.at(-1)?.label).toBe('replaceDocument');
    history = undo(history);
    expect(history.present).toBe(flow);
    expect(applyOperation(flow, { type: 'replaceDocument', document: flow })).toBe(flow);
  });
});
