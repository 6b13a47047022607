import { defineProject } from 'vitest/config';

/**
 * The whole product over HTTP: the built API and a call worker (simulated callee) as processes,
 * on a database and a Redis of the run's own. Slow by nature (real calling windows and retry
 * gaps on a shifted clock), so one file runs at a time.
 */
export default defineProject({
  test: {
    name: 'system',
    environment: 'node',
    include: ['*.e2e-spec.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
