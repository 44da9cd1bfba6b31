import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/aws/metering-rules';
import { recordKey, type Product } from '../../../shared/metering';
import { importUsageCsv } from './csv-import';
import { detectDelimiter, parseUsageCsv } from './csv-parse';
import { csvTemplate } from './csv-template';
import { createImportSessions } from './import-sessions';
import { emptySentIndex, type SentRecordsIndex } from './validate';

const NOW = Date.UTC(2026, 6, 15, 12, 30);
const H1 = new Date(NOW - HOUR_MS - 30 * 60_000).toISOString(); // 11:00
const LICENSE = 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0';

const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [
    { name: 'Users', description: '' },
    { name: 'GB', description: '' },
  ],
  source: 'user',
};
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests', description: '' }],
  source: 'user',
};
const catalog = [legacy, ca];

const run = (
  text: string,
  over: { aggregate?: boolean; sentIndex?: SentRecordsIndex; defaultProductId?: string } = {},
) =>
  importUsageCsv(text, {
    catalog,
    now: NOW,
    sentIndex: over.sentIndex ?? emptySentIndex,
    aggregate: over.aggregate ?? false,
    ...(over.defaultProductId ? { defaultProductId: over.defaultProductId } : {}),
  });

const caRow = (acct: string, dim = 'Requests', q = '5', ts = H1): string =>
  `ca,${acct},${LICENSE},${dim},${q},${ts}`;
const CA_HEADER = 'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp';

describe('CSV template', () => {
  it('round-trips: the template for a product imports as ready rows', async () => {
    for (const product of catalog) {
      const template = csvTemplate(product, NOW);
      expect(template.fileName).toMatch(/\.csv$/);
      const result = await run(template.text);
      expect(result.summary.fileRows).toBe(2);
      expect(result.summary.review).toBe(0);
      expect(result.summary.ready).toBe(2);
    }
  });
});

describe('CSV parsing', () => {
  it('headers are case-insensitive and take aliases', async () => {
    const text = `Product,Account ID,LICENSE_ARN,Usage Dimension,QTY,Usage Hour\n${caRow('012345678901')}\n`;
    const result = await run(text);
    expect(result.summary.ready).toBe(1);
    expect(result.summary.columns.map((c) => c.field)).toEqual([
      'product',
      'customerAwsAccountId',
      'licenseArn',
      'dimension',
      'quantity',
      'timestamp',
    ]);
  });

  it('strips a BOM and reads CRLF line ends', async () => {
    const text = `\uFEFF${CA_HEADER}\r\n${caRow('012345678901')}\r\n${caRow('012345678902')}\r\n`;
    const result = await run(text);
    expect(result.summary.fileRows).toBe(2);
    expect(result.summary.ready).toBe(2);
    expect(result.rows[1]?.lines).toEqual([3]);
  });

  it('quoted fields keep delimiters and quotes inside', () => {
    const text = `product,customer_identifier,dimension,quantity,timestamp\nlegacy,"cust,with ""comma""",Users,1,${H1}\n`;
    const parsed = parseUsageCsv(text, { catalog });
    expect(parsed.rows[0]?.draft.customerIdentifier).toBe('cust,with "comma"');
  });

  it("auto-detects semicolons (and Excel's sep= line)", async () => {
    const semi = `${CA_HEADER.replace(/,/g, ';')}\n${caRow('012345678901').replace(/,/g, ';')}\n`;
    expect(detectDelimiter(CA_HEADER.replace(/,/g, ';'))).toBe(';');
    const result = await run(semi);
    expect(result.summary.delimiter).toBe(';');
    expect(result.summary.ready).toBe(1);
    const withSep = `sep=;\n${semi}`;
    const r2 = await run(withSep);
    expect(r2.summary.ready).toBe(1);
    expect(r2.rows[0]?.lines).toEqual([3]);
  });

  it('keeps IDs as text: leading zeros and 12 digits survive', async () => {
    const text = `${CA_HEADER}\n${caRow('000000000042')}\n${caRow('123456789012')}\n`;
    const result = await run(text);
    expect(result.rows.map((r) => r.draft.customerAwsAccountId)).toEqual([
      '000000000042',
      '123456789012',
    ]);
    expect(result.summary.ready).toBe(2);
  });

  it('flags Excel-mangled account ids (scientific notation) and dropped leading zeros', async () => {
    const text = `${CA_HEADER}\n${caRow('1.23457E+11')}\n${caRow('12345678901')}\n${caRow('012345678901')}\n`;
    const result = await run(text);
    expect(result.summary.notices.join(' ')).toMatch(/scientific notation/);
    expect(result.summary.notices.join(' ')).toMatch(/leading zeros/);
    const [sci, short, good] = result.rows;
    expect(sci?.status).toBe('review');
    expect(sci?.issues.map((i) => i.code)).toContain('account-id-scientific');
    expect(short?.status).toBe('review');
    expect(short?.issues.map((i) => i.code)).toContain('account-id-length');
    expect(good?.status).toBe('ready');
  });

  it('refuses a file without the needed columns, saying which', async () => {
    await expect(run('a,b\n1,2\n')).rejects.toThrow(/dimension, quantity, timestamp/);
  });

  it('reports unknown columns and uses the default product', async () => {
    const text = `account,license,dimension,quantity,timestamp,note\n012345678901,${LICENSE},Requests,3,${H1},hello\n`;
    const result = await run(text, { defaultProductId: 'ca' });
    expect(result.summary.notices).toContain('Column "note" is not used.');
    expect(result.summary.ready).toBe(1);
  });
});

