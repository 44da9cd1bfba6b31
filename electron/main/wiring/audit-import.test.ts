// Importing CloudTrail log files through the real core (router, audit database, journal): a file
// sent in parts, a truncated event of a call this app sent filled in from the journal by request
// id, a retry pair billed once, a file imported twice with nothing counted twice, an unreadable
// file explained, and the events merged with a later sync by event id.
import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_RETENTION_MS } from '../../../shared/audit';
import { TRAIL_PART_MAX_CHARS } from '../../../shared/channels/audit';
import { SANDBOX_ID_PREFIX } from '../../services/metering/catalog';
import { adminState, finished, until, useFileCore } from './testing/core-testkit';
import { pinnedClock } from '../../testing/time';

const clock = pinnedClock();
const shared = useFileCore(clock.now, { sandboxHistoryEvents: 20, settings: 'file' });
const call = shared.call;
const HOUR = 3_600_000;

/** Sends a file's text as the renderer does: parts, then the last one. */
async function importText(fileName: string, text: string) {
  let uploadId: string | undefined;
  let offset = 0;
  let parts = 0;
  while (text.length - offset > TRAIL_PART_MAX_CHARS) {
    const answer = await call('audit:import-trail', {
      fileName,
      text: text.slice(offset, offset + TRAIL_PART_MAX_CHARS),
      more: true,
      ...(uploadId === undefined ? {} : { uploadId }),
    });
    if (answer.status !== 'partial') throw new Error('expected a partial answer');
    uploadId = answer.uploadId;
    offset += TRAIL_PART_MAX_CHARS;
    parts += 1;
  }
  const done = await call('audit:import-trail', {
    fileName,
    text: text.slice(offset),
    ...(uploadId === undefined ? {} : { uploadId }),
  });
  if (done.status !== 'done') throw new Error('expected the file summary');
  return { ...done.file, parts: parts + 1 };
}

