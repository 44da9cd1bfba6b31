// A vitest reporter that writes what made the unit run fail to test-reports/vitest-failures.json:
// failed tests, errors of a file or suite outside its tests (a beforeAll/afterAll that threw or
// timed out) and unhandled errors. `npm test` prints them again beside its last line, where a CI
// log's tail shows them; in the full log they are lost among a thousand passing tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultReportPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test-reports',
  'vitest-failures.json',
);

/** The first lines of an error: enough to tell which and where. */
function describeError(error) {
  const text = String(error?.stack ?? error?.message ?? error)
    .split('\n')
    .slice(0, 6)
    .join('\n');
  // vitest names the test file that was running when an unhandled error arrived.
  const file = error?.VITEST_TEST_PATH;
  return typeof file === 'string' ? `${text}\n    (while ${file} ran)` : text;
}

function suiteErrors(entity, where) {
  const found = entity.errors().map((error) => ({ where, error: describeError(error) }));
  for (const suite of entity.children.allSuites()) {
    for (const error of suite.errors()) {
      found.push({ where: `${where} › ${suite.fullName}`, error: describeError(error) });
    }
  }
  return found;
}

export default class FailuresReporter {
  /** @param {{ outputFile?: string }} [options] */
  constructor(options = {}) {
    this.outputFile = options.outputFile ?? defaultReportPath;
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const failedTests = [];
    const outsideTests = [];
    for (const module of testModules) {
      const where = module.relativeModuleId;
      for (const test of module.children.allTests('failed')) {
        const first = test.result().errors?.[0];
        failedTests.push({ where: `${where} › ${test.fullName}`, error: describeError(first) });
      }
      outsideTests.push(...suiteErrors(module, where));
    }
    const report = {
      failedTests,
      outsideTests,
      unhandled: unhandledErrors.map((error) => describeError(error)),
    };
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, `${JSON.stringify(report, null, 2)}\n`);
  }
}