describe('CSV review reasons', () => {
  it('splits ready and needs-review with reasons', async () => {
    const old = new Date(NOW - 30 * HOUR_MS).toISOString();
    const text = [
      CA_HEADER,
      caRow('012345678901'), // ready
      caRow('012345678902', 'Requests', '1.5'), // invalid
      caRow('012345678903', 'Requests', '5', old), // window
      caRow('012345678904'), // ready
      caRow('012345678904', 'Requests', '6'), // duplicate of the previous
    ].join('\n');
    const result = await run(text);
    expect(result.rows.map((r) => [r.status, r.reasons])).toEqual([
      ['ready', []],
      ['review', ['invalid']],
      ['review', ['window']],
      ['ready', []],
      ['review', ['duplicate']],
    ]);
    expect(result.summary.byReason).toEqual({
      invalid: 1,
      duplicate: 1,
      window: 1,
      'already-sent': 0,
      'row-shape': 0,
      zone: 0,
    });
  });

  it('flags rows already sent with another quantity (from the journal index)', async () => {
    const key = recordKey({
      operation: 'BatchMeterUsage',
      customerAwsAccountId: '012345678901',
      licenseArn: LICENSE,
      dimension: 'Requests',
      timestamp: H1,
    });
    const sentIndex: SentRecordsIndex = {
      lookup: (keys) => Promise.resolve(new Map(keys.filter((k) => k === key).map((k) => [k, 99]))),
    };
    const result = await run(`${CA_HEADER}\n${caRow('012345678901')}\n${caRow('012345678902')}\n`, {
      sentIndex,
    });
    expect(result.rows[0]?.reasons).toEqual(['already-sent']);
    expect(result.rows[0]?.issues[0]?.message).toMatch(/DuplicateRecord/);
    expect(result.rows[1]?.status).toBe('ready');
  });
});

describe('CSV aggregation', () => {
  it('sums to one record per (customer, dimension, hour), keeping the lines', async () => {
    const t1 = '2026-07-15T11:05:00Z';
    const t2 = '2026-07-15T11:50:00Z';
    const text = [
      CA_HEADER,
      caRow('012345678901', 'Requests', '5', t1),
      caRow('012345678901', 'Requests', '7', t2),
      caRow('012345678902', 'Requests', '1', t1),
      caRow('012345678901', 'Requests', 'x', t1),
    ].join('\n');
    const result = await run(text, { aggregate: true });
    expect(result.summary.fileRows).toBe(4);
    expect(result.summary.records).toBe(3);
    expect(result.summary.rowsMerged).toBe(1);
    const merged = result.rows[0];
    expect(merged?.lines).toEqual([2, 3]);
    expect(merged?.draft.quantity).toBe(12);
    expect(merged?.draft.timestamp).toBe('2026-07-15T11:00:00.000Z');
    expect(merged?.status).toBe('ready');
    // A row whose quantity cannot be read stays apart, and collides with the merged record.
    expect(result.rows[2]?.reasons).toEqual(expect.arrayContaining(['invalid', 'duplicate']));
  });

  it('tag columns become allocations, summed per tag set', async () => {
    const text = [
      `${CA_HEADER},tag:team`,
      `${caRow('012345678901', 'Requests', '5')},red`,
      `${caRow('012345678901', 'Requests', '7')},blue`,
      `${caRow('012345678901', 'Requests', '1')},red`,
    ].join('\n');
    const result = await run(text, { aggregate: true });
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.draft.quantity).toBe(13);
    expect(result.rows[0]?.draft.allocations).toEqual([
      { quantity: 6, tags: [{ key: 'team', value: 'red' }] },
      { quantity: 7, tags: [{ key: 'team', value: 'blue' }] },
    ]);
    expect(result.rows[0]?.status).toBe('ready');
  });
});

describe('import sessions', () => {
  it('buffers parts and pages through rows by filter', async () => {
    let n = 0;
    const sessions = createImportSessions({ newId: () => `id-${String(++n)}`, now: () => NOW });
    const rows = Array.from({ length: 30 }, (_, i) =>
      caRow(`0123456789${String(i).padStart(2, '0')}`, 'Requests', i % 3 === 0 ? 'bad' : '1'),
    );
    const text = `${CA_HEADER}\n${rows.join('\n')}\n`;
    const half = Math.floor(text.length / 2);
    const { uploadId } = sessions.append(undefined, text.slice(0, half));
    const whole = sessions.take(uploadId, text.slice(half)).join('');
    expect(whole).toBe(text);
    const session = sessions.keep(await run(whole));
    expect(sessions.page(session.handle, 'review', 0, 100).total).toBe(10);
    const page = sessions.page(session.handle, 'ready', 5, 10);
    expect(page.total).toBe(20);
    expect(page.rows).toHaveLength(10);
    expect(page.rows.every((r) => r.status === 'ready')).toBe(true);
    expect(() => sessions.get('nope')).toThrow(/no longer available/);
  });
});
