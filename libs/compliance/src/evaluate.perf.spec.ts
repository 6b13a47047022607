import { describe, expect, it } from 'vitest';
import { input, local } from '../test/builders.js';
import { evaluate } from './index.js';

/** Typical decisions take well under a millisecond; the search is exact, not stepped. */
describe('evaluate performance', () => {
  const cases = {
    allowed: input(),
    'deferred, two zones, state rules': input({
      request: { phone: '+18505550101', at: local('2026-03-10 21:30:00', 'America/New_York') },
    }),
    'deferred over a weekend across DST (MS)': input({
      request: { phone: '+16015550101', at: '2026-03-08T02:30:00Z' },
      facts: { ebr: { lastTransactionAt: '2025-12-01T00:00:00Z' } },
    }),
  };

  for (const [name, example] of Object.entries(cases)) {
    it(`${name}: < 1 ms`, () => {
      for (let i = 0; i < 50; i++) evaluate(example); // warm up (JIT, zone-year cache)
      // best of several batches, so that a busy machine does not fail the test
      const batches = Array.from({ length: 5 }, () => {
        const start = performance.now();
        for (let i = 0; i < 100; i++) evaluate(example);
        return (performance.now() - start) / 100;
      });
      expect(Math.min(...batches)).toBeLessThan(1);
    });
  }
});
