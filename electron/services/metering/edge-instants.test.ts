// The submission suite again, with the pinned clock at the instants AWS's cut-off rules care
// about: the 1st of a month after 06:00 UTC (last month's hours closed), the last half hour of a
// month, and a leap day. Each run is a separate vitest process with MDESK_TEST_NOW set, so the
// sandbox, the engine and the test records all agree on that instant.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDGE_INSTANTS, TEST_INSTANT_ENV } from '../../testing/time';

const root = join(import.meta.dirname, '..', '..', '..');
const submissionSuite = [
  'electron/services/metering/engine.sandbox.test.ts',
  'electron/main/wiring/submission.test.ts',
];

describe('the submission suite at pinned edge instants', () => {
  for (const [name, instant] of Object.entries(EDGE_INSTANTS)) {
    it(`passes at ${name} (${instant})`, { timeout: 180_000 }, () => {
      const run = spawnSync(
        join(root, 'node_modules', '.bin', 'vitest'),
        ['run', '--reporter=dot', ...submissionSuite],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, [TEST_INSTANT_ENV]: instant },
        },
      );
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output.slice(-6000)).toBe(0);
      // The child really ran the suite's tests, not zero of them.
      expect(output).toMatch(/Tests\s+.*\d+ passed/);
    });
  }
});
