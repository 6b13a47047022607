import { describe, expect, it } from 'vitest';
import { defaultMapping, mappingProblems, mappingToQuery, parseCsvHeader } from './csv-mapping.js';

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
    });
    expect(defaultMapping(['mobile', 'x'], [])).toEqual({ phone: 'mobile', externalId: '', variables: {} });
  });

  it('becomes the upload query: phone, externalId and var.<name>, unmapped entries left to the API', () => {
    const query = mappingToQuery({
      phone: 'Phone Number',
      externalId: '',
      variables: { first_name: 'first_name', appointment_at: 'Appointment At', clinic: '' },
    });
    expect(query).toBe('phone=Phone+Number&var.appointment_at=Appointment+At&var.first_name=first_name');
    const params = new URLSearchParams(query);
    expect(params.get('phone')).toBe('Phone Number');
    expect(params.has('externalId')).toBe(false);
    expect(params.has('var.clinic')).toBe(false);
    // a column name with & and = survives the round trip
    expect(
      new URLSearchParams(mappingToQuery({ phone: 'tel & fax=1', externalId: 'id', variables: {} })).get('phone'),
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
    expect(mappingProblems({ phone: '', externalId: '', variables: {} }, [])).toContain('The file has no header row.');
  });
});
