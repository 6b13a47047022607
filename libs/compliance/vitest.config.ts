import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'compliance',
    include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'test/**/*.spec.ts'],
    environment: 'node',
  },
});
