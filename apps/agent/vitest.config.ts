import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'agent', environment: 'node', include: ['src/**/*.spec.ts'], testTimeout: 20_000 },
});
