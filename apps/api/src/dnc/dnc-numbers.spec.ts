import { describe, expect, it } from 'vitest';
import { DncBitmapCache } from './dnc-bitmap-cache.js';
import { BITMAP_BYTES } from './dnc-bitmap.entity.js';
import { countBits, e164Address, registryLineAddress, testBit, writeBit } from './dnc-numbers.js';

describe('registry numbers → bitmap addresses', () => {
  it('maps a 10-digit line to its area code and 7-digit subscriber index', () => {
    expect(registryLineAddress('2125550101')).toEqual({ npa: 212, index: 5_550_101 });
    expect(registryLineAddress('9899999999')).toEqual({ npa: 989, index: 9_999_999 });
    expect(e164Address('+12125550101')).toEqual({ npa: 212, index: 5_550_101 });
  });

  it.each([
    ['', 'empty'],
    ['212555010', 'nine digits'],
    ['12125550101', 'a leading 1'],
    ['212-555-0101', 'punctuation'],
    ['1125550101', 'an area code starting with 1'],
    ['2121550101', 'an exchange starting with 1'],
    ['2120550101', 'an exchange starting with 0'],
    ['212555010a', 'a letter'],
  ])('refuses %j (%s)', (line) => {
    expect(registryLineAddress(line)).toBeNull();
  });

  it('refuses E.164 numbers outside the NANP', () => {
    expect(e164Address('+442079460958')).toBeNull();
  });
});

describe('bitmaps', () => {
  it('sets, clears and counts bits, reporting only real changes', () => {
    const bitmap = Buffer.alloc(BITMAP_BYTES);
    expect(writeBit(bitmap, 0, true)).toBe(true);
    expect(writeBit(bitmap, 9_999_999, true)).toBe(true);
    expect(writeBit(bitmap, 9_999_999, true)).toBe(false);
    expect(writeBit(bitmap, 5_550_101, true)).toBe(true);
    expect(testBit(bitmap, 5_550_101)).toBe(true);
    expect(testBit(bitmap, 5_550_100)).toBe(false);
    expect(testBit(bitmap, 5_550_102)).toBe(false);
    expect(countBits(bitmap)).toBe(3);
    expect(writeBit(bitmap, 0, false)).toBe(true);
    expect(writeBit(bitmap, 0, false)).toBe(false);
    expect(countBits(bitmap)).toBe(2);
  });

  it('holds every 7-digit subscriber number of an area code', () => {
    expect(BITMAP_BYTES * 8).toBe(10_000_000);
  });
});

describe('DncBitmapCache', () => {
  it('evicts the least recently used bitmap beyond 64', () => {
    const cache = new DncBitmapCache();
    for (let i = 0; i < 64; i++) cache.set(`b${i}`, Buffer.alloc(1));
    expect(cache.get('b0')).toBeDefined(); // now the most recently used
    cache.set('b64', Buffer.alloc(1));
    expect(cache.size).toBe(64);
    expect(cache.get('b1')).toBeUndefined();
    expect(cache.get('b0')).toBeDefined();
    expect(cache.get('b64')).toBeDefined();
  });
});
