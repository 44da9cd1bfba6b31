// CloudTrail log-file records for the trail import and ingest tests, in the documented
// BatchMeterUsage sample's layout (AWS-FACTS §2.6): one usage record, answered Success with a
// MeteringRecordId unless the overrides say otherwise. Not used by the app.
import type { LookupEvent } from '../sync';

export const TRAIL_ACCOUNT = '123456789012';

export function trailRecord(id: string, overrides: Record<string, unknown> = {}) {
  const usageRecord = {
    dimension: 'users',
    timestamp: 'Jul 10, 2026 10:00:00 AM',
    customerIdentifier: 'c-1',
    quantity: 3,
  };
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${TRAIL_ACCOUNT}:user/meter`,
      accountId: TRAIL_ACCOUNT,
      accessKeyId: 'AKIAEXAMPLE',
    },
    eventTime: '2026-07-10T11:05:00Z',
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    requestParameters: { usageRecords: [usageRecord], productCode: 'prod-1' },
    responseElements: {
      results: [{ usageRecord, meteringRecordId: `mr-${id}`, status: 'Success' }],
      unprocessedRecords: [],
    },
    requestID: `req-${id}`,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: TRAIL_ACCOUNT,
    ...overrides,
  };
}

/** A trail log file's text holding these records. */
export function trailFile(...records: object[]): string {
  return JSON.stringify({ Records: records });
}

const HOUR = 'Jul 10, 2026 10:00:00 AM';

const usage = (customer: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  dimension: 'users',
  timestamp: HOUR,
  customerIdentifier: customer,
  quantity,
  ...extra,
});

function lookupEvent(id: string, overrides: Record<string, unknown> = {}): LookupEvent {
  return {
    eventId: id,
    eventTime: Date.parse('2026-07-10T11:05:00Z'),
    cloudTrailEvent: JSON.stringify(trailRecord(id, overrides)),
  };
}

const licensed = {
  dimension: 'seats',
  timestamp: HOUR,
  customerAWSAccountID: '444455556666',
  licenseArn: 'arn:aws:license-manager::123456789012:license:l-1',
  quantity: 7,
};
const allocated = usage('c-9', 5, {
  usageAllocations: [{ allocatedUsageQuantity: 5, tags: [{ key: 'team', value: 'a' }] }],
});

/**
 * One event of each kind the parser tells apart: answers of each status, unprocessed records,
 * failed and truncated calls, allocations, licenses, MeterUsage, a usage time that cannot be
 * read, text that is not JSON, and a record long enough to be stored packed.
 */
export function variedEvents(): LookupEvent[] {
  return [
    lookupEvent('plain'),
    lookupEvent('answers', {
      requestParameters: {
        usageRecords: [usage('c-1', 1), usage('c-2', 2), usage('c-3', 3), licensed, allocated],
        productCode: 'prod-1',
      },
      responseElements: {
        results: [
          { usageRecord: usage('c-1', 1), meteringRecordId: 'mr-1', status: 'Success' },
          { usageRecord: usage('c-2', 2), status: 'DuplicateRecord' },
          { usageRecord: usage('c-3', 3), status: 'CustomerNotSubscribed' },
          { usageRecord: licensed, meteringRecordId: 'mr-4', status: 'Success' },
          { usageRecord: allocated, meteringRecordId: 'mr-5', status: 'Success' },
        ],
        unprocessedRecords: [],
      },
    }),
    lookupEvent('unprocessed', {
      requestParameters: { usageRecords: [usage('c-1', 1), usage('c-2', 2)] },
      responseElements: {
        results: [{ usageRecord: usage('c-1', 1), meteringRecordId: 'mr-6', status: 'Success' }],
        unprocessedRecords: [usage('c-2', 2)],
      },
    }),
    lookupEvent('failed', {
      errorCode: 'InvalidUsageDimensionException',
      errorMessage: 'The usage dimension does not match.',
      responseElements: null,
    }),
    lookupEvent('both-omitted', {
      requestParameters: { omitted: true },
      responseElements: { omitted: true, originalSize: 254_112 },
    }),
    lookupEvent('response-omitted', { responseElements: { omitted: true } }),
    lookupEvent('meter-usage', {
      eventName: 'MeterUsage',
      requestParameters: {
        productCode: 'prod-1',
        timestamp: HOUR,
        usageDimension: 'hosts',
        usageQuantity: 2,
      },
      responseElements: { meteringRecordId: 'mr-7' },
    }),
    { eventId: 'not-json', eventTime: 1, cloudTrailEvent: 'not a JSON record' },
    lookupEvent('long', { sourceIPAddress: 'metering.example.com '.repeat(300) }),
    lookupEvent('no-time', {
      requestParameters: { usageRecords: [usage('c-1', 1, { timestamp: 'someday' })] },
      responseElements: {
        results: [{ usageRecord: usage('c-1', 1), meteringRecordId: 'mr-8', status: 'Success' }],
        unprocessedRecords: [],
      },
    }),
  ];
}
