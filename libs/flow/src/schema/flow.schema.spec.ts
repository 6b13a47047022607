import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '@switchboard/flow';

describe('FlowDocumentSchema', () => {
  it('applies defaults', () => {
    const flow = FlowDocumentSchema.parse({
      schema: 'switchboard.flow/v1',
      meta: { name: 'x' },
      purpose: 'INFORMATIONAL',
      entry: 'start',
      nodes: [{ id: 'start', type: 'start' }],
    });
    expect(flow.settings.defaults.noInputTimeoutMs).toBe(6000);
    expect(flow.settings.timezone).toBe('America/New_York');
  });
});
