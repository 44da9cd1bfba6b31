// CloudTrail sync against the sandbox at its real LookupEvents limit (2 requests/s): 10,000
// metering events, 50 a page, is 200 calls, so the floor is 100 s. The figure is how close the
// paced sync gets to that floor (1.0 = at the limit; the target is within 10 %).
// Usage: npm run bench -- audit-sync [--events 10000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createCloudTrailLookup } from '../electron/adapters/aws/cloudtrail-lookup';
import { createPacer, realTime } from '../electron/adapters/aws/pacer';
import { createDuckDbAuditOpener } from '../electron/adapters/storage/duckdb';
import { startSandbox } from '../electron/sandbox/index';
import { openAccountCache } from '../electron/services/audit/account-cache';
import { syncSink } from '../electron/services/audit/sink';
import { syncAudit } from '../electron/services/audit/sync';
import { report } from './_report';

const BENCH = 'audit-sync';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const events = Number(arg('events') ?? 10_000);
  const dir = await mkdtemp(join(tmpdir(), 'meterdesk-audit-sync-'));
  const sandbox = await startSandbox({ dataDir: join(dir, 'sandbox'), historyEvents: events });
  try {
    const client = new CloudTrailClient({
      region: sandbox.region,
      endpoint: sandbox.endpoint,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    });
    const db = await createDuckDbAuditOpener({ dir: join(dir, 'cache') })(sandbox.accountId);
    const cache = await openAccountCache(db, sandbox.accountId);
    const pacer = createPacer(realTime);
    const target = { accountId: sandbox.accountId, region: sandbox.region };
    let lastLog = 0;
    const started = performance.now();
    const [result] = await syncAudit(
      {
        lookup: createCloudTrailLookup(client),
        pacer,
        clock: { now: () => Date.now() },
        sleep: realTime.sleep,
        sink: syncSink(() => Promise.resolve(cache)),
      },
      {
        targets: [target],
        // Every metering event the history holds (BatchMeterUsage and a few ResolveCustomer).
        attribute: 'EventSource',
        onProgress: (p) => {
          if (performance.now() - lastLog > 10_000 || p.finished) {
            lastLog = performance.now();
            process.stderr.write(
              `${p.pages} pages, ${p.events} events, ${p.eventsPerSecond?.toFixed(1) ?? '?'} events/s, ` +
                `${p.secondsLeft?.toFixed(0) ?? '?'} s left\n`,
            );
          }
        },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    client.destroy();
    if (!result || result.outcome !== 'complete') {
      throw new Error(`sync did not complete: ${JSON.stringify(result)}`);
    }
    // The floor: one call every 500 ms, the first at once.
    const floor = (Math.ceil(result.events / 50) - 1) / 2;
    const sizes = {
      events: result.events,
      pages: result.pages,
      rows: (await cache.counts()).rows,
      rate_per_second: 2,
      floor_seconds: floor,
      throttle_retries: result.throttleRetries,
    };
    process.stderr.write(
      `${result.events} events in ${result.pages} pages in ${seconds.toFixed(1)} s\n`,
    );
    report({
      bench: BENCH,
      metric: 'ratio_to_floor',
      value: Math.round((seconds / floor) * 1000) / 1000,
      unit: 'x',
      sizes,
      target: '<=1.10',
    });
    report({
      bench: BENCH,
      metric: 'sync_seconds',
      value: Math.round(seconds * 10) / 10,
      unit: 's',
      sizes,
    });
    await cache.close();
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
