// The per-customer × dimension groups of the explorer's aggregate: ordered by bucket, then the
// customer, license and dimension as text (byte order, as the engine sorts text), capped at
// maxGroups after that order, and one group for every party sharing a customer and license.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  type AuditFilter,
  type AuditRow,
  type AuditStatus,
  type TruncatedPart,
} from '../../../shared/audit';
import { aggregate } from './aggregate';
import type { ParsedAuditEvent } from './parse';
import {
  openTestCache,
  parsedCall,
  storedEvents,
  T0,
  TEST_ACCOUNT,
  type TestCache,
  type TestUsageRow,
} from './testing';

type Who = Pick<
  AuditRow,
  'customerIdentifier' | 'customerAwsAccountId' | 'licenseArn' | 'productCode'
>;

// Stored in this order, so party and dimension codes disagree with the text order.
const WHO: Who[] = [
  { customerIdentifier: 'delta', productCode: 'prod-1' },
  { customerAwsAccountId: '777788889999', licenseArn: 'arn:l-b' },
  { customerIdentifier: 'Cust-Gamma', productCode: 'prod-1' },
  { customerAwsAccountId: '444455556666', licenseArn: 'arn:l-b' },
  { customerAwsAccountId: '444455556666', licenseArn: 'arn:l-a' },
  { customerIdentifier: 'cust-beta', productCode: 'prod-1' },
  // The same customer under another product: one group with the first.
  { customerIdentifier: 'delta', productCode: 'prod-2' },
];
const DIMENSIONS = ['users', 'Seats', 'api_calls'];

function events(): ParsedAuditEvent[] {
  const out: ParsedAuditEvent[] = [];
  for (let day = 0; day < 3; day++) {
    const eventTime = T0 + day * DAY_MS + 2 * HOUR_MS;
    const eventId = `ev-${String(day)}`;
    const rows: TestUsageRow[] = [];
    WHO.forEach((who, w) => {
      DIMENSIONS.forEach((dimension, d) => {
        rows.push({
          ...who,
          usageHour: eventTime - HOUR_MS,
          usageTime: eventTime - HOUR_MS,
          dimension,
          quantity: 1 + w * 10 + d + day * 100,
          status: 'Success',
          meteringRecordId: `mr-${String(day)}-${String(w)}-${String(d)}`,
        });
      });
    });
    out.push(parsedCall(eventId, eventTime, rows));
  }
  return out;
}

const bytes = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('the aggregate’s customer × dimension groups', () => {
  let t: TestCache;
  beforeAll(async () => {
    t = await openTestCache();
    await t.cache.store(storedEvents(events()));
  });
  afterAll(async () => t.close());

  it('come in bucket, customer, license and dimension text order, parties of one customer merged', async () => {
    for (const bucket of ['day', 'hour'] as const) {
      const agg = await aggregate(t.cache, {}, { bucket });
      const keys = agg.customerDimension.map((g) => [
        g.bucketStart,
        g.customer,
        g.licenseArn ?? '',
        g.dimension,
      ]);
      const sorted = [...keys].sort(
        (x, y) =>
          Number(x[0]) - Number(y[0]) ||
          bytes(String(x[1]), String(y[1])) ||
          bytes(String(x[2]), String(y[2])) ||
          bytes(String(x[3]), String(y[3])),
      );
      expect(keys).toEqual(sorted);
      // 6 distinct customer × license pairs × 3 dimensions × 3 days.
      expect(agg.customerDimension).toHaveLength(6 * 3 * 3);
      expect(keys[0]?.slice(1)).toEqual(['444455556666', 'arn:l-a', 'Seats']);
      const delta = agg.customerDimension.find(
        (g) => g.customer === 'delta' && g.dimension === 'users' && g.bucketStart < T0 + DAY_MS,
      );
      // delta under prod-1 (1 + 0) and under prod-2 (1 + 60).
      expect(delta).toMatchObject({ quantity: 62, successQuantity: 62, records: 2 });
      expect(delta?.licenseArn).toBeUndefined();
    }
  });

  it('keep the first maxGroups of that order', async () => {
    const all = await aggregate(t.cache, {}, { bucket: 'day' });
    for (const maxGroups of [1, 7, 18, 19, 53]) {
      const capped = await aggregate(t.cache, {}, { bucket: 'day', maxGroups });
      expect(capped.customerDimension).toEqual(all.customerDimension.slice(0, maxGroups));
      expect(capped.customerDimensionTruncated).toBe(maxGroups < all.customerDimension.length);
    }
  });
});

