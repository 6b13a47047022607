import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// Where the dev server forwards API calls: the API started by `npm start` unless told otherwise.
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Workspace libraries (@switchboard/flow, @switchboard/contracts) resolve to their TypeScript
    // sources, so the editor needs no prior build of them.
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    port: 5173,
    proxy: {
      '/health': { target: apiUrl, changeOrigin: true },
      '/v1': { target: apiUrl, changeOrigin: true },
      // the queue dashboard checks that changes come from its own origin: keep the Host header
      '/admin': { target: apiUrl, changeOrigin: false },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/health': { target: apiUrl, changeOrigin: true },
      '/v1': { target: apiUrl, changeOrigin: true },
      // the queue dashboard checks that changes come from its own origin: keep the Host header
      '/admin': { target: apiUrl, changeOrigin: false },
    },
  },
  // The editor chunk carries @switchboard/flow (zod, CEL, Liquid, XState, chrono) for live checks: ~850 kB.
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1200 },
});
