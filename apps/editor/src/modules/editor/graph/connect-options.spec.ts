import { applyOperation, FlowDocumentSchema, type FlowDocument } from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import { connectTargets, freeExits } from './connect-options.js';

const flow: FlowDocument = FlowDocumentSchema.parse({
  schema: 'switchboard.flow/v1',
  meta: { name: 'Connect', business: 'Acme' },
  purpose: 'INFORMATIONAL',
  entry: 'start',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'ask', type: 'question', prompt: 'Can you make it?', capture: { type: 'yes_no', var: 'ok' } },
    { id: 'chat', type: 'llm', task: 'Answer questions.' },
    { id: 'bye', type: 'end', disposition: 'done' },
  ],
  edges: [
    { id: 'e1', from: 'start', handle: 'human', to: 'ask' },
    { id: 'e2', from: 'ask', handle: 'yes', to: 'bye' },
  ],
});

describe('connecting from the keyboard', () => {
  it('lists the free exits of a node, required ones marked', () => {
    expect(freeExits(flow, 'ask').map((e) => [e.handle, e.required])).toEqual([
      ['no', false],
      ['no_input', true],
      ['no_match', true],
    ]);
    expect(freeExits(flow, 'start').map((e) => e.handle)).toEqual(['voicemail', 'no_answer', 'busy', 'failed']);
    expect(freeExits(flow, 'bye')).toEqual([]);
    expect(freeExits(flow, 'ghost')).toEqual([]);
  });

  it('keeps the intent exit of an llm node free however many edges leave it', () => {
    const exits = freeExits(flow, 'chat');
    expect(exits[0]).toMatchObject({ handle: 'intent', kind: 'intent' });
  });

  it('offers only the targets canConnect accepts (never the start node)', () => {
    const targets = connectTargets(flow, 'ask', 'no');
    expect(targets).not.toContain('start');
    expect(targets).toEqual(expect.arrayContaining(['ask', 'chat', 'bye']));
    expect(connectTargets(flow, 'bye', 'next')).toEqual([]);
  });

  it('a chosen exit and target connect through the connect operation', () => {
    const next = applyOperation(flow, {
      type: 'connect',
      connection: { source: 'ask', sourceHandle: 'no', target: 'bye' },
    });
    expect(freeExits(next, 'ask').map((e) => e.handle)).toEqual(['no_input', 'no_match']);
  });
});
