import { describe, expect, it } from 'vitest';
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
import type { ParsedAuditEvent } from './parse';
import { createAuditStore } from './store';

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

function allRows(events: ParsedAuditEvent[]): AuditRow[] {
  const seen = new Set<string>();
  const rows: AuditRow[] = [];
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    rows.push(...e.rows);
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

describe('audit store', () => {
  const events = makeEvents(800);
  const rows = allRows(events);

  it('deduplicates by event id', () => {
    const store = createAuditStore();
    expect(store.append(events.slice(0, 10))).toEqual({
      events: 10,
      rows: allRows(events.slice(0, 10)).length,
    });
    const again = store.append([...events.slice(5, 15), events[14] as ParsedAuditEvent]);
    expect(again.events).toBe(5);
    expect(store.eventCount()).toBe(15);
    expect(store.rowCount()).toBe(allRows(events.slice(0, 15)).length);
    expect(store.has('ev-00003')).toBe(true);
    expect(store.has('nope')).toBe(false);
  });

  it('answers every filter, sort and window exactly like a plain implementation', () => {
    const store = createAuditStore();
    store.append(events);
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
      const out = store.query({ filter, sort, offset, limit });
      expect(out.total, JSON.stringify({ filter, sort })).toBe(expected.length);
      expect(out.rows, JSON.stringify({ filter, sort, offset, limit })).toEqual(
        expected.slice(offset, offset + limit),
      );
    }
  });

  it('covers each filter kind explicitly', () => {
    const store = createAuditStore();
    store.append(events);
    const count = (filter: AuditFilter): number => store.query({ filter, limit: 0 }).total;
    const check = (filter: AuditFilter): void => {
      const n = oracleFilter(rows, filter).length;
      expect(n).toBeGreaterThan(0);
      expect(count(filter)).toBe(n);
    };
    check({ text: [{ column: 'customerIdentifier', op: 'equals', value: 'cust-beta' }] });
    check({ text: [{ column: 'customerIdentifier', op: 'equals', value: '' }] }); // absent
    check({ text: [{ column: 'customerIdentifier', op: 'contains', value: 'CUST' }] });
    check({
      text: [{ column: 'customerIdentifier', op: 'contains', value: 'Cust', caseSensitive: true }],
    });
    check({ text: [{ column: 'dimension', op: 'in', values: ['seats', 'Users'] }] });
    check({ text: [{ column: 'dimension', op: 'in', values: ['seats'], not: true }] });
    check({ text: [{ column: 'userName', op: 'equals', value: 'Metering' }] }); // event-level column
    check({ text: [{ column: 'eventId', op: 'contains', value: '0042' }] });
    check({ text: [{ column: 'status', op: 'equals', value: 'DuplicateRecord' }] });
    check({ text: [{ column: 'meteringRecordId', op: 'contains', value: 'EV-0001' }] });
    check({ text: [{ column: 'region', op: 'equals', value: 'eu-west-1' }] });
    check({
      text: [{ column: 'errorCode', op: 'equals', value: 'TimestampOutOfBoundsException' }],
    });
    check({ statuses: ['CustomerNotSubscribed', 'Unprocessed'] });
    check({ eventTime: { from: BASE + 3 * DAY_MS, to: BASE + 4 * DAY_MS } });
    check({ usageHour: { from: BASE + 3 * DAY_MS + 30 * 60_000, to: BASE + 5 * DAY_MS } });
    check({ quantity: { min: 10, max: 12 } });
    expect(count({ text: [{ column: 'dimension', op: 'equals', value: 'no-such' }] })).toBe(0);
    expect(count({ statuses: [] })).toBe(0);
    // `contains` takes regex characters literally.
    expect(count({ text: [{ column: 'licenseArn', op: 'contains', value: 'l-a.*' }] })).toBe(0);
  });

  it('sorts by event time, newest first, by default and keeps record order within an event', () => {
    const store = createAuditStore();
    store.append(events);
    const out = store.query({ limit: 50 });
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

  it('windows past the end and reports the version', () => {
    const store = createAuditStore();
    store.append(events.slice(0, 3));
    const total = store.rowCount();
    const out = store.query({ offset: total - 1, limit: 10 });
    expect(out.rows).toHaveLength(1);
    expect(store.query({ offset: total + 5, limit: 10 }).rows).toEqual([]);
    const v = store.version();
    store.append(events.slice(3, 4));
    expect(store.version()).toBeGreaterThan(v);
    expect(store.query({}).version).toBe(store.version());
  });

  it('aggregates per customer × dimension per day and hour, by dimension, status and error code', () => {
    const store = createAuditStore();
    store.append(events);
    for (const bucket of ['day', 'hour'] as const) {
      const size = bucket === 'day' ? DAY_MS : HOUR_MS;
      const filter: AuditFilter = {
        text: [{ column: 'region', op: 'equals', value: 'us-east-1' }],
      };
      const agg = store.aggregate(filter, { bucket });
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
      expect(agg.totals).toEqual({
        records: matching.length,
        calls: new Set(matching.map((r) => r.eventId)).size,
        quantity: matching.reduce((s, r) => s + r.quantity, 0),
        successQuantity: matching
          .filter((r) => r.status === 'Success')
          .reduce((s, r) => s + r.quantity, 0),
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

  it('buckets by event time when asked and caps the number of groups', () => {
    const store = createAuditStore();
    store.append(events);
    const agg = store.aggregate({}, { bucket: 'hour', time: 'eventTime', maxGroups: 10 });
    expect(agg.customerDimension).toHaveLength(10);
    expect(agg.customerDimensionTruncated).toBe(true);
    expect(agg.time).toBe('eventTime');
    const out = store.query({ limit: 1, aggregate: { bucket: 'day' } });
    expect(out.aggregates?.totals.records).toBe(rows.length);
  });

  it('round-trips through snapshots, merges scopes and removes one', () => {
    const store = createAuditStore();
    store.append(events);
    const east = store.snapshot({ accountId: '111122223333', region: 'us-east-1' });
    const west = store.snapshot({ accountId: '111122223333', region: 'eu-west-1' });
    expect(east.eventCount + west.eventCount).toBe(store.eventCount());

    const copy = createAuditStore();
    copy.appendSnapshot(store.snapshot());
    expect(copy.query({ limit: 5000 }).rows).toEqual(store.query({ limit: 5000 }).rows);

    const merged = createAuditStore();
    merged.appendSnapshot(west);
    merged.appendSnapshot(east);
    merged.appendSnapshot(east); // again: nothing new
    expect(merged.rowCount()).toBe(store.rowCount());
    // Storage order differs (west first), so compare in an order without ties.
    const byId = (list: AuditRow[]): AuditRow[] =>
      [...list].sort((a, b) => a.eventId.localeCompare(b.eventId) || a.recordIndex - b.recordIndex);
    expect(byId(merged.query({ limit: 5000 }).rows)).toEqual(
      byId(store.query({ limit: 5000 }).rows),
    );

    expect(merged.remove({ accountId: '111122223333', region: 'eu-west-1' })).toBe(west.eventCount);
    expect(merged.query({ limit: 5000 }).rows).toEqual(
      store.query({
        filter: { text: [{ column: 'region', op: 'equals', value: 'us-east-1' }] },
        limit: 5000,
      }).rows,
    );
    expect(merged.newestEventTime({ accountId: '111122223333', region: 'eu-west-1' })).toBeNull();
    expect(merged.newestEventTime()).toBe(
      Math.max(...rows.filter((r) => r.region === 'us-east-1').map((r) => r.eventTime)),
    );
  });

  it('keeps raw references and returns the rows of one event', () => {
    const store = createAuditStore();
    store.append(events.slice(0, 2), [{ offset: 0, length: 10 }, undefined]);
    expect(store.rawRef('ev-00000')).toEqual({ offset: 0, length: 10 });
    expect(store.rawRef('ev-00001')).toBeUndefined();
    store.setRawRef('ev-00001', { offset: 11, length: 5 });
    expect(store.rawRef('ev-00001')).toEqual({ offset: 11, length: 5 });
    expect(store.rowsOfEvent('ev-00001')).toEqual(events[1]?.rows);
    expect(store.eventScope('ev-00001')).toEqual({
      accountId: '111122223333',
      region: events[1]?.region,
    });
  });
});
