// The Query tab's console over a real cache database: the documented views are the views there
// are, every built-in question answers from data shaped like AWS's records (a replay with the
// same MeteringRecordId, a DuplicateRecord, a person calling besides the metering service, a
// customer who stopped), writes are refused by the engine, a statement stops at its timeout or
// on Cancel, results export as CSV and Parquet, and saved queries keep.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSqlViews, builtinAuditQueries } from '../../../shared/audit-sql';
import type { JournalRow } from '../../../shared/channels/journal';
import { AppError } from '../../../shared/errors';
import { createMemoryStore } from '../../adapters/storage/memory-store';
import { pinnedClock } from '../../testing/time';
import { appendEvents } from './sink';
import { createSqlConsole } from './sql-console';
import type { LookupEvent } from './sync';
import { openTestCache, TEST_ACCOUNT, type TestCache } from './testing';

const clock = pinnedClock();
const HOUR = Math.floor(clock.now() / 3_600_000) * 3_600_000 - 10 * 24 * 3_600_000;
const scope = { accountId: TEST_ACCOUNT, region: 'us-east-1' };

/** A metering call `hoursAfter` HOUR (+ minutes), made by `caller`, with fixed records. */
function call(
  id: string,
  hoursAfter: number,
  minutes: number,
  records: { customer: string; quantity: number; status: string; mrid?: string }[],
  caller = 'arn:aws:iam::111122223333:user/metering',
): LookupEvent {
  const usage = HOUR + hoursAfter * 3_600_000;
  const eventTime = usage + 3_600_000 + minutes * 60_000;
  const usageRecords = records.map((r) => ({
    dimension: 'users',
    timestamp: new Date(usage + 60_000).toISOString(),
    customerIdentifier: r.customer,
    quantity: r.quantity,
  }));
  const record = {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: caller,
      accountId: TEST_ACCOUNT,
      userName: caller.split('/').at(-1),
    },
    eventTime: new Date(eventTime).toISOString().replace('.000', ''),
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    requestParameters: { usageRecords, productCode: 'prod-1' },
    responseElements: {
      results: usageRecords.map((u, k) => {
        const answer = records[k];
        return {
          usageRecord: u,
          status: answer?.status,
          ...(answer?.mrid === undefined ? {} : { meteringRecordId: answer.mrid }),
        };
      }),
      unprocessedRecords: [],
    },
    requestID: `req-${id}`,
    eventID: id,
    recipientAccountId: TEST_ACCOUNT,
  };
  return { eventId: id, eventTime, cloudTrailEvent: JSON.stringify(record) };
}

const journal: JournalRow[] = [
  {
    submissionId: 'sub-1',
    key: 'row-00001',
    at: new Date(HOUR + 3_700_000).toISOString(),
    operation: 'BatchMeterUsage',
    connectionId: 'sandbox',
    connectionName: 'Sandbox',
    account: TEST_ACCOUNT,
    region: 'us-east-1',
    osUser: 'alice',
    customer: 'cust-a',
    dimension: 'users',
    timestamp: new Date(HOUR + 60_000).toISOString(),
    quantity: 700,
    status: 'Success',
    meteringRecordId: 'mr-a',
    attempts: 1,
  },
];

let t: TestCache;
let console_: ReturnType<typeof createSqlConsole>;
const store = createMemoryStore();
let n = 0;
const queryId = (): string => `q-${String(++n)}`;

async function runSql(sql: string, timeoutSeconds = 20) {
  return console_.run({ sql, queryId: queryId(), timeoutSeconds, maxRows: 2_000 });
}

async function failure(work: Promise<unknown>): Promise<AppError> {
  const error: unknown = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  t = await openTestCache();
  await appendEvents(t.cache, scope, [
    call('ev-first', 0, 2, [
      { customer: 'cust-a', quantity: 700, status: 'Success', mrid: 'mr-a' },
      { customer: 'cust-b', quantity: 5, status: 'Success', mrid: 'mr-b' },
    ]),
    // The same record re-sent, by a person: AWS answers with the same id (a replay).
    call(
      'ev-replay',
      0,
      40,
      [{ customer: 'cust-a', quantity: 700, status: 'Success', mrid: 'mr-a' }],
      'arn:aws:iam::111122223333:user/alice',
    ),
    // Another quantity for the same key: DuplicateRecord, the first quantity stands.
    call('ev-dup', 0, 50, [{ customer: 'cust-b', quantity: 9, status: 'DuplicateRecord' }]),
    // cust-a goes on for two days; cust-b stopped after the first hour.
    ...Array.from({ length: 48 }, (_, h) =>
      call(`ev-later-${String(h)}`, h + 1, 5, [
        { customer: 'cust-a', quantity: 10, status: 'Success', mrid: `mr-a-${String(h)}` },
      ]),
    ),
  ]);
  await t.cache.writeSyncState('us-east-1', {
    coverage: [[HOUR - 86_400_000, HOUR + 3 * 86_400_000]],
  });
  console_ = createSqlConsole({
    context: () => Promise.resolve({ cache: t.cache, regions: ['us-east-1'] }),
    journalOf: (accountId) => Promise.resolve(journal.filter((r) => r.account === accountId)),
    completenessOf: () =>
      Promise.resolve([
        { accountId: TEST_ACCOUNT, region: 'us-east-1', day: '2026-01-02', state: 'complete' },
      ]),
    store,
    now: clock.now,
    newId: () => `id-${String(++n)}`,
  });
});

