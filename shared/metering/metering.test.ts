import { describe, expect, it } from 'vitest';
import { HOUR_MS, INT32_MAX } from '../aws/metering-rules';
import {
  acceptanceDeadline,
  looksScientific,
  parseQuantity,
  parseIsoUsageTime,
  planBatches,
  productSchema,
  recordKey,
  validateRecord,
  validateRecords,
  wireBytes,
  type Product,
  type UsageRecord,
  type UsageRecordDraft,
  type ValidateContext,
} from '.';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const iso = (ms: number): string => new Date(ms).toISOString();
const hourAgo = iso(NOW - HOUR_MS - 30 * 60_000);

const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [
    { name: 'Users', description: 'Active users' },
    { name: 'GB', description: 'Storage' },
  ],
  source: 'user',
};
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests', description: '' }],
  source: 'user',
};
const ami: Product = {
  id: 'ami',
  name: 'AMI',
  kind: 'ami',
  identityModel: 'legacy',
  productCode: 'prod-ami1',
  dimensions: [{ name: 'Hosts', description: '' }],
  source: 'user',
};
const catalog = [legacy, ca, ami];
const ctx: ValidateContext = { catalog, now: NOW };
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';

const legacyDraft = (over: Partial<UsageRecordDraft> = {}): UsageRecordDraft => ({
  productId: 'legacy',
  customerIdentifier: 'cust-1',
  dimension: 'Users',
  quantity: 5,
  timestamp: hourAgo,
  ...over,
});
const caDraft = (over: Partial<UsageRecordDraft> = {}): UsageRecordDraft => ({
  productId: 'ca',
  customerAwsAccountId: '012345678901',
  licenseArn: LICENSE,
  dimension: 'Requests',
  quantity: '12',
  timestamp: hourAgo,
  ...over,
});

function errors(draft: UsageRecordDraft, c: ValidateContext = ctx): string[] {
  return validateRecord(draft, c)
    .issues.filter((i) => i.severity === 'error')
    .map((i) => i.code);
}

describe('validateRecord: valid records', () => {
  it('accepts a legacy record and normalizes it', () => {
    const v = validateRecord(legacyDraft({ quantity: '7' }), ctx);
    expect(v.issues).toEqual([]);
    expect(v.record).toMatchObject({
      productId: 'legacy',
      productCode: 'prod-legacy1',
      operation: 'BatchMeterUsage',
      quantity: 7,
      timestamp: hourAgo,
    });
  });
  it('accepts a concurrent-agreements record without a product code', () => {
    const v = validateRecord(caDraft(), ctx);
    expect(v.issues).toEqual([]);
    expect(v.record?.productCode).toBeUndefined();
    expect(v.record?.licenseArn).toBe(LICENSE);
    expect(v.record?.quantity).toBe(12);
  });
  it('accepts a MeterUsage record with no customer', () => {
    const v = validateRecord(
      { productId: 'ami', dimension: 'Hosts', quantity: 1, timestamp: hourAgo },
      ctx,
    );
    expect(v.issues).toEqual([]);
    expect(v.record?.operation).toBe('MeterUsage');
  });
  it('every issue says what is wrong and how to fix it', () => {
    const v = validateRecord(
      { dimension: '', quantity: 'x', timestamp: 'soon', customerAwsAccountId: 'abc' },
      ctx,
    );
    expect(v.issues.length).toBeGreaterThan(2);
    for (const issue of v.issues) {
      expect(issue.message.length).toBeGreaterThan(5);
      expect(issue.fix.length).toBeGreaterThan(5);
    }
    expect(v.record).toBeNull();
  });
});

describe('validateRecord: product and operation', () => {
  it('product missing / unknown', () => {
    expect(errors(legacyDraft({ productId: undefined }))).toContain('product-missing');
    expect(errors(legacyDraft({ productId: 'nope' }))).toContain('product-unknown');
  });
  it('finds a product by code and flags a mismatched code', () => {
    expect(errors(legacyDraft({ productId: undefined, productCode: 'prod-legacy1' }))).toEqual([]);
    expect(errors(legacyDraft({ productCode: 'prod-other' }))).toContain('product-code-mismatch');
  });
  it('product code pattern', () => {
    expect(errors(legacyDraft({ productId: undefined, productCode: 'bad code!' }))).toContain(
      'product-code-format',
    );
  });
  it('operation must match the product kind', () => {
    expect(errors(legacyDraft(), { ...ctx, operation: 'MeterUsage' })).toContain(
      'operation-mismatch',
    );
  });
});

