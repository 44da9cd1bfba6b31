// Metering semantics through the real SDK client over HTTP (AWS-FACTS §1).
import {
  BatchMeterUsageCommand,
  MarketplaceMeteringServiceException,
  MeterUsageCommand,
  RegisterUsageCommand,
  ResolveCustomerCommand,
  type MarketplaceMeteringClient,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPs256 } from './jwt';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';

const HOUR = 3_600_000;

async function expectAwsError(
  promise: Promise<unknown>,
  name: string,
  status = 400,
): Promise<MarketplaceMeteringServiceException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MarketplaceMeteringServiceException);
    const e = error as MarketplaceMeteringServiceException;
    expect(e.name).toBe(name);
    expect(e.$metadata.httpStatusCode).toBe(status);
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

describe('metering semantics', () => {
  // A fixed mid-month clock; tests move it where a window needs it.
  const start = Date.UTC(2026, 6, 10, 12, 0);
  let clock = start;
  let t: TestSandbox;
  let client: MarketplaceMeteringClient;
  let f: Fixtures;
  let state: AdminState;

  const ledger = async () => (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
  const legacyRecord = (over: Partial<UsageRecord> = {}): UsageRecord => ({
    Timestamp: new Date(clock - HOUR),
    Dimension: f.legacy.dimensions[0]?.name ?? '',
    Quantity: 1,
    CustomerIdentifier: f.legacySub.customerIdentifier,
    ...over,
  });
  const caRecord = (over: Partial<UsageRecord> = {}): UsageRecord => ({
    Timestamp: new Date(clock - HOUR),
    Dimension: f.ca.dimensions[0]?.name ?? '',
    Quantity: 1,
    CustomerAWSAccountId: f.caSub.customerAwsAccountId,
    LicenseArn: f.caSub.licenseArn,
    ...over,
  });
  // `null` leaves ProductCode out (concurrent agreements).
  const batch = (records: UsageRecord[], productCode: string | null = f.legacy.productCode) =>
    client.send(
      new BatchMeterUsageCommand({
        ...(productCode !== null ? { ProductCode: productCode } : {}),
        UsageRecords: records,
      }),
    );

  beforeAll(async () => {
    t = await startTestSandbox({ now: () => clock });
    client = t.metering();
    state = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    f = fixtures(state);
  });
  afterAll(() => t.close());

  it('bills a legacy record and dedups by (product, customer, dimension, hour)', async () => {
    const ts = new Date(clock - 2 * HOUR);
    const first = await batch([legacyRecord({ Timestamp: ts, Quantity: 7 })]);
    const id = first.Results?.[0]?.MeteringRecordId;
    expect(first.Results?.[0]?.Status).toBe('Success');
    expect(id).toBeTruthy();
    expect(first.Results?.[0]?.UsageRecord?.Quantity).toBe(7);
    expect(first.UnprocessedRecords).toEqual([]);

    // Identical re-send, even naming the customer by account id and later in the same hour:
    // Success with the ORIGINAL id, nothing billed twice.
    const again = await batch([
      legacyRecord({
        Timestamp: new Date(ts.getTime() + 60_000),
        Quantity: 7,
        CustomerIdentifier: undefined,
        CustomerAWSAccountId: f.legacySub.customerAwsAccountId,
      }),
    ]);
    expect(again.Results?.[0]?.Status).toBe('Success');
    expect(again.Results?.[0]?.MeteringRecordId).toBe(id);

    // A different quantity for the same key: DuplicateRecord, and the first quantity stands.
    const changed = await batch([legacyRecord({ Timestamp: ts, Quantity: 8 })]);
    expect(changed.Results?.[0]?.Status).toBe('DuplicateRecord');
    const billed = (await ledger()).filter((e) => e.meteringRecordId === id);
    expect(billed).toHaveLength(1);
    expect(billed[0]?.quantity).toBe(7);
  });

  it('meters concurrent-agreements records by LicenseArn without ProductCode', async () => {
    const res = await batch([caRecord({ Quantity: 3 })], null);
    expect(res.Results?.[0]?.Status).toBe('Success');
    const entry = (await ledger()).find(
      (e) => e.meteringRecordId === res.Results?.[0]?.MeteringRecordId,
    );
    expect(entry).toMatchObject({
      productCode: f.ca.productCode,
      licenseArn: f.caSub.licenseArn,
      customerAwsAccountId: f.caSub.customerAwsAccountId,
      quantity: 3,
    });
    await expectAwsError(batch([caRecord()], f.ca.productCode), 'InvalidProductCodeException');
    await expectAwsError(
      batch([caRecord({ LicenseArn: 'arn:aws:license-manager::1:license:l-nope' })], null),
      'InvalidLicenseException',
    );
    await expectAwsError(
      batch([caRecord({ LicenseArn: 'not-an-arn' })], null),
      'InvalidLicenseException',
    );
    const other = state.customers.find((c) => c.awsAccountId !== f.caSub.customerAwsAccountId);
    await expectAwsError(
      batch([caRecord({ CustomerAWSAccountId: other?.awsAccountId ?? '1' })], null),
      'InvalidLicenseException',
    );
    await expectAwsError(
      batch([caRecord({ CustomerAWSAccountId: undefined, CustomerIdentifier: 'abc' })], null),
      'InvalidCustomerIdentifierException',
    );
  });

  it('rejects usage before the license activation period', async () => {
    // Move the clock before the license was activated (the world was made at `start`).
    clock = f.caSub.activatedAt - 2 * HOUR;
    try {
      await expectAwsError(batch([caRecord()], null), 'InvalidLicenseException');
    } finally {
      clock = start;
    }
  });

  it('enforces exactly one customer id, int32 quantities and the 25-record cap', async () => {
    await expectAwsError(
      batch([legacyRecord({ CustomerAWSAccountId: f.legacySub.customerAwsAccountId })]),
      'ValidationException',
    );
    await expectAwsError(
      batch([legacyRecord({ CustomerIdentifier: undefined })]),
      'ValidationException',
    );
    await expectAwsError(batch([legacyRecord({ Quantity: 2_147_483_648 })]), 'ValidationException');
    await expectAwsError(batch([legacyRecord({ Quantity: -1 })]), 'ValidationException');
    await expectAwsError(batch([legacyRecord({ Quantity: 1.5 })]), 'ValidationException');
    const many = Array.from({ length: 26 }, (_, i) =>
      legacyRecord({ Timestamp: new Date(clock - (i + 1) * 60_000) }),
    );
    await expectAwsError(batch(many), 'ValidationException');
  });

  it('checks allocations and tags', async () => {
    const d = f.legacy.dimensions[1]?.name ?? '';
    const tag = (Key: string, Value: string) => ({ Key, Value });
    await expectAwsError(
      batch([
        legacyRecord({
          Dimension: d,
          Quantity: 5,
          UsageAllocations: [{ AllocatedUsageQuantity: 4 }],
        }),
      ]),
      'InvalidUsageAllocationsException',
    );
    await expectAwsError(
      batch([
        legacyRecord({
          Dimension: d,
          Quantity: 2501,
          UsageAllocations: Array.from({ length: 2501 }, (_, i) => ({
            AllocatedUsageQuantity: 1,
            Tags: [tag('n', String(i))],
          })),
        }),
      ]),
      'InvalidUsageAllocationsException',
    );
    await expectAwsError(
      batch([
        legacyRecord({
          Dimension: d,
          Quantity: 1,
          UsageAllocations: [
            {
              AllocatedUsageQuantity: 1,
              Tags: ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => tag(k, 'v')),
            },
          ],
        }),
      ]),
      'InvalidTagException',
    );
    await expectAwsError(
      batch([
        legacyRecord({
          Dimension: d,
          Quantity: 1,
          // The model's pattern ^[a-zA-Z0-9+ -=._:\/@]+$ has no '>' (its ' -=' range ends at '=').
          UsageAllocations: [{ AllocatedUsageQuantity: 1, Tags: [tag('cost>center', 'x')] }],
        }),
      ]),
      'InvalidTagException',
    );
    // ...but the range admits '&', ',' and '#': "R&D, EMEA" is a valid tag value (AWS-FACTS §0.1).
    const ampersand = await batch([
      legacyRecord({
        Dimension: d,
        Timestamp: new Date(clock - 2 * 3_600_000),
        Quantity: 1,
        UsageAllocations: [{ AllocatedUsageQuantity: 1, Tags: [tag('cost#center', 'R&D, EMEA')] }],
      }),
    ]);
    expect(ampersand.Results?.[0]?.Status).toBe('Success');
    await expectAwsError(
      batch([
        legacyRecord({
          Dimension: d,
          Quantity: 2,
          UsageAllocations: [
            { AllocatedUsageQuantity: 1, Tags: [tag('env', 'prod')] },
            { AllocatedUsageQuantity: 1, Tags: [tag('env', 'prod')] },
          ],
        }),
      ]),
      'InvalidUsageAllocationsException',
    );
    const ok = await batch([
      legacyRecord({
        Dimension: d,
        Quantity: 10,
        UsageAllocations: [
          { AllocatedUsageQuantity: 6, Tags: [tag('env', 'prod'), tag('team', 'a/b@c')] },
          { AllocatedUsageQuantity: 4 },
        ],
      }),
    ]);
    expect(ok.Results?.[0]?.Status).toBe('Success');
    const entry = (await ledger()).find(
      (e) => e.meteringRecordId === ok.Results?.[0]?.MeteringRecordId,
    );
    expect(entry?.allocations).toEqual([
      {
        allocatedUsageQuantity: 6,
        tags: [
          { key: 'env', value: 'prod' },
          { key: 'team', value: 'a/b@c' },
        ],
      },
      { allocatedUsageQuantity: 4 },
    ]);
  });

  it('rejects a request of 1 MB or more', async () => {
    const big = Array.from({ length: 3 }, (_, r) =>
      legacyRecord({
        Timestamp: new Date(clock - (r + 1) * 60_000),
        Quantity: 2500,
        UsageAllocations: Array.from({ length: 2500 }, (_, i) => ({
          AllocatedUsageQuantity: 1,
          Tags: [{ Key: 'k', Value: `${i}-${'v'.repeat(120)}` }],
        })),
      }),
    );
    const e = await expectAwsError(batch(big), 'ValidationException');
    expect(e.message).toMatch(/1 MB/);
  });

  it('one bad record rejects the whole batch, nothing billed', async () => {
    const before = (await ledger()).length;
    const good = legacyRecord({ Timestamp: new Date(clock - 3 * HOUR), Quantity: 99 });
    await expectAwsError(
      batch([good, legacyRecord({ Dimension: 'no_such_dimension' })]),
      'InvalidUsageDimensionException',
    );
    // Dimensions are case-sensitive.
    await expectAwsError(
      batch([
        good,
        legacyRecord({ Dimension: (f.legacy.dimensions[0]?.name ?? '').toUpperCase() }),
      ]),
      'InvalidUsageDimensionException',
    );
    await expectAwsError(
      batch([good, legacyRecord({ Timestamp: new Date(clock - 25 * HOUR) })]),
      'TimestampOutOfBoundsException',
    );
    expect((await ledger()).length).toBe(before);
  });

  it('applies the 24 h window, rejects the future', async () => {
    const ok = await batch([legacyRecord({ Timestamp: new Date(clock - 23.5 * HOUR) })]);
    expect(ok.Results?.[0]?.Status).toBe('Success');
    await expectAwsError(
      batch([legacyRecord({ Timestamp: new Date(clock - 24 * HOUR - 1000) })]),
      'TimestampOutOfBoundsException',
    );
    await expectAwsError(
      batch([legacyRecord({ Timestamp: new Date(clock + HOUR) })]),
      'TimestampOutOfBoundsException',
    );
  });

  it('returns per-record CustomerNotSubscribed and request-level identity errors', async () => {
    const suspendedSub = state.subscriptions.find(
      (s) =>
        s.productCode === f.legacy.productCode &&
        s.customerAwsAccountId === f.suspended.awsAccountId,
    );
    const unsubscribed = state.subscriptions.find(
      (s) => s.productCode === f.legacy.productCode && s.status === 'unsubscribed',
    );
    const notACustomer = state.customers.find(
      (c) =>
        !state.subscriptions.some(
          (s) =>
            s.productCode === f.legacy.productCode && s.customerAwsAccountId === c.awsAccountId,
        ),
    );
    const records: UsageRecord[] = [
      legacyRecord({ Dimension: f.legacy.dimensions[2]?.name ?? '' }),
    ];
    for (const sub of [suspendedSub, unsubscribed]) {
      if (sub?.customerIdentifier) {
        records.push(legacyRecord({ CustomerIdentifier: sub.customerIdentifier }));
      }
    }
    if (notACustomer) {
      records.push(
        legacyRecord({
          CustomerIdentifier: undefined,
          CustomerAWSAccountId: notACustomer.awsAccountId,
        }),
      );
    }
    expect(records.length).toBeGreaterThan(2);
    const res = await batch(records);
    expect(res.Results?.map((r) => r.Status)).toEqual([
      'Success',
      ...records.slice(1).map(() => 'CustomerNotSubscribed'),
    ]);
    await expectAwsError(
      batch([legacyRecord({ CustomerIdentifier: 'nobody-at-all' })]),
      'InvalidCustomerIdentifierException',
    );
    await expectAwsError(batch([legacyRecord()], 'nosuchproduct'), 'InvalidProductCodeException');
  });

  it('MeterUsage: window, hourly dedup, DryRun, ClientToken idempotency, entitlement', async () => {
    const base = {
      ProductCode: f.container.productCode,
      UsageDimension: f.container.dimensions[0]?.name ?? '',
      Timestamp: new Date(clock - HOUR),
      UsageQuantity: 4,
    };
    const first = await client.send(new MeterUsageCommand(base));
    expect(first.MeteringRecordId).toBeTruthy();
    // Same hour, same quantity: idempotent, same id. Different quantity: DuplicateRequestException.
    const same = await client.send(
      new MeterUsageCommand({ ...base, Timestamp: new Date(clock - HOUR + 30_000) }),
    );
    expect(same.MeteringRecordId).toBe(first.MeteringRecordId);
    await expectAwsError(
      client.send(new MeterUsageCommand({ ...base, UsageQuantity: 5 })),
      'DuplicateRequestException',
    );
    await expectAwsError(
      client.send(new MeterUsageCommand({ ...base, Timestamp: new Date(clock - 6 * HOUR - 1000) })),
      'TimestampOutOfBoundsException',
    );
    const dry = await expectAwsError(
      client.send(new MeterUsageCommand({ ...base, DryRun: true })),
      'DryRunOperation',
      412,
    );
    expect(dry.message).toMatch(/DryRun/);

    const token = { ...base, Timestamp: new Date(clock - 2 * HOUR), ClientToken: 'tok-1' };
    const a = await client.send(new MeterUsageCommand(token));
    const b = await client.send(new MeterUsageCommand(token));
    expect(b.MeteringRecordId).toBe(a.MeteringRecordId);
    await expectAwsError(
      client.send(new MeterUsageCommand({ ...token, UsageQuantity: 9 })),
      'IdempotencyConflictException',
      409,
    );
    await expectAwsError(
      client.send(new MeterUsageCommand({ ...base, ProductCode: f.legacy.productCode })),
      'InvalidProductCodeException',
    );
    await expectAwsError(
      client.send(new MeterUsageCommand({ ...base, UsageDimension: 'nope' })),
      'InvalidUsageDimensionException',
    );

    // A buyer account with no subscription to the product is not entitled.
    const stranger = state.customers.find(
      (c) =>
        !state.subscriptions.some(
          (s) =>
            s.productCode === f.container.productCode &&
            s.customerAwsAccountId === c.awsAccountId &&
            s.status === 'active',
        ),
    );
    const key = await t.admin<{ accessKeyId: string; secretAccessKey: string }>(
      'POST',
      '/_sandbox/credentials',
      { accountId: stranger?.awsAccountId },
    );
    const buyer = t.metering(key.body);
    await expectAwsError(buyer.send(new MeterUsageCommand(base)), 'CustomerNotEntitledException');
  });

  it('ResolveCustomer answers per identity model; expired and unknown tokens fail', async () => {
    const mint = async (productCode: string, account: string, expiresInSeconds?: number) =>
      (
        await t.admin<{ token: string; expiresAt: number }>('POST', '/_sandbox/tokens', {
          productCode,
          customerAwsAccountId: account,
          ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
        })
      ).body.token;

    const legacyToken = await mint(f.legacy.productCode, f.legacySub.customerAwsAccountId);
    const legacy = await client.send(
      new ResolveCustomerCommand({ RegistrationToken: legacyToken }),
    );
    expect(legacy).toMatchObject({
      CustomerIdentifier: f.legacySub.customerIdentifier,
      CustomerAWSAccountId: f.legacySub.customerAwsAccountId,
      ProductCode: f.legacy.productCode,
    });
    expect(legacy.LicenseArn).toBeUndefined();

    const caToken = await mint(f.ca.productCode, f.caSub.customerAwsAccountId);
    const ca = await client.send(new ResolveCustomerCommand({ RegistrationToken: caToken }));
    expect(ca.CustomerIdentifier).toBeUndefined();
    expect(ca.CustomerAWSAccountId).toBe(f.caSub.customerAwsAccountId);
    expect(ca.ProductCode).toBe(f.ca.productCode);
    expect(ca.LicenseArn).toMatch(/^arn:aws:license-manager::/);

    const expired = await mint(f.legacy.productCode, f.legacySub.customerAwsAccountId, 0);
    await expectAwsError(
      client.send(new ResolveCustomerCommand({ RegistrationToken: expired })),
      'ExpiredTokenException',
    );
    await expectAwsError(
      client.send(new ResolveCustomerCommand({ RegistrationToken: 'bm90LWEtdG9rZW4=' })),
      'InvalidTokenException',
    );
  });

  it('RegisterUsage signs a PS256 JWT with public key version 1, the one AWS documents', async () => {
    const nonce = 'pod-42';
    const answer = await client.send(
      new RegisterUsageCommand({
        ProductCode: f.container.productCode,
        PublicKeyVersion: 1,
        Nonce: nonce,
      }),
    );
    // Version 1 is current: no rotation signal.
    expect(answer.PublicKeyRotationTimestamp).toBeUndefined();
    const jwt = answer.Signature ?? '';
    const [header = ''] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'PS256',
      typ: 'JWT',
    });
    const key1 = await t.admin<{ version: number; current: boolean; pem: string }>(
      'GET',
      '/_sandbox/public-key',
    );
    expect(key1.body).toMatchObject({ version: 1, current: true });
    expect(key1.body).not.toHaveProperty('rotatedAt');
    expect(key1.body.pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // The Seller Guide's example payload: PascalCase claims.
    expect(verifyPs256(key1.body.pem, jwt)).toEqual({
      ProductCode: f.container.productCode,
      PublicKeyVersion: 1,
      Nonce: nonce,
      iat: Math.floor(clock / 1000),
    });
    // There is no version 2 until one is published.
    expect((await t.admin('GET', '/_sandbox/public-key?version=2')).status).toBe(404);
    await expectAwsError(
      client.send(
        new RegisterUsageCommand({ ProductCode: f.container.productCode, PublicKeyVersion: 2 }),
      ),
      'InvalidPublicKeyVersionException',
    );
    await expectAwsError(
      client.send(
        new RegisterUsageCommand({ ProductCode: f.legacy.productCode, PublicKeyVersion: 1 }),
      ),
      'InvalidProductCodeException',
    );
  });

  it('RegisterUsage claims in lowerCamel, as AWS’s Java verifier reads them (a behaviour knob)', async () => {
    const set = await t.admin('PUT', '/_sandbox/behaviour', { jwtClaimCasing: 'lowerCamel' });
    expect(set.status).toBe(200);
    try {
      const answer = await client.send(
        new RegisterUsageCommand({
          ProductCode: f.container.productCode,
          PublicKeyVersion: 1,
          Nonce: 'pod-camel',
        }),
      );
      const key1 = await t.admin<{ pem: string }>('GET', '/_sandbox/public-key?version=1');
      expect(verifyPs256(key1.body.pem, answer.Signature ?? '')).toEqual({
        productCode: f.container.productCode,
        publicKeyVersion: 1,
        nonce: 'pod-camel',
        iat: Math.floor(clock / 1000),
      });
    } finally {
      await t.admin('PUT', '/_sandbox/behaviour', {});
    }
  });

  it('hands every metering call, success or failure, to CloudTrail', async () => {
    const count = async () =>
      (await t.admin<AdminState>('GET', '/_sandbox/state')).body.cloudTrailEvents;
    const before = await count();
    await batch([legacyRecord({ Timestamp: new Date(clock - 4 * HOUR) })]);
    await expectAwsError(
      batch([legacyRecord({ Dimension: 'bogus' })]),
      'InvalidUsageDimensionException',
    );
    expect(await count()).toBe(before + 2);
    const events = await t.cloudTrail().send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' }],
        MaxResults: 50,
      }),
    );
    const records = (events.Events ?? []).map(
      (e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>,
    );
    const failed = records.find((r) => r.errorCode === 'InvalidUsageDimensionException');
    expect(failed).toBeDefined();
    expect(failed?.userIdentity).toMatchObject({ accessKeyId: t.sandbox.accessKeyId });
    expect(records.some((r) => r.errorCode === undefined && r.responseElements)).toBe(true);
  });
});

describe('month-end cut-off', () => {
  it('accepts last month until 06:00 UTC on the 1st, then rejects it', async () => {
    let clock = Date.UTC(2026, 6, 1, 3, 0);
    const t = await startTestSandbox({ now: () => clock });
    try {
      const f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
      const client = t.metering();
      const record = (minute: number): UsageRecord => ({
        Timestamp: new Date(Date.UTC(2026, 5, 30, 23, minute)),
        Dimension: f.legacy.dimensions[0]?.name ?? '',
        Quantity: 1,
        CustomerIdentifier: f.legacySub.customerIdentifier,
      });
      const ok = await client.send(
        new BatchMeterUsageCommand({
          ProductCode: f.legacy.productCode,
          UsageRecords: [record(10)],
        }),
      );
      expect(ok.Results?.[0]?.Status).toBe('Success');
      clock = Date.UTC(2026, 6, 1, 7, 0);
      await expectAwsError(
        client.send(
          new BatchMeterUsageCommand({
            ProductCode: f.legacy.productCode,
            UsageRecords: [record(40)],
          }),
        ),
        'TimestampOutOfBoundsException',
      );
    } finally {
      await t.close();
    }
  });
});
