import { describe, expect, it } from 'vitest';
import { csvCell, manifestEntry, sortTimeline } from './compliance-review.service.js';

describe('compliance review helpers', () => {
  it('quotes CSV cells per RFC 4180 and defuses spreadsheet formulas, but not E.164 numbers', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "STOP"')).toBe('"say ""STOP"""');
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('+12125550101')).toBe('+12125550101');
  });

  it('checksums the UTF-8 bytes', () => {
    expect(manifestEntry('a.txt', 'é')).toEqual({
      name: 'a.txt',
      sha256: '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c',
      bytes: 2,
    });
    expect(manifestEntry('abc', 'abc').sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('orders the timeline by time, then cause before effect, then id', () => {
    const events = sortTimeline([
      { at: '2026-03-02T00:00:00.000Z', type: 'decision', id: 'b', summary: '' },
      { at: '2026-03-02T00:00:00.000Z', type: 'revocation.honoured', id: 'z', summary: '' },
      { at: '2026-03-01T00:00:00.000Z', type: 'call.attempt', id: 'c', summary: '' },
      { at: '2026-03-02T00:00:00.000Z', type: 'decision', id: 'a', summary: '' },
    ]);
    expect(events.map((e) => `${e.type}:${e.id}`)).toEqual([
      'call.attempt:c',
      'revocation.honoured:z',
      'decision:a',
      'decision:b',
    ]);
  });
});
