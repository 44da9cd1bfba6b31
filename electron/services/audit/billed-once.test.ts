// The billed-once rule in the cache (DESIGN §4): a record is billed when AWS answered Success
// with a MeteringRecordId; the same id seen again (a replay, a resume, a second event) is a
// replay — shown and counted as one, never added to billed totals; DuplicateRecord is never
// billed. Records follow AWS-FACTS §0.1: an identical record re-sent in the same hour comes back
// Success with the same MeteringRecordId, each send its own CloudTrail event.
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS, type AuditStatus } from '../../../shared/audit';
import { aggregate } from './aggregate';
import type { ParsedAuditEvent } from './parse';
import { openTestCache, parsedCall, storedEvents, type TestCache } from './testing';

const HOUR = Date.UTC(2026, 6, 1, 14);
const ACCOUNT = '111122223333';

function event(
  id: string,
  minutesAfterHour: number,
  records: { customer: string; quantity: number; status: AuditStatus; mrid?: string }[],
): ParsedAuditEvent {
  return parsedCall(
    id,
    HOUR + HOUR_MS + minutesAfterHour * 60_000,
    records.map((r) => ({
      usageHour: HOUR,
      usageTime: HOUR + 60_000,
      customerAwsAccountId: r.customer,
      quantity: r.quantity,
      status: r.status,
      ...(r.mrid === undefined ? {} : { meteringRecordId: r.mrid }),
    })),
    { accountId: ACCOUNT },
  );
}

const first = event('ev-first', 2, [
  { customer: '444455556666', quantity: 700, status: 'Success', mrid: 'mr-a' },
  { customer: '777788889999', quantity: 5, status: 'Success', mrid: 'mr-b' },
]);
// The same record sent again later: AWS answers Success with the same id.
const replay = event('ev-replay', 40, [
  { customer: '444455556666', quantity: 700, status: 'Success', mrid: 'mr-a' },
]);
// A different quantity for the same key: DuplicateRecord, the first quantity stands.
const duplicate = event('ev-duplicate', 50, [
  { customer: '777788889999', quantity: 9, status: 'DuplicateRecord' },
]);

async function billingOf(t: TestCache): Promise<Record<string, string>> {
  const rows = await t.cache.db.all(
    'SELECT event_id, record_index, billing FROM usage_records ORDER BY event_id, record_index',
  );
  return Object.fromEntries(
    rows.map((r) => [`${String(r.event_id)}#${String(r.record_index)}`, String(r.billing)]),
  );
}

describe('billed once in the cache', () => {
  let t: TestCache;
  afterEach(() => t.close());

  it('a replayed record is billed once in totals, charts and the usage_records view', async () => {
    t = await openTestCache();
    await t.cache.store(storedEvents([first, replay, duplicate]));
    expect(await billingOf(t)).toEqual({
      'ev-first#0': 'billed',
      'ev-first#1': 'billed',
      'ev-replay#0': 'replay',
      'ev-duplicate#0': 'duplicate',
    });
    for (const bucket of ['day', 'hour'] as const) {
      const agg = await aggregate(t.cache, {}, { bucket });
      expect(agg.totals).toMatchObject({ records: 4, calls: 3, successQuantity: 705 });
      expect(agg.customerDimension.find((g) => g.customer === '444455556666')).toMatchObject({
        quantity: 1400,
        successQuantity: 700,
        records: 2,
      });
      expect(agg.dimensionSeries.reduce((s, p) => s + p.successQuantity, 0)).toBe(705);
    }
    const sums = await t.cache.db.all(
      'SELECT sum(billed_quantity) AS billed, count(*) FILTER (WHERE billing = $1) AS replays FROM usage_records',
      ['replay'],
    );
    expect(sums[0]).toEqual({ billed: 705, replays: 1 });
  });

  it('the earliest send is the billed one, whichever arrives first', async () => {
    t = await openTestCache();
    // The later event reaches the cache first (LookupEvents pages newest first).
    await t.cache.store(storedEvents([replay]));
    expect(await billingOf(t)).toEqual({ 'ev-replay#0': 'billed' });
    await t.cache.store(storedEvents([first]));
    expect(await billingOf(t)).toMatchObject({ 'ev-first#0': 'billed', 'ev-replay#0': 'replay' });
    const agg = await aggregate(t.cache, {}, { bucket: 'day' });
    expect(agg.totals.successQuantity).toBe(705);
  });

  it('a bulk load settles the same way once finished, also after a restart mid-way', async () => {
    t = await openTestCache();
    await t.cache.store(storedEvents([replay]), { bulk: true });
    await t.cache.store(storedEvents([first, duplicate]), { bulk: true });
    // The app stops before finishing: the next open redoes the daily totals.
    await t.cache.close();
    const reopened = await openTestCache(ACCOUNT, t.dir);
    const agg = await aggregate(reopened.cache, {}, { bucket: 'day' });
    expect(agg.totals).toMatchObject({ records: 4, successQuantity: 705 });
    expect(await billingOf(reopened)).toMatchObject({ 'ev-replay#0': 'replay' });
    await reopened.close();
    await rm(t.dir, { recursive: true, force: true, maxRetries: 3 });
    t = { ...t, close: () => Promise.resolve() };
  });
});
