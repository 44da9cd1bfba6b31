// The submission engine against the sandbox, through the real SDK over HTTP: every fault kind
// ends with every record billed exactly once (the sandbox ledger equals the intended records).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMeteringApi } from '../../adapters/aws/metering-api';
import { createPacer, realTime } from '../../adapters/aws/pacer';
import { createJournalFile, type DiskJournalFile } from '../../adapters/storage/journal-file';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import { createJournal, type Journal } from '../journal/journal';
import type { Faults } from '../../sandbox';
import {
  createSubmissionEngine,
  type EngineRecord,
  type MeteringApi,
  type SubmissionEngine,
} from './engine';
import { planResume } from './resume';
import { compareLedger, uniqueRecords, type IntendedRecord } from './testing/submit-testkit';

const context = {
  connectionId: 'sandbox',
  connectionName: 'Sandbox',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'tester',
};

let sb: TestSandbox;
let state: AdminState;
const dirs: string[] = [];
const files: DiskJournalFile[] = [];

beforeAll(async () => {
  sb = await startTestSandbox();
  state = (await sb.admin<AdminState>('GET', '/_sandbox/state')).body;
});
afterAll(async () => {
  await sb.close();
  for (const file of files) await file.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});
afterEach(async () => {
  await sb.admin('POST', '/_sandbox/reset');
});

type Setup = { engine: SubmissionEngine; journal: Journal; calls: { started: number }[] };

function setup(
  options: {
    api?: MeteringApi;
    concurrency?: number;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    dataDir?: string;
  } = {},
): Setup {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'meterdesk-engine-'));
  dirs.push(dataDir);
  const file = createJournalFile(dataDir);
  files.push(file);
  const journal = createJournal(file);
  const client = sb.metering({ maxAttempts: 1, ...(options.credentials ?? {}) });
  const real = options.api ?? createMeteringApi(client, { region: sb.sandbox.region });
  const calls: { started: number }[] = [];
  const api: MeteringApi = {
    batchMeterUsage: (input) => {
      calls.push({ started: performance.now() });
      return real.batchMeterUsage(input);
    },
    meterUsage: (record, o) => {
      calls.push({ started: performance.now() });
      return real.meterUsage(record, o);
    },
  };
  const engine = createSubmissionEngine({
    api,
    journal,
    pacer: createPacer({ ...realTime, rates: { BatchMeterUsage: 500, MeterUsage: 500 } }),
    time: realTime,
    concurrency: options.concurrency ?? 4,
    backoffBaseMs: 2,
    throttleBaseMs: 5,
    backoffCapMs: 40,
    maxAttempts: 12,
  });
  return { engine, journal, calls };
}

