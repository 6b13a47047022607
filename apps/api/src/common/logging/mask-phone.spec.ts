import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesDeep } from './mask-phone.js';

describe('maskPhone', () => {
  it.each([
    ['+15551230123', '+1******0123'],
    ['5551230123', '+1******0123'],
    ['15551230123', '+1******0123'],
    ['555-123-0123', '+1******0123'],
    ['555.123.0123', '+1******0123'],
    ['(555) 123-0123', '+1******0123'],
    ['+1 (555) 123-0123', '+1******0123'],
    ['1-555-123-0123', '+1******0123'],
    ['+1 555 123 0123', '+1******0123'],
  ])('masks the US number %s to %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('masks other E.164 numbers, keeping only the last four digits', () => {
    expect(maskPhone('+442071230123')).toBe('+********0123');
    expect(maskPhone('+4915112345678')).toBe('+*********5678');
  });

  it('masks every number inside a sentence and in JSON', () => {
    expect(maskPhone('calling +15551230123 then 555-987-6543.')).toBe('calling +1******0123 then +1******6543.');
    expect(maskPhone('{"to":"+15551230123","from":"2125550199"}')).toBe('{"to":"+1******0123","from":"+1******0199"}');
    expect(maskPhone('GET /v1/compliance/phones/%2B15551230123')).toBe('GET /v1/compliance/phones/+1******0123');
    expect(maskPhone('GET /v1/compliance/phones/+15551230123/export')).toBe(
      'GET /v1/compliance/phones/+1******0123/export',
    );
  });

  it('leaves alone what is not a phone number', () => {
    for (const text of [
      '{"time":1795261913158,"pid":14686}', // epoch milliseconds
      'took 1795261913 s', // epoch seconds: no area code starts with 1
      'id 550e8400-e29b-41d4-a716-446655440000',
      'order 123456789', // nine digits
      'account 55512301234567', // part of a longer number
      'v2.5551230123abc', // glued to letters
      'port 6379, 3 retries, 100 ms',
    ]) {
      expect(maskPhone(text)).toBe(text);
    }
  });

  it('masks numbers whose separators are URL-encoded', () => {
    expect(maskPhone('GET /v1/compliance/phones/(212)%20555-0101')).toBe('GET /v1/compliance/phones/+1******0101');
    expect(maskPhone('/phones/+1%20212%20555%200101?x=1')).toBe('/phones/+1******0101?x=1');
    expect(maskPhone('/phones/%28212%29%20555-0101')).toBe('/phones/+1******0101');
  });

  it('is idempotent', () => {
    const once = maskPhone('+15551230123 and 555-123-0123');
    expect(maskPhone(once)).toBe(once);
  });
});

describe('maskPhonesDeep', () => {
  it('masks strings at any depth and keeps other values', () => {
    const input = { call: { to: '+15551230123', attempts: 2, tags: ['from 212-555-0199', null] }, ok: true };
    expect(maskPhonesDeep(input)).toEqual({
      call: { to: '+1******0123', attempts: 2, tags: ['from +1******0199', null] },
      ok: true,
    });
  });
});
