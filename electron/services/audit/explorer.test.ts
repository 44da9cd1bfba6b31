// The explorer's answers on the DuckDB cache against a plain implementation over row objects:
// every filter kind, sort, window and aggregate, on 800 events of random shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditStatuses,
  DAY_MS,
  HOUR_MS,
  type AuditColumn,
  type AuditFilter,
  type AuditRow,
  type AuditSort,
  type AuditStatus,
  type AuditTextColumn,
  auditTextColumns,
  auditColumnSchema,
} from '../../../shared/audit';
import type { AccountCache } from './account-cache';
import { aggregate, rollupAnswers } from './aggregate';
import { queryWindow } from './explorer';
import type { ParsedAuditEvent } from './parse';
import { openTestCache, storedEvents, type TestCache } from './testing';

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = Date.UTC(2026, 5, 1);

function makeEvents(count: number, seed = 1): ParsedAuditEvent[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const events: ParsedAuditEvent[] = [];
  for (let i = 0; i < count; i++) {
    const eventId = `ev-${String(i).padStart(5, '0')}`;
    const eventTime = BASE + Math.floor((rnd() * 20 * DAY_MS) / 1000) * 1000;
    const region = pick(['us-east-1', 'eu-west-1']);
    const failed =
      rnd() < 0.1
        ? pick(['InvalidUsageDimensionException', 'TimestampOutOfBoundsException'])
        : undefined;
    const userName = pick(['meter', 'Metering', undefined]);
    const event: ParsedAuditEvent = {
      eventId,
      eventTime,
      eventName: 'BatchMeterUsage',
      eventSource: 'metering-marketplace.amazonaws.com',
      region,
      accountId: '111122223333',
      callerArn: `arn:aws:iam::111122223333:user/${userName ?? 'x'}`,
      accessKeyId: pick(['AKIA1', 'AKIA2']),
      rows: [],
    };
    if (userName) event.userName = userName;
    const n = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < n; k++) {
      const ca = rnd() < 0.4;
      const usageTime =
        rnd() < 0.05 ? null : eventTime - Math.floor((rnd() * 3 * HOUR_MS) / 1000) * 1000;
      const status: AuditStatus = failed
        ? 'Failed'
        : pick([
            'Success',
            'Success',
            'Success',
            'DuplicateRecord',
            'CustomerNotSubscribed',
            'Unprocessed',
          ]);
      const row: AuditRow = {
        eventId,
        recordIndex: k,
        eventTime,
        eventName: 'BatchMeterUsage',
        usageHour: usageTime === null ? null : Math.floor(usageTime / HOUR_MS) * HOUR_MS,
        usageTime,
        dimension: pick(['api_calls', 'storage_gb', 'Users', 'seats']),
        quantity: Math.floor(rnd() * 50),
        status,
        region,
        accountId: '111122223333',
      };
      if (ca) {
        row.customerAwsAccountId = pick(['444455556666', '777788889999', '123412341234']);
        row.licenseArn = `arn:aws:license-manager::1:license:l-${pick(['a', 'b'])}`;
      } else {
        row.customerIdentifier = pick(['cust-Alpha', 'cust-beta', 'Cust-Gamma', 'delta']);
        row.productCode = 'prod-1';
      }
      if (rnd() < 0.2) row.allocations = JSON.stringify([{ allocatedUsageQuantity: row.quantity }]);
      if (status !== 'Failed' && status !== 'Unprocessed')
        row.meteringRecordId = `mr-${eventId}-${k}`;
      if (failed) {
        row.errorCode = failed;
        row.errorMessage = `${failed} happened`;
      }
      if (event.callerArn) row.callerArn = event.callerArn;
      if (event.userName) row.userName = event.userName;
      if (event.accessKeyId) row.accessKeyId = event.accessKeyId;
      event.rows.push(row);
    }
    events.push(event);
  }
  return events;
}

// ---- the oracle: plain JS over row objects ------------------------------------------------

function value(row: AuditRow, column: AuditColumn): string | number | null {
  const v = row[column];
  if (v === undefined)
    return typeof row.eventTime === 'number' && isNumberColumn(column) ? null : '';
  return v;
}
function isNumberColumn(column: AuditColumn): boolean {
  return ['eventTime', 'usageHour', 'usageTime', 'quantity', 'recordIndex'].includes(column);
}

