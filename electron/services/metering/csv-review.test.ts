// What a CSV import must never do: change a number, a time or an id silently. Every line it
// cannot read with certainty goes to needs-review with the reason, named by the file's own line.
// Expectations come from AWS's documented facts: Timestamp is an instant (AWS-FACTS §1.1), the
// quantity an int32 (§1.2), customer ids are matched exactly, and AWS keeps the first record per
// (customer, dimension, hour) (§1.3.4).
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/aws/metering-rules';
import { validateRecord, type Product } from '../../../shared/metering';
import { importUsageCsv, type ImportOptions } from './csv-import';
import { emptySentIndex } from './validate';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const H1 = '2026-07-15T11:00:00Z';
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests', description: '' }],
  source: 'user',
};
const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [{ name: 'Users', description: '' }],
  source: 'user',
};
const catalog = [ca, legacy];
const HEADER = 'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp';
const row = (acct: string, q = '5', ts = H1): string => `ca,${acct},${LICENSE},Requests,${q},${ts}`;

const run = (text: string, over: Partial<ImportOptions> = {}) =>
  importUsageCsv(text, {
    catalog,
    now: NOW,
    sentIndex: emptySentIndex,
    aggregate: false,
    ...over,
  });

describe('a line with more or fewer cells than the header: needs review, never guessed', () => {
  it('an unquoted 1,234 is not billed as 1', async () => {
    const result = await run(
      `${HEADER}\n${row('012345678901', '1,234')}\n${row('012345678902')}\n`,
    );
    const [ragged, good] = result.rows;
    expect(ragged?.status).toBe('review');
    // The shifted cells fail other checks too; the line's shape is the reason given first.
    expect(ragged?.reasons[0]).toBe('row-shape');
    expect(ragged?.issues[0]).toMatchObject({
      code: 'csv-row-cells',
      severity: 'error',
      message: '7 cells for 6 columns: a thousands separator or an unquoted comma?',
    });
    expect(ragged?.cells).toEqual(['ca', '012345678901', LICENSE, 'Requests', '1', '234', H1]);
    expect(good?.status).toBe('ready');
    expect(result.summary.byReason['row-shape']).toBe(1);
  });

  it('a line with fewer cells too', async () => {
    const result = await run(`${HEADER}\nca,012345678901,${LICENSE},Requests,5\n`);
    expect(result.rows[0]?.issues[0]?.message).toBe(
      '5 cells for 6 columns: a thousands separator or an unquoted comma?',
    );
    expect(result.rows[0]?.status).toBe('review');
  });

  it('moved into the editor, the record stays an error until checked against the file', async () => {
    const result = await run(`${HEADER}\n${row('012345678901', '1,234')}\n`);
    const draft = result.rows[0]?.draft;
    if (!draft) throw new Error('no row');
    const unchecked = validateRecord(draft, { catalog, now: NOW });
    expect(unchecked.record).toBeNull();
    expect(unchecked.issues.map((i) => i.code)).toContain('csv-row-cells');
    // The cells after the split moved one place: the time column held "234".
    expect(draft.timestamp).toBe('234');
    const checked = validateRecord(
      { ...draft, quantity: '1234', timestamp: H1, importProblemChecked: true },
      { catalog, now: NOW },
    );
    expect(checked.record?.quantity).toBe(1234);
    expect(checked.issues.map((i) => `${i.severity}:${i.code}`)).toEqual([
      'warning:csv-row-cells-checked',
    ]);
  });

  it('a broken quote is reported on its line instead of swallowing the lines after it', async () => {
    const text = `${HEADER}\n${row('012345678901')}\nca,"012345678902,${LICENSE},Requests,5,${H1}\n${row('012345678903')}\n`;
    const result = await run(text);
    expect(result.rows.map((r) => [r.lines[0], r.status])).toEqual([
      [2, 'ready'],
      [3, 'review'],
    ]);
    expect(result.rows[1]?.issues[0]?.code).toBe('csv-quotes');
    expect(result.rows[1]?.reasons[0]).toBe('row-shape');
  });
});

