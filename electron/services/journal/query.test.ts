// Journal rows, filters, the spreadsheet-safe CSV and the sent index, over real journal lines.
import { describe, expect, it } from 'vitest';
import { recordKey } from '../../../shared/metering';
import { createJournal } from './journal';
import { memoryJournalFile as memoryFile } from './testing/memory-file';
import { answeredCall, startSubmission } from './testing/steps';
import {
  billingTotals,
  buildIndex,
  callsByRequestId,
  facets,
  filterRows,
  sentIndex,
  submissionDetail,
  toCsv,
} from './query';

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
  await startSubmission(journal, context, 's1', planned);
  await answeredCall(journal, context, {
    submissionId: 's1',
    requestId: 'req-1',
    records: planned.slice(0, 2),
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

  it('marks the rows that lines past a break create or change as unverified, and only those', async () => {
    const journal = createJournal(memoryFile(), { now: () => Date.parse('2026-11-26T05:00:00Z') });
    const planned = [
      { key: 'a', record: rec('210987654321', 'users', 5) },
      { key: 'b', record: rec('310987654321', 'users', 6) },
    ];
    await startSubmission(journal, context, 's1', planned);
    await answeredCall(journal, context, {
      submissionId: 's1',
      requestId: 'req-1',
      records: planned,
      results: [
        { key: 'a', status: 'Success', meteringRecordId: 'mr-a' },
        { key: 'b', status: 'Unprocessed' },
      ],
    });
    // The outcome line is read from past a break: its answer for 'a' and 'b' is unproven.
    const entries = await journal.entries();
    const pastBreak = entries.map((entry) =>
      entry.kind === 'call-outcome' ? { ...entry, unverified: true as const } : entry,
    );
    const byKey = new Map(buildIndex(pastBreak).rows.map((r) => [r.key, r]));
    expect(byKey.get('a')).toMatchObject({ status: 'Success', unverified: true });
    expect(byKey.get('b')).toMatchObject({ status: 'Unprocessed', unverified: true });
    const verified = buildIndex(entries).rows;
    expect(verified.some((r) => r.unverified === true)).toBe(false);
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

  it('exports CSV that a spreadsheet cannot run as formulas, IDs as text that keeps its zeros', async () => {
    const { rows } = await sample();
    const csv = toCsv(rows);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    // The one id-cell form of every export: ="…" for digit-only ids.
    expect(csv).toContain('"=""210987654321"""');
    expect(csv).not.toMatch(/(^|,)"?210987654321"?(,|$)/m);
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

/** One submission of these records in one call, answered as given. */
async function submit(
  journal: ReturnType<typeof createJournal>,
  submissionId: string,
  records: { key: string; record: Record<string, unknown> }[],
  answer: (key: string) => { status: 'Success' | 'DuplicateRecord'; meteringRecordId?: string },
) {
  await startSubmission(journal, context, submissionId, records, { keys: false });
  await answeredCall(journal, context, {
    submissionId,
    requestId: `req-${submissionId}`,
    records,
    results: records.map((r) => ({ key: r.key, ...answer(r.key) })),
  });
  await journal.append({
    kind: 'submission-finished',
    submissionId,
    context,
    counts: { success: 0, duplicate: 0, customerNotSubscribed: 0, rejected: 0, unprocessed: 0 },
  });
}

describe('billed once in the journal', () => {
  const records = [
    { key: 'a', record: rec('210987654321', 'users', 5) },
    { key: 'b', record: rec('210987654321', 'gb', 6) },
    { key: 'c', record: rec('310987654321', 'users', 7) },
  ];
  const success = (key: string) => ({ status: 'Success' as const, meteringRecordId: `mr-${key}` });

  it('shows 3 records as billed 3 after they are submitted twice; the second time is a replay', async () => {
    let t = Date.parse('2026-11-26T05:00:00Z');
    const journal = createJournal(memoryFile(), { now: () => (t += 1000) });
    await submit(journal, 's1', records, success);
    await submit(journal, 's2', records, success);
    const index = buildIndex(await journal.entries());

    expect(index.rows).toHaveLength(6);
    expect(facets(index.rows).billing).toEqual({ billed: 3, replay: 3 });
    expect(billingTotals(index.rows)).toMatchObject({
      billedRecords: 3,
      billedQuantity: 5 + 6 + 7,
      replayRecords: 3,
    });
    const second = index.rows.filter((r) => r.submissionId === 's2');
    expect(second.map((r) => [r.billing, r.billedIn])).toEqual([
      ['replay', 's1'],
      ['replay', 's1'],
      ['replay', 's1'],
    ]);
    expect(submissionDetail(index, 's2', false)?.billing).toMatchObject({
      billedRecords: 0,
      billedQuantity: 0,
      replayRecords: 3,
    });
    expect(submissionDetail(index, 's1', false)?.billing.billedRecords).toBe(3);
    // The filter and the export use the same definition.
    expect(filterRows(index.rows, { billing: ['billed'] })).toHaveLength(3);
    expect(filterRows(index.rows, { status: ['Success'], billing: ['replay'] })).toHaveLength(3);
    const csv = toCsv(index.rows);
    expect(csv.split('\r\n')[0]?.split(',').slice(3, 6)).toEqual([
      'status',
      'billing',
      'standingQuantity',
    ]);
    expect(csv.match(/(^|,)replay(,|$)/gm)).toHaveLength(3);
  });

  it('names the quantity that stands when AWS answers DuplicateRecord', async () => {
    let t = Date.parse('2026-11-26T05:00:00Z');
    const journal = createJournal(memoryFile(), { now: () => (t += 1000) });
    await submit(journal, 's1', records.slice(0, 1), success);
    await submit(journal, 's2', [{ key: 'a', record: rec('210987654321', 'users', 9) }], () => ({
      status: 'DuplicateRecord',
    }));
    const index = buildIndex(await journal.entries());
    const dup = index.rows.find((r) => r.submissionId === 's2');
    expect(dup).toMatchObject({
      status: 'DuplicateRecord',
      billing: 'duplicate',
      standingQuantity: 5,
    });
    expect(billingTotals(index.rows)).toMatchObject({ billedRecords: 1, billedQuantity: 5 });
  });

  it('finds a call by the request id AWS gave it, with the records as sent and their answers', async () => {
    const journal = createJournal(memoryFile(), { now: () => Date.parse('2026-11-26T05:00:00Z') });
    await submit(journal, 's1', records, success);
    const call = callsByRequestId(buildIndex(await journal.entries())).get('req-s1');
    expect(call).toMatchObject({ submissionId: 's1', callId: 's1.1', productCode: 'prod1' });
    expect(call?.records.map((r) => [r.key, r.status, r.meteringRecordId])).toEqual([
      ['a', 'Success', 'mr-a'],
      ['b', 'Success', 'mr-b'],
      ['c', 'Success', 'mr-c'],
    ]);
  });
});
