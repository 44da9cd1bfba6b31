// Property: whatever way a spreadsheet writes a file of valid usage records — any delimiter
// (, ; tab |), quoting always or only where needed, a byte-order mark, LF, CRLF, CR or a mix of
// them, a "sep=" line, blank lines, headers in any letter case or by their aliases, times in UTC
// or with a real offset — the import reads back exactly the records that were written, on the
// file's own line numbers. Ids are opaque text to AWS (CustomerIdentifier is `[\s\S]*`, AWS-FACTS §1.2), so
// they may hold the delimiter and quote marks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/aws/metering-rules';
import {
  validateRecord,
  type Product,
  type UsageRecord,
  type UsageRecordDraft,
} from '../../../shared/metering';
import { formatOffset } from '../../../shared/metering/zones';
import { importUsageCsv } from './csv-import';
import { emptySentIndex } from './validate';

const SEED = 17_060_2026;
const NOW = Date.UTC(2026, 6, 15, 12, 30);
const LICENSE = (n: number): string =>
  `arn:aws:license-manager::123456789012:license:l-${n.toString(16).padStart(17, '0')}`;

const legacy: Product = {
  id: 'legacy',
  name: 'Legacy SaaS',
  kind: 'saas',
  identityModel: 'legacy',
  productCode: 'prod-legacy1',
  dimensions: [
    { name: 'Users', description: '' },
    { name: 'Data; GB, "hot"', description: '' },
  ],
  source: 'user',
};
const ca: Product = {
  id: 'ca',
  name: 'Agreements SaaS',
  kind: 'saas',
  identityModel: 'concurrent-agreements',
  dimensions: [{ name: 'Requests|API', description: '' }],
  source: 'user',
};
const catalog = [legacy, ca];

type Field =
  'product' | 'customerIdentifier' | 'account' | 'license' | 'dimension' | 'quantity' | 'timestamp';
const FIELDS: readonly Field[] = [
  'product',
  'customerIdentifier',
  'account',
  'license',
  'dimension',
  'quantity',
  'timestamp',
];
const HEADER_NAMES: Record<Field, readonly string[]> = {
  product: ['product', 'Product', 'PRODUCT_ID', 'product code'],
  customerIdentifier: ['customer_identifier', 'CustomerIdentifier', 'Customer ID'],
  account: ['customer_aws_account_id', 'AWS Account ID', 'buyer-account'],
  license: ['license_arn', 'License ARN', 'LICENCE'],
  dimension: ['dimension', 'Usage Dimension', 'DIM'],
  quantity: ['quantity', 'QTY', 'Usage quantity'],
  timestamp: ['timestamp', 'Usage Hour', 'DATETIME'],
};

/** Characters of opaque customer identifiers, delimiters and quotes included. */
const ID_CHARS = 'abcXYZ019-_.:/=+ ,;|"\'';
const customerIdentifier = fc
  .array(fc.constantFrom(...ID_CHARS.split('')), { minLength: 1, maxLength: 20 })
  .map((chars) => chars.join(''))
  // A real id has no space at either end and does not start like a formula (that needs review).
  .filter((id) => id === id.trim() && !/^[=+\-@]/.test(id));

const record = fc.record({
  legacy: fc.boolean(),
  identifier: customerIdentifier,
  dimension: fc.nat(),
  quantity: fc.oneof(fc.integer({ min: 0, max: 2_147_483_647 }), fc.integer({ min: 0, max: 99 })),
  // Inside BatchMeterUsage's 24-hour window (AWS-FACTS §1.3.2), never in the future.
  ageMinutes: fc.integer({ min: 1, max: 23 * 60 }),
  offsetMinutes: fc.constantFrom(0, 0, 60, 120, -300, 330, 345, -720, 840),
});
type GeneratedRecord = typeof record extends fc.Arbitrary<infer T> ? T : never;

/** A record's time as written: the wall time at the offset, with the offset (or Z). */
function writtenTime(ms: number, offset: number): string {
  const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  return `${wall}${formatOffset(offset)}`;
}

function toDraft(r: GeneratedRecord, index: number): UsageRecordDraft {
  const product = r.legacy ? legacy : ca;
  const dimension = product.dimensions[r.dimension % product.dimensions.length]?.name ?? '';
  const ms = Math.floor(NOW / 60_000) * 60_000 - r.ageMinutes * 60_000;
  const draft: UsageRecordDraft = {
    productId: product.id,
    dimension,
    quantity: r.quantity,
    timestamp: writtenTime(ms, r.offsetMinutes),
  };
  // The index keeps every (customer, dimension, hour) distinct: this property is about reading.
  if (r.legacy) draft.customerIdentifier = `${r.identifier}#${String(index)}`;
  else {
    draft.customerAwsAccountId = String(100_000_000_000 + index).padStart(12, '0');
    draft.licenseArn = LICENSE(index);
  }
  return draft;
}

