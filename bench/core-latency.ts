// Core latency under load: while a 200,000-row CSV imports (sent in parts, as the renderer sends
// it) and a 2 MB adversarial registration-token paste resolves (a real token wrapped in a million
// quote marks on each side), a concurrent `app:info` keeps answering. The core runs in its own
// process behind the browser host (as in the app: the renderer is another process), with its
// import worker thread and built-in sandbox; this process is only the client.
// Target: app:info p99 < 100 ms. Also reported: the core's longest event-loop block.
// `npm run bench -- core-latency [rows] [pasteChars]`
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CSV_PART_MAX_CHARS } from '../shared/channels/metering';
import { HOUR_MS } from '../shared/aws/metering-rules';
import { silentLogger } from '../electron/core/logger';
import { startHttpHost } from '../electron/hosts/http';
import { startCore } from '../electron/main/core';
import { createMemoryStore } from '../electron/adapters/storage/memory-store';
import { report } from './_report';

const hostMode = process.argv[2] === '--host';
const rows = Number(process.argv[2] ?? 200_000);
const pasteChars = Number(process.argv[3] ?? 2_000_000);
const PROBE_EVERY_MS = 10;

type Api = <T>(channel: string, input?: unknown) => Promise<T>;

function percentile(sorted: readonly number[], p: number): number {
  const at = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, at)] ?? Number.NaN;
}