function oracleFilter(rows: AuditRow[], filter: AuditFilter): AuditRow[] {
  return rows.filter((row) => {
    for (const t of filter.text ?? []) {
      const v = row[t.column] ?? '';
      let hit: boolean;
      if (t.op === 'equals') hit = v === t.value;
      else if (t.op === 'in') hit = t.values.includes(v);
      else
        hit = t.caseSensitive
          ? v.includes(t.value)
          : v.toLowerCase().includes(t.value.toLowerCase());
      if (t.not ? hit : !hit) return false;
    }
    if (filter.statuses && !filter.statuses.includes(row.status)) return false;
    if (
      filter.customers &&
      !filter.customers.accountIds.includes(row.customerAwsAccountId ?? '') &&
      !filter.customers.identifiers.includes(row.customerIdentifier ?? '')
    )
      return false;
    const inRange = (v: number | null, r?: { from?: number; to?: number }): boolean =>
      !r || (v !== null && v >= (r.from ?? -Infinity) && v < (r.to ?? Infinity));
    if (!inRange(row.eventTime, filter.eventTime)) return false;
    if (!inRange(row.usageHour, filter.usageHour)) return false;
    if (filter.quantity) {
      if (
        row.quantity < (filter.quantity.min ?? -Infinity) ||
        row.quantity > (filter.quantity.max ?? Infinity)
      )
        return false;
    }
    return true;
  });
}

function oracleSort(rows: AuditRow[], sort: AuditSort): AuditRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const key = (row: AuditRow): [number, string | number] => {
    const v = value(row, sort.column);
    return v === null ? [0, 0] : [1, v];
  };
  return rows
    .map((row, i) => ({ row, i, k: key(row) }))
    .sort((a, b) => {
      if (a.k[0] !== b.k[0]) return sign * (a.k[0] - b.k[0]);
      const x = a.k[1];
      const y = b.k[1];
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sign * c || a.i - b.i;
    })
    .map((x) => x.row);
}

/**
 * The rows as the explorer shows them: with their billed-once standing (every id in this data
 * is unique, so each Success with an id is billed) and, for a DuplicateRecord, the quantity
 * billed for the same customer, dimension and hour in the same region.
 */
function allRows(events: ParsedAuditEvent[]): AuditRow[] {
  const seen = new Set<string>();
  const rows: AuditRow[] = [];
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    rows.push(...e.rows.map((r) => ({ ...r })));
  }
  const key = (r: AuditRow): string =>
    [
      r.region,
      r.customerIdentifier,
      r.customerAwsAccountId,
      r.licenseArn,
      r.productCode,
      r.dimension,
      r.usageHour,
    ].join('|');
  const standing = new Map<string, number>();
  for (const r of rows) {
    r.billing =
      r.status === 'Success'
        ? r.meteringRecordId === undefined
          ? 'unknown'
          : 'billed'
        : r.status === 'DuplicateRecord'
          ? 'duplicate'
          : 'not-billed';
    if (r.billing === 'billed' && r.usageHour !== null) {
      standing.set(key(r), (standing.get(key(r)) ?? 0) + r.quantity);
    }
  }
  for (const r of rows) {
    const q = standing.get(key(r));
    if (r.status === 'DuplicateRecord' && q !== undefined) r.standingQuantity = q;
  }
  return rows;
}

function randomFilter(rnd: () => number, rows: AuditRow[]): AuditFilter {
  const filter: AuditFilter = {};
  const sample = (): AuditRow => rows[Math.floor(rnd() * rows.length)] as AuditRow;
  const text: NonNullable<AuditFilter['text']> = [];
  const n = Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const column = auditTextColumns[Math.floor(rnd() * auditTextColumns.length)] as AuditTextColumn;
    const v = sample()[column] ?? '';
    const kind = rnd();
    const not = rnd() < 0.2;
    if (kind < 0.4) text.push({ column, op: 'equals', value: v, not });
    else if (kind < 0.6) text.push({ column, op: 'in', values: [v, sample()[column] ?? ''], not });
    else if (v.length > 0) {
      const start = Math.floor(rnd() * v.length);
      const part = v.slice(start, start + 1 + Math.floor(rnd() * 4));
      const caseSensitive = rnd() < 0.3;
      text.push({
        column,
        op: 'contains',
        value: rnd() < 0.5 ? part.toUpperCase() : part,
        caseSensitive,
        not,
      });
    }
  }
  if (text.length > 0) filter.text = text;
  if (rnd() < 0.3) filter.statuses = auditStatuses.filter(() => rnd() < 0.5);
  if (rnd() < 0.3)
    filter.eventTime = { from: BASE + rnd() * 10 * DAY_MS, to: BASE + (10 + rnd() * 10) * DAY_MS };
  if (rnd() < 0.3) filter.usageHour = { from: BASE + rnd() * 10 * DAY_MS };
  if (rnd() < 0.3)
    filter.quantity = { min: Math.floor(rnd() * 20), max: 20 + Math.floor(rnd() * 30) };
  return filter;
}

