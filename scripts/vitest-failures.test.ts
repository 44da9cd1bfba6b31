// `npm test` repeats what failed in the unit run beside its last line: the reporter behind that
// names a failed test, a hook's error after passing tests and an unhandled rejection.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'meterdesk-vitest-failures-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

type Entry = { where: string; error: string };
type Report = { failedTests: Entry[]; outsideTests: Entry[]; unhandled: string[] };

it('names a failed test, a throwing afterAll and an unhandled rejection', () => {
  const outputFile = join(dir, 'failures.json');
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--config', join(import.meta.dirname, 'vitest-failures-fixture', 'vitest.config.ts')],
    { cwd: root, env: { ...process.env, FAILURES_OUTPUT: outputFile }, encoding: 'utf8' },
  );
  expect(run.status).toBe(1);
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as Report;
  expect(report.failedTests.map((f) => f.where)).toEqual(['broken.check.ts › fails']);
  expect(report.failedTests[0]?.error).toContain("expected 'one' to be 'two'");
  expect(report.outsideTests).toHaveLength(1);
  expect(report.outsideTests[0]?.where).toBe('broken.check.ts › a suite whose afterAll throws');
  expect(report.outsideTests[0]?.error).toContain('afterAll could not clean up');
  expect(report.unhandled).toHaveLength(1);
  expect(report.unhandled[0]).toContain('a rejection nobody handled');
  expect(report.unhandled[0]).toMatch(/\(while \S*broken\.check\.ts ran\)$/);
}, 60_000);
