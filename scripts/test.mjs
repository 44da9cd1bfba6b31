// `npm test`: unit tests (vitest) then end-to-end tests (Playwright), ending with one line
// `N passed, N failed, N skipped` that counts both together.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded, root } from './build-if-needed.mjs';

// Not test-results/: Playwright empties that folder when it starts.
const resultsDir = join(root, 'test-reports');
mkdirSync(resultsDir, { recursive: true });
const vitestJson = join(resultsDir, 'vitest.json');
const playwrightJson = join(resultsDir, 'playwright.json');
const vitestFailures = join(resultsDir, 'vitest-failures.json');
rmSync(vitestJson, { force: true });
rmSync(vitestFailures, { force: true });
rmSync(playwrightJson, { force: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);

function readJson(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** What made the unit run fail, again at the end where a log's tail shows it. */
function printUnitFailures(status) {
  const report = readJson(vitestFailures);
  console.log(`\n== Unit run failed (vitest exit code ${String(status)}) ==`);
  if (!report) {
    console.log('vitest wrote no failure summary: see its output above.');
    return;
  }
  const sections = [
    ['failed test', report.failedTests.map((f) => `${f.where}\n${f.error}`)],
    [
      'error outside a test (a hook or the file)',
      report.outsideTests.map((f) => `${f.where}\n${f.error}`),
    ],
    ['unhandled error', report.unhandled],
  ];
  for (const [kind, entries] of sections) {
    for (const entry of entries) console.log(`-- ${kind}: ${entry}`);
  }
}

console.log('== Unit tests (vitest) ==');
const unit = spawnSync(
  bin('vitest'),
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    '--reporter=./scripts/vitest-failures.mjs',
    `--outputFile.json=${vitestJson}`,
  ],
  { cwd: root, stdio: 'inherit' },
);

console.log('\n== End-to-end tests (Playwright) ==');
buildIfNeeded();
const e2e = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
});

const totals = { passed: 0, failed: 0, skipped: 0 };
const unitReport = readJson(vitestJson);
if (unitReport) {
  totals.passed += unitReport.numPassedTests ?? 0;
  totals.failed += unitReport.numFailedTests ?? 0;
  totals.skipped += (unitReport.numPendingTests ?? 0) + (unitReport.numTodoTests ?? 0);
  // A suite that failed to load has no tests counted; count it so it cannot pass silently.
  for (const suite of unitReport.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0)
      totals.failed += 1;
  }
} else {
  console.error('vitest produced no report: counting the unit run as failed.');
  totals.failed += 1;
}
const e2eReport = readJson(playwrightJson);
if (e2eReport?.stats) {
  totals.passed += (e2eReport.stats.expected ?? 0) + (e2eReport.stats.flaky ?? 0);
  totals.failed += e2eReport.stats.unexpected ?? 0;
  totals.skipped += e2eReport.stats.skipped ?? 0;
  if ((e2eReport.errors ?? []).length > 0) totals.failed += e2eReport.errors.length;
} else {
  console.error('Playwright produced no report: counting the end-to-end run as failed.');
  totals.failed += 1;
}
if (unit.status !== 0 && totals.failed === 0) totals.failed += 1;
if (unit.status !== 0) printUnitFailures(unit.status);
if (e2e.status !== 0 && totals.failed === 0) totals.failed += 1;

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