const query = (
  cache: AccountCache,
  input: { filter?: AuditFilter; sort?: AuditSort; offset?: number; limit?: number },
) =>
  queryWindow(cache, {
    filter: input.filter ?? {},
    sort: input.sort,
    offset: input.offset ?? 0,
    limit: input.limit ?? 100,
  });

// One cache of 800 generated events for every describe below, in file order.
const events = makeEvents(800);
const rows = allRows(events);
let full: TestCache;

beforeAll(async () => {
  full = await openTestCache();
  await full.cache.store(storedEvents(events));
});
afterAll(() => full.close());

describe('audit explorer on the cache database: storing, filtering, sorting, windows', () => {
  it('deduplicates by event id', async () => {
    const { cache, close } = await openTestCache();
    expect(await cache.store(storedEvents(events.slice(0, 10)))).toBe(10);
    const again = await cache.store(
      storedEvents([...events.slice(5, 15), events[14] as ParsedAuditEvent]),
    );
    expect(again).toBe(5);
    expect(await cache.counts()).toEqual({
      events: 15,
      rows: allRows(events.slice(0, 15)).length,
    });
    expect(await cache.readRaw('ev-00003')).not.toBeNull();
    expect(await cache.readRaw('nope')).toBeNull();
    await close();
  });

  it('answers every filter, sort and window exactly like a plain implementation', async () => {
    const rnd = prng(7);
    const columns = auditColumnSchema.options;
    for (let i = 0; i < 300; i++) {
      const filter = randomFilter(rnd, rows);
      const sort: AuditSort = {
        column: columns[Math.floor(rnd() * columns.length)] as AuditColumn,
        direction: rnd() < 0.5 ? 'asc' : 'desc',
      };
      const offset = Math.floor(rnd() * 40);
      const limit = 1 + Math.floor(rnd() * 60);
      const expected = oracleSort(oracleFilter(rows, filter), sort);
      const out = await query(full.cache, { filter, sort, offset, limit });
      expect(out.total, JSON.stringify({ filter, sort })).toBe(expected.length);
      expect(out.rows, JSON.stringify({ filter, sort, offset, limit })).toEqual(
        expected.slice(offset, offset + limit),
      );
    }
  }, 60_000);

  it('covers each filter kind explicitly', async () => {
    const count = async (filter: AuditFilter): Promise<number> =>
      (await query(full.cache, { filter, limit: 0 })).total;
    const check = async (filter: AuditFilter): Promise<void> => {
      const n = oracleFilter(rows, filter).length;
      expect(n).toBeGreaterThan(0);
      expect(await count(filter)).toBe(n);
    };
    await check({ text: [{ column: 'customerIdentifier', op: 'equals', value: 'cust-beta' }] });
    await check({ text: [{ column: 'customerIdentifier', op: 'equals', value: '' }] }); // absent
    await check({ text: [{ column: 'customerIdentifier', op: 'contains', value: 'CUST' }] });
    await check({
      text: [{ column: 'customerIdentifier', op: 'contains', value: 'Cust', caseSensitive: true }],
    });
    await check({ text: [{ column: 'dimension', op: 'in', values: ['seats', 'Users'] }] });
    await check({ text: [{ column: 'dimension', op: 'in', values: ['seats'], not: true }] });
    await check({ text: [{ column: 'userName', op: 'equals', value: 'Metering' }] }); // event-level
    await check({ text: [{ column: 'eventId', op: 'contains', value: '0042' }] });
    await check({ text: [{ column: 'status', op: 'equals', value: 'DuplicateRecord' }] });
    await check({ text: [{ column: 'meteringRecordId', op: 'contains', value: 'EV-0001' }] });
    await check({ text: [{ column: 'region', op: 'equals', value: 'eu-west-1' }] });
    await check({
      text: [{ column: 'errorCode', op: 'equals', value: 'TimestampOutOfBoundsException' }],
    });
    await check({ statuses: ['CustomerNotSubscribed', 'Unprocessed'] });
    await check({ eventTime: { from: BASE + 3 * DAY_MS, to: BASE + 4 * DAY_MS } });
    await check({ usageHour: { from: BASE + 3 * DAY_MS + 30 * 60_000, to: BASE + 5 * DAY_MS } });
    await check({ quantity: { min: 10, max: 12 } });
    // One customer under either id: rows of the account and rows of the identifier together.
    const either = { accountIds: ['444455556666'], identifiers: ['cust-beta'] };
    await check({ customers: either });
    expect(await count({ customers: either })).toBe(
      (await count({
        text: [{ column: 'customerAwsAccountId', op: 'equals', value: '444455556666' }],
      })) +
        (await count({
          text: [{ column: 'customerIdentifier', op: 'equals', value: 'cust-beta' }],
        })),
    );
    expect(await count({ text: [{ column: 'dimension', op: 'equals', value: 'no-such' }] })).toBe(
      0,
    );
    expect(await count({ statuses: [] })).toBe(0);
    // `contains` takes regex and LIKE characters literally.
    expect(await count({ text: [{ column: 'licenseArn', op: 'contains', value: 'l-a.*' }] })).toBe(
      0,
    );
    expect(await count({ text: [{ column: 'eventId', op: 'contains', value: 'ev-%' }] })).toBe(0);
  });

  it('sorts by event time, newest first, by default and keeps record order within an event', async () => {
    const out = await query(full.cache, { limit: 50 });
    expect(out.rows).toEqual(
      oracleSort(rows, { column: 'eventTime', direction: 'desc' }).slice(0, 50),
    );
    for (let i = 1; i < out.rows.length; i++) {
      const a = out.rows[i - 1] as AuditRow;
      const b = out.rows[i] as AuditRow;
      expect(a.eventTime).toBeGreaterThanOrEqual(b.eventTime);
      if (a.eventId === b.eventId) expect(a.recordIndex).toBeLessThan(b.recordIndex);
    }
  });

  it('windows past the end and changes the version when the cache changes', async () => {
    const { cache, close } = await openTestCache();
    await cache.store(storedEvents(events.slice(0, 3)));
    const total = (await cache.counts()).rows;
    expect((await query(cache, { offset: total - 1, limit: 10 })).rows).toHaveLength(1);
    expect((await query(cache, { offset: total + 5, limit: 10 })).rows).toEqual([]);
    const v = cache.version();
    await cache.store(storedEvents(events.slice(0, 3)));
    expect(cache.version()).toBe(v);
    await cache.store(storedEvents(events.slice(3, 4)));
    expect(cache.version()).toBeGreaterThan(v);
    await close();
  });
});

