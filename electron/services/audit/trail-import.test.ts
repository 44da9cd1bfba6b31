// Reading CloudTrail log files as a trail writes them to S3 (`{"Records":[…]}`) and as the
// console's download and LookupEvents give them; counting what was kept, skipped and why.
// Records follow the documented BatchMeterUsage sample's layout (AWS-FACTS §2.6).
import { describe, expect, it } from 'vitest';
import { TRAIL_ACCOUNT, trailRecord } from './testing/trail-records';
import { readTrailEvents, readTrailFile } from './trail-import';

const NOW = Date.UTC(2026, 6, 10, 12);
const DAY = 86_400_000;
const record = trailRecord;

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

describe('picking the kept events of a trail log file', () => {
  it('keeps the account’s metering events by region and counts the rest', () => {
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
    const name = 'CloudTrail/us-east-1/2026/07/10/file.json.gz';
    const { summary, byRegion } = readTrailEvents(name, text, {
      accountId: TRAIL_ACCOUNT,
      now: NOW,
    });
    // Added and duplicates are counted when the events are stored (trail-importer.test.ts).
    expect(summary).toEqual({
      fileName: name,
      events: 8,
      meteringEvents: 5,
      added: 0,
      duplicates: 0,
      otherAccounts: 1,
      unplaceable: 1,
      truncated: 1,
      beyondLookup: 1,
      regions: ['eu-west-1', 'us-east-1'],
      from: NOW - 120 * DAY,
      to: Date.parse('2026-07-10T11:05:00Z'),
    });
    expect(byRegion.get('eu-west-1')?.map((e) => e.eventId)).toEqual(['ev-2']);
    expect(byRegion.get('us-east-1')?.map((e) => e.eventId)).toEqual([
      'ev-1',
      'ev-5',
      'ev-6',
      'ev-1',
    ]);
    const first = byRegion.get('us-east-1')?.[0];
    expect(first).toMatchObject({
      eventId: 'ev-1',
      eventName: 'BatchMeterUsage',
      accessKeyId: 'AKIAEXAMPLE',
    });
    expect(JSON.parse(first?.cloudTrailEvent ?? '{}')).toEqual(record('ev-1'));
  });

  it('reports an unreadable file and keeps nothing', () => {
    const { summary, byRegion } = readTrailEvents('x.json', '{', {
      accountId: TRAIL_ACCOUNT,
      now: NOW,
    });
    expect(summary.unreadable).toBe('The file is not JSON, so it is not a CloudTrail log file.');
    expect(byRegion.size).toBe(0);
  });
});
