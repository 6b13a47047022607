import { describe, expect, it } from 'vitest';
import {
  formatValue,
  inlineSecretWarning,
  outputPathError,
  parseInputValue,
  parseJsonDraft,
  recordFromRows,
  rowsFromRecord,
} from './key-value.js';

describe('key/value rows', () => {
  it('round-trips a record, ignoring blank rows', () => {
    const rows = rowsFromRecord({ authorization: '{{ secrets.crm }}', count: 3 });
    expect(rows).toEqual([
      { key: 'authorization', value: '{{ secrets.crm }}' },
      { key: 'count', value: '3' },
    ]);
    expect(recordFromRows([...rows, { key: ' ', value: '' }]).record).toEqual({
      authorization: '{{ secrets.crm }}',
      count: '3',
    });
    expect(recordFromRows([]).record).toBeUndefined();
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('refuses a value without a name and a name twice', () => {
    expect(recordFromRows([{ key: '', value: 'x' }]).error).toMatch(/no name/);
    expect(
      recordFromRows([
        { key: 'a', value: '1' },
        { key: 'a ', value: '2' },
      ]).error,
    ).toMatch(/twice/);
  });

  it('keeps a non-string input value typed while its text is JSON', () => {
    const previous = { when: '{{ slot }}', count: 3, list: [1] };
    const { record } = recordFromRows(rowsFromRecord(previous), parseInputValue, previous);
    expect(record).toEqual(previous);
    expect(parseInputValue('not json', 3)).toBe('not json');
    expect(parseInputValue('42', undefined)).toBe('42');
  });
});

describe('inline secret warnings', () => {
  it('accepts secrets references and harmless headers', () => {
    expect(inlineSecretWarning('authorization', '{{ secrets.crm_token }}')).toBeUndefined();
    expect(inlineSecretWarning('authorization', 'Bearer {{ secrets.crm_token }}')).toBeUndefined();
    expect(inlineSecretWarning('content-type', 'application/json')).toBeUndefined();
    expect(inlineSecretWarning('x-request', '{{ call.id }}')).toBeUndefined();
  });

  it('warns about a credential written into the flow', () => {
    expect(inlineSecretWarning('authorization', 'Bearer abc123')).toMatch(/secrets\.name/);
    expect(inlineSecretWarning('x-api-key', 'hunter2')).toMatch(/carries a credential/);
    expect(inlineSecretWarning('x-custom', 'sk-abcdefghijklmnopqrstuvwxyz123456')).toMatch(/looks like a credential/);
    expect(inlineSecretWarning('x-custom', 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4')).toMatch(/looks like a credential/);
    expect(inlineSecretWarning('authorization', 'Bearer {{ token }}')).toMatch(/should come from/);
  });
});

describe('output paths and JSON drafts', () => {
  it('checks dot paths', () => {
    expect(outputPathError('data.slot.id')).toBeUndefined();
    expect(outputPathError('items[0].name')).toBeUndefined();
    expect(outputPathError('data..id')).toMatch(/not a dot path/);
    expect(outputPathError('')).toMatch(/Give the path/);
  });

  it('parses JSON drafts with their errors', () => {
    expect(parseJsonDraft('')).toEqual({ ok: true, value: undefined });
    expect(parseJsonDraft('{"when": "{{ slot }}"}')).toEqual({ ok: true, value: { when: '{{ slot }}' } });
    expect(parseJsonDraft('{"when":')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not JSON/) });
    expect(parseJsonDraft('[1]', { object: true })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/object/),
    });
  });
});
