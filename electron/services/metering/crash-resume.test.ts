// The crash test's harder cases: answers lost on the way back (the call billed, the answer gone)
// with the app killed during its submission and again during the resume; and a resume after the
// acceptance window closed. The sandbox ledger must equal the intent every time: nothing billed
// twice, nothing lost, nothing sent once its hour is closed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeteringApi } from '../../adapters/aws/metering-api';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { createJournalFile } from '../../adapters/storage/journal-file';
import {
  startTestSandbox,
  type AdminState,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import type { JournalContext } from '../../../shared/journal';
import { pinnedClock, type PinnedClock } from '../../testing/time';
import { createJournal, type Journal } from '../journal/journal';
import type { CrashChildConfig } from './testing/crash-child';
import { runAndKill } from './testing/crash-run';
import { createSubmissionEngine } from './engine';
import { planResume } from './resume';
import { compareLedger, uniqueRecords, type IntendedRecord } from './testing/submit-testkit';
import { windowClosed } from './window';

const RECORDS = 500;
let sb: TestSandbox;
let clock: PinnedClock;
const work = mkdtempSync(join(tmpdir(), 'meterdesk-crash-resume-'));

beforeAll(async () => {
  clock = pinnedClock();
  sb = await startTestSandbox({ rateLimits: false, now: clock.now });
});
afterAll(async () => {
  await sb.close();
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
});

async function setUp(name: string) {
  await sb.admin('POST', '/_sandbox/reset');
  const state = (await sb.admin<AdminState>('GET', '/_sandbox/state')).body;
  const intended = uniqueRecords(state, RECORDS, sb.now());
  const context = {
    connectionId: 'sandbox',
    connectionName: 'Sandbox',
    account: state.sellerAccountId,
    region: sb.sandbox.region,
    osUser: 'crash-test',
  };
  const dataDir = join(work, name);
  const config = (mode: 'submit' | 'resume'): string => {
    const body: CrashChildConfig = {
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
      mode,
    };
    const path = join(work, `${name}-${mode}.json`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  return { intended, context, dataDir, config };
}

/** A fresh engine over the journal resumes everything left, closed hours never sent. */
async function resumeAll(journal: Journal, context: JournalContext, now: () => number) {
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
  const counts = { success: 0, windowClosed: 0 };
  for (const interrupted of await journal.interruptedSubmissions()) {
    const plan = await planResume(journal, interrupted.submissionId);
    const result = await (
      await engine.submit({
        operation: plan.operation,
        records: plan.records,
        context,
        pacerKey: { accountId: context.account, region: context.region },
        resendOf: interrupted.submissionId,
        windowClosed: (r) => windowClosed(plan.operation, r, now()),
      })
    ).done;
    expect(result.state).toBe('finished');
    counts.success += result.counts.success;
    counts.windowClosed += result.counts.windowClosed;
  }
  client.destroy();
  return counts;
}

async function ledger() {
  return (await sb.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
}

function expectLedgerIs(entries: Awaited<ReturnType<typeof ledger>>, intent: IntendedRecord[]) {
  const comparison = compareLedger(entries, intent);
  expect(comparison.ok, JSON.stringify({ ...comparison, missing: comparison.missing.length })).toBe(
    true,
  );
}

describe('crash test: lost answers, a kill during the resume, a resume after the window', () => {
  it('answers lost, killed while sending and again while resuming: billed exactly once', async () => {
    const { intended, context, dataDir, config } = await setUp('lost-answers');
    await sb.admin('PUT', '/_sandbox/faults', { dropAfterApplyRate: 0.3 });
    const first = await runAndKill(config('submit'), 6, 3);
    expect(first.killed).toBe(true);
    const afterFirst = (await ledger()).length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(RECORDS);

    const second = await runAndKill(config('resume'), 4, 3);
    expect(second.killed).toBe(true);
    expect((await ledger()).length).toBeGreaterThan(afterFirst);
    await sb.admin('PUT', '/_sandbox/faults', {});

    const file = createJournalFile(dataDir);
    const journal = createJournal(file);
    expect((await journal.open()).ok).toBe(true);
    await resumeAll(journal, context, sb.now);
    await file.close();
    expectLedgerIs(await ledger(), intended);
    expect((await journal.verify()).ok).toBe(true);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  }, 240_000);

  it('resumed after the window closed: nothing more is sent, the rest is settled as window closed', async () => {
    const { intended, context, dataDir, config } = await setUp('window-closed');
    const run = await runAndKill(config('submit'), 8, 3);
    expect(run.killed).toBe(true);
    const billed = await ledger();
    expect(billed.length).toBeGreaterThan(0);
    expect(billed.length).toBeLessThan(RECORDS);

    // A day and more later, every record's hour is out of BatchMeterUsage's window.
    clock.advance(26 * 3_600_000);
    const file = createJournalFile(dataDir);
    const journal = createJournal(file);
    const counts = await resumeAll(journal, context, sb.now);
    await file.close();
    clock.advance(-26 * 3_600_000);

    const after = await ledger();
    // The intent, as far as AWS could still take it: exactly what was billed before the kill.
    const billedKeys = new Set(billed.map((e) => JSON.stringify(e)));
    expect(after.every((e) => billedKeys.has(JSON.stringify(e)))).toBe(true);
    expect(after).toHaveLength(billed.length);
    const intentBilled = intended.filter((r) => compareLedger(after, [r]).missing.length === 0);
    expectLedgerIs(after, intentBilled);
    expect(counts.success).toBe(0);
    expect(counts.windowClosed).toBeGreaterThan(0);
    expect((await journal.verify()).ok).toBe(true);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  }, 240_000);
});
