import { defineConfig } from 'vitest/config';

// One runner for the monorepo: each app and lib is a Vitest project with its own config.
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'test/system/vitest.config.ts'],
  },
});
