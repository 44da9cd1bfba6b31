// One account's cache database: new events only, the raw record verbatim, a restart keeps
// everything, accounts in their own files, a failed write leaves nothing half-done, and the
// sync engine's bookkeeping per region.
import { readdir, rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createDuckDbAuditOpener } from '../../adapters/storage/duckdb';
import { openAccountCache } from './account-cache';
import { queryWindow } from './explorer';
import type { ParsedAuditEvent } from './parse';
import { appendEvents } from './sink';
import type { LookupEvent } from './sync';
import { meteringEvent, openTestCache, storedEvents, T0, TEST_ACCOUNT } from './testing';

const scope = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
const west = { ...scope, region: 'eu-west-1' };

describe('account cache', () => {
  it('stores new events only, keeps the raw record verbatim and survives a restart', async () => {
    const t = await openTestCache(TEST_ACCOUNT);
    const first = Array.from({ length: 20 }, (_, i) => meteringEvent(i));
    expect(await appendEvents(t.cache, scope, first)).toBe(20);
    expect(
      await appendEvents(t.cache, scope, [
        ...first.slice(15),
        meteringEvent(20),
        meteringEvent(20),
      ]),
    ).toBe(1);
    expect(await t.cache.counts()).toEqual({ events: 21, rows: 63 });
    expect((await t.cache.readRaw('ev-7'))?.text).toBe(meteringEvent(7).cloudTrailEvent);
    expect(await t.cache.readRaw('nope')).toBeNull();
    const before = await queryWindow(t.cache, { filter: {}, offset: 0, limit: 100 });
    await t.cache.close();

    const again = await openTestCache(TEST_ACCOUNT, t.dir);
    expect(await again.cache.counts()).toEqual({ events: 21, rows: 63 });
    expect(await queryWindow(again.cache, { filter: {}, offset: 0, limit: 100 })).toEqual(before);
    // Codes read back: a new event with known and new text stays consistent.
    expect(await appendEvents(again.cache, scope, [meteringEvent(21, 'us-east-1', 4)])).toBe(1);
    const byId = await queryWindow(again.cache, {
      filter: { text: [{ column: 'meteringRecordId', op: 'equals', value: 'm-21-3' }] },
      offset: 0,
      limit: 10,
    });
    expect(byId.rows.map((r) => r.dimension)).toEqual(['dim-3']);
    await again.close();
    await t.close();
  });

  it('keeps an event whose record cannot be parsed, without rows', async () => {
    const t = await openTestCache();
    const bad: LookupEvent = { eventId: 'bad', eventTime: T0, cloudTrailEvent: '{oops' };
    expect(await appendEvents(t.cache, scope, [bad])).toBe(1);
    expect(await t.cache.counts()).toEqual({ events: 1, rows: 0 });
    expect((await t.cache.readRaw('bad'))?.text).toBe('{oops');
    await t.close();
  });

  it('keeps the sync bookkeeping per region and forgets a region when cleared', async () => {
    const t = await openTestCache();
    await appendEvents(t.cache, scope, [meteringEvent(1)]);
    await appendEvents(t.cache, west, [meteringEvent(2, 'eu-west-1')]);
    await t.cache.writeSyncState('eu-west-1', { coverage: [[1, 2]] });
    expect(await t.cache.readSyncState('eu-west-1')).toEqual({ coverage: [[1, 2]] });
    expect(await t.cache.readSyncState('us-east-1')).toEqual({ coverage: [] });
    expect(await t.cache.regions()).toEqual(['eu-west-1', 'us-east-1']);
    expect(await t.cache.clear(['eu-west-1'])).toBe(1);
    expect(await t.cache.readRaw('ev-2')).toBeNull();
    expect(await t.cache.readRaw('ev-1')).not.toBeNull();
    expect(await t.cache.readSyncState('eu-west-1')).toEqual({ coverage: [] });
    await t.close();
  });

  it('keeps each account in its own database file and refuses names that leave the folder', async () => {
    const t = await openTestCache();
    const openDb = createDuckDbAuditOpener({ dir: t.dir, memoryLimit: '128MB' });
    const other = await openAccountCache(await openDb('999900001111'), '999900001111');
    await appendEvents(other, { accountId: '999900001111', region: 'us-east-1' }, [
      meteringEvent(3),
    ]);
    expect(await other.counts()).toEqual({ events: 1, rows: 3 });
    expect(await t.cache.counts()).toEqual({ events: 0, rows: 0 });
    await expect(appendEvents(other, scope, [meteringEvent(4)])).rejects.toThrow(/cache of 9999/);
    await other.close();
    await expect(openDb('../x')).rejects.toThrow(/file name/);
    await t.close();
  });

  it('is one <account>.duckdb file, capped at 256 MB by default, with the raw records ZSTD-compressed', async () => {
    const t = await openTestCache();
    await t.close();
    // Opened as the app opens it (no limit given): DuckDB's memory_limit is the 256 MB default.
    const db = await createDuckDbAuditOpener({ dir: t.dir, threads: 1 })(TEST_ACCOUNT);
    const cache = await openAccountCache(db, TEST_ACCOUNT);
    expect(await cache.db.all("SELECT current_setting('memory_limit') AS limit")).toEqual([
      { limit: '244.1 MiB' },
    ]);
    await appendEvents(
      cache,
      scope,
      Array.from({ length: 200 }, (_, i) => meteringEvent(i)),
    );
    await cache.close();
    expect(await readdir(t.dir)).toContain(`${TEST_ACCOUNT}.duckdb`);

    const again = await openTestCache(TEST_ACCOUNT, t.dir);
    const segments = await again.cache.db.all(
      `SELECT DISTINCT compression FROM pragma_storage_info('${again.cache.tables.events}')
       WHERE column_name = 'raw' AND segment_type = 'VARCHAR'`,
    );
    expect(segments).toEqual([{ compression: 'ZSTD' }]);
    expect((await again.cache.readRaw('ev-199'))?.text).toBe(meteringEvent(199).cloudTrailEvent);
    await again.close();
    await rm(t.dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('a write that fails leaves no event, record or code behind', async () => {
    const t = await openTestCache();
    const good = storedEvents([parsedEvent('ev-good', 'dim-known', 5)]);
    await t.cache.store(good);
    // A quantity the database cannot hold fails the write after new codes were handed out.
    const broken = storedEvents([parsedEvent('ev-broken', 'dim-new', Number.NaN)]);
    await expect(t.cache.store(broken)).rejects.toThrow();
    expect(await t.cache.counts()).toEqual({ events: 1, rows: 1 });
    expect(t.cache.dicts.dimensions.codesWhere((d) => d === 'dim-new')).toEqual([]);
    // The next write hands the code out again, and writes it.
    await t.cache.store(storedEvents([parsedEvent('ev-next', 'dim-new', 7)]));
    const rows = await t.cache.db.all('SELECT dimension, quantity FROM usage_records ORDER BY 2');
    expect(rows).toEqual([
      { dimension: 'dim-known', quantity: 5 },
      { dimension: 'dim-new', quantity: 7 },
    ]);
    await t.close();
  });
});

function parsedEvent(eventId: string, dimension: string, quantity: number): ParsedAuditEvent {
  return {
    eventId,
    eventTime: T0,
    eventName: 'BatchMeterUsage',
    eventSource: 'metering-marketplace.amazonaws.com',
    region: 'us-east-1',
    accountId: TEST_ACCOUNT,
    rows: [
      {
        eventId,
        recordIndex: 0,
        eventTime: T0,
        eventName: 'BatchMeterUsage',
        usageHour: T0 - 3_600_000,
        usageTime: T0 - 3_600_000,
        customerIdentifier: 'cust-1',
        dimension,
        quantity,
        status: 'Success',
        meteringRecordId: `mr-${eventId}`,
        region: 'us-east-1',
        accountId: TEST_ACCOUNT,
      },
    ],
  };
}