type Rec = Record<string, unknown>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A usage timestamp as CloudTrail writes it (AWS-FACTS §2.6), at a whole hour. */
function javaTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCDate())}, ${String(d.getUTCFullYear())} ${String(h % 12 === 0 ? 12 : h % 12)}:00:00 ${h < 12 ? 'AM' : 'PM'}`;
}

function trailRecord(id: string, at: number, account: string, extra: Rec): Rec {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:billing-cron',
      arn: `arn:aws:sts::${account}:assumed-role/MeteringRole/billing-cron`,
      accountId: account,
      accessKeyId: 'ASIAEXAMPLE',
    },
    eventTime: new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.24',
    userAgent: 'aws-sdk-java/1.12.772',
    requestID: `req-${id}`,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    ...extra,
  };
}

describe('importing CloudTrail log files', () => {
  it('fills a truncated event of this app’s call from the journal, bills a retry pair once, skips repeats', async () => {
    const state = adminState(shared.dataDir);
    const account = state.sellerAccountId;
    const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
    const sub = state.subscriptions.find(
      (s) =>
        s.productCode === product?.productCode &&
        s.status === 'active' &&
        s.customerIdentifier !== undefined &&
        s.activatedAt < clock.now() - 30 * HOUR,
    );
    const dimension = product?.dimensions[0]?.name;
    if (!product || !sub?.customerIdentifier || dimension === undefined) throw new Error('fixture');
    const hour = Math.floor(clock.now() / HOUR) * HOUR - 3 * HOUR;

    // A call this app sends; its CloudTrail event will arrive truncated in a log file.
    const { submissionId } = await call('metering:submit', {
      operation: 'BatchMeterUsage',
      records: [
        {
          productId: `${SANDBOX_ID_PREFIX}${product.productCode}`,
          operation: 'BatchMeterUsage',
          productCode: product.productCode,
          customerIdentifier: sub.customerIdentifier,
          dimension,
          quantity: 41,
          timestamp: new Date(hour).toISOString(),
        },
      ],
    });
    await finished(shared.core, submissionId);
    const sent = await call('journal:submission', { submissionId });
    const requestId = sent.calls[0]?.requestId;
    const mine = sent.rows[0]?.meteringRecordId;
    if (requestId === undefined || mine === undefined) throw new Error('no request id journaled');

    const usage = {
      dimension,
      timestamp: javaTime(hour - HOUR),
      customerIdentifier: 'cust-from-trail',
      quantity: 77,
    };
    const retry = (id: string, minutes: number) =>
      trailRecord(id, clock.now() - 2 * HOUR + minutes * 60_000, account, {
        requestParameters: { usageRecords: [usage], productCode: product.productCode },
        responseElements: {
          results: [{ usageRecord: usage, meteringRecordId: 'trail-mr-1', status: 'Success' }],
          unprocessedRecords: [],
        },
      });
    const truncated = {
      ...trailRecord('trail-truncated', clock.now() - HOUR, account, {
        requestParameters: { omitted: true },
        responseElements: { omitted: true },
      }),
      requestID: requestId,
    };
    const old = retry('trail-old', 0);
    old.eventTime = new Date(clock.now() - CLOUDTRAIL_RETENTION_MS - 30 * 86_400_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    old.eventID = 'trail-old';
    const padding = Array.from({ length: 400 }, (_, i) =>
      trailRecord(`s3-${String(i)}`, clock.now(), account, {
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        requestParameters: { bucketName: 'x'.repeat(1000) },
      }),
    );
    const text = JSON.stringify({
      Records: [retry('trail-retry-a', 0), retry('trail-retry-b', 3), truncated, old, ...padding],
    });
    expect(text.length).toBeGreaterThan(TRAIL_PART_MAX_CHARS);

    const first = await importText('CloudTrail/us-east-1/2026/07/10/trail.json', text);
    expect(first).toMatchObject({
      events: 404,
      meteringEvents: 4,
      added: 4,
      duplicates: 0,
      truncated: 1,
      beyondLookup: 1,
      regions: ['us-east-1'],
    });
    expect(first.parts).toBeGreaterThan(1);

    // The truncated event: kept, flagged, and filled in from the journal by request id.
    const filled = await call('audit:raw', { eventId: 'trail-truncated' });
    expect(filled.rows).toEqual([
      expect.objectContaining({
        truncated: 'both',
        filledFrom: 'journal',
        status: 'Success',
        meteringRecordId: mine,
        quantity: 41,
        customerIdentifier: sub.customerIdentifier,
        sent: expect.objectContaining({ submissionId, by: 'requestId' }) as unknown,
      }),
    ]);

    // The retry pair: two events, one billed, one replay.
    const pair = await call('audit:query', {
      filter: { text: [{ column: 'meteringRecordId', op: 'equals', value: 'trail-mr-1' }] },
      limit: 10,
    });
    expect(pair.rows.map((r) => [r.eventId, r.billing]).sort()).toEqual([
      ['trail-old', 'billed'],
      ['trail-retry-a', 'replay'],
      ['trail-retry-b', 'replay'],
    ]);
    const totals = await call('audit:aggregate', {
      filter: { text: [{ column: 'meteringRecordId', op: 'equals', value: 'trail-mr-1' }] },
      aggregate: { bucket: 'day' },
    });
    expect(totals.totals).toMatchObject({ successQuantity: 77, billing: { replayRecords: 2 } });
    const all = await call('audit:aggregate', { filter: {}, aggregate: { bucket: 'day' } });
    expect(all.totals.truncatedCalls).toBe(1);
    // The completeness strip counts it in its region.
    const strip = await call('audit:completeness', { days: 90 });
    expect(strip.truncatedEvents).toEqual({ 'us-east-1': 1 });

    // The same file again: nothing new, nothing counted twice.
    const again = await importText('trail.json', text);
    expect(again).toMatchObject({ meteringEvents: 4, added: 0, duplicates: 4 });

    // A file that is not a log file says why.
    const bad = await importText('notes.json', '{"hello": "world"}');
    expect(bad.unreadable).toBe('No "Records" list: this is not a CloudTrail log file.');

    // A sync afterwards merges by event id: the imported events stay once each.
    const { taskId } = await call('audit:sync-start', { mode: 'BatchMeterUsage' });
    await until(async () => {
      const s = await call('audit:sync-status', { taskId });
      return s && s.state !== 'running' ? s : undefined;
    }, 60_000);
    const after = await call('audit:query', {
      filter: {
        text: [
          {
            column: 'eventId',
            op: 'in',
            values: ['trail-retry-a', 'trail-retry-b', 'trail-old', 'trail-truncated'],
          },
        ],
      },
      limit: 10,
    });
    expect(after.total).toBe(4);
  }, 90_000);

  it('holds the files of one import and tells them stored with the last (answers pass the contract)', async () => {
    const state = adminState(shared.dataDir);
    const account = state.sellerAccountId;
    const usage = {
      dimension: 'users',
      timestamp: javaTime(Math.floor(clock.now() / HOUR) * HOUR - 5 * HOUR),
      customerIdentifier: 'cust-held',
      quantity: 5,
    };
    const file = (id: string) =>
      JSON.stringify({
        Records: [
          trailRecord(id, clock.now() - 4 * HOUR, account, {
            requestParameters: { usageRecords: [usage], productCode: 'held-product' },
            responseElements: {
              results: [{ usageRecord: usage, meteringRecordId: `mr-${id}`, status: 'Success' }],
              unprocessedRecords: [],
            },
          }),
        ],
      });
    const a = await call('audit:import-trail', {
      fileName: 'a.json',
      text: file('held-a'),
      hold: true,
    });
    if (a.status !== 'held') throw new Error('expected the file held');
    expect(a.stored).toEqual([]);
    const b = await call('audit:import-trail', {
      fileName: 'b.json',
      text: file('held-b'),
      holdId: a.holdId,
    });
    if (b.status !== 'done') throw new Error('expected the last file done');
    expect([...(b.stored ?? []), b.file].map((f) => [f.fileName, f.added])).toEqual([
      ['a.json', 1],
      ['b.json', 1],
    ]);
    const rows = await call('audit:query', {
      filter: { text: [{ column: 'eventId', op: 'in', values: ['held-a', 'held-b'] }] },
      limit: 10,
    });
    expect(rows.total).toBe(2);
  }, 60_000);
});
