// Reading CloudTrail log files as a trail writes them to S3 (`{"Records":[…]}`) and as the
// console's download and LookupEvents give them; counting what was kept, skipped and why.
// Records follow the documented BatchMeterUsage sample's layout (AWS-FACTS §2.6).
import { describe, expect, it } from 'vitest';
import type { LookupEvent } from './sync';
import { importTrailFile, readTrailFile } from './trail-import';

const ACCOUNT = '123456789012';
const NOW = Date.UTC(2026, 6, 10, 12);
const DAY = 86_400_000;

function record(id: string, overrides: Record<string, unknown> = {}) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT}:user/meter`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAEXAMPLE',
    },
    eventTime: '2026-07-10T11:05:00Z',
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    requestParameters: {
      usageRecords: [
        {
          dimension: 'users',
          timestamp: 'Jul 10, 2026 10:00:00 AM',
          customerIdentifier: 'c-1',
          quantity: 3,
        },
      ],
      productCode: 'prod-1',
    },
    responseElements: { results: [], unprocessedRecords: [] },
    requestID: `req-${id}`,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    ...overrides,
  };
}

function port(known: Set<string> = new Set()) {
  const stored: { region: string; events: LookupEvent[] }[] = [];
  return {
    stored,
    port: {
      accountId: ACCOUNT,
      now: NOW,
      store: (region: string, events: readonly LookupEvent[]) => {
        stored.push({ region, events: [...events] });
        let added = 0;
        for (const e of events) {
          if (!known.has(e.eventId)) added += 1;
          known.add(e.eventId);
        }
        return Promise.resolve(added);
      },
    },
  };
}

describe('reading trail log files', () => {
  it('reads {"Records":[…]}, {"Events":[…]} (CloudTrailEvent text kept verbatim) and bare lists', () => {
    const a = record('ev-a');
    expect(readTrailFile(JSON.stringify({ Records: [a] }))).toEqual({
      records: [{ record: a }],
    });
    const text = JSON.stringify(a, null, 2);
    const events = readTrailFile(
      JSON.stringify({ Events: [{ EventId: 'ev-a', CloudTrailEvent: text }] }),
    );
    expect('records' in events && events.records[0]?.raw).toBe(text);
    const bare = readTrailFile(JSON.stringify([a, record('ev-b')]));
    expect('records' in bare && bare.records.map((r) => r.record.eventID)).toEqual([
      'ev-a',
      'ev-b',
    ]);
  });

  it('says why a file cannot be read', () => {
    expect(readTrailFile('\u001f\u008bgarbage')).toEqual({
      error: 'The file is still gzip-compressed.',
    });
    expect(readTrailFile('not json')).toEqual({
      error: 'The file is not JSON, so it is not a CloudTrail log file.',
    });
    expect(readTrailFile('{"Something":[]}')).toEqual({
      error: 'No "Records" list: this is not a CloudTrail log file.',
    });
  });
});

describe('importing a trail log file', () => {
  it('keeps the account’s metering events by region and counts the rest', async () => {
    const text = JSON.stringify({
      Records: [
        record('ev-1'),
        record('ev-2', { awsRegion: 'eu-west-1' }),
        record('ev-3', { eventSource: 's3.amazonaws.com', eventName: 'GetObject' }),
        record('ev-4', {
          recipientAccountId: '999999999999',
          userIdentity: { type: 'IAMUser', accountId: '999999999999' },
        }),
        record('ev-5', {
          requestParameters: { omitted: true },
          responseElements: { omitted: true },
        }),
        record('ev-6', { eventTime: new Date(NOW - 120 * DAY).toISOString() }),
        record('ev-1'),
        record('ev-7', { eventID: undefined }),
      ],
    });
    const { port: p, stored } = port(new Set(['ev-6']));
    const summary = await importTrailFile('CloudTrail/us-east-1/2026/07/10/file.json.gz', text, p);
    expect(summary).toEqual({
      fileName: 'CloudTrail/us-east-1/2026/07/10/file.json.gz',
      events: 8,
      meteringEvents: 5,
      added: 3,
      duplicates: 2,
      otherAccounts: 1,
      unplaceable: 1,
      truncated: 1,
      beyondLookup: 1,
      regions: ['eu-west-1', 'us-east-1'],
      from: NOW - 120 * DAY,
      to: Date.parse('2026-07-10T11:05:00Z'),
    });
    expect(stored.find((s) => s.region === 'eu-west-1')?.events.map((e) => e.eventId)).toEqual([
      'ev-2',
    ]);
    const first = stored.find((s) => s.region === 'us-east-1')?.events[0];
    expect(first).toMatchObject({
      eventId: 'ev-1',
      eventName: 'BatchMeterUsage',
      accessKeyId: 'AKIAEXAMPLE',
    });
    expect(JSON.parse(first?.cloudTrailEvent ?? '{}')).toEqual(record('ev-1'));
  });

  it('reports an unreadable file without storing anything', async () => {
    const { port: p, stored } = port();
    const summary = await importTrailFile('x.json', '{', p);
    expect(summary.unreadable).toBe('The file is not JSON, so it is not a CloudTrail log file.');
    expect(stored).toEqual([]);
  });
});