describe('validateRecord: customer', () => {
  it('exactly one customer id', () => {
    expect(errors(legacyDraft({ customerIdentifier: undefined }))).toContain('customer-missing');
    expect(errors(legacyDraft({ customerAwsAccountId: '012345678901' }))).toContain(
      'customer-ambiguous',
    );
  });
  it('account id is digits; scientific notation is flagged as spreadsheet damage', () => {
    expect(
      errors(legacyDraft({ customerIdentifier: undefined, customerAwsAccountId: '0123-4567' })),
    ).toContain('account-id-format');
    expect(
      errors(legacyDraft({ customerIdentifier: undefined, customerAwsAccountId: '1.23457E+11' })),
    ).toContain('account-id-scientific');
  });
  it('an account id that is not 12 digits is a warning (leading zeros dropped?)', () => {
    const v = validateRecord(
      legacyDraft({ customerIdentifier: undefined, customerAwsAccountId: '12345678901' }),
      ctx,
    );
    expect(v.issues).toMatchObject([{ code: 'account-id-length', severity: 'warning' }]);
    expect(v.record?.customerAwsAccountId).toBe('12345678901');
  });
  it('leading zeros survive as text', () => {
    const v = validateRecord(
      legacyDraft({ customerIdentifier: undefined, customerAwsAccountId: '000000000042' }),
      ctx,
    );
    expect(v.record?.customerAwsAccountId).toBe('000000000042');
  });
  it('CustomerIdentifier with spaces around it', () => {
    expect(errors(legacyDraft({ customerIdentifier: ' cust-1' }))).toContain(
      'customer-identifier-spaces',
    );
  });
  it('concurrent agreements: license required, CustomerIdentifier not allowed, ARN shape', () => {
    expect(errors(caDraft({ licenseArn: undefined }))).toContain('license-missing');
    expect(
      errors(caDraft({ customerAwsAccountId: undefined, customerIdentifier: 'cust-1' })),
    ).toContain('customer-identifier-not-allowed');
    expect(errors(caDraft({ licenseArn: 'arn:nope' }))).toContain('license-arn-format');
  });
  it('legacy product with a LicenseArn would bill twice', () => {
    expect(errors(legacyDraft({ licenseArn: LICENSE }))).toContain('license-not-allowed');
  });
  it('MeterUsage takes no customer', () => {
    expect(
      errors({
        productId: 'ami',
        customerIdentifier: 'x',
        dimension: 'Hosts',
        quantity: 1,
        timestamp: hourAgo,
      }),
    ).toContain('customer-not-allowed');
  });
});

describe('validateRecord: dimension', () => {
  it('missing and too long', () => {
    expect(errors(legacyDraft({ dimension: '' }))).toContain('dimension-missing');
    expect(errors(legacyDraft({ dimension: 'x'.repeat(256) }))).toContain('dimension-too-long');
  });
  it('unknown dimension is an error until acknowledged, then a warning', () => {
    expect(errors(legacyDraft({ dimension: 'Seats' }))).toContain('dimension-unknown');
    const v = validateRecord(
      legacyDraft({ dimension: 'Seats', acknowledgeUnknownDimension: true }),
      ctx,
    );
    expect(v.issues).toMatchObject([
      { code: 'dimension-unknown-acknowledged', severity: 'warning' },
    ]);
    expect(v.record).not.toBeNull();
  });
  it('case matters: a near miss names the right spelling', () => {
    const v = validateRecord(legacyDraft({ dimension: 'users' }), ctx);
    expect(v.issues[0]).toMatchObject({ code: 'dimension-case', severity: 'error' });
    expect(v.issues[0]?.fix).toContain('"Users"');
  });
});

describe('validateRecord: quantity (int32, never rounded)', () => {
  it.each([
    ['1.5', 'quantity-not-integer'],
    [1.5, 'quantity-not-integer'],
    ['-3', 'quantity-negative'],
    [-3, 'quantity-negative'],
    ['1,234', 'quantity-not-number'],
    ['ten', 'quantity-not-number'],
    ['', 'quantity-missing'],
    [INT32_MAX + 1, 'quantity-too-large'],
    [String(INT32_MAX + 1), 'quantity-too-large'],
  ])('%s → %s', (quantity, code) => {
    expect(errors(legacyDraft({ quantity }))).toContain(code);
  });
  it('accepts 0 and the int32 maximum exactly', () => {
    expect(validateRecord(legacyDraft({ quantity: '0' }), ctx).record?.quantity).toBe(0);
    expect(validateRecord(legacyDraft({ quantity: String(INT32_MAX) }), ctx).record?.quantity).toBe(
      INT32_MAX,
    );
  });
  it('parseQuantity never rounds', () => {
    expect(parseQuantity('2.0000001').ok).toBe(false);
    expect(parseQuantity(' 42 ')).toEqual({ ok: true, value: 42 });
  });
});

