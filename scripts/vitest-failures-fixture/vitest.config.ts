// Runs broken.check.ts alone, with the failures reporter writing where the test says.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['broken.check.ts'],
    reporters: [
      'dot',
      ['../vitest-failures.mjs', { outputFile: process.env.FAILURES_OUTPUT ?? 'failures.json' }],
    ],
  },
});
