// The pre-flight clash check: records CloudTrail shows billed already, by any caller, are flagged
// before a plan can be submitted (same quantity: already billed; another: DuplicateRecord, X
// stands), with how fresh the cache is; records in flight are refused naming their submission.
import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../shared/contract';
import type { UsageRecord } from '../../../shared/metering';
import { recordKey } from '../../../shared/metering';
import type { BilledAnswer, BilledQuery } from '../billed-lookup';
import { createPlanChecks } from './plan-checks';
import type { BillingGuardPort } from './submissions';
import { testInstant } from '../../testing/time';

const NOW = testInstant();
const HOUR = 3_600_000;
const hour = Math.floor(NOW / HOUR) * HOUR - 2 * HOUR;

const connection = {
  id: 'prod',
  name: 'Production',
  kind: 'profile',
  isSandbox: false,
  region: 'us-east-1',
  regions: ['us-east-1'],
  accountId: '111122223333',
} as unknown as ConnectionSummary;

const record = (customerIdentifier: string, quantity: number): UsageRecord => ({
  productId: 'p',
  operation: 'BatchMeterUsage',
  productCode: 'prod-abc',
  customerIdentifier,
  dimension: 'Users',
  quantity,
  timestamp: new Date(hour + 60_000).toISOString(),
});

const guard: BillingGuardPort = {
  target: () => Promise.reject(new Error('not used')),
  preview: () => {
    throw new Error('not used');
  },
  require: () => undefined,
};

describe('pre-flight clash check against CloudTrail', () => {
  it('flags records billed already by another caller, says which quantity stands, and how fresh the cache is', async () => {
    const asked: BilledQuery[] = [];
    const evidence = {
      eventId: 'ev-1',
      eventTime: hour + 30 * 60_000,
      meteringRecordId: 'mr-prod-1',
      person: 'metering-service',
      by: 'record' as const,
    };
    const answers: Record<string, BilledAnswer> = {
      same: { billed: { ...evidence, quantity: 7 }, complete: true, coveredUntil: NOW - 60_000 },
      other: { billed: { ...evidence, quantity: 9 }, complete: true, coveredUntil: NOW - 60_000 },
      fresh: { billed: null, complete: false, coveredUntil: NOW - 60_000 },
    };
    const checks = createPlanChecks({
      inFlight: () => undefined,
      billed: () => ({
        lookup: (queries) => {
          asked.push(...queries);
          return Promise.resolve(
            queries.map(
              (q) => answers[q.customer] ?? { billed: null, complete: false, coveredUntil: null },
            ),
          );
        },
      }),
      guard,
      active: () => connection,
      now: () => NOW,
    });
    const { issues, cloudTrail } = await checks.records([
      record('same', 7),
      record('other', 4),
      record('fresh', 5),
    ]);
    expect(asked[0]).toMatchObject({
      accountId: '111122223333',
      region: 'us-east-1',
      customer: 'same',
      dimension: 'Users',
      hour,
      sentFrom: hour,
      sentTo: NOW,
    });
    expect(issues.get(0)).toEqual([
      expect.objectContaining({
        code: 'cloudtrail-billed-same',
        severity: 'warning',
        message: expect.stringContaining(
          'Already billed per CloudTrail (quantity 7, MeteringRecordId mr-prod-1, sent by metering-service',
        ) as unknown,
      }),
    ]);
    expect(issues.get(1)).toEqual([
      expect.objectContaining({
        code: 'cloudtrail-billed-different',
        severity: 'error',
        message: expect.stringContaining('AWS would answer DuplicateRecord; 9 stands') as unknown,
      }),
    ]);
    expect(issues.has(2)).toBe(false);
    expect(cloudTrail).toEqual({
      checked: 3,
      billed: 2,
      complete: false,
      coveredUntil: NOW - 60_000,
    });
  });

  it('refuses records another submission is sending, naming it', async () => {
    const busy = record('busy', 3);
    const checks = createPlanChecks({
      inFlight: (key) => (key === recordKey(busy) ? 'sub-running' : undefined),
      billed: () => ({
        lookup: (queries) =>
          Promise.resolve(queries.map(() => ({ billed: null, complete: true, coveredUntil: NOW }))),
      }),
      guard,
      active: () => connection,
      now: () => NOW,
    });
    const { issues, cloudTrail } = await checks.records([busy, record('idle', 3)]);
    expect(issues.get(0)).toEqual([
      expect.objectContaining({
        code: 'in-flight',
        severity: 'error',
        message: 'Being sent right now by submission sub-running.',
      }),
    ]);
    expect(issues.has(1)).toBe(false);
    expect(cloudTrail).toEqual({ checked: 2, billed: 0, complete: true, coveredUntil: NOW });
  });
});