describe('times: real offsets only, and no zone is never guessed', () => {
  it('+01:99 and -99:00 are invalid; -99:00 does not pull a 4-day-old time into the window', async () => {
    const fourDaysAgo = new Date(NOW - 4 * 24 * HOUR_MS).toISOString().slice(0, 16);
    const text = [
      HEADER,
      row('012345678901', '5', '2026-07-15T11:00+01:99'),
      row('012345678902', '5', `${fourDaysAgo}-99:00`),
      row('012345678903', '5', '2026-07-15T13:00+02:00'),
    ].join('\n');
    const result = await run(text);
    expect(result.rows.map((r) => [r.status, r.issues[0]?.code ?? ''])).toEqual([
      ['review', 'timestamp-offset-invalid'],
      ['review', 'timestamp-offset-invalid'],
      ['ready', ''],
    ]);
  });

  it('a time without a zone, or a date only, needs review until the file zone is chosen', async () => {
    const text = [
      HEADER,
      row('012345678901', '5', '2026-07-15 11:00'),
      row('012345678902', '5', '2026-07-15'),
      row('012345678903', '5', H1),
    ].join('\n');
    const result = await run(text);
    expect(result.rows.map((r) => [r.status, r.reasons])).toEqual([
      ['review', ['zone']],
      ['review', ['zone']],
      ['ready', []],
    ]);
    expect(result.summary.zone).toBeNull();
    expect(result.summary.zonelessRows).toBe(2);
    expect(result.summary.notices.join(' ')).toMatch(/2 lines have times without a time zone/);
  });

  it('one zone chosen for the whole file reads every zone-less time, shown in the summary', async () => {
    const text = [
      HEADER,
      row('012345678901', '5', '2026-07-15 13:00'),
      row('012345678902', '5', '2026-07-15T12:30'),
      row('012345678903', '5', '2026-07-15T10:00Z'),
    ].join('\n');
    const berlin = await run(text, { zone: 'Europe/Berlin' });
    expect(berlin.rows.map((r) => [r.status, r.draft.timestamp])).toEqual([
      ['ready', '2026-07-15T13:00:00+02:00'],
      ['ready', '2026-07-15T12:30:00+02:00'],
      ['ready', '2026-07-15T10:00Z'],
    ]);
    expect(berlin.summary.zone).toBe('Europe/Berlin');
    expect(berlin.summary.zonelessRows).toBe(2);
    expect(berlin.summary.notices).toContain(
      '2 times without a zone read in Europe/Berlin, as you chose for this file.',
    );
    const offset = await run(text, { zone: '+02:00' });
    expect(offset.rows[0]?.draft.timestamp).toBe('2026-07-15T13:00:00+02:00');
    const utc = await run(text, { zone: 'UTC' });
    expect(utc.rows[0]?.draft.timestamp).toBe('2026-07-15T13:00:00Z');
    // The zone decides: 13:00 read as UTC is after the pinned now (12:30 UTC).
    expect(utc.rows.map((r) => [r.status, r.reasons])).toEqual([
      ['review', ['window']],
      ['ready', []],
      ['ready', []],
    ]);
  });

  it('an hour daylight saving skipped or repeated in the chosen zone needs review', async () => {
    const now = Date.UTC(2026, 9, 25, 12);
    const text = [HEADER, row('012345678901', '5', '2026-10-25 02:30')].join('\n');
    const result = await run(text, { zone: 'Europe/Berlin', now });
    expect(result.rows[0]?.status).toBe('review');
    expect(result.rows[0]?.reasons).toEqual(['zone']);
    expect(result.rows[0]?.issues.map((i) => i.message)).toEqual([
      '"2026-10-25 02:30" in Europe/Berlin happened twice there (the clocks went back).',
    ]);
  });
});

