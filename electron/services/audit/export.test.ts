// Audit exports and journal matching, pure: a CSV a spreadsheet cannot be tricked by (formula
// starts neutralised, account ids kept as text), an evidence pack whose manifest hashes match its
// files, and journal records matched by MeteringRecordId or by record fields.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../shared/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import { auditRowsToCsv, buildEvidencePack } from './export';
import { createJournalMatcher } from './journal-match';
import { unzipEvidence } from './testing';

const HOUR = Date.UTC(2026, 6, 1, 14);

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  eventId: 'ev-1',
  recordIndex: 0,
  eventTime: HOUR + 3_600_000,
  eventName: 'BatchMeterUsage',
  usageHour: HOUR,
  usageTime: HOUR + 120_000,
  customerAwsAccountId: '012345678901',
  dimension: 'users',
  quantity: 12,
  status: 'Success',
  meteringRecordId: 'mr-1',
  region: 'us-east-1',
  accountId: '111122223333',
  ...over,
});

const journalRow = (over: Partial<JournalRow> = {}): JournalRow => ({
  submissionId: 'sub-1',
  key: 'row-00001',
  at: new Date(HOUR + 3_500_000).toISOString(),
  operation: 'BatchMeterUsage',
  connectionId: 'sandbox',
  connectionName: 'Sandbox',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'alice',
  customer: '012345678901',
  dimension: 'users',
  timestamp: new Date(HOUR + 120_000).toISOString(),
  quantity: 12,
  status: 'Success',
  meteringRecordId: 'mr-1',
  attempts: 1,
  ...over,
});

describe('audit CSV', () => {
  it('neutralises formula starts and keeps ids as text', () => {
    const csv = auditRowsToCsv([
      row({ dimension: '=HYPERLINK("http://x")', errorMessage: '+1', callerArn: '@evil' }),
    ]);
    const [header, line] = csv.trimEnd().split('\r\n');
    expect(header?.split(',')).toContain('customer_aws_account_id');
    expect(line).toContain(`"=""012345678901"""`);
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line).toContain(`'+1`);
    expect(line).toContain(`'@evil`);
    expect(line).not.toMatch(/(^|,)[=+@-]/);
  });
});

describe('evidence pack', () => {
  const raw = '{"eventID":"ev-1","unknownField":{"kept":true}}';
  const parquet = new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 0x50, 0x41, 0x52, 0x31]);
  const build = () =>
    buildEvidencePack({
      createdAt: HOUR,
      createdBy: 'alice',
      connection: { name: 'Sandbox', accountId: '111122223333' },
      events: [
        {
          eventId: 'ev-1',
          raw,
          rows: [
            {
              ...row({ requestId: 'req-1' }),
              sent: {
                submissionId: 'sub-1',
                callId: 'call-1',
                osUser: 'alice',
                at: '',
                by: 'requestId',
              },
            },
          ],
        },
      ],
      missing: ['ev-gone'],
      records: { parquet, rows: 1, matching: 1 },
    });

  it('is a zip whose manifest and SHA256SUMS name the true SHA-256 of every file', () => {
    const pack = build();
    const zip = unzipEvidence(Buffer.from(pack.zip).toString('base64'));
    expect(zip.names).toEqual([
      'SHA256SUMS',
      'events/ev-1.json',
      'manifest.json',
      'records.parquet',
      'rows.csv',
      'rows.json',
      'summary.md',
    ]);
    expect(zip.text('events/ev-1.json')).toBe(raw);
    expect(zip.bytes('records.parquet')).toEqual(parquet);
    const sums = zip.text('SHA256SUMS').trimEnd().split('\n');
    expect(sums).toHaveLength(zip.names.length - 1);
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(
        createHash('sha256')
          .update(zip.bytes(name ?? ''))
          .digest('hex'),
        name,
      ).toBe(hash);
    }
    const manifest = JSON.parse(zip.text('manifest.json')) as {
      format: string;
      missing: string[];
      events: {
        eventId: string;
        sha256: string;
        sentFromMeterdesk: { submissionId: string; callId?: string } | null;
      }[];
      files: { name: string; sha256: string }[];
    };
    expect(manifest.format).toBe('meterdesk-audit-evidence/2');
    expect(manifest.missing).toEqual(['ev-gone']);
    // Each event attributed to the submission and call whose request id matched it.
    expect(manifest.events).toHaveLength(1);
    expect(manifest.events[0]).toMatchObject({
      eventId: 'ev-1',
      file: 'events/ev-1.json',
      sha256: createHash('sha256').update(raw).digest('hex'),
      sentFromMeterdesk: { submissionId: 'sub-1', callId: 'call-1', by: 'requestId' },
    });
    expect(pack.files.map((f) => f.name)).toEqual([
      ...manifest.files.map((f) => f.name),
      'manifest.json',
      'SHA256SUMS',
    ]);
  });

  it('zips to the same bytes for the same pack', () => {
    expect(build().zip).toEqual(build().zip);
  });
});

describe('journal matching', () => {
  it('matches by MeteringRecordId, then by customer, dimension, hour and quantity', () => {
    const m = createJournalMatcher([
      journalRow(),
      journalRow({
        submissionId: 'sub-2',
        key: 'k2',
        meteringRecordId: undefined,
        quantity: 5,
        osUser: 'bob',
      }),
    ]);
    expect(m.match(row())).toMatchObject({
      submissionId: 'sub-1',
      osUser: 'alice',
      by: 'meteringRecordId',
    });
    expect(m.match(row({ meteringRecordId: 'other', quantity: 5 }))).toMatchObject({
      submissionId: 'sub-2',
      osUser: 'bob',
      by: 'record',
    });
    // Another hour, quantity or account is not the same record.
    expect(m.match(row({ meteringRecordId: 'x', quantity: 6 }))).toBeUndefined();
    expect(
      m.match(row({ meteringRecordId: 'x', quantity: 5, usageHour: HOUR + 3_600_000 })),
    ).toBeUndefined();
    expect(
      m.match(row({ meteringRecordId: 'x', quantity: 5, accountId: '999999999999' })),
    ).toBeUndefined();
  });

  it('ignores records that never reached AWS', () => {
    const m = createJournalMatcher([
      journalRow({ status: 'NotSent', meteringRecordId: undefined }),
    ]);
    expect(m.answered).toHaveLength(0);
    expect(m.match(row({ meteringRecordId: undefined }))).toBeUndefined();
  });
});