describe('validateRecord: timestamp windows', () => {
  it('unreadable, missing, no zone', () => {
    expect(errors(legacyDraft({ timestamp: '7/15/2026 11:00' }))).toContain('timestamp-invalid');
    expect(errors(legacyDraft({ timestamp: '' }))).toContain('timestamp-missing');
    // No zone is never guessed: the record cannot be sent until the zone is known.
    const v = validateRecord(legacyDraft({ timestamp: '2026-07-15 11:00' }), ctx);
    expect(v.issues).toMatchObject([{ code: 'timestamp-no-zone', severity: 'error' }]);
    expect(v.record).toBeNull();
    expect(v.key).toBeNull();
  });
  it('offsets are converted to UTC', () => {
    expect(
      validateRecord(legacyDraft({ timestamp: '2026-07-15T13:00+02:00' }), ctx).record?.timestamp,
    ).toBe('2026-07-15T11:00:00.000Z');
  });
  it('future is rejected', () => {
    expect(errors(legacyDraft({ timestamp: iso(NOW + HOUR_MS) }))).toContain('timestamp-future');
  });
  it('BatchMeterUsage: 24 h', () => {
    expect(errors(legacyDraft({ timestamp: iso(NOW - 23 * HOUR_MS) }))).toEqual([]);
    expect(errors(legacyDraft({ timestamp: iso(NOW - 24 * HOUR_MS) }))).toContain(
      'timestamp-too-old',
    );
  });
  it('BatchMeterUsage: month-end cut-off at 06:00 UTC on the 1st', () => {
    const now = Date.UTC(2026, 7, 1, 6, 0);
    const lastJuly = iso(Date.UTC(2026, 6, 31, 23, 0));
    expect(errors(legacyDraft({ timestamp: lastJuly }), { ...ctx, now: now - 60_000 })).toEqual([]);
    expect(errors(legacyDraft({ timestamp: lastJuly }), { ...ctx, now })).toContain(
      'timestamp-month-closed',
    );
  });
  it('MeterUsage: 6 h', () => {
    const draft = (ts: number): UsageRecordDraft => ({
      productId: 'ami',
      dimension: 'Hosts',
      quantity: 1,
      timestamp: iso(ts),
    });
    expect(errors(draft(NOW - 5 * HOUR_MS))).toEqual([]);
    expect(errors(draft(NOW - 6 * HOUR_MS))).toContain('timestamp-too-old');
  });
  it('warns when the window closes within the hour, and reports the deadline', () => {
    const ts = NOW - 23.5 * HOUR_MS;
    const v = validateRecord(legacyDraft({ timestamp: iso(ts) }), ctx);
    expect(v.issues).toMatchObject([{ code: 'window-closing', severity: 'warning' }]);
    expect(v.deadlineMs).toBe(ts + 24 * HOUR_MS);
  });
  it('acceptanceDeadline: 24 h or the month-end cut-off, 6 h for MeterUsage', () => {
    const ts = Date.UTC(2026, 6, 31, 20, 0);
    expect(acceptanceDeadline(ts, 'BatchMeterUsage')).toBe(Date.UTC(2026, 7, 1, 6, 0));
    expect(acceptanceDeadline(NOW, 'BatchMeterUsage')).toBe(NOW + 24 * HOUR_MS);
    expect(acceptanceDeadline(NOW, 'MeterUsage')).toBe(NOW + 6 * HOUR_MS);
  });
  it('parseIsoUsageTime rejects impossible dates', () => {
    expect(parseIsoUsageTime('2026-02-31T00:00Z')).toBeNull();
    expect(parseIsoUsageTime('2026-07-15T25:00Z')).toBeNull();
  });
});

