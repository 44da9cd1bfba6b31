// Journal rows, filters, the spreadsheet-safe CSV and the sent index, over real journal lines.
import { describe, expect, it } from 'vitest';
import { recordKey } from '../../../shared/metering';
import { createJournal, type JournalFile } from './journal';
import { buildIndex, csvCell, filterRows, sentIndex, submissionDetail, toCsv } from './query';

function memoryFile(): JournalFile {
  let text = '';
  return {
    append: (data) => {
      text += data;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(text),
  };
}

const context = {
  connectionId: 'sandbox',
  connectionName: 'Sandbox',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'ana',
};
const rec = (customer: string, dimension: string, quantity: number) => ({
  Timestamp: '2026-11-26T03:10:00.000Z',
  Dimension: dimension,
  Quantity: quantity,
  CustomerAWSAccountId: customer,
});

async function sample() {
  const journal = createJournal(memoryFile(), { now: () => Date.parse('2026-11-26T05:00:00Z') });
  const planned = [
    { key: 'a', record: rec('210987654321', 'users', 5) },
    { key: 'b', record: rec('=HYPERLINK("x")', 'users', 6) },
    { key: 'c', record: rec('310987654321', 'gb', 7) },
  ];
  await journal.append({
    kind: 'submission-started',
    submissionId: 's1',
    operation: 'BatchMeterUsage',
    context,
    groups: [{ productCode: 'prod1', records: 3, keys: ['a', 'b', 'c'] }],
    totalRecords: 3,
    planned,
  });
  await journal.append({
    kind: 'call-intent',
    submissionId: 's1',
    callId: 's1.1',
    context,
    attempt: 1,
    operation: 'BatchMeterUsage',
    productCode: 'prod1',
    records: planned.slice(0, 2),
  });
  await journal.append({
    kind: 'call-outcome',
    submissionId: 's1',
    callId: 's1.1',
    context,
    requestId: 'req-1',
    results: [
      { key: 'a', status: 'Success', meteringRecordId: 'mr-a' },
      { key: 'b', status: 'DuplicateRecord' },
    ],
  });
  return buildIndex(await journal.entries());
}

describe('journal query', () => {
  it('derives one row per record with its latest state', async () => {
    const index = await sample();
    const byKey = new Map(index.rows.map((r) => [r.key, r]));
    expect(byKey.get('a')).toMatchObject({
      status: 'Success',
      meteringRecordId: 'mr-a',
      requestId: 'req-1',
      productCode: 'prod1',
      osUser: 'ana',
    });
    expect(byKey.get('b')?.status).toBe('DuplicateRecord');
    expect(byKey.get('c')?.status).toBe('NotSent');
    const detail = submissionDetail(index, 's1', false);
    expect(detail?.state).toBe('interrupted');
    expect(detail?.calls).toEqual([
      expect.objectContaining({ callId: 's1.1', records: 2, requestId: 'req-1' }),
    ]);
  });

  it('filters by customer, dimension, status, date and connection', async () => {
    const { rows } = await sample();
    expect(filterRows(rows, { customer: '2109' }).map((r) => r.key)).toEqual(['a']);
    expect(filterRows(rows, { dimension: 'gb' }).map((r) => r.key)).toEqual(['c']);
    expect(filterRows(rows, { status: ['Success', 'NotSent'] })).toHaveLength(2);
    expect(filterRows(rows, { from: '2026-11-26', to: '2026-11-26' })).toHaveLength(3);
    expect(filterRows(rows, { to: '2026-11-25' })).toHaveLength(0);
    expect(filterRows(rows, { connectionId: 'other' })).toHaveLength(0);
  });

  it('exports CSV that a spreadsheet cannot run as formulas, IDs as quoted text', async () => {
    const { rows } = await sample();
    const csv = toCsv(rows);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"210987654321"');
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(bad).startsWith(`"'`)).toBe(true);
    }
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell(42, true)).toBe('42');
    expect(csv.split('\r\n')[0]?.split(',')).toContain('meteringRecordId');
  });

  it('indexes what was billed by the editor’s dedup key, per account and region', async () => {
    const { rows } = await sample();
    const key = recordKey({
      operation: 'BatchMeterUsage',
      productCode: 'prod1',
      customerAwsAccountId: '210987654321',
      dimension: 'users',
      timestamp: '2026-11-26T03:10:00.000Z',
    });
    const index = sentIndex(rows, { account: '111122223333', region: 'us-east-1' });
    expect(index.get(key)).toMatchObject({ quantity: 5, meteringRecordId: 'mr-a' });
    // DuplicateRecord and not-sent records are not "sent".
    expect(index.size).toBe(1);
    expect(sentIndex(rows, { account: '999999999999', region: 'us-east-1' }).size).toBe(0);
  });
});
