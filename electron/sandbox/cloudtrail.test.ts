import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  attributeValueLength,
  buildCloudTrailEvent,
  createCloudTrailStore,
  formatJavaTimestamp,
  HIDDEN_VALUE,
  LOOKUP_WINDOW_MS,
  type CloudTrailStore,
  type LookupEventsOutputBody,
} from './cloudtrail';
import { SandboxApiError } from './errors';
import { generateHistory } from './history';
import type { MeteringCallRecord, SandboxIdentity, StoredCloudTrailEvent } from './types';
import { createWorld } from './world';

const NOW = Date.UTC(2026, 7, 20, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const USER: SandboxIdentity = {
  accessKeyId: 'AKIAEXAMPLEUSER00001',
  secretAccessKey: 'secret',
  type: 'IAMUser',
  userName: 'metering-service',
  arn: 'arn:aws:iam::111122223333:user/metering-service',
  accountId: '111122223333',
  principalId: 'AIDAEXAMPLEPRINCIPAL',
};
const ROLE: SandboxIdentity = {
  accessKeyId: 'ASIAEXAMPLEROLE00001',
  secretAccessKey: 'secret',
  type: 'AssumedRole',
  userName: 'billing-cron',
  arn: 'arn:aws:sts::111122223333:assumed-role/MeteringRole/billing-cron',
  accountId: '111122223333',
  principalId: 'AROAEXAMPLEROLEID:billing-cron',
};

function call(overrides: Partial<MeteringCallRecord> = {}): MeteringCallRecord {
  return {
    operation: 'BatchMeterUsage',
    request: {
      ProductCode: 'prodcode123',
      UsageRecords: [
        { Timestamp: 1524155570, CustomerIdentifier: 'cust-1', Dimension: 'users', Quantity: 3 },
      ],
    },
    response: {
      Results: [
        {
          UsageRecord: {
            Timestamp: 1524155570,
            CustomerIdentifier: 'cust-1',
            Dimension: 'users',
            Quantity: 3,
          },
          MeteringRecordId: 'mr-1',
          Status: 'Success',
        },
      ],
      UnprocessedRecords: [],
    },
    identity: USER,
    region: 'us-east-1',
    time: 1524155571_000,
    sourceIpAddress: '198.51.100.7',
    userAgent: 'aws-sdk-js/3',
    requestId: 'req-1',
    ...overrides,
  };
}

function parse(event: StoredCloudTrailEvent): Record<string, unknown> {
  return JSON.parse(event.cloudTrailEvent) as Record<string, unknown>;
}

/** Synthetic events with explicit times/attributes for the lookup rules. */
function synthetic(
  id: string,
  time: number,
  extra: Partial<StoredCloudTrailEvent> = {},
): StoredCloudTrailEvent {
  return {
    eventId: id,
    eventName: 'BatchMeterUsage',
    eventSource: 'metering-marketplace.amazonaws.com',
    eventTime: time,
    readOnly: 'false',
    accessKeyId: 'AKIAONE',
    username: 'alice',
    resources: [],
    cloudTrailEvent: JSON.stringify({ eventID: id }),
    ...extra,
  };
}

function expectApiError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxApiError);
    expect((error as SandboxApiError).code).toBe(code);
    expect((error as SandboxApiError).status).toBe(400);
    return;
  }
  throw new Error(`expected ${code}`);
}

function ids(out: LookupEventsOutputBody): string[] {
  return out.Events.map((e) => e.EventId);
}

function storeWith(events: StoredCloudTrailEvent[]): CloudTrailStore {
  const store = createCloudTrailStore({ now: () => NOW });
  store.addHistory(events);
  return store;
}

