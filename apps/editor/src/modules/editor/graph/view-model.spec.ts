import { FlowDocumentSchema, toCanvas, validateFlow, type FlowDocument } from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import {
  applyCompletion,
  diffDraft,
  diffView,
  problemRows,
  toViewEdges,
  toViewNodes,
  variableCompletions,
  type ViewNode,
} from './view-model.js';

function bigFlow(n: number): FlowDocument {
  const nodes: unknown[] = [{ id: 'start', type: 'start' }];
  const edges: unknown[] = [{ id: 'e_start', from: 'start', handle: 'human', to: 's0' }];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `s${i}`, type: 'say', text: `Line ${i}` });
    edges.push({ id: `e${i}`, from: `s${i}`, handle: 'next', to: i + 1 < n ? `s${i + 1}` : 'bye' });
  }
  nodes.push({ id: 'bye', type: 'end', disposition: 'done' });
  return FlowDocumentSchema.parse({
    schema: 'switchboard.flow/v1',
    meta: { name: 'Big' },
    purpose: 'INFORMATIONAL',
    entry: 'start',
    nodes,
    edges,
  });
}

describe('the canvas view model', () => {
  it('reuses the node objects an edit did not touch, so memoised nodes do not re-render', () => {
    const flow = bigFlow(200);
    const first = toViewNodes(toCanvas(flow), [], {}, new Map());
    const edited: FlowDocument = {
      ...flow,
      nodes: flow.nodes.map((n) => (n.id === 's5' && n.type === 'say' ? { ...n, text: 'Changed' } : n)),
    };
    const second = toViewNodes(toCanvas(edited), [], {}, first);
    let reused = 0;
    for (const [id, node] of second) if (node === first.get(id)) reused++;
    expect(second.size).toBe(202);
    expect(reused).toBe(201);
    expect(second.get('s5')).not.toBe(first.get('s5'));
    const edgesBefore = toViewEdges(toCanvas(flow), [], {});
    const edgesAfter = toViewEdges(toCanvas(edited), ['e3'], {}, edgesBefore);
    expect([...edgesAfter].filter(([id, e]) => e !== edgesBefore.get(id)).map(([id]) => id)).toEqual(['e3']);
  });

  it('maps a 200-node flow with its diagnostics quickly', () => {
    const flow = bigFlow(200);
    const started = performance.now();
    let previous = new Map<string, ViewNode>();
    for (let i = 0; i < 20; i++)
      previous = toViewNodes(toCanvas(flow, validateFlow(flow).diagnostics), ['s1'], {}, previous);
    expect((performance.now() - started) / 20).toBeLessThan(100);
  });

  it('marks the active node, the path walked and the diff', () => {
    const flow = bigFlow(3);
    const canvas = toCanvas(flow);
    const nodes = toViewNodes(canvas, ['s0'], { active: 's1', path: ['start', 's0', 's1'], added: ['bye'] }, new Map());
    expect(nodes.get('s1')!.data.mark).toBe('active');
    expect(nodes.get('s0')!).toMatchObject({ selected: true, data: { mark: 'visited' } });
    expect(nodes.get('bye')!.className).toBe('mark-added');
    const edges = [...toViewEdges(canvas, [], { path: ['start', 's0', 's1'] }).values()];
    expect(edges.filter((e) => e.animated).map((e) => e.id)).toEqual(['e_start', 'e0']);
  });

  it('counts problems per node and sorts the panel errors first', () => {
    const flow = bigFlow(2);
    const broken: FlowDocument = { ...flow, edges: flow.edges.filter((e) => e.id !== 'e1') };
    const diagnostics = validateFlow(broken).diagnostics;
    const nodes = toViewNodes(toCanvas(broken, diagnostics), [], {}, new Map());
    expect(nodes.get('bye')!.data.errors).toBeGreaterThan(0);
    const rows = problemRows(diagnostics);
    expect(rows[0]!.severity).toBe('error');
  });

  it('reads a version diff as nodes to highlight and lines to list', () => {
    const empty = { added: [], removed: [], changed: [] };
    const view = diffView({
      from: { number: 1, checksum: 'a' },
      to: { number: 2, checksum: 'b' },
      identical: false,
      changes: {
        nodes: {
          added: [{ id: 'ask' }],
          removed: [{ id: 'old' }],
          changed: [{ id: 'greet', before: {}, after: {}, fields: [{ path: 'text', before: 'a', after: 'b' }] }],
        },
        edges: { ...empty, added: [{ id: 'e9' }] },
        globals: empty,
        variables: empty,
        tools: empty,
        tests: empty,
        settings: [{ path: 'meta.name', before: 'a', after: 'b' }],
      },
    });
    expect(view).toEqual({
      added: ['ask'],
      changed: ['greet'],
      removed: ['old'],
      lines: ['Node removed: old', 'Edge added: e9', 'Setting changed: meta.name'],
    });
  });

  it('completes {{ variable }} from the declared names', () => {
    const text = 'Hi {{ fir';
    const c = variableCompletions(text, text.length, ['first_name', 'last_name']);
    expect(c).toEqual({ prefix: 'fir', options: ['first_name'] });
    expect(applyCompletion(text, text.length, 'fir', 'first_name')).toEqual({ text: 'Hi {{ first_name }}', caret: 19 });
    expect(variableCompletions('Hi there', 8, ['first_name'])).toBeNull();
  });

  it('diffs the draft against a published version in the browser, shaped like the version diff', () => {
    const published = bigFlow(3);
    const draft = FlowDocumentSchema.parse({
      ...published,
      nodes: [
        ...published.nodes.map((n) => (n.id === 's1' ? { ...n, text: 'Changed' } : n)),
        { id: 'extra', type: 'say', text: 'New' },
      ],
      edges: published.edges.filter((e) => e.id !== 'e2'),
      layout: { nodes: { s0: { x: 999, y: 999 } } },
    });
    const raw = diffDraft({ number: 3, document: published }, draft);
    expect(raw.from).toEqual({ number: 3, checksum: '' });
    expect(raw.identical).toBe(false);
    const view = diffView(raw);
    expect(view.added).toEqual(['extra']);
    expect(view.changed).toEqual(['s1']);
    expect(view.lines).toContain('Edge removed: e2');
    expect(diffDraft({ number: 1, document: published }, { ...published, layout: { nodes: {} } }).identical).toBe(true);
  });
});