/** One event for `customer`s: its records share the status (and the error code when Failed). */
function call(
  eventId: string,
  customers: string[],
  status: AuditStatus,
  extra: { errorCode?: string; truncated?: TruncatedPart } = {},
): ParsedAuditEvent {
  const rows = customers.map((customerIdentifier, recordIndex) => ({
    usageHour: T0,
    usageTime: T0,
    customerIdentifier,
    quantity: 1,
    status,
    ...(status === 'Success' ? { meteringRecordId: `mr-${eventId}-${String(recordIndex)}` } : {}),
    ...(extra.errorCode === undefined ? {} : { errorCode: extra.errorCode }),
  }));
  return { ...parsedCall(eventId, T0 + HOUR_MS, rows), ...extra };
}

describe('the aggregate’s calls and error codes', () => {
  let t: TestCache;
  beforeAll(async () => {
    t = await openTestCache();
    // In two writes: the second adds to the rollups the first made.
    await t.cache.store(
      storedEvents([
        call('ev-a', ['x', 'x'], 'Success'),
        call('ev-b', ['x'], 'Unknown', { truncated: 'responseElements' }),
        call('ev-c', ['x', 'y', 'y'], 'Failed', { errorCode: 'ThrottlingException' }),
      ]),
    );
    await t.cache.store(
      storedEvents([
        call('ev-d', ['y'], 'Failed', { errorCode: 'InvalidCustomerIdentifierException' }),
        call('ev-e', ['y'], 'Success', { truncated: 'requestParameters' }),
      ]),
    );
  });
  afterAll(async () => {
    await t.close();
    await rm(t.dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('are the same from a cache the previous schema wrote (its failures rollup built on open)', async () => {
    const before = await aggregate(t.cache, {}, { bucket: 'day' });
    expect(before.errorCodes).toHaveLength(2);
    const T = t.cache.tables;
    await t.cache.db.write(async (tx) => {
      await tx.run(`DROP TABLE ${T.failures}`);
      await tx.run(`UPDATE ${T.meta} SET value = '1' WHERE key = 'schema_version'`);
    });
    await t.cache.close();
    const again = await openTestCache(TEST_ACCOUNT, t.dir);
    try {
      expect(await aggregate(again.cache, {}, { bucket: 'day' })).toEqual(before);
    } finally {
      await again.close();
    }
    t = await openTestCache(TEST_ACCOUNT, t.dir);
  });

  it('count distinct calls, truncated calls and failed records per code, filtered or not', async () => {
    const x: AuditFilter = {
      text: [{ column: 'customerIdentifier', op: 'equals', value: 'x' }],
    };
    for (const bucket of ['day', 'hour'] as const) {
      const one = await aggregate(t.cache, x, { bucket });
      expect(one.totals).toMatchObject({ records: 4, calls: 3, truncatedCalls: 1 });
      expect(one.errorCodes).toEqual([{ errorCode: 'ThrottlingException', calls: 1, records: 1 }]);
      const all = await aggregate(t.cache, {}, { bucket });
      expect(all.totals).toMatchObject({ records: 8, calls: 5, truncatedCalls: 2 });
      expect(all.errorCodes).toEqual([
        { errorCode: 'ThrottlingException', calls: 1, records: 3 },
        { errorCode: 'InvalidCustomerIdentifierException', calls: 1, records: 1 },
      ]);
      const none = await aggregate(t.cache, { statuses: ['DuplicateRecord'] }, { bucket });
      expect(none.totals).toMatchObject({ records: 0, calls: 0, truncatedCalls: 0 });
      expect(none.errorCodes).toEqual([]);
    }
  });
});