describe('CloudTrail record layout', () => {
  it('formats record timestamps Java-style in UTC', () => {
    expect(formatJavaTimestamp(1524155570_000)).toBe('Apr 19, 2018 4:32:50 PM');
    expect(formatJavaTimestamp(Date.UTC(2026, 0, 1, 0, 5, 9, 900))).toBe('Jan 1, 2026 12:05:09 AM');
    expect(formatJavaTimestamp(Date.UTC(2026, 0, 1, 12, 0, 0))).toBe('Jan 1, 2026 12:00:00 PM');
  });

  it('builds the documented BatchMeterUsage layout with lowerCamel keys', () => {
    const event = buildCloudTrailEvent(call(), 'evt-1');
    expect(event).toMatchObject({
      eventId: 'evt-1',
      eventName: 'BatchMeterUsage',
      eventSource: 'metering-marketplace.amazonaws.com',
      eventTime: 1524155571_000,
      readOnly: 'false',
      accessKeyId: USER.accessKeyId,
      username: 'metering-service',
    });
    const record = parse(event);
    expect(record).toEqual({
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: USER.principalId,
        arn: USER.arn,
        accountId: '111122223333',
        accessKeyId: USER.accessKeyId,
        userName: 'metering-service',
      },
      eventTime: '2018-04-19T16:32:51Z',
      eventSource: 'metering-marketplace.amazonaws.com',
      eventName: 'BatchMeterUsage',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-sdk-js/3',
      requestParameters: {
        usageRecords: [
          {
            dimension: 'users',
            timestamp: 'Apr 19, 2018 4:32:50 PM',
            customerIdentifier: 'cust-1',
            quantity: 3,
          },
        ],
        productCode: 'prodcode123',
      },
      responseElements: {
        results: [
          {
            usageRecord: {
              dimension: 'users',
              timestamp: 'Apr 19, 2018 4:32:50 PM',
              customerIdentifier: 'cust-1',
              quantity: 3,
            },
            meteringRecordId: 'mr-1',
            status: 'Success',
          },
        ],
        unprocessedRecords: [],
      },
      requestID: 'req-1',
      eventID: 'evt-1',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '111122223333',
      eventCategory: 'Management',
    });
  });

  it('writes concurrent-agreements records without productCode, account id kept a string', () => {
    const record = {
      Timestamp: 1524155570,
      CustomerAWSAccountId: '012345678901',
      LicenseArn:
        'arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef',
      Dimension: 'vector_queries',
      Quantity: 10,
      UsageAllocations: [{ AllocatedUsageQuantity: 10, Tags: [{ Key: 'team', Value: 'search' }] }],
    };
    const event = buildCloudTrailEvent(
      call({
        request: { UsageRecords: [record] },
        response: {
          Results: [{ UsageRecord: record, MeteringRecordId: 'mr-2', Status: 'Success' }],
          UnprocessedRecords: [],
        },
      }),
      'evt-2',
    );
    const json = parse(event) as {
      requestParameters: Record<string, unknown> & { usageRecords: Record<string, unknown>[] };
    };
    expect(json.requestParameters).not.toHaveProperty('productCode');
    expect(json.requestParameters.usageRecords[0]).toEqual({
      dimension: 'vector_queries',
      timestamp: 'Apr 19, 2018 4:32:50 PM',
      customerAWSAccountID: '012345678901',
      licenseArn: record.LicenseArn,
      quantity: 10,
      usageAllocations: [{ allocatedUsageQuantity: 10, tags: [{ key: 'team', value: 'search' }] }],
    });
    // The other documented casing is available for producers that need it.
    const alt = buildCloudTrailEvent(call({ request: { UsageRecords: [record] } }), 'evt-3', {
      accountIdKey: 'customerAWSAccountId',
    });
    expect(alt.cloudTrailEvent).toContain('"customerAWSAccountId":"012345678901"');
  });

  it('writes errorCode/errorMessage and null responseElements on failure', () => {
    const event = buildCloudTrailEvent(
      call({
        response: undefined,
        error: { code: 'TimestampOutOfBoundsException', message: 'out of range' },
      }),
      'evt-4',
    );
    const json = parse(event);
    expect(json.errorCode).toBe('TimestampOutOfBoundsException');
    expect(json.errorMessage).toBe('out of range');
    expect(json.responseElements).toBeNull();
    expect(json).toHaveProperty('requestParameters.usageRecords');
  });

  it('never writes the registration token of a ResolveCustomer call', () => {
    const token = 'secret+token/value==';
    const event = buildCloudTrailEvent(
      call({
        operation: 'ResolveCustomer',
        request: { RegistrationToken: token },
        response: {
          CustomerIdentifier: 'cust-1',
          CustomerAWSAccountId: '012345678901',
          ProductCode: 'prodcode123',
        },
      }),
      'evt-5',
    );
    expect(event.cloudTrailEvent).not.toContain(token);
    const json = parse(event);
    expect(json.requestParameters).toEqual({ registrationToken: HIDDEN_VALUE });
    expect(json.responseElements).toEqual({
      customerIdentifier: 'cust-1',
      customerAWSAccountID: '012345678901',
      productCode: 'prodcode123',
    });
  });

  it('lays out MeterUsage and RegisterUsage as in the AWS samples', () => {
    const meter = parse(
      buildCloudTrailEvent(
        call({
          operation: 'MeterUsage',
          request: {
            ProductCode: 'p',
            Timestamp: 1524155570,
            UsageDimension: 'gpu_hours',
            UsageQuantity: 2,
          },
          response: { MeteringRecordId: 'mr-3' },
        }),
        'evt-6',
      ),
    );
    expect(meter.requestParameters).toEqual({
      productCode: 'p',
      timestamp: 'Apr 19, 2018 4:32:50 PM',
      usageDimension: 'gpu_hours',
      usageQuantity: 2,
      dryRun: false,
    });
    expect(meter.responseElements).toEqual({ meteringRecordId: 'mr-3' });
    const register = parse(
      buildCloudTrailEvent(
        call({
          operation: 'RegisterUsage',
          request: { ProductCode: 'p', PublicKeyVersion: 1 },
          response: { Signature: 'a.b.c' },
        }),
        'evt-7',
      ),
    );
    expect(register.requestParameters).toEqual({ productCode: 'p', publicKeyVersion: 1 });
    expect(register.responseElements).toEqual({ signature: 'a.b.c' });
  });

  it('shows an assumed role with its session name and session issuer', () => {
    const event = buildCloudTrailEvent(call({ identity: ROLE }), 'evt-8');
    expect(event.username).toBe('billing-cron');
    const json = parse(event) as { userIdentity: Record<string, unknown> };
    expect(json.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: ROLE.arn,
      accessKeyId: ROLE.accessKeyId,
      sessionContext: { sessionIssuer: { userName: 'MeteringRole' } },
    });
  });
});

