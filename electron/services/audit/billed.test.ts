// The pre-flight clash check's real look-up: a plan's records asked of an account's audit cache
// (DuckDB through the adapter, as the app opens it). A (customer, dimension, hour) CloudTrail
// shows billed by another caller is "already billed" when the quantity is the same and
// "AWS would answer DuplicateRecord; X stands" when it differs — X the first billed quantity,
// not a later replay's, nor a DuplicateRecord's — and the plan says how fresh the cache is for
// those hours: complete only when the sync's coverage spans the time the call could be logged.
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS, type AuditRow } from '../../../shared/audit';
import { BATCH_WINDOW_MS } from '../../../shared/aws/metering-rules';
import type { ConnectionSummary } from '../../../shared/contract';
import type { UsageRecord } from '../../../shared/metering';
import { testInstant } from '../../testing/time';
import { createPlanChecks } from '../metering/plan-checks';
import type { BillingGuardPort } from '../metering/submissions';
import { createBilledLookup } from './billed';
import type { ParsedAuditEvent } from './parse';
import { openTestCache, parsedCall, storedEvents, type TestCache } from './testing';

const NOW = testInstant();
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const HOUR = Math.floor(NOW / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;

const connection = {
  id: 'prod',
  name: 'Production',
  kind: 'profile',
  isSandbox: false,
  region: REGION,
  regions: [REGION],
  accountId: ACCOUNT,
} as unknown as ConnectionSummary;

const guard: BillingGuardPort = {
  target: () => Promise.reject(new Error('not used')),
  preview: () => {
    throw new Error('not used');
  },
  require: () => undefined,
};

type Sent = { customer: string; quantity: number; status: AuditRow['status']; mrid?: string };

/** A BatchMeterUsage call by the seller's own metering service, `minutes` into the next hour. */
function call(id: string, minutes: number, records: Sent[]): ParsedAuditEvent {
  const eventTime = HOUR + HOUR_MS + minutes * 60_000;
  const caller = {
    callerArn: `arn:aws:iam::${ACCOUNT}:user/metering-service`,
    userName: 'metering-service',
    identityType: 'IAMUser',
    person: 'metering-service',
    requestId: `req-${id}`,
  };
  return parsedCall(
    id,
    eventTime,
    records.map((r) => ({
      usageHour: HOUR,
      usageTime: HOUR + 60_000,
      customerIdentifier: r.customer,
      productCode: 'prod-abc',
      dimension: 'Users',
      quantity: r.quantity,
      status: r.status,
      ...(r.mrid === undefined ? {} : { meteringRecordId: r.mrid }),
    })),
    { region: REGION, accountId: ACCOUNT, caller },
  );
}

const record = (customerIdentifier: string, quantity: number): UsageRecord => ({
  productId: 'p',
  operation: 'BatchMeterUsage',
  productCode: 'prod-abc',
  customerIdentifier,
  dimension: 'Users',
  quantity,
  timestamp: new Date(HOUR + 30 * 60_000).toISOString(),
});

let t: TestCache | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function checksOver(coverage: [number, number][]) {
  t = await openTestCache(ACCOUNT);
  const cache = t.cache;
  await cache.store(
    storedEvents([
      call('ev-1', 5, [
        { customer: 'cust-same', quantity: 7, status: 'Success', mrid: 'mr-same' },
        { customer: 'cust-other', quantity: 9, status: 'Success', mrid: 'mr-other' },
      ]),
      // Later: a replay of cust-other (same id) and a DuplicateRecord with another quantity.
      call('ev-2', 40, [
        { customer: 'cust-other', quantity: 9, status: 'Success', mrid: 'mr-other' },
        { customer: 'cust-dup', quantity: 3, status: 'DuplicateRecord' },
      ]),
    ]),
  );
  await cache.writeSyncState(REGION, { coverage });
  return createPlanChecks({
    inFlight: () => undefined,
    billed: () => createBilledLookup(() => Promise.resolve(cache)),
    guard,
    active: () => connection,
    now: () => NOW,
  });
}

describe('pre-flight clash check against a real audit cache', () => {
  it('flags same quantity as already billed and another as DuplicateRecord with the billed quantity standing', async () => {
    const coveredUntil = NOW - 60_000;
    const checks = await checksOver([[HOUR - 6 * HOUR_MS, coveredUntil]]);
    const { issues, cloudTrail } = await checks.records([
      record('cust-same', 7),
      record('cust-other', 4),
      record('cust-dup', 3),
      record('cust-new', 5),
    ]);
    expect(issues.get(0)).toEqual([
      expect.objectContaining({
        code: 'cloudtrail-billed-same',
        severity: 'warning',
        message: expect.stringContaining(
          'Already billed per CloudTrail (quantity 7, MeteringRecordId mr-same, sent by metering-service at',
        ) as string,
      }),
    ]);
    expect(issues.get(1)).toEqual([
      expect.objectContaining({
        code: 'cloudtrail-billed-different',
        severity: 'error',
        message: expect.stringContaining(
          'AWS would answer DuplicateRecord; 9 stands (billed per CloudTrail, MeteringRecordId mr-other',
        ) as string,
      }),
    ]);
    // The evidence is the first Success (ev-1), not the replay.
    expect(issues.get(1)?.[0]?.message).toContain(
      new Date(HOUR + HOUR_MS + 5 * 60_000).toISOString(),
    );
    // A DuplicateRecord in the cache billed nothing; a key nobody sent is free.
    expect(issues.has(2)).toBe(false);
    expect(issues.has(3)).toBe(false);
    // The hour's calls can be logged until now (24 h batch window not over): covered to now - 1 min.
    expect(HOUR + HOUR_MS + BATCH_WINDOW_MS).toBeGreaterThan(NOW);
    expect(cloudTrail).toEqual({ checked: 4, billed: 2, complete: false, coveredUntil });
  });

  it('calls the cache complete for those hours once its coverage spans until now', async () => {
    const checks = await checksOver([[HOUR - 6 * HOUR_MS, NOW]]);
    const { issues, cloudTrail } = await checks.records([record('cust-new', 5)]);
    expect(issues.size).toBe(0);
    expect(cloudTrail).toEqual({ checked: 1, billed: 0, complete: true, coveredUntil: NOW });
  });
});