async function ledger(): Promise<AdminState['ledger']> {
  return (await sb.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
}

function submit(engine: SubmissionEngine, records: EngineRecord[]) {
  return engine.submit({
    operation: 'BatchMeterUsage',
    records,
    context,
    pacerKey: { accountId: context.account, region: context.region },
  });
}

const faultCases: [string, Faults][] = [
  ['throttling', { throttleRate: 0.35 }],
  ['5xx', { serverErrorRate: 0.35 }],
  ['dropped connections', { dropConnectionRate: 0.3 }],
  ['drop after apply (billed, answer lost)', { dropAfterApplyRate: 0.3 }],
  ['UnprocessedRecords', { unprocessedRate: 0.3 }],
  [
    'all faults at once',
    {
      throttleRate: 0.1,
      serverErrorRate: 0.1,
      dropConnectionRate: 0.1,
      dropAfterApplyRate: 0.1,
      unprocessedRate: 0.1,
    },
  ],
];

describe('submission engine against the sandbox: billed once, planned and bisected', () => {
  it.each(faultCases)('bills every record exactly once under %s', async (_name, faults) => {
    const intended = uniqueRecords(state, 300, sb.now());
    await sb.admin('PUT', '/_sandbox/faults', faults);
    const { engine, journal, calls } = setup();
    const handle = await submit(engine, intended);
    const result = await handle.done;
    await sb.admin('PUT', '/_sandbox/faults', {});

    expect(result.state).toBe('finished');
    expect(result.counts.success).toBe(300);
    // Faults really happened: more calls than the 12+ a clean run needs.
    expect(calls.length).toBeGreaterThan(13);
    const comparison = compareLedger(await ledger(), intended);
    expect(comparison).toMatchObject({ ok: true, billed: 300 });
    expect((await journal.verify()).ok).toBe(true);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  });

  it('plans one product per call, at most 25 records each', async () => {
    const intended = uniqueRecords(state, 120, sb.now());
    const { engine, journal } = setup();
    const result = await (await submit(engine, intended)).done;
    expect(result.counts.success).toBe(120);
    const intents = (await journal.entries()).filter((e) => e.kind === 'call-intent');
    const byKey = new Map(intended.map((r) => [r.key, r]));
    for (const intent of intents) {
      expect(intent.records.length).toBeLessThanOrEqual(25);
      const groups = new Set(
        intent.records.map((r) => {
          const rec = byKey.get(r.key);
          return rec?.productCode ?? rec?.group;
        }),
      );
      expect(groups.size).toBe(1);
      // Each intent names who acted and where.
      expect(intent.context).toEqual(context);
    }
  });

  it('bisects a rejected batch to isolate one unknown dimension among 25', async () => {
    const intended = uniqueRecords(state, 25, sb.now());
    const bad = intended[13] as IntendedRecord;
    bad.record = { ...bad.record, Dimension: 'no_such_dimension' };
    const { engine, journal } = setup();
    const result = await (await submit(engine, intended)).done;
    expect(result.state).toBe('finished');
    expect(result.counts.success).toBe(24);
    expect(result.counts.rejected).toBe(1);
    const outcome = result.outcomes.find((o) => o.key === bad.key);
    expect(outcome?.status).toBe('Rejected');
    expect(outcome?.error?.awsName).toBe('InvalidUsageDimensionException');
    const good = intended.filter((r) => r !== bad);
    expect(compareLedger(await ledger(), good).ok).toBe(true);
    // Bisection, not one-by-one: log2(25) levels, a handful of calls.
    const intents = (await journal.entries()).filter((e) => e.kind === 'call-intent');
    expect(intents.length).toBeLessThanOrEqual(12);
  });

  it('bisects to isolate one out-of-window timestamp', async () => {
    const intended = uniqueRecords(state, 25, sb.now());
    const bad = intended[0] as IntendedRecord;
    bad.record = { ...bad.record, Timestamp: new Date(sb.now() - 30 * 3_600_000).toISOString() };
    const { engine } = setup();
    const result = await (await submit(engine, intended)).done;
    expect(result.counts).toMatchObject({ success: 24, rejected: 1 });
    expect(result.outcomes.find((o) => o.key === bad.key)?.error?.awsName).toBe(
      'TimestampOutOfBoundsException',
    );
    expect(
      compareLedger(
        await ledger(),
        intended.filter((r) => r !== bad),
      ).ok,
    ).toBe(true);
  });
});

describe('submission engine against the sandbox: refusals and cancel', () => {
  it('never retries CustomerNotSubscribed', async () => {
    const f = fixtures(state);
    const sub = state.subscriptions.find(
      (s) =>
        s.productCode === f.legacy.productCode &&
        s.customerAwsAccountId === f.suspended.awsAccountId &&
        s.customerIdentifier !== undefined,
    );
    const legacyRecords = uniqueRecords(state, 400, sb.now()).filter(
      (r) => r.productCode === f.legacy.productCode,
    );
    const intended = legacyRecords.slice(0, 5);
    const dimension = f.legacy.dimensions[0]?.name ?? '';
    const notSubscribed: EngineRecord = {
      key: 'cns',
      productCode: f.legacy.productCode,
      record: {
        Timestamp: new Date(sb.now() - 2 * 3_600_000).toISOString(),
        Dimension: dimension,
        Quantity: 5,
        CustomerIdentifier: sub?.customerIdentifier ?? 'missing-fixture',
      },
    };
    expect(sub).toBeDefined();
    const { engine, journal } = setup();
    const result = await (await submit(engine, [...intended, notSubscribed])).done;
    expect(result.state).toBe('finished');
    expect(result.outcomes.find((o) => o.key === 'cns')?.status).toBe('CustomerNotSubscribed');
    const intents = (await journal.entries()).filter(
      (e) => e.kind === 'call-intent' && e.records.some((r) => r.key === 'cns'),
    );
    expect(intents).toHaveLength(1);
    expect(compareLedger(await ledger(), intended).ok).toBe(true);
  });

  it('cancel stops after the call in flight', async () => {
    const intended = uniqueRecords(state, 100, sb.now());
    await sb.admin('PUT', '/_sandbox/faults', { latencyMs: 250 });
    const { engine, journal, calls } = setup({ concurrency: 1 });
    const handle = await submit(engine, intended);
    // Cancel while the first call is on the wire.
    while (calls.length === 0) await realTime.sleep(5);
    expect(engine.cancel(handle.submissionId)).toBe(true);
    const result = await handle.done;
    await sb.admin('PUT', '/_sandbox/faults', {});
    expect(result.state).toBe('cancelled');
    expect(calls).toHaveLength(1);
    expect(result.counts.success).toBe(25);
    expect(result.counts.notSent).toBe(75);
    expect((await ledger()).length).toBe(25);
    const kinds = (await journal.entries()).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'call-intent')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('submission-cancelled');
    // Cancelled means resumable: the records never sent are listed for a resume.
    const [resumable] = await journal.interruptedSubmissions();
    expect(resumable).toMatchObject({ submissionId: handle.submissionId, ending: 'cancelled' });
    expect(resumable?.unresolved).toHaveLength(75);
  });
});