function usageCsv(
  count: number,
  now: number,
  product: { name: string; dimensions: string[] },
  accounts: string[],
): string {
  const lines = [
    'product,customer_aws_account_id,license_arn,customer_identifier,dimension,quantity,timestamp',
  ];
  for (let i = 0; i < count; i++) {
    const hour = now - HOUR_MS * (1 + (Math.floor(i / 10_000) % 20));
    const ts = new Date(hour + ((i * 7) % 60) * 60_000).toISOString();
    const account = accounts[i % accounts.length] ?? '012345678901';
    const license = `arn:aws:license-manager::123456789012:license:l-${String(i % 5000).padStart(17, '0')}`;
    const dimension = product.dimensions[i % product.dimensions.length] ?? 'x';
    lines.push(
      `${product.name},${account},${license},,${dimension},${String((i * 13) % 1000)},${ts}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function importInParts(api: Api, text: string): Promise<{ records: number; ms: number }> {
  let uploadId: string | undefined;
  let offset = 0;
  while (text.length - offset > CSV_PART_MAX_CHARS) {
    const answer = await api<{ uploadId: string }>('metering:import-csv', {
      text: text.slice(offset, offset + CSV_PART_MAX_CHARS),
      more: true,
      aggregate: false,
      ...(uploadId === undefined ? {} : { uploadId }),
    });
    uploadId = answer.uploadId;
    offset += CSV_PART_MAX_CHARS;
  }
  const done = await api<{ summary: { records: number; milliseconds: number } }>(
    'metering:import-csv',
    {
      text: text.slice(offset),
      aggregate: false,
      fileName: 'bench.csv',
      ...(uploadId === undefined ? {} : { uploadId }),
    },
  );
  return { records: done.summary.records, ms: done.summary.milliseconds };
}

type HostReady = { type: 'ready'; url: string; token: string };
type HostMessage = HostReady | { type: 'loop'; maxMs: number };

/** The core's process: the browser host over the real core, measuring its own event loop. */
async function runHost(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-bench-latency-'));
  const core = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createMemoryStore(),
    logger: silentLogger,
    sandboxHistoryEvents: 0,
    importWorker: {
      url: new URL('../electron/adapters/workers/import-worker.ts', import.meta.url),
      typescript: true,
    },
  });
  const host = await startHttpHost({
    router: core.router,
    bus: core.bus,
    rendererDir: dataDir,
    port: 0,
    logger: silentLogger,
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const send = (message: HostMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message: string) => {
    if (message === 'measure') {
      loop.reset();
      loop.enable();
    } else if (message === 'report') {
      loop.disable();
      send({ type: 'loop', maxMs: loop.max / 1e6 });
    } else if (message === 'stop') {
      void Promise.allSettled([host.close(), core.close()]).then(() => {
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  send({ type: 'ready', url: host.url, token: host.token });
}

function startHostProcess(): Promise<{
  ready: HostReady;
  measure: () => void;
  loopMax: () => Promise<number>;
  stop: () => void;
}> {
  const child = fork(fileURLToPath(import.meta.url), ['--host'], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: HostMessage) => {
      if (message.type !== 'ready') return;
      resolve({
        ready: message,
        measure: () => child.send('measure'),
        loopMax: () =>
          new Promise((done) => {
            child.once('message', (answer: HostMessage) => {
              if (answer.type === 'loop') done(answer.maxMs);
            });
            child.send('report');
          }),
        stop: () => child.send('stop'),
      });
    });
  });
}

async function main(): Promise<void> {
  const host = await startHostProcess();
  const api: Api = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const response = await fetch(`${host.ready.url}api/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const result = (await response.json()) as
      { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  try {
    const world = await api<{
      products: {
        productCode: string;
        name: string;
        kind: string;
        identityModel: string;
        dimensions: string[];
      }[];
      customers: { awsAccountId: string }[];
    }>('sandbox:world');
    const product = world.products.find(
      (p) => p.kind === 'saas' && p.identityModel === 'concurrent-agreements',
    );
    if (!product) throw new Error('the sandbox has no concurrent-agreements product');
    const accounts = world.customers.map((c) => c.awsAccountId);
    const minted = await api<{ token: string }>('sandbox:mint-token', {
      productCode: product.productCode,
      customerAwsAccountId: accounts[0] ?? '',
    });
    const side = '"'.repeat(Math.max(0, Math.floor((pasteChars - minted.token.length) / 2)));
    const paste = `${side}${minted.token}${side}`;
    const csv = usageCsv(rows, Date.now(), product, accounts);

    // Warm-up: the worker's first start and the HTTP path, not billed to the measurement.
    await importInParts(api, usageCsv(2_000, Date.now(), product, accounts));
    for (let i = 0; i < 20; i++) await api('app:info');

    const latencies: number[] = [];
    const probing = { on: true };
    const probe = (async () => {
      while (probing.on) {
        const started = performance.now();
        await api('app:info');
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    host.measure();
    const started = performance.now();
    const [imported, resolved] = await Promise.all([
      importInParts(api, csv),
      api<{ extraction: { steps: string[] } }>('customers:resolve', { pasted: paste }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const loopMax = await host.loopMax();
    probing.on = false;
    await probe;

    const sorted = [...latencies].sort((a, b) => a - b);
    const sizes = {
      rows,
      csvBytes: csv.length,
      records: imported.records,
      pasteChars: paste.length,
      probes: latencies.length,
      probeEveryMs: PROBE_EVERY_MS,
      seconds: Math.round(seconds * 100) / 100,
    };
    process.stderr.write(
      `imported ${String(imported.records)} records (${(csv.length / 1e6).toFixed(1)} MB, ${String(imported.ms)} ms in the worker) and resolved a ${(paste.length / 1e6).toFixed(1)} MB paste (${resolved.extraction.steps[0] ?? ''}) in ${seconds.toFixed(1)} s; ${String(latencies.length)} app:info probes\n`,
    );
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    report({
      bench: 'core-latency',
      metric: 'app_info_p99_ms',
      value: round(percentile(sorted, 99)),
      unit: 'ms',
      sizes,
      target: '< 100',
    });
    report({
      bench: 'core-latency',
      metric: 'app_info_p50_ms',
      value: round(percentile(sorted, 50)),
      unit: 'ms',
      sizes,
    });
    report({
      bench: 'core-latency',
      metric: 'app_info_max_ms',
      value: round(sorted[sorted.length - 1] ?? 0),
      unit: 'ms',
      sizes,
    });
    report({
      bench: 'core-latency',
      metric: 'event_loop_max_block_ms',
      value: round(loopMax),
      unit: 'ms',
      sizes,
    });
  } finally {
    host.stop();
  }
}

if (hostMode) await runHost();
else await main();