function cellOf(draft: UsageRecordDraft, field: Field): string {
  switch (field) {
    case 'product':
      return draft.productId ?? '';
    case 'customerIdentifier':
      return draft.customerIdentifier ?? '';
    case 'account':
      return draft.customerAwsAccountId ?? '';
    case 'license':
      return draft.licenseArn ?? '';
    case 'dimension':
      return draft.dimension;
    case 'quantity':
      return String(draft.quantity);
    case 'timestamp':
      return draft.timestamp;
  }
}

const layout = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  quoteAll: fc.boolean(),
  bom: fc.boolean(),
  /** One line end for the file, or (an export appended to by another tool) a mix. */
  lineEnd: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
  mixedEnds: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 60, maxLength: 60 }),
  sepLine: fc.boolean(),
  trailingNewline: fc.boolean(),
  order: fc.shuffledSubarray([...FIELDS], { minLength: FIELDS.length }),
  headerChoice: fc.array(fc.nat(), { minLength: FIELDS.length, maxLength: FIELDS.length }),
  /** Header letter case: as listed, all upper, all lower, or letter by letter at random. */
  headerCase: fc.constantFrom('as listed', 'upper', 'lower', 'random'),
  caseMask: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
  blankAfter: fc.array(fc.boolean(), { maxLength: 30 }),
});
type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

function headerCase(name: string, l: Layout): string {
  switch (l.headerCase) {
    case 'as listed':
      return name;
    case 'upper':
      return name.toUpperCase();
    case 'lower':
      return name.toLowerCase();
    case 'random':
      return name.replace(/[a-z]/gi, (c, at: number) =>
        l.caseMask[at % l.caseMask.length] ? c.toUpperCase() : c.toLowerCase(),
      );
  }
}

function quote(cell: string, delimiter: string, always: boolean): string {
  const needs = cell.includes(delimiter) || /["\r\n]/.test(cell) || cell !== cell.trim();
  return always || needs ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The file as written, and the line each record starts on. */
function writeCsv(
  drafts: readonly UsageRecordDraft[],
  l: Layout,
): { text: string; lines: number[] } {
  const out: string[] = [];
  if (l.sepLine) out.push(`sep=${l.delimiter}`);
  out.push(
    l.order
      .map((field, i) => {
        const names = HEADER_NAMES[field];
        const name = names[(l.headerChoice[i] ?? 0) % names.length] ?? field;
        return quote(headerCase(name, l), l.delimiter, l.quoteAll);
      })
      .join(l.delimiter),
  );
  const lines: number[] = [];
  drafts.forEach((draft, i) => {
    lines.push(out.length + 1);
    out.push(
      l.order.map((f) => quote(cellOf(draft, f), l.delimiter, l.quoteAll)).join(l.delimiter),
    );
    if (l.blankAfter[i] === true) out.push('');
  });
  // In a mix, a blank line ends in CRLF: a CR line end followed by a blank line's LF would be
  // one CRLF, as every editor reads it.
  const end = (i: number): string =>
    l.lineEnd !== 'mixed'
      ? l.lineEnd
      : out[i] === ''
        ? '\r\n'
        : (l.mixedEnds[i % l.mixedEnds.length] ?? '\n');
  const body = out
    .map((line, i) => (i < out.length - 1 || l.trailingNewline ? line + end(i) : line))
    .join('');
  return { text: `${l.bom ? '\uFEFF' : ''}${body}`, lines };
}

function normalized(record: UsageRecord | null): Omit<UsageRecord, 'rowId'> | null {
  if (record === null) return null;
  const rest: UsageRecord = { ...record };
  delete rest.rowId;
  return rest;
}

describe('CSV import round trip', () => {
  it('records written in any spreadsheet dialect import back unchanged, on their own lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 25 }),
        layout,
        async (records, l) => {
          const drafts = records.map(toDraft);
          const { text, lines } = writeCsv(drafts, l);
          const result = await importUsageCsv(text, {
            catalog,
            now: NOW,
            sentIndex: emptySentIndex,
            aggregate: false,
          });
          expect(result.summary.delimiter).toBe(l.delimiter);
          expect(result.summary.review).toBe(0);
          expect(result.rows.map((r) => r.lines)).toEqual(lines.map((line) => [line]));
          const ctx = { catalog, now: NOW };
          expect(result.rows.map((r) => normalized(validateRecord(r.draft, ctx).record))).toEqual(
            drafts.map((d) => normalized(validateRecord(d, ctx).record)),
          );
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('the records of the property are valid to begin with (so the round trip is about reading)', () => {
    fc.assert(
      fc.property(record, fc.nat(1000), (r, i) => {
        const v = validateRecord(toDraft(r, i), { catalog, now: NOW });
        expect(v.issues).toEqual([]);
        expect(Math.abs(Date.parse(v.record?.timestamp ?? '') - NOW)).toBeLessThan(24 * HOUR_MS);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
