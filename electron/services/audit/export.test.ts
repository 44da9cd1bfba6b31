// Audit exports and journal matching, pure: a CSV a spreadsheet cannot be tricked by (formula
// starts neutralised, account ids kept as text), an evidence pack whose manifest hashes match its
// files, and journal records matched by MeteringRecordId or by record fields.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../shared/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import { auditRowsToCsv, buildEvidencePack } from './export';
import { createJournalMatcher } from './journal-match';

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
  it('hashes every file and lists them in SHA256SUMS', () => {
    const raw = '{"eventID":"ev-1","unknownField":{"kept":true}}';
    const pack = buildEvidencePack({
      createdAt: HOUR,
      createdBy: 'alice',
      connection: { name: 'Sandbox', accountId: '111122223333' },
      events: [{ eventId: 'ev-1', raw, rows: [row()] }],
      missing: [],
    });
    const bundle = JSON.parse(pack.text) as {
      files: { name: string; sha256: string; text: string }[];
    };
    const sums = bundle.files.find((f) => f.name === 'SHA256SUMS')?.text ?? '';
    for (const f of bundle.files) {
      const hash = createHash('sha256').update(f.text, 'utf8').digest('hex');
      expect(f.sha256).toBe(hash);
      if (f.name !== 'SHA256SUMS') expect(sums).toContain(`${hash}  ${f.name}`);
    }
    expect(bundle.files.find((f) => f.name === 'events/ev-1.json')?.text).toBe(raw);
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