describe('customer ids exactly as written', () => {
  it('spaces, control and zero-width characters make the line invalid', async () => {
    const text = [
      HEADER,
      row('"012345678901 "'),
      row('0123456789\u200b02'),
      `ca,"0123456789\t03",${LICENSE},Requests,5,${H1}`,
      row('012345678904'),
    ].join('\n');
    const result = await run(text);
    expect(result.rows.map((r) => [r.status, r.issues[0]?.code ?? ''])).toEqual([
      ['review', 'account-id-spaces'],
      ['review', 'customer-id-invisible-character'],
      ['review', 'customer-id-control-character'],
      ['ready', ''],
    ]);
  });

  it('formula-looking customer identifiers need review', async () => {
    const text = [
      'product,customer_identifier,dimension,quantity,timestamp',
      `legacy,=HYPERLINK("x"),Users,1,${H1}`,
      `legacy,+cust,Users,1,${H1}`,
      `legacy,@cust,Users,1,${H1}`,
      `legacy,-cust,Users,1,${H1}`,
      `legacy,cust-5,Users,1,${H1}`,
    ].join('\n');
    const result = await run(text);
    expect(result.rows.map((r) => r.status)).toEqual([
      'review',
      'review',
      'review',
      'review',
      'ready',
    ]);
    expect(result.rows[0]?.issues.map((i) => i.code)).toEqual(['customer-id-formula']);
  });
});

describe('aggregation says when it merged identical lines', () => {
  it('N identical lines merged; check the export was not duplicated', async () => {
    const text = [
      HEADER,
      row('012345678901', '5', '2026-07-15T11:05:00Z'),
      row('012345678901', '5', '2026-07-15T11:05:00Z'),
      row('012345678901', '7', '2026-07-15T11:40:00Z'),
      row('012345678901', '5', '2026-07-15T11:05:00Z'),
    ].join('\n');
    const result = await run(text, { aggregate: true });
    expect(result.summary.identicalLinesMerged).toBe(2);
    expect(result.summary.notices).toContain(
      "2 identical lines merged; check the export wasn't duplicated.",
    );
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.draft.quantity).toBe(22);
    expect(result.rows[0]?.issues.map((i) => i.code)).toEqual(['identical-lines-merged']);
  });

  it('lines of the same hour that differ are merged without that notice', async () => {
    const text = [HEADER, row('012345678901', '5'), row('012345678901', '6')].join('\n');
    const result = await run(text, { aggregate: true });
    expect(result.summary.identicalLinesMerged).toBe(0);
    expect(result.summary.notices.join(' ')).not.toMatch(/identical/);
  });
});

describe("line numbers are the file's own", () => {
  it('through a BOM, CRLF, sep=, blank lines and a quoted cell spanning lines', async () => {
    const lines = [
      'sep=,', // 1
      HEADER, // 2
      row('012345678901'), // 3
      '', // 4
      `ca,012345678902,${LICENSE},"Requ`, // 5 (the quoted cell goes on)
      `ests",5,${H1}`, // 6
      ',,,,,', // 7
      row('012345678903', '1.5'), // 8
      row('012345678901', '6'), // 9: the same key as line 3
    ];
    const result = await run(`\uFEFF${lines.join('\r\n')}\r\n`);
    expect(result.rows.map((r) => r.lines)).toEqual([[3], [5], [8], [9]]);
    const duplicate = result.rows[3];
    expect(duplicate?.issues.map((i) => i.message)).toContain(
      'Same customer, dimension and hour as line 3; AWS bills only the first and rejects the other as DuplicateRecord.',
    );
  });

  it('a lone CR ends a line too', async () => {
    const result = await run(`${HEADER}\r${row('012345678901')}\r\r${row('012345678902')}\r`);
    expect(result.rows.map((r) => r.lines)).toEqual([[2], [4]]);
  });
});
