// A call this app sent whose CloudTrail event was truncated is filled in from the journal by
// request id, and the filled rows say so. Records as the journal keeps them (wire form) and
// CloudTrail events written from the documented sample's layout.
import { describe, expect, it } from 'vitest';
import { ingestEvent } from './ingest';
import { JOURNAL_HOUR_ISO, journalCall } from './testing/journal-call';

const scope = { accountId: '123456789012', region: 'us-east-1' };
const HOUR_ISO = JOURNAL_HOUR_ISO;
const HOUR_JAVA = 'Jul 10, 2026 11:00:00 AM';
const call = journalCall;

function event(request: unknown, response: unknown, requestID = 'req-1') {
  return {
    eventId: 'ev-1',
    eventTime: Date.parse('2026-07-10T12:05:00Z'),
    cloudTrailEvent: JSON.stringify({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/meter' },
      eventTime: '2026-07-10T12:05:00Z',
      eventSource: 'metering-marketplace.amazonaws.com',
      eventName: 'BatchMeterUsage',
      awsRegion: 'us-east-1',
      requestParameters: request,
      responseElements: response,
      requestID,
      eventID: 'ev-1',
      recipientAccountId: '123456789012',
    }),
  };
}

const lookup = (id: string) => (id === 'req-1' ? call : undefined);
const sent = (customer: string, quantity: number) => ({
  dimension: 'users',
  timestamp: HOUR_JAVA,
  customerIdentifier: customer,
  quantity,
});

describe('filling truncated events from the journal', () => {
  it('takes records and answers from the journal when both parts were omitted', () => {
    const { parsed } = ingestEvent(event({ omitted: true }, { omitted: true }), scope, lookup);
    expect(parsed.truncated).toBe('both');
    expect(
      parsed.rows.map((r) => [
        r.customerIdentifier,
        r.quantity,
        r.status,
        r.meteringRecordId ?? null,
        r.filledFrom,
        r.productCode,
        r.usageHour,
      ]),
    ).toEqual([
      ['c-1', 3, 'Success', 'mr-a', 'journal', 'prod-1', Date.parse(HOUR_ISO)],
      ['c-2', 4, 'DuplicateRecord', null, 'journal', 'prod-1', Date.parse(HOUR_ISO)],
    ]);
  });

  it('takes only the answers when the response was omitted', () => {
    const { parsed } = ingestEvent(
      event({ usageRecords: [sent('c-2', 4), sent('c-1', 3)] }, { omitted: true }),
      scope,
      lookup,
    );
    expect(parsed.rows.map((r) => [r.customerIdentifier, r.status, r.filledFrom])).toEqual([
      ['c-2', 'DuplicateRecord', 'journal'],
      ['c-1', 'Success', 'journal'],
    ]);
    expect(parsed.rows[1]?.meteringRecordId).toBe('mr-a');
  });

  it('takes the record of a result without an echo by its MeteringRecordId', () => {
    const { parsed } = ingestEvent(
      event({ omitted: true }, { results: [{ meteringRecordId: 'mr-a', status: 'Success' }] }),
      scope,
      lookup,
    );
    expect(parsed.rows).toEqual([
      expect.objectContaining({
        customerIdentifier: 'c-1',
        quantity: 3,
        status: 'Success',
        meteringRecordId: 'mr-a',
        filledFrom: 'journal',
      }),
    ]);
  });

  it('leaves events of calls it did not send, and untruncated events, as CloudTrail has them', () => {
    const other = ingestEvent(event({ omitted: true }, { omitted: true }, 'req-2'), scope, lookup);
    expect(other.parsed.rows).toEqual([
      expect.objectContaining({ status: 'Unknown', truncated: 'both' }),
    ]);
    expect(other.parsed.rows[0]?.filledFrom).toBeUndefined();
    const whole = ingestEvent(
      event(
        { usageRecords: [sent('c-1', 3)] },
        { results: [{ usageRecord: sent('c-1', 3), meteringRecordId: 'mr-z', status: 'Success' }] },
      ),
      scope,
      lookup,
    );
    expect(whole.parsed.rows.map((r) => [r.meteringRecordId, r.filledFrom])).toEqual([
      ['mr-z', undefined],
    ]);
  });
});