describe('audit explorer on the cache database: aggregates', () => {
  it('aggregates per customer × dimension per day and hour, by dimension, status and error code', async () => {
    for (const bucket of ['day', 'hour'] as const) {
      const size = bucket === 'day' ? DAY_MS : HOUR_MS;
      const filter: AuditFilter = {
        text: [{ column: 'region', op: 'equals', value: 'us-east-1' }],
      };
      const agg = await aggregate(full.cache, filter, { bucket });
      const matching = oracleFilter(rows, filter);
      const expected = new Map<string, { q: number; sq: number; n: number }>();
      const series = new Map<string, number>();
      for (const r of matching) {
        if (r.usageTime === null) continue;
        const b = Math.floor(r.usageTime / size) * size;
        const key = [
          b,
          r.customerAwsAccountId ?? r.customerIdentifier ?? '',
          r.licenseArn ?? '',
          r.dimension,
        ].join('|');
        const g = expected.get(key) ?? { q: 0, sq: 0, n: 0 };
        g.q += r.quantity;
        g.sq += r.status === 'Success' ? r.quantity : 0;
        g.n++;
        expected.set(key, g);
        const sk = `${b}|${r.dimension}`;
        series.set(sk, (series.get(sk) ?? 0) + r.quantity);
      }
      const got = new Map(
        agg.customerDimension.map((g) => [
          [g.bucketStart, g.customer, g.licenseArn ?? '', g.dimension].join('|'),
          { q: g.quantity, sq: g.successQuantity, n: g.records },
        ]),
      );
      expect(got).toEqual(expected);
      expect(
        new Map(agg.dimensionSeries.map((s) => [`${s.bucketStart}|${s.dimension}`, s.quantity])),
      ).toEqual(series);
      expect(agg.customerDimensionTruncated).toBe(false);
      const billedQuantity = matching
        .filter((r) => r.status === 'Success')
        .reduce((s, r) => s + r.quantity, 0);
      expect(agg.totals).toMatchObject({
        records: matching.length,
        calls: new Set(matching.map((r) => r.eventId)).size,
        quantity: matching.reduce((s, r) => s + r.quantity, 0),
        successQuantity: billedQuantity,
        truncatedCalls: 0,
      });
      expect(agg.totals.billing).toMatchObject({
        billedQuantity,
        duplicateRecords: matching.filter((r) => r.status === 'DuplicateRecord').length,
      });
      for (const s of agg.statusCounts) {
        expect(s.records).toBe(matching.filter((r) => r.status === s.status).length);
      }
      expect(agg.statusCounts.some((s) => s.status === 'Success')).toBe(false);
      const failed = matching.filter((r) => r.status === 'Failed');
      expect(agg.errorCodes.reduce((s, e) => s + e.records, 0)).toBe(failed.length);
      for (const e of agg.errorCodes) {
        const of = failed.filter((r) => r.errorCode === e.errorCode);
        expect(e.calls).toBe(new Set(of.map((r) => r.eventId)).size);
      }
    }
  });

  it('answers day aggregates from the daily rollup exactly as from the records', async () => {
    const rnd = prng(11);
    let answeredByRollup = 0;
    for (let i = 0; i < 24; i++) {
      const filter = randomFilter(rnd, rows);
      // Whole days, the way the explorer's date fields ask.
      if (rnd() < 0.5) filter.eventTime = { from: BASE + 2 * DAY_MS, to: BASE + 9 * DAY_MS };
      if (rnd() < 0.3) filter.usageHour = { from: BASE + DAY_MS };
      if (rollupAnswers(full.cache, filter)) answeredByRollup++;
      for (const time of ['usageHour', 'eventTime'] as const) {
        const byDay = await aggregate(full.cache, filter, { bucket: 'day', time });
        const byHour = await aggregate(full.cache, filter, { bucket: 'hour', time });
        const rollUp = new Map<string, number>();
        for (const g of byHour.customerDimension) {
          const key = [
            Math.floor(g.bucketStart / DAY_MS),
            g.customer,
            g.licenseArn,
            g.dimension,
          ].join('|');
          rollUp.set(key, (rollUp.get(key) ?? 0) + g.successQuantity);
        }
        expect(
          new Map(
            byDay.customerDimension.map((g) => [
              [g.bucketStart / DAY_MS, g.customer, g.licenseArn, g.dimension].join('|'),
              g.successQuantity,
            ]),
          ),
          JSON.stringify(filter),
        ).toEqual(rollUp);
        expect(byDay.totals).toEqual(byHour.totals);
        expect(byDay.statusCounts).toEqual(byHour.statusCounts);
      }
    }
    expect(answeredByRollup).toBeGreaterThan(5);
  }, 60_000);
});