describe('CloudTrail field size', () => {
  /** A batch of 25 CA records with `allocations` tagged allocations each. */
  function largeCall(allocations: number): MeteringCallRecord {
    const records = Array.from({ length: 25 }, (_, i) => ({
      Timestamp: 1524155570,
      CustomerAWSAccountId: '444455556666',
      LicenseArn: `arn:aws:license-manager::111122223333:license:l-${String(i)}`,
      Dimension: 'requests',
      Quantity: allocations,
      UsageAllocations: Array.from({ length: allocations }, (_, k) => ({
        AllocatedUsageQuantity: 1,
        Tags: [{ Key: 'cost-center', Value: `cc-${String(k).padStart(4, '0')}` }],
      })),
    }));
    return call({
      request: { UsageRecords: records },
      response: {
        Results: records.map((r, i) => ({
          UsageRecord: r,
          MeteringRecordId: `mr-${String(i)}`,
          Status: 'Success',
        })),
        UnprocessedRecords: [],
      },
    });
  }

  it('omits requestParameters and responseElements over 100 KB, as CloudTrail documents', () => {
    const event = parse(buildCloudTrailEvent(largeCall(200), 'ev-large'));
    expect(event.requestParameters).toEqual({ omitted: true });
    expect(event.responseElements).toEqual({ omitted: true });
    // Everything else is still there: the call can be found and attributed.
    expect(event).toMatchObject({
      eventID: 'ev-large',
      requestID: 'req-1',
      eventName: 'BatchMeterUsage',
    });
  });

  it('keeps a field under the limit and omits only the one over it', () => {
    const small = parse(buildCloudTrailEvent(largeCall(20), 'ev-small'));
    expect((small.requestParameters as { usageRecords: unknown[] }).usageRecords).toHaveLength(25);
    // A request just over the limit whose answer (ids only, no echo) is small.
    const big = largeCall(200);
    big.response = {
      Results: Array.from({ length: 25 }, (_, i) => ({
        MeteringRecordId: `mr-${String(i)}`,
        Status: 'Success',
      })),
      UnprocessedRecords: [],
    };
    const event = parse(buildCloudTrailEvent(big, 'ev-half'));
    expect(event.requestParameters).toEqual({ omitted: true });
    expect((event.responseElements as { results: unknown[] }).results).toHaveLength(25);
  });

  it('records an AccessDenied call with null requestParameters and responseElements', () => {
    const event = parse(
      buildCloudTrailEvent(
        call({ response: undefined, error: { code: 'AccessDenied', message: 'not authorized' } }),
        'ev-denied',
      ),
    );
    expect(event).toMatchObject({
      errorCode: 'AccessDenied',
      requestParameters: null,
      responseElements: null,
    });
  });
});

