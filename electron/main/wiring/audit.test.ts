// The audit channels through the real core (router, cache on disk, sync engine, the app's one
// pacer, the built-in sandbox with its real 2 requests/s LookupEvents limit): a full sync of
// 1,000 seeded events with no throttling error reaching the user, an incremental sync that makes
// only the calls new events need, journal matching and "not yet seen" with a moved clock,
// completeness (complete / partial / cache-only / missing), query, raw, aggregate, exports and
// the evidence pack, the cache surviving a restart (read on first use only), cancel + resume,
// and clearing.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/audit';
import type { AuditSyncStatus } from '../../../shared/channels/audit';
import type { AnyEvent, Channel, ChannelOutput } from '../../../shared/contract';
import type { UsageRecord } from '../../../shared/metering';
import { createMemoryLogger } from '../../core/logger';
import { createConfStore } from '../../adapters/storage/conf-store';
import type { AdminState } from '../../sandbox/testing/sandbox-testkit';
import type { LookupEventsPort } from '../../services/audit/sync';
import { unzipEvidence } from '../../services/audit/testing';
import { SANDBOX_ID_PREFIX } from '../../services/metering/catalog';
import { startCore, type Core } from '../core';
import { pinnedClock } from '../../testing/time';

const HISTORY = 1_000;

let dataDir: string;
let core: Core;
let offset = 0;
const clock = pinnedClock();
const events: AnyEvent[] = [];
let lookups = 0;
let logger = createMemoryLogger();
const counting =
  (inner: LookupEventsPort): LookupEventsPort =>
  (params) => {
    lookups += 1;
    return inner(params);
  };

async function boot(): Promise<Core> {
  logger = createMemoryLogger();
  const started = await startCore({
    host: 'browser',
    dataDir,
    settingsStore: createConfStore(dataDir, 'settings'),
    logger,
    sandboxHistoryEvents: HISTORY,
    now: () => clock.now() + offset,
    audit: { wrapLookup: counting },
  });
  started.bus.subscribe((e) => events.push(e));
  return started;
}

async function call<C extends Channel>(channel: C, input: unknown): Promise<ChannelOutput<C>> {
  const result = await core.router.call(channel, input, { host: 'test' });
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.value as ChannelOutput<C>;
}

async function callError(channel: Channel, input: unknown) {
  const result = await core.router.call(channel, input, { host: 'test' });
  if (result.ok) throw new Error(`${channel} was expected to fail`);
  return result.error;
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function syncToEnd(input: unknown): Promise<AuditSyncStatus> {
  const { taskId } = await call('audit:sync-start', input);
  return until(async () => {
    const status = await call('audit:sync-status', { taskId });
    return status && status.state !== 'running' ? status : undefined;
  });
}

function adminState(): AdminState {
  return JSON.parse(readFileSync(join(dataDir, 'sandbox', 'world.json'), 'utf8')) as AdminState;
}

/** Good records for the sandbox's first legacy SaaS product, `hoursBack` hours ago. */
function records(count: number, hoursBack: number, quantityBase: number): UsageRecord[] {
  const state = adminState();
  const now = clock.now() + offset;
  const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const suspended = new Set(state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  const subs = state.subscriptions.filter(
    (s) =>
      s.productCode === product?.productCode &&
      s.status === 'active' &&
      !suspended.has(s.customerAwsAccountId) &&
      s.customerIdentifier !== undefined &&
      s.activatedAt < now - 30 * 3_600_000,
  );
  const dimension = product?.dimensions[0]?.name;
  if (!product || subs.length === 0 || dimension === undefined) throw new Error('no fixture');
  const hour = Math.floor(now / 3_600_000) * 3_600_000 - hoursBack * 3_600_000;
  return Array.from({ length: count }, (_, i): UsageRecord => {
    const sub = subs[i % subs.length];
    return {
      productId: `${SANDBOX_ID_PREFIX}${product.productCode}`,
      operation: 'BatchMeterUsage',
      productCode: product.productCode,
      ...(sub?.customerIdentifier === undefined
        ? {}
        : { customerIdentifier: sub.customerIdentifier }),
      dimension,
      quantity: quantityBase + i,
      // Distinct hours per record so none is a DuplicateRecord of another.
      timestamp: new Date(hour - i * 3_600_000).toISOString(),
    };
  });
}

async function submit(recs: UsageRecord[]): Promise<string> {
  const { submissionId } = await call('metering:submit', {
    operation: 'BatchMeterUsage',
    records: recs,
  });
  const status = await until(async () => {
    const s = await call('metering:submission-status', { submissionId });
    return s.state === 'running' ? undefined : s;
  });
  expect(status.counts.success).toBe(recs.length);
  return submissionId;
}

const osUser = (() => {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
})();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-audit-core-'));
  core = await boot();
});

afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
});

describe('audit channels through the real core and sandbox', () => {
  let firstSubmission = '';
  let secondSubmission = '';

  it('does not touch the audit cache at start-up', () => {
    expect(existsSync(join(dataDir, 'audit'))).toBe(false);
  });

  it('syncs 1,000 events at the sandbox’s real 2 requests/s with no throttling error surfacing', async () => {
    const before = await call('audit:info', {});
    expect(before).toMatchObject({ events: 0, rows: 0, running: null, isSandbox: true });
    const started = performance.now();
    const status = await syncToEnd({ mode: 'all-metering' });
    const seconds = (performance.now() - started) / 1000;
    expect(status.state).toBe('finished');
    expect(status.regions.every((r) => r.outcome === 'complete' && r.error === undefined)).toBe(
      true,
    );
    // Every seeded event is a metering event inside the 90 days: all of them, once each.
    expect(status.events).toBe(HISTORY);
    expect(status.added).toBe(HISTORY);
    // 50 per page at 2 per second: at least 20 calls, and they took at least ~9.5 s.
    expect(lookups).toBeGreaterThanOrEqual(HISTORY / 50);
    expect(seconds).toBeGreaterThan((HISTORY / 50 - 1) / 2 - 0.5);
    const info = await call('audit:info', {});
    expect(info.events).toBe(HISTORY);
    expect(info.rows).toBeGreaterThan(HISTORY);
    // Progress carried a rate and time left; nothing reported an error.
    const progress = events.filter((e) => e.event === 'audit:progress').map((e) => e.payload);
    expect(progress.some((p) => p.eventsPerSecond !== null && p.eventsPerSecond > 0)).toBe(true);
    expect(progress.some((p) => p.state === 'running' && p.secondsLeft !== null)).toBe(true);
    expect(progress.every((p) => p.regions.every((r) => r.error === undefined))).toBe(true);
    const tasks = events.filter(
      (e) => e.event === 'task:progress' && e.payload.kind === 'audit:sync',
    );
    expect(tasks.at(-1)?.payload).toMatchObject({ finished: true });
  }, 60_000);

  it('an incremental sync fetches only what is new (one page), and marks rows sent from Meterdesk', async () => {
    firstSubmission = await submit(records(3, 2, 7_001));
    const callsBefore = lookups;
    const status = await syncToEnd({ mode: 'BatchMeterUsage' });
    expect(status.state).toBe('finished');
    // One page in each of the sandbox's two regions; only us-east-1 has the new call.
    expect(status.regions.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(lookups - callsBefore).toBe(2);
    expect(status.pages).toBe(2);
    // The one new BatchMeterUsage call; the overlap re-reads a few known events, none re-added.
    expect(status.added).toBe(1);

    const journal = await call('journal:query', {
      filter: { submissionId: firstSubmission },
      offset: 0,
      limit: 100,
    });
    const ids = journal.rows.map((r) => r.meteringRecordId ?? '');
    expect(ids.every((id) => id !== '')).toBe(true);
    const mine = await call('audit:query', {
      filter: { text: [{ column: 'meteringRecordId', op: 'in', values: ids }] },
      limit: 100,
    });
    expect(mine.total).toBe(3);
    for (const row of mine.rows) {
      expect(row.sent).toMatchObject({
        submissionId: firstSubmission,
        osUser,
        // CloudTrail's requestID names the journaled call exactly.
        by: 'requestId',
        callId: expect.stringContaining(firstSubmission) as unknown,
      });
    }
    // Seeded history was not sent from this app.
    const others = await call('audit:query', {
      filter: { text: [{ column: 'meteringRecordId', op: 'in', values: ids, not: true }] },
      limit: 500,
    });
    expect(others.rows.every((r) => r.sent === undefined)).toBe(true);
  }, 60_000);

  it('lists journal records CloudTrail does not show yet, only after the grace period', async () => {
    secondSubmission = await submit(records(2, 5, 9_001));
    const early = await call('audit:unseen', { graceMinutes: 30 });
    expect(early.records).toEqual([]);
    // The first submission's 3 records are in the synced events (the grid marks them sent):
    // seen, not "not expected yet"; only the 2 new ones are waiting for CloudTrail.
    expect(early.seen).toBe(3);
    expect(early.tooRecent).toBe(2);
    offset = 31 * 60_000;
    const late = await call('audit:unseen', { graceMinutes: 30 });
    expect(late.checked).toBe(5);
    expect(late.records.map((r) => r.submissionId)).toEqual([secondSubmission, secondSubmission]);
    expect(late.records.every((r) => r.osUser === osUser)).toBe(true);
    expect(late.records.map((r) => r.quantity).sort()).toEqual([9_001, 9_002]);
    offset = 0;
  });

  it('reports each day as complete, partial, missing or cache-only', async () => {
    const now = clock.now();
    const both = await call('audit:completeness', { days: 90 });
    expect([...both.regions].sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(both.days).toHaveLength(2 * 90);
    // The seeded history lives in the home region; the days below are read there.
    const home = { regions: ['us-east-1'] };
    const days = await call('audit:completeness', { days: 90, ...home });
    expect(days.days).toHaveLength(90);
    const today = days.days.at(-1);
    expect(today?.day).toBe(new Date(now).toISOString().slice(0, 10));
    expect(today?.state).toBe('partial');
    expect(days.days.slice(0, -1).every((d) => d.state === 'complete')).toBe(true);
    const longer = await call('audit:completeness', { days: 120, ...home });
    expect(longer.days.slice(0, 25).every((d) => d.state === 'missing')).toBe(true);
    // 100 days later the synced days are beyond CloudTrail's reach: held only in the cache.
    offset = 100 * DAY_MS;
    const later = await call('audit:completeness', { days: 200, ...home });
    const states = new Set(later.days.map((d) => d.state));
    expect(states.has('cache-only')).toBe(true);
    expect(later.days.at(-1)?.state).toBe('missing');
    const kept = await call('audit:info', {});
    expect(kept.events).toBe(HISTORY + 1);
    offset = 0;
  });

  it('queries a window, filters, sorts, aggregates and returns the raw record verbatim', async () => {
    const all = await call('audit:query', { limit: 50 });
    expect(all.rows).toHaveLength(50);
    const first = all.rows[0];
    if (!first) throw new Error('no rows');
    // Default order: newest event first.
    expect(
      all.rows.every((r, i) => i === 0 || (all.rows[i - 1]?.eventTime ?? 0) >= r.eventTime),
    ).toBe(true);
    const customer = first.customerAwsAccountId ?? first.customerIdentifier ?? '';
    const column = first.customerAwsAccountId ? 'customerAwsAccountId' : 'customerIdentifier';
    const narrowed = await call('audit:query', {
      filter: {
        text: [
          { column, op: 'equals', value: customer },
          { column: 'dimension', op: 'equals', value: first.dimension },
        ],
      },
      sort: { column: 'quantity', direction: 'desc' },
      limit: 5000,
    });
    expect(narrowed.total).toBeGreaterThan(0);
    expect(narrowed.rows.every((r) => r.dimension === first.dimension)).toBe(true);
    expect(
      narrowed.rows.every((r, i) => i === 0 || (narrowed.rows[i - 1]?.quantity ?? 0) >= r.quantity),
    ).toBe(true);

    const raw = await call('audit:raw', { eventId: first.eventId });
    const record = JSON.parse(raw.text) as { eventID: string };
    expect(record.eventID).toBe(first.eventId);
    expect(raw.rows.some((r) => r.recordIndex === first.recordIndex)).toBe(true);
    expect((await callError('audit:raw', { eventId: 'no-such-event' })).code).toBe('NOT_FOUND');

    const agg = await call('audit:aggregate', {
      filter: { text: [{ column: 'dimension', op: 'equals', value: first.dimension }] },
      aggregate: { bucket: 'day' },
    });
    const totalQuantity = agg.dimensionSeries.reduce((s, p) => s + p.quantity, 0);
    expect(totalQuantity).toBe(agg.totals.quantity);
    expect(agg.customerDimension.length).toBeGreaterThan(0);
    const withStatus = await call('audit:query', {
      limit: 0,
      aggregate: { bucket: 'hour' },
    });
    expect(withStatus.aggregates?.totals.records).toBe(withStatus.total);
  });

  it('exports the filtered rows as CSV and JSON, and an evidence pack with SHA-256 per file', async () => {
    const filter = { text: [{ column: 'status', op: 'equals', value: 'Success' }] };
    const count = (await call('audit:query', { filter, limit: 0 })).total;
    const csv = await call('audit:export', { filter, format: 'csv' });
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]?.startsWith('event_time_utc,usage_hour_utc')).toBe(true);
    expect(lines).toHaveLength(count + 1);
    expect(csv.rows).toBe(count);
    expect(csv.truncated).toBe(false);
    // Account ids stay text in a spreadsheet.
    expect(csv.text).toMatch(/"=""\d{12}"""/);
    const json = await call('audit:export', { filter, format: 'json' });
    expect((JSON.parse(json.text) as unknown[]).length).toBe(count);

    const some = await call('audit:query', { limit: 3 });
    const ids = [...new Set(some.rows.map((r) => r.eventId))];
    const pack = await call('audit:evidence', { eventIds: [...ids, 'missing-id'] });
    expect(pack.fileName).toMatch(/^meterdesk-audit-evidence-\d{12}-.*\.zip$/);
    const zip = unzipEvidence(pack.base64);
    expect(zip.names).toEqual(
      expect.arrayContaining([
        'summary.md',
        'rows.csv',
        'rows.json',
        'records.parquet',
        'manifest.json',
        'SHA256SUMS',
        `events/${ids[0] ?? ''}.json`,
      ]),
    );
    const manifest = JSON.parse(zip.text('manifest.json')) as {
      missing: string[];
      records: { rows: number; matching: number };
      files: { name: string; sha256: string; bytes: number }[];
    };
    expect(manifest.missing).toEqual(['missing-id']);
    // Every file but the two that list the others is in the manifest, with its true hash.
    expect(manifest.files.map((f) => f.name).sort()).toEqual(
      zip.names.filter((n) => n !== 'manifest.json' && n !== 'SHA256SUMS'),
    );
    for (const f of manifest.files) {
      expect(createHash('sha256').update(zip.bytes(f.name)).digest('hex'), f.name).toBe(f.sha256);
      expect(zip.bytes(f.name).byteLength).toBe(f.bytes);
    }
    // The records of the chosen events, typed, in Parquet.
    const rowsOfEvents = (
      await call('audit:query', {
        filter: { text: [{ column: 'eventId', op: 'in', values: ids }] },
        limit: 0,
      })
    ).total;
    expect(manifest.records).toMatchObject({ rows: rowsOfEvents, matching: rowsOfEvents });
    expect(new TextDecoder().decode(zip.bytes('records.parquet').subarray(0, 4))).toBe('PAR1');
    expect(zip.text(`events/${ids[0] ?? ''}.json`)).toBe(
      (await call('audit:raw', { eventId: ids[0] ?? '' })).text,
    );
    // As an auditor checks it: unzipped, `sha256sum -c SHA256SUMS` passes for every file.
    const unpacked = mkdtempSync(join(tmpdir(), 'meterdesk-evidence-'));
    try {
      for (const name of zip.names) {
        mkdirSync(dirname(join(unpacked, name)), { recursive: true });
        writeFileSync(join(unpacked, name), zip.bytes(name));
      }
      const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], {
        cwd: unpacked,
        encoding: 'utf8',
      });
      if (check.error) {
        console.warn(
          `sha256sum is not installed here (${check.error.message}); checked the sums in JS only`,
        );
        const sums = zip.text('SHA256SUMS').trimEnd().split('\n');
        expect(sums).toHaveLength(zip.names.length - 1);
        for (const line of sums) {
          const [hash, name] = line.split('  ');
          expect(
            createHash('sha256')
              .update(zip.bytes(name ?? ''))
              .digest('hex'),
          ).toBe(hash);
        }
      } else {
        expect(check.status, check.stdout + check.stderr).toBe(0);
        expect(check.stdout.trimEnd().split('\n')).toHaveLength(zip.names.length - 1);
      }
      // A changed file fails the check.
      writeFileSync(join(unpacked, 'rows.csv'), 'tampered');
      const tampered = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], {
        cwd: unpacked,
        encoding: 'utf8',
      });
      if (!tampered.error) expect(tampered.status).not.toBe(0);
    } finally {
      rmSync(unpacked, { recursive: true, force: true, maxRetries: 3 });
    }

    // The explorer's filter instead: its records go into records.parquet.
    const filtered = await call('audit:evidence', { eventIds: ids.slice(0, 1), filter });
    const filteredManifest = JSON.parse(unzipEvidence(filtered.base64).text('manifest.json')) as {
      records: { rows: number; matching: number; of: string };
    };
    expect(filteredManifest.records).toMatchObject({
      rows: count,
      matching: count,
      of: 'the explorer filter',
    });
  });

  it('keeps the cache across a restart and reads it only when the audit is first used', async () => {
    const before = await call('audit:info', {});
    await core.close();
    core = await boot();
    // The core started without reading the cache; the first audit call reads it.
    expect(logger.lines.some((l) => l.includes('audit: cache loaded'))).toBe(false);
    const after = await call('audit:info', {});
    expect(after.loadedInMs).not.toBeNull();
    expect(logger.lines.some((l) => l.includes('audit: cache loaded'))).toBe(true);
    expect(after.events).toBe(before.events);
    expect(after.rows).toBe(before.rows);
  });

  it('cancels a sync, resumes it without duplicates, and clears only with the typed confirmation', async () => {
    expect((await callError('audit:clear', { confirm: 'yes' })).code).toBe('VALIDATION');
    const cleared = await call('audit:clear', { confirm: 'CLEAR' });
    expect(cleared.removedEvents).toBe(HISTORY + 1);
    expect((await call('audit:info', {})).events).toBe(0);
    expect(readdirSync(join(dataDir, 'audit')).filter((n) => n.endsWith('.jsonl'))).toEqual([]);

    const { taskId } = await call('audit:sync-start', { mode: 'all-metering' });
    expect((await callError('audit:sync-start', {})).code).toBe('CONFLICT');
    await until(async () => {
      const s = await call('audit:sync-status', { taskId });
      return s && s.pages >= 3 ? s : undefined;
    });
    const cancelled = await call('audit:sync-cancel', { taskId });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.added).toBeGreaterThan(0);
    expect(cancelled.added).toBeLessThan(HISTORY);
    const resumed = await syncToEnd({ mode: 'all-metering' });
    expect(resumed.state).toBe('finished');
    // Both submissions are in CloudTrail by now.
    expect(cancelled.added + resumed.added).toBe(HISTORY + 2);
    expect((await call('audit:info', {})).events).toBe(HISTORY + 2);
  }, 60_000);
});