describe('validateRecord: allocations and tags', () => {
  const withAlloc = (allocations: UsageRecordDraft['allocations'], quantity = 10) =>
    legacyDraft({ quantity, allocations });
  it('accepts allocations that sum to the quantity', () => {
    const v = validateRecord(
      withAlloc([{ quantity: 4, tags: [{ key: 'team', value: 'a' }] }, { quantity: 6 }]),
      ctx,
    );
    expect(v.issues).toEqual([]);
    expect(v.record?.allocations).toHaveLength(2);
  });
  it('sum must equal the quantity', () => {
    expect(errors(withAlloc([{ quantity: 4 }]))).toContain('allocation-sum');
  });
  it('tag rules: characters, more than 5 tags, repeated key', () => {
    expect(errors(withAlloc([{ quantity: 10, tags: [{ key: 'bad|key', value: 'x' }] }]))).toContain(
      'allocation-tag',
    );
    const six = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(errors(withAlloc([{ quantity: 10, tags: six }]))).toContain('allocation-tag');
    expect(
      errors(
        withAlloc([
          {
            quantity: 10,
            tags: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          },
        ]),
      ),
    ).toContain('allocation-tag');
  });
  it("tags as the model's pattern allows: 'R&D, EMEA' is valid (AWS-FACTS §0.1)", () => {
    const v = validateRecord(
      withAlloc([{ quantity: 10, tags: [{ key: 'cost center', value: 'R&D, EMEA' }] }]),
      ctx,
    );
    expect(v.issues).toEqual([]);
    expect(v.record?.allocations?.[0]?.tags).toEqual([{ key: 'cost center', value: 'R&D, EMEA' }]);
  });
  it('more than 5 distinct tag keys per record is a warning, not an error (UNVERIFIED limit)', () => {
    const allocations = Array.from({ length: 6 }, (_, i) => ({
      quantity: i === 0 ? 10 : 0,
      tags: [{ key: `key${String(i)}`, value: 'v' }],
    }));
    const v = validateRecord(withAlloc(allocations), ctx);
    expect(v.issues.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:allocation-tag-keys']);
    expect(v.record).not.toBeNull();
  });
  it('tag sets must be unique across allocations', () => {
    expect(
      errors(
        withAlloc([
          { quantity: 5, tags: [{ key: 'a', value: '1' }] },
          { quantity: 5, tags: [{ key: 'a', value: '1' }] },
        ]),
      ),
    ).toContain('allocation-invalid');
  });
  it('allocation quantities are int32 too', () => {
    expect(errors(withAlloc([{ quantity: '2.5' }]))).toContain('allocation-quantity-not-integer');
  });
  it('a record of 1 MB or more cannot be sent', () => {
    const big = Array.from({ length: 2500 }, (_, i) => ({
      quantity: i === 0 ? 10 : 0,
      tags: Array.from({ length: 5 }, (_, k) => ({
        key: `key${k}`,
        value: `${'v'.repeat(200)}${i}`,
      })),
    }));
    expect(errors(withAlloc(big))).toContain('record-too-large');
  });
});

describe('already sent (journal) and duplicates in a set', () => {
  it('flags a different quantity for a key the app already sent', () => {
    const first = validateRecord(legacyDraft(), ctx);
    expect(first.key).not.toBeNull();
    const sentIndex = new Map([[first.key ?? '', 3]]);
    expect(errors(legacyDraft(), { ...ctx, sentIndex })).toContain('already-sent-different');
    const same = validateRecord(legacyDraft({ quantity: 3 }), { ...ctx, sentIndex });
    expect(same.issues).toMatchObject([{ code: 'already-sent-same', severity: 'warning' }]);
  });
  it('the key is per UTC hour: minutes inside the hour collide', () => {
    const a = validateRecord(legacyDraft({ timestamp: '2026-07-15T10:05:00Z' }), ctx).key;
    const b = validateRecord(legacyDraft({ timestamp: '2026-07-15T10:55:00Z' }), ctx).key;
    expect(a).toBe(b);
    expect(a).toBe(
      recordKey({
        operation: 'BatchMeterUsage',
        productCode: 'prod-legacy1',
        customerIdentifier: 'cust-1',
        dimension: 'Users',
        timestamp: '2026-07-15T10:00:00.000Z',
      }),
    );
  });
  it('validateRecords flags the second record of the same key', () => {
    const results = validateRecords([legacyDraft(), legacyDraft({ quantity: 9 }), caDraft()], ctx);
    expect(results[0]?.record).not.toBeNull();
    expect(results[1]?.duplicateOf).toBe(0);
    expect(results[1]?.issues.map((i) => i.code)).toContain('duplicate-in-set');
    expect(results[1]?.record).toBeNull();
    expect(results[2]?.duplicateOf).toBeNull();
  });
});

describe('helpers', () => {
  it('looksScientific', () => {
    expect(looksScientific('1.23457E+11')).toBe(true);
    expect(looksScientific('1,23457E+11')).toBe(true);
    expect(looksScientific('123456789012')).toBe(false);
  });
  it('productSchema: concurrent agreements carry no product code; legacy needs one', () => {
    expect(productSchema.safeParse({ ...ca, productCode: 'x' }).success).toBe(false);
    expect(productSchema.safeParse({ ...legacy, productCode: undefined }).success).toBe(false);
    expect(productSchema.safeParse(legacy).success).toBe(true);
  });
});

describe('planBatches', () => {
  const rec = (i: number, over: Partial<UsageRecord> = {}): UsageRecord => ({
    productId: 'legacy',
    operation: 'BatchMeterUsage',
    productCode: 'prod-legacy1',
    customerIdentifier: `cust-${i}`,
    dimension: i % 2 === 0 ? 'Users' : 'GB',
    quantity: i,
    timestamp: hourAgo,
    ...over,
  });

  it('at most 25 records per BatchMeterUsage call', () => {
    const records = Array.from({ length: 60 }, (_, i) => rec(i));
    const plan = planBatches(records, catalog);
    expect(plan.calls.map((c) => c.recordIndexes.length)).toEqual([25, 25, 10]);
    expect(plan.totals).toEqual({ calls: 3, records: 60, quantity: (59 * 60) / 2 });
    expect(plan.calls.every((c) => c.productCode === 'prod-legacy1')).toBe(true);
  });

  it('splits below 1 MB per call', () => {
    const tags = (i: number) =>
      Array.from({ length: 5 }, (_, k) => ({ key: `key${k}`, value: `${'v'.repeat(240)}${i}` }));
    const allocations = Array.from({ length: 300 }, (_, i) => ({
      quantity: i === 0 ? 1 : 0,
      tags: tags(i),
    }));
    const records = Array.from({ length: 10 }, (_, i) => rec(i, { quantity: 1, allocations }));
    const one = wireBytes(records[0] as UsageRecord);
    expect(one).toBeGreaterThan(300_000);
    const plan = planBatches(records, catalog);
    expect(plan.calls.length).toBeGreaterThan(1);
    for (const call of plan.calls) expect(call.bytes).toBeLessThan(1_048_576);
    expect(plan.calls.flatMap((c) => c.recordIndexes)).toEqual(records.map((_, i) => i));
  });

  it('one product (or license set) per call; MeterUsage one record per call', () => {
    const records: UsageRecord[] = [
      rec(1),
      {
        productId: 'ca',
        operation: 'BatchMeterUsage',
        customerAwsAccountId: '012345678901',
        licenseArn: LICENSE,
        dimension: 'Requests',
        quantity: 4,
        timestamp: hourAgo,
      },
      rec(2),
      {
        productId: 'ami',
        operation: 'MeterUsage',
        productCode: 'prod-ami1',
        dimension: 'Hosts',
        quantity: 1,
        timestamp: hourAgo,
      },
      {
        productId: 'ami',
        operation: 'MeterUsage',
        productCode: 'prod-ami1',
        dimension: 'Hosts',
        quantity: 2,
        timestamp: iso(NOW - 2 * HOUR_MS),
      },
    ];
    const plan = planBatches(records, catalog);
    expect(plan.calls.map((c) => [c.productId, c.recordIndexes])).toEqual([
      ['legacy', [0, 2]],
      ['ca', [1]],
      ['ami', [3]],
      ['ami', [4]],
    ]);
    // A concurrent-agreements call sends no ProductCode.
    expect(plan.calls[1]?.productCode).toBeUndefined();
    expect(plan.calls[2]?.operation).toBe('MeterUsage');
  });

  it('totals per dimension per product', () => {
    const records = Array.from({ length: 4 }, (_, i) => rec(i + 1));
    const plan = planBatches(records, catalog);
    expect(plan.products).toEqual([
      {
        productId: 'legacy',
        productName: 'Legacy SaaS',
        operation: 'BatchMeterUsage',
        productCode: 'prod-legacy1',
        calls: 1,
        records: 4,
        customers: 4,
        dimensions: [
          { dimension: 'GB', records: 2, quantity: 1 + 3 },
          { dimension: 'Users', records: 2, quantity: 2 + 4 },
        ],
      },
    ]);
  });
});