describe('LookupEvents rules', () => {
  const base = NOW - DAY;
  const events = [
    synthetic('e1', base + 1000, { eventName: 'ResolveCustomer', username: 'bob' }),
    synthetic('e2', base + 2000, { accessKeyId: 'AKIATWO' }),
    synthetic('e3', base + 3000, {
      readOnly: 'true',
      resources: [{ resourceType: 'AWS::Marketplace::Product', resourceName: 'prod-a' }],
    }),
    synthetic('e4', base + 4000, { eventSource: 'other.amazonaws.com' }),
    synthetic('e5', base + 5000),
  ];

  it('returns everything newest first by default', () => {
    const out = storeWith(events).lookup({});
    expect(ids(out)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
    expect(out.NextToken).toBeUndefined();
    expect(out.Events[0]).toMatchObject({
      EventId: 'e5',
      EventTime: (base + 5000) / 1000,
      ReadOnly: 'false',
      Resources: [],
    });
  });

  const cases: [string, string, string[]][] = [
    ['EventId', 'e3', ['e3']],
    ['EventName', 'ResolveCustomer', ['e1']],
    ['ReadOnly', 'true', ['e3']],
    ['Username', 'bob', ['e1']],
    ['ResourceType', 'AWS::Marketplace::Product', ['e3']],
    ['ResourceName', 'prod-a', ['e3']],
    ['EventSource', 'other.amazonaws.com', ['e4']],
    ['AccessKeyId', 'AKIATWO', ['e2']],
  ];
  it.each(cases)('filters on %s', (key, value, expected) => {
    const out = storeWith(events).lookup({
      LookupAttributes: [{ AttributeKey: key, AttributeValue: value }],
    });
    expect(ids(out)).toEqual(expected);
  });

  it('matches attribute values exactly', () => {
    const out = storeWith(events).lookup({
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'BOB' }],
    });
    expect(out.Events).toEqual([]);
  });

  it('rejects more than one attribute and unknown keys', () => {
    const store = storeWith(events);
    expectApiError(
      () =>
        store.lookup({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' },
            { AttributeKey: 'Username', AttributeValue: 'alice' },
          ],
        }),
      'InvalidLookupAttributesException',
    );
    expectApiError(
      () => store.lookup({ LookupAttributes: [{ AttributeKey: 'Region', AttributeValue: 'x' }] }),
      'InvalidLookupAttributesException',
    );
  });

  it('limits AttributeValue to 1..2000 with _, space, comma and newline counting double', () => {
    expect(attributeValueLength('a_b c,d\ne')).toBe(13);
    const store = storeWith(events);
    const lookup = (value: string): LookupEventsOutputBody =>
      store.lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: value }] });
    expect(lookup('a'.repeat(2000)).Events).toEqual([]);
    expect(lookup('_'.repeat(1000)).Events).toEqual([]);
    expect(lookup(`${' '.repeat(999)},`).Events).toEqual([]);
    expectApiError(() => lookup('_'.repeat(1001)), 'InvalidLookupAttributesException');
    expectApiError(() => lookup(`${' '.repeat(999)},x`), 'InvalidLookupAttributesException');
    expectApiError(() => lookup('a'.repeat(2001)), 'InvalidLookupAttributesException');
    expectApiError(() => lookup(''), 'InvalidLookupAttributesException');
  });

  it('honours StartTime/EndTime inclusively and rejects start after end', () => {
    const store = storeWith(events);
    const out = store.lookup({ StartTime: (base + 2000) / 1000, EndTime: (base + 4000) / 1000 });
    expect(ids(out)).toEqual(['e4', 'e3', 'e2']);
    expectApiError(
      () => store.lookup({ StartTime: (base + 4000) / 1000, EndTime: (base + 2000) / 1000 }),
      'InvalidTimeRangeException',
    );
  });

  it('validates MaxResults 1..50 and pages by it', () => {
    const store = storeWith(events);
    for (const bad of [0, 51, 2.5, '10']) {
      expectApiError(() => store.lookup({ MaxResults: bad }), 'InvalidMaxResultsException');
    }
    const first = store.lookup({ MaxResults: 2 });
    expect(ids(first)).toEqual(['e5', 'e4']);
    const second = store.lookup({ MaxResults: 2, NextToken: first.NextToken });
    expect(ids(second)).toEqual(['e3', 'e2']);
    const third = store.lookup({ MaxResults: 2, NextToken: second.NextToken });
    expect(ids(third)).toEqual(['e1']);
    expect(third.NextToken).toBeUndefined();
  });

  it('defaults MaxResults to 50', () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      synthetic(`m${String(i).padStart(3, '0')}`, base + i * 1000),
    );
    const store = storeWith(many);
    const out = store.lookup({});
    expect(out.Events).toHaveLength(50);
    expect(out.NextToken).toBeDefined();
  });

  it('binds NextToken to the original parameters', () => {
    const store = storeWith(events);
    const params = {
      MaxResults: 1,
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' }],
      StartTime: base / 1000,
    };
    const first = store.lookup(params);
    expect(first.NextToken).toBeDefined();
    expect(ids(store.lookup({ ...params, NextToken: first.NextToken }))).toEqual(['e4']);
    const changed = [
      { ...params, MaxResults: 2 },
      { ...params, StartTime: base / 1000 + 1 },
      { ...params, EndTime: NOW / 1000 },
      {
        ...params,
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'MeterUsage' }],
      },
      { MaxResults: 1 },
    ];
    for (const body of changed) {
      expectApiError(
        () => store.lookup({ ...body, NextToken: first.NextToken }),
        'InvalidNextTokenException',
      );
    }
    expectApiError(
      () => store.lookup({ ...params, NextToken: 'garbage!' }),
      'InvalidNextTokenException',
    );
    expectApiError(
      () => store.lookup({ ...params, NextToken: Buffer.from('{"v":1}').toString('base64url') }),
      'InvalidNextTokenException',
    );
  });

  it('keeps pages stable when newer events arrive between pages', () => {
    const store = storeWith(events);
    const first = store.lookup({ MaxResults: 3 });
    store.addHistory([synthetic('e6', base + 6000)]);
    const second = store.lookup({ MaxResults: 3, NextToken: first.NextToken });
    expect(ids(second)).toEqual(['e2', 'e1']);
  });

  it('orders events with the same second by event id, newest first', () => {
    const store = storeWith([synthetic('b', base), synthetic('a', base), synthetic('c', base)]);
    const first = store.lookup({ MaxResults: 2 });
    expect(ids(first)).toEqual(['c', 'b']);
    expect(ids(store.lookup({ MaxResults: 2, NextToken: first.NextToken }))).toEqual(['a']);
  });

  it('only shows the last 90 days', () => {
    let now = NOW;
    const store = createCloudTrailStore({ now: () => now });
    store.addHistory([
      synthetic('old', NOW - LOOKUP_WINDOW_MS - 1000),
      synthetic('edge', NOW - LOOKUP_WINDOW_MS + 1000),
      synthetic('new', NOW - 1000),
    ]);
    expect(ids(store.lookup({}))).toEqual(['new', 'edge']);
    expect(ids(store.lookup({ StartTime: 0 }))).toEqual(['new', 'edge']);
    expect(
      store.lookup({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: 'old' }] })
        .Events,
    ).toEqual([]);
    now += 2000;
    expect(ids(store.lookup({}))).toEqual(['new']);
    expect(store.count()).toBe(3);
  });

  it('accepts only the insight EventCategory, which has no metering events', () => {
    const store = storeWith(events);
    expect(store.lookup({ EventCategory: 'insight' })).toEqual({ Events: [] });
    expectApiError(() => store.lookup({ EventCategory: 'Data' }), 'InvalidEventCategoryException');
    expectApiError(
      () =>
        store.lookup({
          EventCategory: 'insight',
          LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bob' }],
        }),
      'InvalidLookupAttributesException',
    );
  });

  it('records live calls and finds them by access key', () => {
    const store = createCloudTrailStore({ now: () => NOW });
    const event = store.record(call({ time: NOW - 5000 }));
    store.record(call({ time: NOW - 4000, identity: ROLE }));
    expect(store.count()).toBe(2);
    const out = store.lookup({
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: USER.accessKeyId }],
    });
    expect(ids(out)).toEqual([event.eventId]);
    expect(out.Events[0]?.CloudTrailEvent).toBe(event.cloudTrailEvent);
  });
});

