// Audit cache at scale: a synthetic CloudTrail history of 1,000,000 usage records (40 customers,
// 10 dimensions, 90 days hourly) written through the real cache (JSONL + snapshot), then a fresh
// process loads it and measures:
//   filter_aggregate_ms  one customer + one dimension, plus the per-day aggregate (median)
//   first_rows_ms        cold process: load the on-disk cache → first 100 rows, newest first
//   main_rss_mb          resident memory after the load and the queries
// Usage: npm run bench -- audit-query [--rows 1000000] [--keep <dir>]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOUR_MS } from '../shared/audit';
import { createAuditCacheFiles } from '../electron/adapters/storage/audit-cache-files';
import { createAuditCache } from '../electron/services/audit/persistence';
import { createAuditStore } from '../electron/services/audit/store';
import type { LookupEvent } from '../electron/services/audit/sync';
import { report } from './_report';

const BENCH = 'audit-query';
const scope = { accountId: '111122223333', region: 'us-east-1' };
const CUSTOMERS = 40;
const DIMENSIONS = 10;
const DAYS = 90;

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function javaTimestamp(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

const customer = (c: number): Record<string, string> =>
  c < 25
    ? { customerIdentifier: `cust-${String(c).padStart(3, '0')}` }
    : {
        customerAWSAccountID: `4444555566${String(c).padStart(2, '0')}`,
        licenseArn: `arn:aws:license-manager::111122223333:license:l-${String(c).padStart(4, '0')}`,
      };
const dimension = (d: number): string => `dimension_${d}`;

/** Events for one hour: every customer × dimension, plus some re-sends, 25 records a call. */
function* hourEvents(
  hourStart: number,
  hourIndex: number,
  extraPerHour: number,
  seq: { n: number },
) {
  type Rec = Record<string, unknown>;
  const legacy: Rec[] = [];
  const ca: Rec[] = [];
  const timestamp = javaTimestamp(hourStart);
  for (let c = 0; c < CUSTOMERS; c++) {
    for (let d = 0; d < DIMENSIONS; d++) {
      const record: Rec = {
        dimension: dimension(d),
        timestamp,
        ...customer(c),
        quantity: (c * 31 + d * 7 + hourIndex) % 97,
      };
      (c < 25 ? legacy : ca).push(record);
    }
  }
  for (let x = 0; x < extraPerHour; x++) {
    const c = (hourIndex * 13 + x * 7) % CUSTOMERS;
    const d = (hourIndex + x) % DIMENSIONS;
    const record: Rec = { dimension: dimension(d), timestamp, ...customer(c), quantity: 1 + x };
    (c < 25 ? legacy : ca).push(record);
  }
  let call = 0;
  for (const [records, productCode] of [
    [legacy, 'prod-legacy'],
    [ca, undefined],
  ] as const) {
    for (let i = 0; i < records.length; i += 25) {
      const batch = records.slice(i, i + 25);
      const n = seq.n++;
      const eventId = `${n.toString(16).padStart(8, '0')}-aaaa-4bbb-8ccc-${(n * 7919).toString(16).padStart(12, '0')}`;
      const eventTime = hourStart + 5 * 60_000 + call++ * 1000;
      const failed = n % 97 === 0;
      const results = batch.map((r, k) => ({
        usageRecord: r,
        meteringRecordId: `${n.toString(16).padStart(8, '0')}-${k.toString(16).padStart(4, '0')}-4000-8000-000000000000`,
        // The re-sends at the end of an hour come back as duplicates.
        status:
          i + k >= records.length - extraPerHour / 2
            ? 'DuplicateRecord'
            : n % 53 === 0 && k === 0
              ? 'CustomerNotSubscribed'
              : 'Success',
      }));
      const record = {
        eventVersion: '1.08',
        userIdentity: {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLE',
          arn: 'arn:aws:iam::111122223333:user/metering',
          accountId: '111122223333',
          accessKeyId: 'AKIAEXAMPLE',
          userName: 'metering',
        },
        eventTime: new Date(eventTime).toISOString().replace('.000Z', 'Z'),
        eventSource: 'metering-marketplace.amazonaws.com',
        eventName: 'BatchMeterUsage',
        awsRegion: scope.region,
        sourceIPAddress: '203.0.113.10',
        userAgent: 'aws-sdk-js/3',
        requestParameters: productCode
          ? { usageRecords: batch, productCode }
          : { usageRecords: batch },
        responseElements: failed ? null : { results, unprocessedRecords: [] },
        ...(failed
          ? {
              errorCode: 'InvalidUsageDimensionException',
              errorMessage: 'The usage dimension does not match.',
            }
          : {}),
        requestID: eventId,
        eventID: eventId,
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: scope.accountId,
      };
      const event: LookupEvent = {
        eventId,
        eventTime,
        eventName: 'BatchMeterUsage',
        eventSource: 'metering-marketplace.amazonaws.com',
        username: 'metering',
        accessKeyId: 'AKIAEXAMPLE',
        cloudTrailEvent: JSON.stringify(record),
      };
      yield { event, records: batch.length };
    }
  }
}

async function build(
  dir: string,
  rows: number,
): Promise<{ events: number; rows: number; ms: number }> {
  const started = performance.now();
  const store = createAuditStore();
  const cache = createAuditCache({ files: createAuditCacheFiles(dir), store });
  const hours = DAYS * 24;
  const base = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - hours * HOUR_MS;
  const extraPerHour = Math.max(0, Math.ceil(rows / hours) - CUSTOMERS * DIMENSIONS);
  const seq = { n: 0 };
  let written = 0;
  let pending: LookupEvent[] = [];
  outer: for (let h = 0; h < hours; h++) {
    for (const { event, records } of hourEvents(base + h * HOUR_MS, h, extraPerHour, seq)) {
      pending.push(event);
      written += records;
      if (pending.length >= 1000) {
        await cache.appendEvents(scope, pending);
        pending = [];
      }
      if (written >= rows) break outer;
    }
  }
  await cache.appendEvents(scope, pending);
  await cache.saveSnapshot(scope);
  return { events: store.eventCount(), rows: store.rowCount(), ms: performance.now() - started };
}

/** The measured part, in a fresh process: nothing warm but the OS file cache. */
async function child(dir: string): Promise<void> {
  const t0 = performance.now();
  const store = createAuditStore();
  const cache = createAuditCache({ files: createAuditCacheFiles(dir), store });
  const [load] = await cache.load(scope.accountId);
  const loadedAt = performance.now();
  const first = store.query({
    sort: { column: 'eventTime', direction: 'desc' },
    offset: 0,
    limit: 100,
  });
  const t1 = performance.now();
  const rssAfterLoad = process.memoryUsage().rss;

  const runs: number[] = [];
  let matched = 0;
  for (let i = 0; i < 9; i++) {
    const c = (i * 7) % CUSTOMERS;
    const text =
      c < 25
        ? {
            column: 'customerIdentifier' as const,
            op: 'equals' as const,
            value: `cust-${String(c).padStart(3, '0')}`,
          }
        : {
            column: 'customerAwsAccountId' as const,
            op: 'equals' as const,
            value: `4444555566${String(c).padStart(2, '0')}`,
          };
    const start = performance.now();
    const out = store.query({
      filter: {
        text: [text, { column: 'dimension', op: 'equals', value: dimension(i % DIMENSIONS) }],
      },
      limit: 100,
      aggregate: { bucket: 'day' },
    });
    runs.push(performance.now() - start);
    matched = out.total;
    if ((out.aggregates?.customerDimension.length ?? 0) === 0) throw new Error('empty aggregate');
  }
  runs.sort((a, b) => a - b);
  // The unfiltered per-day aggregate over everything, for context.
  const allStart = performance.now();
  store.aggregate({}, { bucket: 'day' });
  const allMs = performance.now() - allStart;
  const raw = await cache.readRaw(first.rows[0]?.eventId ?? '');
  process.stdout.write(
    `${JSON.stringify({
      firstRowsMs: t1 - t0,
      loadMs: loadedAt - t0,
      processMs: t1,
      filterAggregateMs: runs[Math.floor(runs.length / 2)],
      filterAggregateRuns: runs,
      matched,
      allAggregateMs: allMs,
      rssAfterLoad,
      rssEnd: process.memoryUsage().rss,
      rows: store.rowCount(),
      events: store.eventCount(),
      source: load?.source,
      firstRows: first.rows.length,
      rawOk: raw !== null,
    })}\n`,
  );
}

type ChildResult = {
  firstRowsMs: number;
  loadMs: number;
  processMs: number;
  filterAggregateMs: number;
  filterAggregateRuns: number[];
  matched: number;
  allAggregateMs: number;
  rssAfterLoad: number;
  rssEnd: number;
  rows: number;
  events: number;
  source: string;
  firstRows: number;
  rawOk: boolean;
};

async function main(): Promise<void> {
  const childDir = arg('child');
  if (childDir) return child(childDir);

  const rows = Number(arg('rows') ?? 1_000_000);
  const keep = arg('keep');
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'meterdesk-audit-bench-')));
  try {
    const built = await build(dir, rows);
    process.stderr.write(
      `built ${built.rows} rows in ${built.events} events in ${(built.ms / 1000).toFixed(1)} s\n`,
    );
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const run = spawnSync(
      join(root, 'node_modules', '.bin', 'tsx'),
      [fileURLToPath(import.meta.url), '--child', dir],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
    if (!result.rawOk || result.firstRows !== 100 || result.source !== 'snapshot') {
      throw new Error(`unexpected child result: ${run.stdout}`);
    }
    process.stderr.write(
      `load ${result.loadMs.toFixed(0)} ms, first rows ${result.firstRowsMs.toFixed(0)} ms (${result.processMs.toFixed(0)} ms since process start), ` +
        `filter+aggregate runs ${result.filterAggregateRuns.map((r) => r.toFixed(1)).join(', ')} ms (${result.matched} rows matched), ` +
        `unfiltered per-day aggregate ${result.allAggregateMs.toFixed(0)} ms, rss after load ${(result.rssAfterLoad / 1e6).toFixed(0)} MB\n`,
    );
    const sizes = {
      rows: result.rows,
      events: result.events,
      customers: CUSTOMERS,
      dimensions: DIMENSIONS,
      days: DAYS,
      matched_rows: result.matched,
    };
    report({
      bench: BENCH,
      metric: 'filter_aggregate_ms',
      value: round(result.filterAggregateMs),
      unit: 'ms',
      sizes,
      target: '<150',
    });
    report({
      bench: BENCH,
      metric: 'first_rows_ms',
      value: round(result.firstRowsMs),
      unit: 'ms',
      sizes,
      target: '<1000',
    });
    report({
      bench: BENCH,
      metric: 'main_rss_mb',
      // The higher of right after the load (file buffer not yet collected) and after the queries.
      value: round(Math.max(result.rssAfterLoad, result.rssEnd) / 2 ** 20),
      unit: 'MB',
      sizes,
      target: '<500',
    });
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

await main();
