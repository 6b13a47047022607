import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import { applyOperation, applyOperations, EditError, type FlowOperation } from './index.js';

const load = (): FlowDocument => FlowDocumentSchema.parse(structuredClone(fixture));

describe('applyOperation', () => {
  it('runs operations sent as JSON (the editor, the API and the tests share them)', () => {
    const ops: FlowOperation[] = JSON.parse(
      JSON.stringify([
        { type: 'addNode', request: { type: 'say', id: 'thanks', position: { x: 0, y: 2000 } } },
        { type: 'updateNode', id: 'thanks', patch: { text: 'Thank you!' } },
        { type: 'connect', connection: { source: 'thanks', target: 'bye' } },
        { type: 'connect', connection: { source: 'book', sourceHandle: 'success', target: 'thanks' } },
      ]),
    ) as FlowOperation[];
    const next = applyOperations(load(), ops);
    expect(next.nodes.find((n) => n.id === 'thanks')).toEqual({ id: 'thanks', type: 'say', text: 'Thank you!' });
    expect(next.edges.find((e) => e.id === 'e_booked')).toMatchObject({ to: 'thanks' });
    expect(next.edges.at(-1)).toEqual({ id: 'e_thanks_next', from: 'thanks', handle: 'next', to: 'bye' });
  });

  it('is all or nothing over a list, and refuses unknown operations', () => {
    const flow = load();
    expect(() =>
      applyOperations(flow, [
        { type: 'updateMeta', patch: { name: 'Changed' } },
        { type: 'removeNodes', ids: ['ghost'] },
      ]),
    ).toThrow(EditError);
    expect(flow.meta.name).toBe('Every node');
    expect(() => applyOperation(flow, { type: 'explode' } as never)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_OPERATION' }),
    );
  });
});
