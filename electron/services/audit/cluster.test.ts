// Sorting the records by customer changes how much a question reads, never its answer: windows,
// counts, aggregates and billed-once standing are the same before and after, records stored
// afterwards are settled against the sorted ones, and the daily rollup is not asked while a bulk
// load has left it behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditFilter, AuditSort } from '../../../shared/audit';
import { aggregate, rollupAnswers } from './aggregate';
import { CLUSTER_MIN_ROWS, CLUSTER_ORDER, clusterDue } from './cluster';
import { queryWindow } from './explorer';
import { appendEvents } from './sink';
import { meteringEvent, openTestCache, TEST_ACCOUNT, type TestCache } from './testing';

const scope = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
const events = Array.from({ length: 60 }, (_, i) => meteringEvent(i, 'us-east-1', 1 + (i % 4)));

const FILTERS: AuditFilter[] = [
  {},
  { text: [{ column: 'customerAwsAccountId', op: 'equals', value: '444455550003' }] },
  {
    text: [
      { column: 'customerAwsAccountId', op: 'equals', value: '444455550005' },
      { column: 'dimension', op: 'equals', value: 'dim-1' },
    ],
  },
  { text: [{ column: 'dimension', op: 'equals', value: 'dim-2' }] },
];
const SORTS: AuditSort[] = [
  { column: 'eventTime', direction: 'desc' },
  { column: 'quantity', direction: 'asc' },
  { column: 'customerAwsAccountId', direction: 'asc' },
];

async function answers(t: TestCache): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const filter of FILTERS) {
    for (const sort of SORTS) {
      out.push(await queryWindow(t.cache, { filter, sort, offset: 3, limit: 40 }));
    }
    for (const bucket of ['day', 'hour'] as const) {
      out.push(await aggregate(t.cache, filter, { bucket }));
    }
  }
  return out;
}

async function storedOrder(t: TestCache): Promise<string[]> {
  const rows = await t.cache.db.all(
    `SELECT party_code, dimension_code, event_time, event_seq, record_index FROM ${t.cache.tables.records}`,
  );
  return rows.map((r) => Object.values(r).join('|'));
}

describe('records sorted by customer', () => {
  let t: TestCache | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answer every question as before, stored in customer order', async () => {
    t = await openTestCache();
    await appendEvents(t.cache, scope, events);
    const before = await answers(t);
    const arrival = await storedOrder(t);
    expect(await t.cache.cluster()).toBe(false); // far fewer than CLUSTER_MIN_ROWS
    expect(await t.cache.cluster({ force: true })).toBe(true);
    const sorted = await t.cache.db.all(
      `SELECT party_code, dimension_code, event_time, event_seq, record_index FROM ${t.cache.tables.records} ORDER BY ${CLUSTER_ORDER}`,
    );
    const order = await storedOrder(t);
    expect(order).toEqual(sorted.map((r) => Object.values(r).join('|')));
    expect(order).not.toEqual(arrival);
    expect(await answers(t)).toEqual(before);
  });

  it('settle records stored after the sort against the sorted ones (a replay stays a replay)', async () => {
    t = await openTestCache();
    await appendEvents(t.cache, scope, events.slice(0, 30));
    await t.cache.cluster({ force: true });
    // The same call again: same records, same MeteringRecordIds, another event id.
    const again = meteringEvent(7, 'us-east-1', 4);
    const record = JSON.parse(again.cloudTrailEvent) as Record<string, unknown>;
    const replay = {
      ...again,
      eventId: 'ev-7-again',
      eventTime: again.eventTime + 600_000,
      cloudTrailEvent: JSON.stringify({
        ...record,
        eventID: 'ev-7-again',
        eventTime: new Date(again.eventTime + 600_000).toISOString().replace('.000', ''),
      }),
    };
    await appendEvents(t.cache, scope, [replay]);
    const kinds = await t.cache.db.all(
      `SELECT billing, count(*) AS n FROM usage_records WHERE metering_record_id LIKE 'm-7-%' GROUP BY ALL ORDER BY 1`,
    );
    expect(kinds).toEqual([
      { billing: 'billed', n: 4 },
      { billing: 'replay', n: 4 },
    ]);
  });

  it('are sorted again once many were stored since, and a quarter of all', () => {
    expect(clusterDue(CLUSTER_MIN_ROWS - 1, CLUSTER_MIN_ROWS)).toBe(false);
    expect(clusterDue(CLUSTER_MIN_ROWS, 4 * CLUSTER_MIN_ROWS)).toBe(true);
    expect(clusterDue(CLUSTER_MIN_ROWS, 4 * CLUSTER_MIN_ROWS + 1)).toBe(false);
  });

  it('never ask the daily rollup while a bulk load has left it behind', async () => {
    t = await openTestCache();
    await appendEvents(t.cache, scope, events.slice(0, 20));
    await appendEvents(t.cache, scope, events.slice(20), { bulk: true });
    expect(t.cache.rollupReady()).toBe(false);
    expect(rollupAnswers(t.cache, {})).toBe(false);
    const during = await aggregate(t.cache, {}, { bucket: 'day' });
    const window = await queryWindow(t.cache, { filter: FILTERS[1] ?? {}, offset: 0, limit: 0 });
    await t.cache.finishBulk();
    expect(t.cache.rollupReady()).toBe(true);
    expect(during).toEqual(await aggregate(t.cache, {}, { bucket: 'day' }));
    expect(window).toEqual(
      await queryWindow(t.cache, { filter: FILTERS[1] ?? {}, offset: 0, limit: 0 }),
    );
    expect(during.totals.records).toBe((await t.cache.counts()).rows);
  });
});
