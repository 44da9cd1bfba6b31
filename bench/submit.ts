// Submission throughput: 10,000 BatchMeterUsage records through the real engine, SDK, pacer and
// fsynced disk journal against the sandbox with its 10 requests/s limit ON. 400 calls at 10/s
// set a 40 s floor; `ratio_to_floor` = elapsed / 40 s (target ≤ 1.10). Also the journal's cost
// per call (intent + outcome appends) and the throttles the sandbox answered (target 0).
// `npm run bench -- submit [records]`
//
// The seeded world holds ~2,300 unique (customer, dimension, hour) buckets inside AWS's 24-hour
// window, so records are laid out in "days" of 2,000 and the sandbox clock follows the day of
// the call being sent (calls leave in plan order, 100 ms apart): every record is really billed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { createMeteringApi } from '../electron/adapters/aws/metering-api';
import { createPacer, realTime } from '../electron/adapters/aws/pacer';
import { createJournalFile } from '../electron/adapters/storage/journal-file';
import { startSandbox } from '../electron/sandbox/index';
import type { AdminState } from '../electron/sandbox/testing/sandbox-testkit';
import { createJournal } from '../electron/services/journal/journal';
import { measureAppendCost } from '../electron/services/journal/testing/measure';
import {
  createSubmissionEngine,
  type EngineRecord,
  type MeteringApi,
} from '../electron/services/metering/engine';
import {
  uniqueRecords,
  type IntendedRecord,
} from '../electron/services/metering/testing/submit-testkit';
import { report } from './_report';

const DAY = 24 * 3_600_000;
const PER_DAY = 2_000;
const total = Number(process.argv[2] ?? 10_000);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-submit-'));
  // Early in a month, so moving the clock a day per block never crosses a month-end cut-off.
  const base = Date.UTC(2026, 7, 2, 12, 0);
  let clock = base;
  const sandbox = await startSandbox({
    dataDir: join(dataDir, 'sandbox'),
    rateLimits: true,
    now: () => clock,
  });
  const client = new MarketplaceMeteringClient({
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    maxAttempts: 1,
  });
  const file = createJournalFile(join(dataDir, 'app'));
  try {
    const admin = async (path: string): Promise<AdminState> => {
      const response = await fetch(`${sandbox.endpoint}${path}`, {
        headers: { authorization: `Bearer ${sandbox.adminToken}` },
      });
      return (await response.json()) as AdminState;
    };
    const state = await admin('/_sandbox/state');
    const records: IntendedRecord[] = [];
    const dayOf = new Map<string, number>();
    for (let day = 0; records.length < total; day += 1) {
      // Per product a multiple of 25, so every call is full: 10,000 records = 400 calls.
      const now = base + day * DAY;
      const all = uniqueRecords(state, Number.MAX_SAFE_INTEGER, now, {
        keyPrefix: `d${day}-`,
        allowFewer: true,
      });
      const byProduct = new Map<string, IntendedRecord[]>();
      for (const r of all) {
        const product = r.productCode ?? r.group ?? '';
        byProduct.set(product, [...(byProduct.get(product) ?? []), r]);
      }
      let room = Math.min(PER_DAY, total - records.length);
      for (const list of byProduct.values()) {
        const take = Math.min(room, Math.floor(list.length / 25) * 25);
        for (const r of list.slice(0, take)) dayOf.set(r.key, day);
        records.push(...list.slice(0, take));
        room -= take;
      }
    }
    // One block after the other; within a block, the engine's own planning per product.
    const byDay = new Map<number, EngineRecord[]>();
    for (const r of records) {
      const day = dayOf.get(r.key) ?? 0;
      byDay.set(day, [...(byDay.get(day) ?? []), r]);
    }

    const real = createMeteringApi(client, { region: sandbox.region });
    let throttled = 0;
    const api: MeteringApi = {
      batchMeterUsage: async (input) => {
        // The sandbox day follows the call being sent (calls leave in plan order).
        const first = input.records[0];
        const key = records.find((r) => r.record === first)?.key;
        const day = key === undefined ? 0 : (dayOf.get(key) ?? 0);
        clock = Math.max(clock, base + day * DAY);
        try {
          return await real.batchMeterUsage(input);
        } catch (error) {
          if ((error as { code?: string }).code === 'AWS_THROTTLED') throttled += 1;
          throw error;
        }
      },
      meterUsage: (record, options) => real.meterUsage(record, options),
    };
    const journal = createJournal(file);
    const engine = createSubmissionEngine({
      api,
      journal,
      pacer: createPacer(realTime),
      time: realTime,
      concurrency: 6,
    });
    const { planCalls } = await import('../electron/services/metering/engine');
    const batches = [...byDay.keys()]
      .sort((a, b) => a - b)
      .flatMap((day) => planCalls(byDay.get(day) ?? []));
    const started = performance.now();
    const handle = await engine.submit({
      operation: 'BatchMeterUsage',
      records,
      batches,
      context: {
        connectionId: 'bench',
        connectionName: 'Bench',
        account: state.sellerAccountId,
        region: sandbox.region,
        osUser: 'bench',
      },
      pacerKey: { accountId: state.sellerAccountId, region: sandbox.region },
    });
    const result = await handle.done;
    const elapsedMs = performance.now() - started;
    const ledger = (await admin('/_sandbox/state')).ledger;
    const floorMs = (batches.length / 10) * 1000;
    const sizes = { records: total, recordsPerCall: 25, calls: batches.length };
    process.stderr.write(
      `submit: ${result.state}, ${result.counts.success} success, ${ledger.length} billed, ${result.calls} calls (${batches.length} planned), ${throttled} throttled, ${(elapsedMs / 1000).toFixed(2)} s\n`,
    );
    if (result.counts.success !== total || ledger.length !== total) {
      throw new Error('Not every record was billed exactly once.');
    }
    report({
      bench: 'submit',
      metric: 'elapsed_s',
      value: Number((elapsedMs / 1000).toFixed(2)),
      unit: 's',
      sizes,
    });
    report({
      bench: 'submit',
      metric: 'ratio_to_floor',
      value: Number((elapsedMs / floorMs).toFixed(3)),
      unit: 'ratio',
      sizes,
      target: '<= 1.10 (floor = calls / 10 req/s)',
    });
    report({ bench: 'submit', metric: 'throttled_calls', value: throttled, unit: 'calls', sizes });
    // Journal cost per call: the intent + outcome appends the submission really made, and a
    // standalone measure of one durable 25-record append on the same disk.
    const cost = await measureAppendCost(journal, 200);
    report({
      bench: 'submit',
      metric: 'journal_ms_per_call',
      value: Number((cost.msPerAppend * 2).toFixed(3)),
      unit: 'ms',
      sizes: { ...sizes, appendsMeasured: cost.appends },
      target: 'intent + outcome, each fsynced',
    });
  } finally {
    client.destroy();
    await file.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench submit: ${error instanceof Error ? (error.stack ?? '') : String(error)}\n`,
  );
  process.exitCode = 1;
});
