import { defineConfig } from 'vitest/config';

// The browser test (npm run test:browser -w @switchboard/editor): not part of `vitest run`.
export default defineConfig({
  test: {
    name: 'editor-browser',
    include: ['e2e/**/*.browser-spec.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