describe('audit explorer on the cache database: buckets and forgetting a region', () => {
  it('buckets by event time when asked and caps the number of groups', async () => {
    const agg = await aggregate(
      full.cache,
      {},
      { bucket: 'hour', time: 'eventTime', maxGroups: 10 },
    );
    expect(agg.customerDimension).toHaveLength(10);
    expect(agg.customerDimensionTruncated).toBe(true);
    expect(agg.time).toBe('eventTime');
    const all = await aggregate(full.cache, {}, { bucket: 'day' });
    expect(all.totals.records).toBe(rows.length);
  });

  it('forgets one region and keeps the other', async () => {
    const { cache, close } = await openTestCache();
    await cache.store(storedEvents(events));
    const west = events.filter((e) => e.region === 'eu-west-1').length;
    expect(await cache.regions()).toEqual(['eu-west-1', 'us-east-1']);
    expect(await cache.clear(['eu-west-1'])).toBe(west);
    expect(await cache.regions()).toEqual(['us-east-1']);
    const east = {
      text: [{ column: 'region' as const, op: 'equals' as const, value: 'us-east-1' }],
    };
    expect((await query(cache, { limit: 5000 })).rows).toEqual(
      (await query(full.cache, { filter: east, limit: 5000 })).rows,
    );
    const agg = await aggregate(cache, {}, { bucket: 'day' });
    expect(agg.totals.records).toBe(rows.filter((r) => r.region === 'us-east-1').length);
    await close();
  });
});
