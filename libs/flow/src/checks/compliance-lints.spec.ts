import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowDocumentSchema } from '../schema/index.js';
import { complianceLints } from './validate-flow.js';

const reminder = FlowDocumentSchema.parse(
  JSON.parse(readFileSync(new URL('../../../../flows/appointment-reminder.flow.json', import.meta.url), 'utf8')),
);

describe('complianceLints', () => {
  it('finds nothing in a flow that meets its own purpose and telemarketing too', () => {
    expect(reminder.purpose).toBe('INFORMATIONAL');
    expect(complianceLints(reminder)).toEqual([]);
    expect(complianceLints(reminder, 'TELEMARKETING')).toEqual([]);
  });

  it('judges the flow with the purpose it will run under, not the one it was published with', () => {
    const { callbackNumber: _dropped, ...meta } = reminder.meta;
    const informational = { ...reminder, meta };
    expect(complianceLints(informational).map((d) => d.code)).not.toContain('TELEMARKETING_CALLBACK_MISSING');
    expect(complianceLints(informational, 'TELEMARKETING').map((d) => d.code)).toContain(
      'TELEMARKETING_CALLBACK_MISSING',
    );
  });

  it('reports errors only', () => {
    const noOptOut = { ...reminder, globals: reminder.globals.filter((g) => !g.id.startsWith('g_opt_out')) };
    const lints = complianceLints(noOptOut, 'TELEMARKETING');
    expect(lints.map((d) => d.code)).toEqual(expect.arrayContaining(['OPT_OUT_BY_VOICE_MISSING']));
    expect(lints.every((d) => d.severity === 'error')).toBe(true);
  });
});
