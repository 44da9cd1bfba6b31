import { describe, expect, it } from 'vitest';
import { auditRowSchema, RESULT_MISSING_CODE } from '../../../shared/audit';
import { parseAuditRows, parseCloudTrailEvent, parseUsageTimestamp } from './parse';

// The AWS-documented BatchMeterUsage sample as AWS-FACTS §2.6 gives it (placeholders included).
const AWS_SAMPLE = `{
  "eventVersion": "1.05",
  "userIdentity": {"type": "IAMUser", "principalId": "…", "arn": "arn:aws:iam::123456789012:user/…",
                   "accountId": "123456789012", "accessKeyId": "…", "userName": "…"},
  "eventTime": "2018-04-19T16:32:51Z",
  "eventSource": "metering-marketplace.amazonaws.com",
  "eventName": "BatchMeterUsage",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "…",
  "userAgent": "…",
  "requestParameters": {
    "usageRecords": [
      {"dimension": "Dimension1", "timestamp": "Apr 19, 2018 4:32:50 PM",
       "customerIdentifier": "customer1", "customerAWSAccountID": "987654321098", "quantity": 1}
    ],
    "productCode": "EXAMPLE_proCode"
  },
  "responseElements": {
    "results": [
      {"usageRecord": {"dimension": "Dimension1", "timestamp": "Apr 19, 2018 4:32:50 PM",
                       "customerIdentifier": "customer1", "customerAWSAccountID": "987654321098", "quantity": 1},
       "meteringRecordId": "bEXAMPLE-98f0-…", "status": "Success"}
    ],
    "unprocessedRecords": []
  },
  "requestID": "…", "eventID": "…", "readOnly": false,
  "eventType": "AwsApiCall", "recipientAccountId": "123456789012"
}`;

type Rec = Record<string, unknown>;

function event(overrides: Rec = {}): Rec {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/meter',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLE',
      userName: 'meter',
    },
    eventTime: '2026-07-10T12:05:00Z',
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    eventID: 'ev-1',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

function usage(dimension: string, extra: Rec = {}): Rec {
  return {
    dimension,
    timestamp: 'Jul 10, 2026 11:00:00 AM',
    customerIdentifier: 'cust-a',
    quantity: 5,
    ...extra,
  };
}

function rowsOf(record: Rec) {
  const rows = parseAuditRows(JSON.stringify(record));
  for (const row of rows) expect(auditRowSchema.safeParse(row).success).toBe(true);
  return rows;
}

const T = Date.UTC(2026, 6, 10, 11, 0, 0);

