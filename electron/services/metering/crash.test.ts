// Crash test: a child process submitting 2,000 records is SIGKILLed at seeded random moments
// spread across its submission, then a fresh engine over the same journal resumes. Every time
// the sandbox ledger must equal the intended records exactly and the journal must verify.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeteringApi } from '../../adapters/aws/metering-api';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { createJournalFile } from '../../adapters/storage/journal-file';
import { createRng } from '../../sandbox/prng';
import {
  startTestSandbox,
  type AdminState,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import { createJournal } from '../journal/journal';
import type { CrashChildConfig } from './testing/crash-child';
import { repoRoot, runAndKill } from './testing/crash-run';
import { createSubmissionEngine } from './engine';
import { planResume } from './resume';
import { compareLedger, uniqueRecords } from './testing/submit-testkit';

const root = repoRoot;
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const RUNS = 10;
const RECORDS = 2000;
const CALLS = RECORDS / 25;

let sb: TestSandbox;
const work = mkdtempSync(join(tmpdir(), 'meterdesk-crash-'));

beforeAll(async () => {
  sb = await startTestSandbox({ rateLimits: false });
});
afterAll(async () => {
  await sb.close();
  if (!process.env.KEEP_CRASH) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  else console.log(work);
});

describe('crash test', () => {
  it(`SIGKILL at ${RUNS} random moments, then resume: billed exactly once every time`, async () => {
    const state = (await sb.admin<AdminState>('GET', '/_sandbox/state')).body;
    const intended = uniqueRecords(state, RECORDS, sb.now());
    const rng = createRng(20261126);
    const context = {
      connectionId: 'sandbox',
      connectionName: 'Sandbox',
      account: state.sellerAccountId,
      region: sb.sandbox.region,
      osUser: 'crash-test',
    };
    const summary: { killAfter: number; billedAtKill: number; resumed: number }[] = [];

    for (let run = 0; run < RUNS; run += 1) {
      await sb.admin('POST', '/_sandbox/reset');
      const dataDir = join(work, `run-${run}`);
      const config: CrashChildConfig = {
        endpoint: sb.sandbox.endpoint,
        region: sb.sandbox.region,
        accessKeyId: sb.sandbox.accessKeyId,
        secretAccessKey: sb.sandbox.secretAccessKey,
        dataDir,
        records: intended.map(({ key, productCode, group, record }) => ({
          key,
          record,
          ...(productCode === undefined ? {} : { productCode }),
          ...(group === undefined ? {} : { group }),
        })),
        ratePerSecond: 200,
        context,
      };
      const configPath = join(work, `config-${run}.json`);
      writeFileSync(configPath, JSON.stringify(config));
      // Spread across the submission: a call count from 0 to just past the end, plus a small
      // delay so the kill lands anywhere between an intent, its HTTP call and its outcome.
      const killAfter = Math.floor(rng.next() * (CALLS + 4));
      const extraDelay = Math.floor(rng.next() * 15);
      const child = await runAndKill(configPath, killAfter, extraDelay);
      const billedAtKill = (await sb.admin<AdminState>('GET', '/_sandbox/state')).body.ledger
        .length;

      // A fresh engine over the same journal.
      const file = createJournalFile(dataDir);
      const journal = createJournal(file);
      const report = await journal.open();
      expect(report.ok, JSON.stringify(report)).toBe(true);
      const client = sb.metering({ maxAttempts: 1 });
      const engine = createSubmissionEngine({
        api: createMeteringApi(client, { region: sb.sandbox.region }),
        journal,
        pacer: createPacer({ ...realTime, rates: { BatchMeterUsage: 1000 } }),
        time: realTime,
        concurrency: 4,
        backoffBaseMs: 2,
        throttleBaseMs: 2,
        backoffCapMs: 20,
      });
      const started = (await journal.entries()).some((e) => e.kind === 'submission-started');
      let resumed = 0;
      if (!started) {
        // Killed before anything was journaled: then nothing may have been sent either.
        expect(billedAtKill).toBe(0);
        await (
          await engine.submit({
            operation: 'BatchMeterUsage',
            records: config.records,
            context,
            pacerKey: { accountId: context.account, region: context.region },
          })
        ).done;
      } else {
        for (const interrupted of await journal.interruptedSubmissions()) {
          const plan = await planResume(journal, interrupted.submissionId);
          resumed += plan.records.length;
          const result = await (
            await engine.submit({
              operation: plan.operation,
              records: plan.records,
              context,
              pacerKey: { accountId: context.account, region: context.region },
              resendOf: interrupted.submissionId,
            })
          ).done;
          expect(result.state).toBe('finished');
        }
      }
      client.destroy();
      await file.close();

      const ledger = (await sb.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
      const comparison = compareLedger(ledger, intended);
      expect(
        comparison.ok,
        `run ${run} (kill after ${killAfter} calls, finished=${child.finished}): ${JSON.stringify({ ...comparison, missing: comparison.missing.length })}`,
      ).toBe(true);
      const after = await journal.verify();
      expect(after.ok, JSON.stringify(after)).toBe(true);
      expect(await journal.interruptedSubmissions()).toEqual([]);
      summary.push({ killAfter, billedAtKill, resumed });
    }

    if (process.env.KEEP_CRASH) console.log(JSON.stringify(summary));
    // The kills really were spread: most runs died mid-submission.
    const midway = summary.filter((s) => s.billedAtKill > 0 && s.billedAtKill < RECORDS);
    expect(midway.length).toBeGreaterThanOrEqual(RUNS / 2);

    // The command-line verifier agrees (on the last run's journal).
    const cli = spawnSync(
      tsx,
      [
        join(root, 'electron', 'cli', 'journal.ts'),
        'verify',
        '--data',
        join(work, `run-${RUNS - 1}`),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    // Ten child processes on a shared 2-core machine: a generous limit, not a speed target.
  }, 300_000);
});