describe('submission engine against the sandbox: credentials, access and resends', () => {
  it('expired credentials stop before the next call, and the submission resumes exactly', async () => {
    const intended = uniqueRecords(state, 300, sb.now());
    const temp = (
      await sb.admin<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>(
        'POST',
        '/_sandbox/credentials',
        { temporary: true, expiresInSeconds: 1 },
      )
    ).body;
    await sb.admin('PUT', '/_sandbox/faults', { latencyMs: 250 });
    const first = setup({ concurrency: 1, credentials: temp });
    const handle = await submit(first.engine, intended);
    const result = await handle.done;
    await sb.admin('PUT', '/_sandbox/faults', {});
    expect(result.state).toBe('stopped');
    expect(result.error?.code).toBe('CREDENTIALS_EXPIRED');
    // The failing call was the last one: nothing started after the first refusal.
    const failedAt = result.outcomes.filter((o) => o.error?.code === 'CREDENTIALS_EXPIRED');
    expect(failedAt.length).toBeGreaterThan(0);
    const entries = await first.journal.entries();
    const lastIntent = entries.filter((e) => e.kind === 'call-intent').at(-1);
    const lastOutcome = entries.filter((e) => e.kind === 'call-outcome').at(-1);
    expect(lastOutcome?.kind === 'call-outcome' && lastOutcome.callId).toBe(
      lastIntent?.kind === 'call-intent' && lastIntent.callId,
    );
    expect(first.calls.length).toBe(entries.filter((e) => e.kind === 'call-intent').length);
    const billedBefore = (await ledger()).length;
    expect(billedBefore).toBeGreaterThan(0);
    expect(billedBefore).toBeLessThan(300);

    // Left resumable, not half-sent: resume with good credentials in a fresh engine.
    const interrupted = await first.journal.interruptedSubmissions();
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]?.unresolved.length).toBe(300 - billedBefore);
    const plan = await planResume(first.journal, handle.submissionId);
    const second = setup({ dataDir: dirs.at(-1) });
    const resumed = await (
      await second.engine.submit({
        operation: plan.operation,
        records: plan.records,
        context,
        pacerKey: { accountId: context.account, region: context.region },
        resendOf: handle.submissionId,
      })
    ).done;
    expect(resumed.state).toBe('finished');
    expect(compareLedger(await ledger(), intended).ok).toBe(true);
    expect(await second.journal.interruptedSubmissions()).toEqual([]);
  });

  it('access denied stops the submission too', async () => {
    const intended = uniqueRecords(state, 50, sb.now());
    await sb.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ action: 'aws-marketplace:BatchMeterUsage' }],
    });
    const { engine, calls } = setup({ concurrency: 1 });
    const result = await (await submit(engine, intended)).done;
    await sb.admin('PUT', '/_sandbox/faults', {});
    expect(result.state).toBe('stopped');
    expect(result.error?.code).toBe('AWS_ACCESS_DENIED');
    expect(calls).toHaveLength(1);
    expect((await ledger()).length).toBe(0);
  });

  it('a resend reports DuplicateRecord instead of hiding it', async () => {
    const intended = uniqueRecords(state, 3, sb.now());
    const { engine } = setup();
    await (
      await submit(engine, intended)
    ).done;
    const changed = intended.map((r, i) =>
      i === 0 ? { ...r, record: { ...r.record, Quantity: r.quantity + 1 } } : r,
    );
    const again = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: changed,
        context,
        pacerKey: { accountId: context.account, region: context.region },
        resendOf: 'earlier',
      })
    ).done;
    expect(again.outcomes.map((o) => o.status)).toEqual(['DuplicateRecord', 'Success', 'Success']);
    expect(again.counts.duplicate).toBe(1);
    expect(compareLedger(await ledger(), intended).ok).toBe(true);
  });
});
