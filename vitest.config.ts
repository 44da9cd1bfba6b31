// Two test projects: "node" for main, shared and scripts (the default environment), and
// "renderer" for the renderer's logic and components in jsdom with Testing Library.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['renderer/src/**/*.{ts,tsx}'],
      exclude: ['renderer/src/**/*.test.{ts,tsx}', 'renderer/src/**/testing/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'test-reports/coverage',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          // One live core serves every file, and drafts live in it: one file at a time.
          fileParallelism: false,
          include: ['renderer/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['renderer/src/testing/setup.ts'],
          globalSetup: ['electron/testing/renderer-core.ts'],
        },
      },
    ],
  },
});
