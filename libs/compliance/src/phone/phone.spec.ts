import { describe, expect, it } from 'vitest';
import { maskPhone, parsePhone } from './phone.js';

describe('parsePhone (libphonenumber-js, US by default)', () => {
  it.each([
    ['+12125550101'],
    ['(212) 555-0101'],
    ['212-555-0101'],
    ['212.555.0101'],
    ['212 555 0101'],
    ['2125550101'],
    ['12125550101'],
    ['1-212-555-0101'],
    ['1 (212) 555-0101'],
    ['+1 (212) 555-0101'],
    ['+1.212.555.0101'],
    ['  +1 212 555 0101\t'],
    ['tel:+1-212-555-0101'],
    ['＋１ ２１２ ５５５ ０１０１'],
  ])('reads %j as +12125550101', (raw) => {
    expect(parsePhone(raw)).toEqual({ ok: true, e164: '+12125550101', areaCode: '212', country: 'US' });
  });

  it.each([
    ['', /empty/],
    ['hello', /not a phone number/],
    ['call 212-555-0101 now', /not a phone number/],
    ['555-0101', /NANP/],
    ['+44 20 7946 0958', /NANP/],
    ['+1 112 555 0101', /NANP/],
    ['+1 212 155 0101', /NANP/],
    ['212-555-0101 x 33', /extension/],
    ['tel:+1-212-555-0101;ext=33', /extension/],
  ])('refuses %j', (raw, problem) => {
    const parsed = parsePhone(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('names the country of other NANP members, for the C02 detail', () => {
    expect(parsePhone('+1 416 555 0101')).toMatchObject({ ok: true, country: 'CA' });
    expect(parsePhone('+1 876 555 0101')).toMatchObject({ ok: true, country: 'JM' });
    expect(parsePhone('+1 787 555 0101')).toMatchObject({ ok: true, country: 'PR' });
  });

  it('masks numbers for details and logs', () => {
    expect(maskPhone('+12125550101')).toBe('+1212*****01');
  });
});
