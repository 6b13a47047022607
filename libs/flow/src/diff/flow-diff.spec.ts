import { describe, expect, it } from 'vitest';
import { canonicalJson, diffFlows, flowLogic, FlowDocumentSchema, type FlowDocumentInput } from '@switchboard/flow';

const base: FlowDocumentInput = {
  schema: 'switchboard.flow/v1',
  meta: { name: 'Reminder', business: 'Acme' },
  purpose: 'INFORMATIONAL',
  entry: 'start',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'greet', type: 'say', text: 'Hello from Acme, an automated call.' },
    { id: 'bye', type: 'end', disposition: 'done' },
  ],
  edges: [
    { id: 'e1', from: 'start', handle: 'human', to: 'greet' },
    { id: 'e2', from: 'greet', handle: 'next', to: 'bye' },
  ],
  layout: { nodes: { start: { x: 0, y: 0 } } },
};
const parse = (doc: FlowDocumentInput) => FlowDocumentSchema.parse(structuredClone(doc));

describe('diffFlows', () => {
  it('ignores layout', () => {
    const moved = parse({ ...base, layout: { nodes: { start: { x: 500, y: 20 } } } });
    expect(diffFlows(parse(base), moved).identical).toBe(true);
    expect(canonicalJson(flowLogic(parse(base)))).toBe(canonicalJson(flowLogic(moved)));
  });

  it('reports added, removed and changed nodes and edges with the changed fields', () => {
    const next = parse({
      ...base,
      meta: { name: 'Reminder v2', business: 'Acme' },
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'greet', type: 'say', text: 'Hi from Acme, an automated call.' },
        { id: 'done', type: 'end', disposition: 'completed' },
      ],
      edges: [
        { id: 'e1', from: 'start', handle: 'human', to: 'greet' },
        { id: 'e3', from: 'greet', handle: 'next', to: 'done' },
      ],
    });
    const diff = diffFlows(parse(base), next);
    expect(diff.identical).toBe(false);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(['done']);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(['bye']);
    expect(diff.nodes.changed).toEqual([
      expect.objectContaining({
        id: 'greet',
        fields: [
          { path: 'text', before: 'Hello from Acme, an automated call.', after: 'Hi from Acme, an automated call.' },
        ],
      }),
    ]);
    expect(diff.edges.added.map((e) => e.id)).toEqual(['e3']);
    expect(diff.edges.removed.map((e) => e.id)).toEqual(['e2']);
    expect(diff.settings).toEqual([{ path: 'meta.name', before: 'Reminder', after: 'Reminder v2' }]);
  });

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
  });
});
