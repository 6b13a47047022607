import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'editor', environment: 'node', include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'] },
});
