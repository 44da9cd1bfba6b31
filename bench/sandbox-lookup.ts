// Pages through 100,000 seeded CloudTrail events with the real SDK client against the sandbox
// (throttling off), MaxResults 50: the end-to-end LookupEvents throughput of the test double.
// Usage: npm run bench -- sandbox-lookup [events]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { startSandbox } from '../electron/sandbox/index';
import { report } from './_report';

const events = Number(process.argv[2] ?? 100_000);
const pageSize = 50;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-sandbox-lookup-'));
try {
  const setupStart = performance.now();
  const sandbox = await startSandbox({ dataDir, historyEvents: events, rateLimits: false });
  const setupMs = performance.now() - setupStart;
  const client = new CloudTrailClient({
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
  });
  try {
    const start = performance.now();
    let seen = 0;
    let pages = 0;
    for await (const page of paginateLookupEvents({ client, pageSize }, {})) {
      seen += page.Events?.length ?? 0;
      pages++;
    }
    const seconds = (performance.now() - start) / 1000;
    if (seen !== events) throw new Error(`paged ${seen} events, expected ${events}`);
    process.stderr.write(
      `sandbox-lookup: ${seen} events in ${pages} pages, ${seconds.toFixed(2)} s (setup ${(setupMs / 1000).toFixed(2)} s)\n`,
    );
    report({
      bench: 'sandbox-lookup',
      metric: 'events_per_s',
      value: Math.round(seen / seconds),
      unit: 'events/s',
      sizes: { events: seen, pageSize },
      target: '>= 2000',
    });
  } finally {
    client.destroy();
    await sandbox.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
