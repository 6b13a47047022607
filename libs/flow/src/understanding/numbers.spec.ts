import { describe, expect, it } from 'vitest';
import { digitGroups, findDigits, findNumber } from './numbers.js';

describe('findNumber', () => {
  it.each([
    ['42', 42],
    ['3.5', 3.5],
    ['$1,200', 1200],
    ['about 1,200 dollars', 1200],
    ['forty two', 42],
    ['forty-two', 42],
    ['one hundred and five', 105],
    ['a dozen', 12],
    ['half a dozen', 6],
    ['two dozen', 24],
    ['two point five', 2.5],
    ['three point one four', 3.14],
    ["I'd say about seven", 7],
    ['three and a half', 3.5],
    ['1.5 million', 1_500_000],
    ['5k', 5000],
    ['twelve hundred', 1200],
    ['two thousand three hundred', 2300],
    ['a hundred', 100],
    ['a couple', 2],
    ['nineteen ninety nine', 1999],
    ['I have 2 kids', 2],
    ['50%', 50],
    ['minus five', -5],
    ['zero', 0],
    ['none', 0],
    ['one', 1],
    ['maybe 3 or 4', 3],
  ])('"%s" → %d', (text, value) => {
    expect(findNumber(text)?.value).toBe(value);
  });

  it.each(['the first one', 'that one', 'no one', 'I want that one please', 'someone called', 'no idea', ''])(
    '"%s" holds no number',
    (text) => {
      expect(findNumber(text)).toBeUndefined();
    },
  );

  it('tells spoken numbers from written ones', () => {
    expect(findNumber('forty two')?.words).toBe(true);
    expect(findNumber('42')?.words).toBe(false);
  });
});

describe('findDigits', () => {
  it.each([
    ['1 2 3 4', '1234'],
    ['one two three four', '1234'],
    ['1234', '1234'],
    ['my pin is 4 4 0 9', '4409'],
    ['double five oh one', '5501'],
    ['triple seven', '777'],
    ['twenty one twelve', '2112'],
    ['it is 415-555-0134', '4155550134'],
    ['one eight hundred five five five', '1800555'],
    ['uh, one, two... three', '123'],
  ])('"%s" → %s', (text, digits) => {
    expect(findDigits(text)).toBe(digits);
  });

  it('keeps the longest group when words separate them', () => {
    expect(findDigits('it is 12, no wait, 4 5 6 7')).toBe('4567');
  });

  it.each(['no digits here', 'to be or not to be', ''])('"%s" has none', (text) => {
    expect(findDigits(text)).toBeUndefined();
  });

  it('keeps a leading plus for international numbers', () => {
    expect(digitGroups('plus four four 20 7946 0958')).toEqual(['+442079460958']);
  });
});
