// CloudTrail log-file records for the trail import tests, in the documented BatchMeterUsage
// sample's layout (AWS-FACTS §2.6): one usage record, answered Success with a MeteringRecordId
// unless the overrides say otherwise. Not used by the app.
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
