import { FlowDocumentSchema, validateFlow, type FlowDocument } from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import { CLIPBOARD_KEY, createEditorStore, toFlowDocument, toSaveBody } from './editor-store.js';
import { createSaver } from './saver.js';
import { HttpError } from '../../../api/client.js';

const flow: FlowDocument = FlowDocumentSchema.parse({
  schema: 'switchboard.flow/v1',
  meta: { name: 'Test', business: 'Acme' },
  purpose: 'INFORMATIONAL',
  entry: 'start',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'greet', type: 'say', text: 'Hi, this is an automated call from Acme.' },
    { id: 'bye', type: 'end', disposition: 'done' },
  ],
  edges: [
    { id: 'e1', from: 'start', handle: 'human', to: 'greet' },
    { id: 'e2', from: 'greet', handle: 'next', to: 'bye' },
  ],
  layout: { nodes: { start: { x: 0, y: 0 }, greet: { x: 0, y: 200 }, bye: { x: 0, y: 400 } } },
});

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

function loaded() {
  const store = createEditorStore();
  store.getState().load('f1', flow, 3);
  return store;
}

describe('the editor store', () => {
  it('keeps the flow document as the source of truth and edits it through libs/flow operations', () => {
    const store = loaded();
    expect(store.getState().run({ type: 'addNode', request: { type: 'question', position: { x: 10, y: 10 } } })).toBe(
      true,
    );
    const doc = store.getState().history.present;
    expect(doc.nodes.map((n) => n.id)).toContain('question_1');
    expect(doc.layout?.nodes.question_1).toEqual({ x: 10, y: 10 });
    expect(store.getState().saveState).toBe('dirty');
  });

  it('shows a refused edit instead of throwing, and leaves the document as it was', () => {
    const store = loaded();
    expect(store.getState().run({ type: 'removeNodes', ids: ['start'] })).toBe(false);
    expect(store.getState().editError).toMatch(/start/);
    expect(store.getState().history.present).toBe(flow);
  });

  it('undoes and redoes at least 50 steps', () => {
    const store = loaded();
    for (let i = 0; i < 60; i++) store.getState().run({ type: 'updateMeta', patch: { name: `Name ${i}` } });
    for (let i = 0; i < 60; i++) store.getState().undo();
    expect(store.getState().history.present.meta.name).toBe('Test');
    expect(store.getState().saveState).toBe('saved');
    store.getState().redo();
    expect(store.getState().history.present.meta.name).toBe('Name 0');
  });

  it('merges the moves of one drag into one undo step', () => {
    const store = loaded();
    for (let x = 1; x <= 20; x++) store.getState().run({ type: 'moveNodes', positions: { greet: { x, y: 200 } } });
    store.getState().seal();
    store.getState().run({ type: 'moveNodes', positions: { greet: { x: 99, y: 200 } } });
    store.getState().undo();
    expect(store.getState().history.present.layout?.nodes.greet).toEqual({ x: 20, y: 200 });
    store.getState().undo();
    expect(store.getState().history.present).toBe(flow);
  });

  it('deletes the selection (never the entry) in one undoable step', () => {
    const store = loaded();
    store.getState().select(['start', 'greet'], ['e2']);
    store.getState().deleteSelection();
    const doc = store.getState().history.present;
    expect(doc.nodes.map((n) => n.id)).toEqual(['start', 'bye']);
    expect(doc.edges).toEqual([]);
    store.getState().undo();
    expect(store.getState().history.present).toBe(flow);
  });

  it('copies through storage and pastes into another flow, selecting the pasted nodes', () => {
    const storage = memoryStorage();
    const a = loaded();
    a.getState().select(['greet', 'bye']);
    expect(a.getState().copySelection(storage)).toBe(2);
    expect(JSON.parse(storage.getItem(CLIPBOARD_KEY)!)).toMatchObject({ format: 'switchboard.clipboard/v1' });
    const b = loaded();
    expect(b.getState().paste(storage)).toBe(2);
    const ids = b.getState().history.present.nodes.map((n) => n.id);
    expect(ids).toEqual(['start', 'greet', 'bye', 'greet_2', 'bye_2']);
    expect(b.getState().selectedNodes).toEqual(['greet_2', 'bye_2']);
    expect(b.getState().history.present.edges.some((e) => e.from === 'greet_2' && e.to === 'bye_2')).toBe(true);
  });

  it('duplicates the selection beside it', () => {
    const store = loaded();
    store.getState().select(['greet']);
    store.getState().duplicateSelection();
    expect(store.getState().selectedNodes).toEqual(['greet_2']);
  });

  it('splits the document into logic and layout for the API, and joins them back', () => {
    const body = toSaveBody(flow);
    expect(body.document).not.toHaveProperty('layout');
    expect(body.layout).toEqual(flow.layout);
    expect(toFlowDocument(body.document, body.layout)).toEqual(flow);
    expect(
      validateFlow(toFlowDocument(body.document, body.layout)).diagnostics.filter((d) => d.code.startsWith('SCHEMA')),
    ).toEqual([]);
    // a draft the schema refuses is kept as it is, for the problems panel to explain
    const broken = { ...body.document, nodes: [{ id: 'start', type: 'nope' }] };
    expect(toFlowDocument(broken, null)).toBe(broken);
  });
});