describe('parseUsageTimestamp', () => {
  it.each([
    ['Apr 19, 2018 4:32:50 PM', Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['Apr 19, 2018 4:32:50\u202fPM', Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['Apr 19, 2018 4:32:50\u00a0PM', Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['Jan 1, 2026 12:00:00 AM', Date.UTC(2026, 0, 1, 0, 0, 0)],
    ['Jan 1, 2026 12:30:05 PM', Date.UTC(2026, 0, 1, 12, 30, 5)],
    ['Dec 31, 2025 11:59:59 PM', Date.UTC(2025, 11, 31, 23, 59, 59)],
    ['2018-04-19T16:32:50Z', Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['2018-04-19T16:32:50', Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['2018-04-19T18:32:50+02:00', Date.UTC(2018, 3, 19, 16, 32, 50)],
    [1524155570, Date.UTC(2018, 3, 19, 16, 32, 50)],
    [1524155570.5, Date.UTC(2018, 3, 19, 16, 32, 50) + 500],
    [1524155570000, Date.UTC(2018, 3, 19, 16, 32, 50)],
    ['1524155570', Date.UTC(2018, 3, 19, 16, 32, 50)],
  ])('%j', (input, expected) => {
    expect(parseUsageTimestamp(input)).toBe(expected);
  });

  it.each([
    ['not a date'],
    [''],
    [null],
    [{}],
    ['Foo 19, 2018 4:32:50 PM'],
    ['Apr 19, 2018 13:32:50 PM'],
  ])('rejects %j', (input) => expect(parseUsageTimestamp(input)).toBeNull());
});

describe('parseCloudTrailEvent: the sample and key casing', () => {
  it('parses the AWS-documented sample', () => {
    const parsed = parseCloudTrailEvent(AWS_SAMPLE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.event).toMatchObject({
      eventId: '…',
      eventTime: Date.UTC(2018, 3, 19, 16, 32, 51),
      eventName: 'BatchMeterUsage',
      region: 'us-east-1',
      accountId: '123456789012',
    });
    expect(parsed.event.rows).toEqual([
      {
        eventId: '…',
        recordIndex: 0,
        eventTime: Date.UTC(2018, 3, 19, 16, 32, 51),
        eventName: 'BatchMeterUsage',
        usageHour: Date.UTC(2018, 3, 19, 16),
        usageTime: Date.UTC(2018, 3, 19, 16, 32, 50),
        customerIdentifier: 'customer1',
        customerAwsAccountId: '987654321098',
        productCode: 'EXAMPLE_proCode',
        dimension: 'Dimension1',
        quantity: 1,
        status: 'Success',
        meteringRecordId: 'bEXAMPLE-98f0-…',
        callerArn: 'arn:aws:iam::123456789012:user/…',
        userName: '…',
        accessKeyId: '…',
        identityType: 'IAMUser',
        person: '…',
        requestId: '…',
        region: 'us-east-1',
        accountId: '123456789012',
      },
    ]);
  });

  it('matches key casing variants case-insensitively; CA records have no productCode', () => {
    const records = [
      {
        dimension: 'api',
        timestamp: 'Jul 10, 2026 11:00:00 AM',
        customerAWSAccountId: '444455556666',
        LicenseArn: 'arn:aws:license-manager::1:license:l-1',
        quantity: 2,
      },
      {
        Dimension: 'api',
        Timestamp: 'Jul 10, 2026 11:00:00 AM',
        CustomerAWSAccountID: '777788889999',
        licenseArn: 'arn:aws:license-manager::1:license:l-2',
        Quantity: 3,
      },
    ];
    const rows = rowsOf(
      event({
        requestParameters: { usageRecords: records },
        responseElements: {
          results: records.map((r, i) => ({
            usageRecord: r,
            meteringRecordId: `m-${i}`,
            status: 'Success',
          })),
          unprocessedRecords: [],
        },
      }),
    );
    expect(
      rows.map((r) => [
        r.customerAwsAccountId,
        r.licenseArn,
        r.quantity,
        r.productCode,
        r.meteringRecordId,
      ]),
    ).toEqual([
      ['444455556666', 'arn:aws:license-manager::1:license:l-1', 2, undefined, 'm-0'],
      ['777788889999', 'arn:aws:license-manager::1:license:l-2', 3, undefined, 'm-1'],
    ]);
    expect(rows.every((r) => r.dimension === 'api' && r.usageTime === T)).toBe(true);
  });
});

describe('parseCloudTrailEvent: pairing results with request records', () => {
  it('pairs results with request records by content, not position, and keeps every status', () => {
    const a = usage('a');
    const b = usage('b', { customerIdentifier: 'cust-b' });
    const c = usage('c', { quantity: 0 });
    const d = usage('d');
    const rows = rowsOf(
      event({
        requestParameters: { productCode: 'prod', usageRecords: [a, b, c, d] },
        responseElements: {
          results: [
            { usageRecord: c, meteringRecordId: 'm-c', status: 'DuplicateRecord' },
            { usageRecord: a, meteringRecordId: 'm-a', status: 'Success' },
            { usageRecord: b, status: 'CustomerNotSubscribed' },
          ],
          unprocessedRecords: [d],
        },
      }),
    );
    expect(
      rows.map((r) => [r.recordIndex, r.dimension, r.status, r.meteringRecordId ?? null]),
    ).toEqual([
      [0, 'a', 'Success', 'm-a'],
      [1, 'b', 'CustomerNotSubscribed', null],
      [2, 'c', 'DuplicateRecord', 'm-c'],
      [3, 'd', 'Unprocessed', null],
    ]);
    expect(rows.every((r) => r.productCode === 'prod')).toBe(true);
  });

  it('pairs an echo whose timestamp is written differently by the looser key', () => {
    const request = usage('a');
    const echo = { ...request, timestamp: '2026-07-10T11:00:00Z' };
    const later = { ...request, timestamp: 1_783_681_200 }; // another spelling, same record shape
    const rows = rowsOf(
      event({
        requestParameters: { usageRecords: [request] },
        responseElements: {
          results: [{ usageRecord: echo, meteringRecordId: 'm', status: 'Success' }],
        },
      }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('Success');
    expect(parseUsageTimestamp(later.timestamp)).toBe(1_783_681_200_000);
  });
});

describe('parseCloudTrailEvent: failed calls, missing results and extra fields', () => {
  it('gives a failed call one Failed row per requested record, with the error code', () => {
    const rows = rowsOf(
      event({
        errorCode: 'InvalidUsageDimensionException',
        errorMessage: 'Dimension x is not valid',
        requestParameters: {
          productCode: 'prod',
          usageRecords: [usage('x'), usage('y'), usage('z')],
        },
        responseElements: null,
      }),
    );
    expect(rows.map((r) => [r.dimension, r.status, r.errorCode, r.errorMessage])).toEqual([
      ['x', 'Failed', 'InvalidUsageDimensionException', 'Dimension x is not valid'],
      ['y', 'Failed', 'InvalidUsageDimensionException', 'Dimension x is not valid'],
      ['z', 'Failed', 'InvalidUsageDimensionException', 'Dimension x is not valid'],
    ]);
  });

  it('gives a failed call without parseable records a single row', () => {
    const rows = rowsOf(
      event({ errorCode: 'AccessDenied', requestParameters: null, responseElements: null }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'Failed',
      errorCode: 'AccessDenied',
      dimension: '',
      quantity: 0,
      usageHour: null,
    });
  });

  it('says when a record has no result instead of guessing', () => {
    const rows = rowsOf(
      event({ requestParameters: { usageRecords: [usage('a')] }, responseElements: null }),
    );
    expect(rows[0]).toMatchObject({ status: 'Unprocessed', errorCode: RESULT_MISSING_CODE });
    const rows2 = rowsOf(
      event({
        requestParameters: { usageRecords: [usage('a')] },
        responseElements: { results: [] },
      }),
    );
    expect(rows2[0]).toMatchObject({ status: 'Unprocessed', errorCode: RESULT_MISSING_CODE });
  });

  it('keeps results whose request record is missing (truncated request)', () => {
    const rows = rowsOf(
      event({
        requestParameters: { usageRecords: [usage('a')] },
        responseElements: {
          results: [
            { usageRecord: usage('a'), meteringRecordId: 'm-a', status: 'Success' },
            { usageRecord: usage('extra'), meteringRecordId: 'm-x', status: 'Success' },
          ],
        },
      }),
    );
    expect(rows.map((r) => [r.recordIndex, r.dimension])).toEqual([
      [0, 'a'],
      [1, 'extra'],
    ]);
  });

  it('keeps allocations as compact JSON and ignores unknown fields', () => {
    const allocations = [
      { allocatedUsageQuantity: 3, tags: [{ key: 'team', value: 'red' }] },
      { allocatedUsageQuantity: 2 },
    ];
    const record = usage('a', { usageAllocations: allocations, futureField: { nested: true } });
    const rows = rowsOf(
      event({
        newTopLevel: 'x',
        requestParameters: { usageRecords: [record], somethingNew: 1 },
        responseElements: { results: [{ usageRecord: record, status: 'Success', extra: 1 }] },
      }),
    );
    expect(rows[0]?.allocations).toBe(JSON.stringify(allocations));
    expect(rows[0]?.status).toBe('Success');
  });
});

describe('parseCloudTrailEvent: callers, timestamps, fallbacks and other calls', () => {
  it('names an assumed role caller from its session issuer', () => {
    const rows = rowsOf(
      event({
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/Metering/session-1',
          accountId: '111122223333',
          accessKeyId: 'ASIAEXAMPLE',
          sessionContext: { sessionIssuer: { type: 'Role', userName: 'Metering' } },
        },
        requestParameters: { usageRecords: [usage('a')] },
        responseElements: { results: [{ usageRecord: usage('a'), status: 'Success' }] },
      }),
    );
    expect(rows[0]).toMatchObject({ userName: 'Metering', accessKeyId: 'ASIAEXAMPLE' });
  });

  it('handles timestamps with narrow no-break spaces, epoch numbers and ISO in records', () => {
    const records = [
      usage('a', { timestamp: 'Jul 10, 2026 11:00:00\u202fAM' }),
      usage('b', { timestamp: 'Jul 10, 2026 11:00:00\u00a0AM' }),
      usage('c', { timestamp: T / 1000 }),
      usage('d', { timestamp: T }),
      usage('e', { timestamp: '2026-07-10T11:00:00Z' }),
      usage('f', { timestamp: 'garbage' }),
    ];
    const rows = rowsOf(event({ requestParameters: { usageRecords: records } }));
    expect(rows.map((r) => r.usageTime)).toEqual([T, T, T, T, T, null]);
    expect(rows.map((r) => r.usageHour)).toEqual([T, T, T, T, T, null]);
  });

  it('falls back to what LookupEvents said when the record is silent', () => {
    const record = event({ requestParameters: { usageRecords: [usage('a')] } });
    delete record.eventID;
    delete record.eventTime;
    delete record.awsRegion;
    delete record.userIdentity;
    delete record.recipientAccountId;
    const parsed = parseCloudTrailEvent(JSON.stringify(record), {
      eventId: 'from-lookup',
      eventTime: 42_000,
      region: 'eu-west-1',
      accountId: '999',
      username: 'lookup-user',
      accessKeyId: 'AKIALOOKUP',
    });
    expect(parsed.ok && parsed.event.rows[0]).toMatchObject({
      eventId: 'from-lookup',
      eventTime: 42_000,
      region: 'eu-west-1',
      accountId: '999',
      userName: 'lookup-user',
      accessKeyId: 'AKIALOOKUP',
    });
  });

  it('gives MeterUsage one row and other metering calls none', () => {
    const meter = rowsOf(
      event({
        eventName: 'MeterUsage',
        requestParameters: {
          productCode: 'ami',
          timestamp: 'Jul 10, 2026 11:00:00 AM',
          usageDimension: 'hosts',
          usageQuantity: 4,
          dryRun: false,
        },
        responseElements: { meteringRecordId: 'm-1' },
      }),
    );
    expect(meter).toEqual([
      expect.objectContaining({
        dimension: 'hosts',
        quantity: 4,
        status: 'Success',
        meteringRecordId: 'm-1',
        productCode: 'ami',
      }),
    ]);
    const resolve = parseCloudTrailEvent(
      JSON.stringify(
        event({
          eventName: 'ResolveCustomer',
          requestParameters: { registrationToken: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        }),
      ),
    );
    expect(resolve.ok && resolve.event.rows).toEqual([]);
  });

  it('rejects text that is not a JSON object with an id', () => {
    expect(parseCloudTrailEvent('{not json').ok).toBe(false);
    expect(parseCloudTrailEvent('[1,2]').ok).toBe(false);
    expect(parseCloudTrailEvent('{"eventTime":"2026-01-01T00:00:00Z"}').ok).toBe(false);
    expect(parseAuditRows('{not json')).toEqual([]);
  });

  it('marks a status AWS adds later as not billed, with the status kept', () => {
    const rows = rowsOf(
      event({
        requestParameters: { usageRecords: [usage('a')] },
        responseElements: { results: [{ usageRecord: usage('a'), status: 'SomethingNew' }] },
      }),
    );
    expect(rows[0]).toMatchObject({ status: 'Failed', errorCode: 'Status:SomethingNew' });
  });
});