afterAll(() => t.close());

describe('the Query tab: views and answers', () => {
  it('documents exactly the views the database has, column by column', async () => {
    for (const view of auditSqlViews) {
      const described = await t.cache.db.all(`DESCRIBE ${view.name}`);
      expect(
        described.map((c) => ({ name: c.column_name, type: c.column_type })),
        view.name,
      ).toEqual(view.columns.map((c) => ({ name: c.name, type: c.type })));
    }
  });

  it('the README names every view, every column with its type, and every built-in query', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../../README.md'), 'utf8');
    for (const view of auditSqlViews) {
      expect(readme, view.name).toContain(`**\`${view.name}\`**`);
      for (const column of view.columns) {
        expect(readme, `${view.name}.${column.name}`).toContain(
          `| \`${column.name}\` | ${column.type} |`,
        );
      }
    }
    for (const query of builtinAuditQueries) expect(readme).toContain(`**${query.name}**`);
  });

  it('answers the five built-in questions', async () => {
    const byId = new Map(builtinAuditQueries.map((q) => [q.id, q.sql]));
    const rowsOf = async (id: string) => {
      const out = await runSql(byId.get(id) ?? '');
      return out.rows.map((r) => Object.fromEntries(out.columns.map((c, i) => [c.name, r[i]])));
    };
    const monthly = await rowsOf('builtin:monthly-totals');
    const total = (customer: string, column: string): number =>
      monthly.filter((r) => r.customer === customer).reduce((s, r) => s + Number(r[column]), 0);
    expect(total('cust-a', 'billed_quantity')).toBe(700 + 48 * 10);
    expect(total('cust-a', 'replays')).toBe(1);
    expect(total('cust-b', 'billed_quantity')).toBe(5);
    expect(total('cust-b', 'duplicate_records')).toBe(1);

    expect(await rowsOf('builtin:duplicate-hours')).toEqual([
      expect.objectContaining({
        customer: 'cust-b',
        duplicate_records: 1,
        refused_quantities: '9',
        quantity_that_stands: 5,
      }),
    ]);
    expect(await rowsOf('builtin:other-callers')).toEqual([
      expect.objectContaining({ caller_arn: 'arn:aws:iam::111122223333:user/alice', calls: 1 }),
    ]);
    expect(await rowsOf('builtin:usage-stopped')).toEqual([
      expect.objectContaining({ customer: 'cust-b', hours_before_newest: 48 }),
    ]);
    expect(await rowsOf('builtin:replays')).toEqual([
      expect.objectContaining({
        metering_record_id: 'mr-a',
        billed_in_event: 'ev-first',
        replayed_in_event: 'ev-replay',
        replayed_by: 'alice',
      }),
    ]);
  });

  it('mirrors the journal and the day completeness into their views', async () => {
    const out = await runSql(
      'SELECT submission_id, os_user, quantity, usage_time FROM journal_records',
    );
    expect(out.rows).toEqual([
      ['sub-1', 'alice', 700, new Date(HOUR + 60_000).toISOString().replace('T', ' ').slice(0, 19)],
    ]);
    expect((await runSql('SELECT region, day, state FROM completeness')).rows).toEqual([
      ['us-east-1', '2026-01-02', 'complete'],
    ]);
  });
});