describe('saving', () => {
  it('sends the revision it is based on and follows the new one', async () => {
    const store = loaded();
    const calls: (number | '*')[] = [];
    const saver = createSaver(store, 'f1', async (_id, _body, revision) => {
      calls.push(revision);
      return { revision: typeof revision === 'number' ? revision + 1 : 99 };
    });
    store.getState().run({ type: 'updateMeta', patch: { name: 'Other' } });
    expect(await saver.saveNow()).toBe(true);
    expect(store.getState()).toMatchObject({ revision: 4, saveState: 'saved' });
    store.getState().run({ type: 'updateMeta', patch: { name: 'Third' } });
    await saver.saveNow();
    expect(calls).toEqual([3, 4]);
  });

  it('turns a 409 into a conflict, which only an explicit overwrite resolves', async () => {
    const store = loaded();
    let conflict = true;
    const saver = createSaver(store, 'f1', async (_id, _body, revision) => {
      if (conflict && revision !== '*')
        throw new HttpError(409, { code: 'FLOW_REVISION_CONFLICT', message: 'changed', requestId: 'r' });
      return { revision: 10 };
    });
    store.getState().run({ type: 'updateMeta', patch: { name: 'Mine' } });
    expect(await saver.saveNow()).toBe(false);
    expect(store.getState().saveState).toBe('conflict');
    expect(await saver.saveNow()).toBe(false);
    conflict = false;
    expect(await saver.saveNow({ overwrite: true })).toBe(true);
    expect(store.getState()).toMatchObject({ saveState: 'saved', revision: 10 });
  });

  it('adds, renames and removes scenarios as undoable edits; a taken name is shown, not thrown', () => {
    const store = loaded();
    const scenario = { name: 'hello', callee: [], expect: { disposition: 'done', path: ['start', 'greet', 'bye'] } };
    expect(store.getState().run({ type: 'addScenario', scenario })).toBe(true);
    expect(store.getState().saveState).toBe('dirty');
    expect(store.getState().run({ type: 'addScenario', scenario })).toBe(false);
    expect(store.getState().editError).toMatch(/already exists/);
    store.getState().run({ type: 'renameScenario', from: 'hello', to: 'greets' });
    expect(store.getState().history.present.tests.map((t) => t.name)).toEqual(['greets']);
    store.getState().run({ type: 'removeScenario', name: 'greets' });
    expect(store.getState().history.present.tests).toEqual([]);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().history.present.tests.map((t) => t.name)).toEqual(['hello']);
    store.getState().undo();
    expect(store.getState().history.present).toBe(flow);
    expect(store.getState().saveState).toBe('saved');
  });

  it('restores a version with replaceDocument: its layout, one undo step', () => {
    const store = loaded();
    const version = {
      ...structuredClone(flow),
      nodes: flow.nodes.map((n) => (n.id === 'greet' ? { ...n, text: 'Hello from version 1.' } : n)),
      layout: { nodes: { start: { x: 50, y: 0 } } },
    };
    expect(store.getState().run({ type: 'replaceDocument', document: version })).toBe(true);
    const present = store.getState().history.present;
    expect(present.layout).toEqual({ nodes: { start: { x: 50, y: 0 } } });
    expect(present.nodes.find((n) => n.id === 'greet')).toMatchObject({ text: 'Hello from version 1.' });
    store.getState().undo();
    expect(store.getState().history.present).toBe(flow);
    expect(store.getState().run({ type: 'replaceDocument', document: { nodes: [] } as never })).toBe(false);
    expect(store.getState().editError).toMatch(/not a valid flow/);
  });

  it('opens the "Connect…" dialog for an existing node only, and forgets it on load', () => {
    const store = loaded();
    store.getState().openConnect('greet');
    expect(store.getState().connectSource).toBe('greet');
    store.getState().openConnect('ghost');
    expect(store.getState().connectSource).toBeNull();
    store.getState().openConnect('greet');
    store.getState().load('f2', flow, 1);
    expect(store.getState().connectSource).toBeNull();
  });
});
