// BatchMeterUsage throughput through the real SDK client against the sandbox (throttling off).
// Every record is unique (customer × dimension × hour), so each one is really billed and written
// to the ledger. Target: ≥ 1,000 records/s.
// `npm run bench -- sandbox-batch [records]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchMeterUsageCommand,
  MarketplaceMeteringClient,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import { startSandbox } from '../electron/sandbox/index';
import type { SandboxSubscription, SandboxWorld } from '../electron/sandbox/types';
import { report } from './_report';

const HOUR = 3_600_000;
const BATCH = 25;
const total = Number(process.argv[2] ?? 10_000);

type AdminState = Pick<SandboxWorld, 'products' | 'customers' | 'subscriptions'>;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-'));
  // Early in a month so moving the clock a day per round never crosses a month-end cut-off
  // (10k records take ~8 rounds).
  let clock = Date.UTC(2026, 7, 2, 12, 0);
  const sandbox = await startSandbox({ dataDir, rateLimits: false, now: () => clock });
  const client = new MarketplaceMeteringClient({
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const admin = async (method: string, path: string): Promise<unknown> => {
      const response = await fetch(`${sandbox.endpoint}${path}`, {
        method,
        headers: { authorization: `Bearer ${sandbox.adminToken}` },
      });
      return response.json();
    };
    const state = (await admin('GET', '/_sandbox/state')) as AdminState;
    const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
    if (!product) throw new Error('no legacy SaaS product in the world');
    const suspended = new Set(
      state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId),
    );
    const subs = state.subscriptions.filter(
      (s): s is SandboxSubscription & { customerIdentifier: string } =>
        s.productCode === product.productCode &&
        s.status === 'active' &&
        !suspended.has(s.customerAwsAccountId) &&
        s.customerIdentifier !== undefined,
    );

    // One round = every (customer, dimension, hour) of the last 23 hours; the next round moves
    // the sandbox clock a day on, so its hours are fresh dedup keys.
    const perRound = subs.length * product.dimensions.length * 23;
    const run = async (count: number, concurrency: number): Promise<number> => {
      const batches: UsageRecord[][] = [];
      let current: UsageRecord[] = [];
      const rounds: number[] = [];
      for (let i = 0; i < count; i++) {
        const round = Math.floor(i / perRound);
        const k = i % perRound;
        const sub = subs[k % subs.length];
        const dimension =
          product.dimensions[Math.floor(k / subs.length) % product.dimensions.length];
        const hour = 1 + Math.floor(k / (subs.length * product.dimensions.length));
        if (current.length === BATCH || (current.length > 0 && rounds.at(-1) !== round)) {
          batches.push(current);
          current = [];
        }
        if (current.length === 0) rounds.push(round);
        current.push({
          Timestamp: new Date(clock + round * 24 * HOUR - hour * HOUR),
          Dimension: dimension?.name ?? '',
          Quantity: 1 + (i % 100),
          CustomerIdentifier: sub?.customerIdentifier ?? '',
        });
      }
      if (current.length > 0) batches.push(current);

      const base = clock;
      let billed = 0;
      const started = performance.now();
      // Batches of one round share the sandbox clock, so rounds run one after the other.
      for (let round = 0; round <= (rounds.at(-1) ?? 0); round++) {
        clock = base + round * 24 * HOUR;
        const mine = batches.filter((_, i) => rounds[i] === round);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < mine.length) {
            const records = mine[next++] ?? [];
            const res = await client.send(
              new BatchMeterUsageCommand({
                ProductCode: product.productCode,
                UsageRecords: records,
              }),
            );
            for (const result of res.Results ?? []) {
              if (result.Status !== 'Success')
                throw new Error(`unexpected ${String(result.Status)}`);
              billed++;
            }
          }
        };
        await Promise.all(Array.from({ length: concurrency }, () => worker()));
      }
      const seconds = (performance.now() - started) / 1000;
      if (billed !== count) throw new Error(`billed ${billed} of ${count}`);
      // Start the next run from the same clock on an empty ledger.
      clock = base;
      await admin('POST', '/_sandbox/reset');
      return count / seconds;
    };

    await run(Math.min(500, total), 1); // warm-up: connections, JIT
    for (const concurrency of [1, 4]) {
      const value = await run(total, concurrency);
      report({
        bench: 'sandbox-batch',
        metric: 'records_per_s',
        value: Math.round(value),
        unit: 'records/s',
        sizes: { records: total, batch: BATCH, concurrency },
        target: '>= 1000',
      });
    }
  } finally {
    client.destroy();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
