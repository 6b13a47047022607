import { describe, expect, it } from 'vitest';
import {
  csvRecords,
  defaultMapping,
  mappingProblems,
  mappingToQuery,
  parseCsvHeader,
  withVariables,
} from './csv-mapping.js';

describe('reading the CSV header in the browser', () => {
  it('reads quoted fields, doubled quotes, a BOM and stops at the first line break', () => {
    expect(parseCsvHeader('\uFEFFphone,"first name","say ""hi""",id\r\n+12125550100,Ana,x,1\n')).toEqual([
      'phone',
      'first name',
      'say "hi"',
      'id',
    ]);
    expect(parseCsvHeader('"multi\nline",b\nrow')).toEqual(['multi\nline', 'b']);
    expect(parseCsvHeader(' phone , appointment_at ')).toEqual(['phone', 'appointment_at']);
    expect(parseCsvHeader('')).toEqual([]);
    expect(parseCsvHeader('\n+1212')).toEqual([]);
  });
});

describe('the column mapping', () => {
  const header = ['Phone Number', 'External_ID', 'first_name', 'Appointment At', 'notes'];

  it('guesses the phone, the external id and each input variable from the column names', () => {
    expect(defaultMapping(header, ['first_name', 'appointment_at', 'clinic'])).toEqual({
      phone: 'Phone Number',
      externalId: 'External_ID',
      variables: { first_name: 'first_name', appointment_at: 'Appointment At', clinic: '' },
      simulation: '',
    });
    expect(defaultMapping(['mobile', 'x'], [])).toEqual({
      phone: 'mobile',
      externalId: '',
      variables: {},
      simulation: '',
    });
    expect(defaultMapping(['phone', 'Simulation'], []).simulation).toBe('Simulation');
  });

  it('becomes the upload query: phone, externalId and var.<name>, unmapped entries left to the API', () => {
    const query = mappingToQuery({
      phone: 'Phone Number',
      externalId: '',
      variables: { first_name: 'first_name', appointment_at: 'Appointment At', clinic: '' },
      simulation: '',
    });
    expect(query).toBe('phone=Phone+Number&var.appointment_at=Appointment+At&var.first_name=first_name');
    const params = new URLSearchParams(query);
    expect(params.get('phone')).toBe('Phone Number');
    expect(params.has('externalId')).toBe(false);
    expect(params.has('var.clinic')).toBe(false);
    // a column name with & and = survives the round trip
    expect(
      new URLSearchParams(
        mappingToQuery({ phone: 'tel & fax=1', externalId: 'id', variables: {}, simulation: '' }),
      ).get('phone'),
    ).toBe('tel & fax=1');
  });

  it('names what is missing before anything is uploaded', () => {
    const mapping = defaultMapping(header, ['first_name', 'clinic']);
    expect(mappingProblems(mapping, header, ['first_name'])).toEqual([]);
    expect(mappingProblems(mapping, header, ['first_name', 'clinic'])).toEqual([
      'The flow requires "clinic": map a column to it or set a default on the campaign.',
    ]);
    expect(mappingProblems({ ...mapping, phone: '' }, header)).toEqual([
      'Choose the column that holds the phone number.',
    ]);
    expect(mappingProblems({ ...mapping, externalId: 'gone' }, header)).toEqual(['The file has no column "gone".']);
    expect(mappingProblems(mapping, ['phone', 'phone'])).toContain('The column "phone" appears twice in the header.');
    expect(mappingProblems({ phone: '', externalId: '', variables: {}, simulation: '' }, [])).toContain(
      'The file has no header row.',
    );
  });

  it('sends the simulated callee column when one is chosen', () => {
    const mapping = { phone: 'phone', externalId: '', variables: {}, simulation: 'script' };
    expect(new URLSearchParams(mappingToQuery(mapping)).get('simulation')).toBe('script');
    expect(mappingProblems(mapping, ['phone'])).toEqual(['The file has no column "script".']);
  });

  it('guesses the columns of variables known only after the file was chosen, keeping what the operator chose', () => {
    // the file is read before the flow version's variables arrive: nothing to map yet
    const early = defaultMapping(header, []);
    expect(early.variables).toEqual({});
    expect(mappingProblems(early, header, ['first_name'])).toEqual([
      'The flow requires "first_name": map a column to it or set a default on the campaign.',
    ]);
    const chosen = { ...early, variables: { appointment_at: 'notes' } };
    const later = withVariables(chosen, header, ['first_name', 'appointment_at', 'clinic']);
    expect(later).toEqual({
      ...early,
      variables: { first_name: 'first_name', appointment_at: 'notes', clinic: '' },
    });
    expect(mappingProblems(later, header, ['first_name', 'appointment_at'])).toEqual([]);
  });
});

describe('finding rejected rows in the file', () => {
  it('numbers data rows as the API does (header 0, empty lines skipped) and gives each its line in the file', () => {
    const text = [
      'phone,first_name',
      '+12125550142,Ana',
      '',
      'not a phone, Cy ',
      '"+1 212 555 0143","Ben',
      'on two lines"',
      '+12125550144,',
    ].join('\r\n');
    const records = csvRecords(text, new Set([2, 3, 4]));
    expect([...records.entries()]).toEqual([
      [2, { line: 4, cells: ['not a phone', 'Cy'] }],
      [3, { line: 5, cells: ['+1 212 555 0143', 'Ben\r\non two lines'] }],
      [4, { line: 7, cells: ['+12125550144', ''] }],
    ]);
    expect(csvRecords(text, new Set())).toEqual(new Map());
    expect(csvRecords('\uFEFFphone\n+1', new Set([1])).get(1)).toEqual({ line: 2, cells: ['+1'] });
    // a row past the end is simply not found
    expect(csvRecords('phone\n+1\n', new Set([5])).size).toBe(0);
  });
});
