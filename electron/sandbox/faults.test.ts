// Rate limits and fault injection, one test per kind, through the real SDK clients.
import { CloudTrailServiceException, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  BatchMeterUsageCommand,
  MarketplaceMeteringServiceException,
  ResolveCustomerCommand,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';

const HOUR = 3_600_000;

describe('rate limits and faults', () => {
  let t: TestSandbox;
  let f: Fixtures;
  let n = 0;
  let customers: string[] = [];
  // Every record gets its own (customer, dimension, hour) so no two collide in the dedup index.
  const records = (count: number): UsageRecord[] =>
    Array.from({ length: count }, () => {
      const i = n++;
      const dims = f.legacy.dimensions.length;
      return {
        Timestamp: new Date(t.now() - ((i % 6) + 1) * HOUR),
        Dimension: f.legacy.dimensions[Math.floor(i / 6) % dims]?.name ?? '',
        Quantity: i,
        CustomerIdentifier: customers[Math.floor(i / (6 * dims)) % customers.length] ?? '',
      };
    });
  const batch = (client = t.metering(), n = 1) =>
    client.send(
      new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: records(n) }),
    );
  const ledger = async () => (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
  const faults = (body: Record<string, unknown>) => t.admin('PUT', '/_sandbox/faults', body);
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e as MarketplaceMeteringServiceException,
    );

  beforeAll(async () => {
    t = await startTestSandbox({ rateLimits: false });
    const state = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    f = fixtures(state);
    const billable = new Set(
      state.customers.filter((c) => !c.suspended).map((c) => c.awsAccountId),
    );
    customers = state.subscriptions
      .filter(
        (s) =>
          s.productCode === f.legacy.productCode &&
          s.status === 'active' &&
          billable.has(s.customerAwsAccountId),
      )
      .map((s) => s.customerIdentifier ?? '');
  });
  afterEach(async () => {
    await faults({});
    await t.admin('PUT', '/_sandbox/rate-limits', { enabled: false });
  });
  afterAll(() => t.close());

  it('enforces the configured BatchMeterUsage rate per access key', async () => {
    await t.admin('PUT', '/_sandbox/rate-limits', { enabled: true, rates: { BatchMeterUsage: 3 } });
    const client = t.metering({ maxAttempts: 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        batch(client).then(
          () => 'ok',
          (e: unknown) => (e as MarketplaceMeteringServiceException).name,
        ),
      ),
    );
    // A full bucket of 3, then throttled; at most one token may refill on a slow machine.
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => o === 'ThrottlingException')).toHaveLength(6 - ok);
    const e = await failure(batch(client));
    expect(e.$metadata.httpStatusCode).toBe(400);
    // Another API has its own bucket.
    const other = await failure(
      client.send(new ResolveCustomerCommand({ RegistrationToken: 'x' })),
    );
    expect(other.name).toBe('InvalidTokenException');
  });

  it('throttles LookupEvents at 2/s with HTTP 429', async () => {
    await t.admin('PUT', '/_sandbox/rate-limits', { enabled: true });
    const client = t.cloudTrail({ maxAttempts: 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.send(new LookupEventsCommand({ MaxResults: 1 })).then(
          () => 200,
          (e: unknown) => {
            expect(e).toBeInstanceOf(CloudTrailServiceException);
            expect((e as CloudTrailServiceException).name).toBe('ThrottlingException');
            return (e as CloudTrailServiceException).$metadata.httpStatusCode;
          },
        ),
      ),
    );
    // Burst of 2, then 429 (one refill is tolerated on a slow machine).
    expect(outcomes.filter((o) => o === 200).length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 429).length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o === 200 || o === 429)).toBe(true);
  });

  it('throttleRate → ThrottlingException', async () => {
    await faults({ throttleRate: 1 });
    const e = await failure(batch());
    expect(e.name).toBe('ThrottlingException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('serverErrorRate → InternalServiceErrorException 500', async () => {
    await faults({ serverErrorRate: 1 });
    const e = await failure(batch());
    expect(e.name).toBe('InternalServiceErrorException');
    expect(e.$fault).toBe('server');
    expect(e.$metadata.httpStatusCode).toBe(500);
  });

  it('dropConnectionRate → no answer and nothing billed', async () => {
    const before = (await ledger()).length;
    await faults({ dropConnectionRate: 1 });
    const e = await failure(batch());
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(MarketplaceMeteringServiceException);
    expect((await ledger()).length).toBe(before);
    await faults({ dropConnectionRate: null });
    expect((await batch()).Results?.[0]?.Status).toBe('Success');
  });

  it('dropAfterApplyRate → no answer, but billed; a retry gets the original id', async () => {
    const before = (await ledger()).length;
    await faults({ dropAfterApplyRate: 1 });
    const sent = records(1);
    const client = t.metering();
    await failure(
      client.send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: sent }),
      ),
    );
    const after = await ledger();
    expect(after.length).toBe(before + 1);
    await faults({});
    const retry = await client.send(
      new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: sent }),
    );
    expect(retry.Results?.[0]?.Status).toBe('Success');
    expect(retry.Results?.[0]?.MeteringRecordId).toBe(after.at(-1)?.meteringRecordId);
    expect((await ledger()).length).toBe(before + 1);
  });

  it('unprocessedRate → records come back in UnprocessedRecords and are not billed', async () => {
    const before = (await ledger()).length;
    await faults({ unprocessedRate: 0.5 });
    const res = await batch(t.metering(), 25);
    const unprocessed = res.UnprocessedRecords ?? [];
    const results = res.Results ?? [];
    expect(unprocessed.length).toBeGreaterThan(0);
    expect(results.length).toBeGreaterThan(0);
    expect(unprocessed.length + results.length).toBe(25);
    expect((await ledger()).length).toBe(before + results.length);
    expect(unprocessed[0]?.Timestamp).toBeInstanceOf(Date);
  });

  it('latencyMs delays the answer', async () => {
    await faults({ latencyMs: 150 });
    const started = performance.now();
    await batch();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('denyActions → AccessDeniedException 403, optionally per access key', async () => {
    await faults({ denyActions: [{ action: 'aws-marketplace:BatchMeterUsage' }] });
    const e = await failure(batch());
    expect(e).toBeInstanceOf(MarketplaceMeteringServiceException);
    expect(e.name).toBe('AccessDeniedException');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message).toMatch(
      /^User: arn:aws:iam::\d{12}:user\/.+ is not authorized to perform: aws-marketplace:BatchMeterUsage/,
    );

    const other = (
      await t.admin<{ accessKeyId: string; secretAccessKey: string }>(
        'POST',
        '/_sandbox/credentials',
        {},
      )
    ).body;
    await faults({
      denyActions: [{ accessKeyId: t.sandbox.accessKeyId, action: 'BatchMeterUsage' }],
    });
    expect((await failure(batch())).name).toBe('AccessDeniedException');
    expect((await batch(t.metering(other))).Results?.[0]?.Status).toBe('Success');
    // null clears.
    await faults({ denyActions: null });
    expect((await batch()).Results?.[0]?.Status).toBe('Success');
  });

  it('validates fault settings', async () => {
    expect((await faults({ throttleRate: 2 })).status).toBe(400);
    const set = await t.admin<Record<string, unknown>>('PUT', '/_sandbox/faults', {
      throttleRate: 0.25,
      latencyMs: 10,
    });
    expect(set.body).toEqual({ throttleRate: 0.25, latencyMs: 10 });
    // PUT replaces: omitted knobs are cleared.
    expect((await t.admin('PUT', '/_sandbox/faults', { latencyMs: 5 })).body).toEqual({
      latencyMs: 5,
    });
  });
});