describe('the Query tab: refusals, limits, exports and saved queries', () => {
  it('a write is refused by the engine and changes nothing', async () => {
    for (const sql of [
      'DELETE FROM store.records WHERE replay',
      'UPDATE store.records SET quantity = 0',
      'DROP VIEW usage_records',
      "INSERT INTO store.meta VALUES ('x', 'y')",
    ]) {
      const error = await failure(runSql(sql));
      expect(error.code, sql).toBe('FORBIDDEN');
      expect(JSON.stringify(error.details), sql).toMatch(/read-only mode/);
    }
    expect((await runSql('SELECT sum(billed_quantity) FROM usage_records')).rows).toEqual([
      [1_185],
    ]);
  });

  it('explains a mistake in the SQL in the engine’s words', async () => {
    const error = await failure(runSql('SELECT nope FROM usage_records'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/nope/);
  });

  it('stops a statement at its timeout, and on Cancel', async () => {
    const slow = 'SELECT sum(a.range) FROM range(1000000000000) a';
    const timedOut = await failure(runSql(slow, 1));
    expect(timedOut.code).toBe('CANCELLED');
    expect(timedOut.message).toMatch(/ran for 1 s and was stopped/);

    const id = 'cancel-me';
    const running = console_.run({ sql: slow, queryId: id, timeoutSeconds: 60, maxRows: 10 });
    await new Promise((r) => setTimeout(r, 300));
    expect(console_.cancel(id)).toEqual({ cancelled: true });
    const cancelled = await failure(running);
    expect(cancelled.message).toBe('The query was cancelled.');
    expect(console_.cancel(id)).toEqual({ cancelled: false });

    // A Cancel that overtakes its run (two requests over the local API) still stops it.
    expect(console_.cancel('overtaken')).toEqual({ cancelled: false });
    const overtaken = await failure(
      console_.run({ sql: slow, queryId: 'overtaken', timeoutSeconds: 60, maxRows: 10 }),
    );
    expect(overtaken.message).toBe('The query was cancelled.');
    // Once: the same id runs again afterwards.
    expect(
      (
        await console_.run({
          sql: 'SELECT 1 AS one',
          queryId: 'overtaken',
          timeoutSeconds: 5,
          maxRows: 10,
        })
      ).rows,
    ).toEqual([[1]]);
  });

  it('honours a Cancel pressed while the views are still being refreshed', async () => {
    const id = 'cancel-at-once';
    const running = console_.run({
      sql: 'SELECT sum(a.range) FROM range(1000000000000) a',
      queryId: id,
      timeoutSeconds: 60,
      maxRows: 10,
    });
    expect(console_.cancel(id)).toEqual({ cancelled: true });
    const cancelled = await failure(running);
    expect(cancelled.message).toBe('The query was cancelled.');
  });

  it('exports the whole result as spreadsheet-safe CSV and as Parquet', async () => {
    const sql =
      "SELECT customer, billed_quantity, account_id FROM usage_records WHERE billing = 'billed' ORDER BY event_time";
    const csv = await console_.exportResult({
      sql,
      format: 'csv',
      queryId: queryId(),
      timeoutSeconds: 20,
    });
    const lines = Buffer.from(csv.base64, 'base64').toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('customer,billed_quantity,account_id');
    expect(lines).toHaveLength(1 + 50);
    expect(lines[1]).toBe(`cust-a,700,"=""${TEST_ACCOUNT}"""`);
    expect(csv.fileName).toMatch(/^meterdesk-query-111122223333-.*\.csv$/);

    const parquet = await console_.exportResult({
      sql,
      format: 'parquet',
      queryId: queryId(),
      timeoutSeconds: 20,
    });
    const dir = await mkdtemp(join(tmpdir(), 'meterdesk-parquet-'));
    const file = join(dir, 'out.parquet');
    await writeFile(file, Buffer.from(parquet.base64, 'base64'));
    const reader = await DuckDBInstance.create(':memory:');
    const c = await reader.connect();
    const back = await c.runAndReadAll(`SELECT count(*), sum(billed_quantity) FROM '${file}'`);
    expect(back.getRowsJson()).toEqual([['50', '1185']]);
    c.closeSync();
    reader.closeSync();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('keeps saved queries beside the built-in ones, which cannot be overwritten', () => {
    const saved = console_.save({ name: 'Mine', description: '', sql: 'SELECT 1' });
    expect(saved).toMatchObject({ name: 'Mine', builtin: false });
    const renamed = console_.save({
      id: saved.id,
      name: 'Mine, renamed',
      description: 'd',
      sql: 'SELECT 2',
    });
    const list = console_.saved().queries;
    expect(list.filter((q) => q.builtin)).toHaveLength(5);
    expect(list.filter((q) => !q.builtin)).toEqual([renamed]);
    expect(() =>
      console_.save({ id: 'builtin:replays', name: 'x', description: '', sql: 'SELECT 1' }),
    ).toThrow(/cannot be changed/);
    expect(console_.remove(saved.id)).toEqual({ deleted: true });
    expect(console_.saved().queries.filter((q) => !q.builtin)).toEqual([]);
  });
});
