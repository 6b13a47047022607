import { describe, expect, it } from 'vitest';
import { columnOf, rejectedRowCount, rejectedRows } from './import-result.js';

const mapping = {
  phone: 'Phone',
  externalId: 'ref',
  variables: { first_name: 'First', appointment_at: '' },
  simulation: '',
};
const header = ['Phone', 'First', 'appointment_at', 'ref'];
const csv = [
  'Phone,First,appointment_at,ref',
  '+12125550142,Ana,2026-12-10T15:00:00Z,c-1',
  'not a phone,Cy,2026-12-12T15:00:00Z,c-2',
  '+12125550143,Ben,tomorrow,c-3',
  '',
  '+12125550144,,,c-4',
].join('\n');

describe('the rejected rows of an upload, joined to the file', () => {
  it('names the column each field was read from, the API default for unmapped variables', () => {
    expect(columnOf('phone', mapping)).toBe('Phone');
    expect(columnOf('externalId', mapping)).toBe('ref');
    expect(columnOf('variables.first_name', mapping)).toBe('First');
    expect(columnOf('variables.appointment_at', mapping)).toBe('appointment_at');
    expect(columnOf('simulation', mapping)).toBe(null);
    expect(columnOf('something', mapping)).toBe(null);
  });

  it('shows the line of the file and the value each rejected cell held', () => {
    const rejected = [
      { row: 2, field: 'phone', message: 'is not a phone number' },
      { row: 3, field: 'variables.appointment_at', message: 'must be an ISO 8601 date-time' },
      { row: 4, field: 'variables.first_name', message: 'required by the flow' },
      { row: 4, field: 'variables.appointment_at', message: 'required by the flow' },
    ];
    expect(rejectedRows(rejected, csv, mapping, header)).toEqual([
      {
        row: 2,
        line: 3,
        field: 'phone',
        column: 'Phone',
        value: 'not a phone',
        message: 'is not a phone number',
      },
      {
        row: 3,
        line: 4,
        field: 'variables.appointment_at',
        column: 'appointment_at',
        value: 'tomorrow',
        message: 'must be an ISO 8601 date-time',
      },
      { row: 4, line: 6, field: 'variables.first_name', column: 'First', value: '', message: 'required by the flow' },
      {
        row: 4,
        line: 6,
        field: 'variables.appointment_at',
        column: 'appointment_at',
        value: '',
        message: 'required by the flow',
      },
    ]);
    // a row rejected for two fields is one row: received = added + merged + rejected rows
    expect(rejectedRowCount(rejected)).toBe(3);
  });

  it('still lists the rejections when the file cannot be read again', () => {
    expect(rejectedRows([{ row: 9, field: 'phone', message: 'x' }], null, mapping, header)).toEqual([
      { row: 9, line: null, field: 'phone', column: 'Phone', value: null, message: 'x' },
    ]);
  });
});