describe('CloudTrail persistence', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ct-store-'));
    dirs.push(dir);
    return dir;
  }

  it('keeps live and generated events across a reload, storing history as parameters', async () => {
    const dataDir = tempDir();
    const world = createWorld(5, NOW);
    const store = createCloudTrailStore({ dataDir, now: () => NOW });
    store.addHistory(generateHistory(world, { events: 2000, seed: 9, endTime: NOW - HOUR }));
    const live = store.record(call({ time: NOW - 1000 }));
    await store.flush();
    const before = store.lookup({ MaxResults: 50 });

    const historyFile = readFileSync(join(dataDir, 'cloudtrail', 'history.json'), 'utf8');
    expect(historyFile.length).toBeLessThan(100_000); // parameters + world, not 2000 records

    const reloaded = createCloudTrailStore({ dataDir, now: () => NOW });
    expect(reloaded.count()).toBe(2001);
    expect(reloaded.get(live.eventId)?.cloudTrailEvent).toBe(live.cloudTrailEvent);
    expect(reloaded.lookup({ MaxResults: 50 })).toEqual(before);
    // A token from before the restart still works after it.
    expect(reloaded.lookup({ MaxResults: 50, NextToken: before.NextToken })).toEqual(
      store.lookup({ MaxResults: 50, NextToken: before.NextToken }),
    );

    // Adding the same generated history again (a restart with the same options) is a no-op.
    reloaded.addHistory(generateHistory(world, { events: 2000, seed: 9, endTime: NOW - HOUR }));
    expect(reloaded.count()).toBe(2001);
    expect(
      JSON.parse(readFileSync(join(dataDir, 'cloudtrail', 'history.json'), 'utf8')),
    ).toHaveLength(1);
  });

  it('persists hand-made history as JSONL and tolerates a torn last line', () => {
    const dataDir = tempDir();
    const store = createCloudTrailStore({ dataDir, now: () => NOW });
    store.addHistory([synthetic('h1', NOW - 5000)]);
    store.record(call({ time: NOW - 1000 }));
    appendFileSync(join(dataDir, 'cloudtrail', 'events.jsonl'), '{"eventId":"torn');
    const reloaded = createCloudTrailStore({ dataDir, now: () => NOW });
    expect(reloaded.count()).toBe(2);
    expect(reloaded.get('h1')).toBeDefined();
  });

  it('reset forgets everything, on disk too', () => {
    const dataDir = tempDir();
    const store = createCloudTrailStore({ dataDir, now: () => NOW });
    store.addHistory(generateHistory(createWorld(1, NOW), { events: 10, seed: 1, endTime: NOW }));
    store.record(call({ time: NOW - 1000 }));
    store.reset();
    expect(store.count()).toBe(0);
    expect(createCloudTrailStore({ dataDir, now: () => NOW }).count()).toBe(0);
    writeFileSync(join(dataDir, 'unrelated.txt'), 'kept');
  });
});
