// CSV import of usage records, in main: parse (papaparse, every cell kept as text), map headers
// (case-insensitive, with aliases), optionally aggregate to one record per (customer, dimension,
// hour), validate with the shared rules, and keep the result behind a handle so the renderer
// pages through 100,000 rows instead of receiving them at once.
import Papa from 'papaparse';
import type { ImportReason, ImportRow, ImportSummary } from '../../../shared/channels/metering';
import { AppError } from '../../../shared/errors';
import { HOUR_MS, hourOf, tagSetKey } from '../../../shared/aws/metering-rules';
import {
  looksScientific,
  parseQuantity,
  parseIsoUsageTime,
  type AllocationDraft,
  type Product,
  type UsageRecordDraft,
} from '../../../shared/metering';
import { validateWithSentIndex, type SentRecordsIndex } from './validate';

export type CsvField =
  | 'product'
  | 'customerIdentifier'
  | 'customerAwsAccountId'
  | 'licenseArn'
  | 'dimension'
  | 'quantity'
  | 'timestamp';

/** Normalized header (lower case, no spaces, _ - .) → field. */
const ALIASES: Record<string, CsvField> = {};
const addAliases = (field: CsvField, names: string[]): void => {
  for (const n of names) ALIASES[n] = field;
};
addAliases('product', ['product', 'productid', 'productname', 'productcode', 'code']);
addAliases('customerIdentifier', ['customeridentifier', 'customerid', 'customer']);
addAliases('customerAwsAccountId', [
  'customerawsaccountid',
  'awsaccountid',
  'accountid',
  'account',
  'customeraccountid',
  'customeraccount',
  'buyeraccountid',
  'buyeraccount',
]);
addAliases('licenseArn', ['licensearn', 'license', 'licence', 'licencearn']);
addAliases('dimension', ['dimension', 'usagedimension', 'dim', 'dimensionname']);
addAliases('quantity', ['quantity', 'usagequantity', 'qty', 'units', 'amount']);
addAliases('timestamp', [
  'timestamp',
  'usagehour',
  'hour',
  'time',
  'datetime',
  'date',
  'usagetime',
  'usagetimestamp',
  'usagedate',
]);

export const TEMPLATE_HEADERS = [
  'product',
  'customer_aws_account_id',
  'license_arn',
  'customer_identifier',
  'dimension',
  'quantity',
  'timestamp',
] as const;

const TAG_HEADER = /^tag[:.](.+)$/i;
// Shared by every row without tags (most rows of most files): one allocation fewer per row.
const NO_TAGS: { key: string; value: string }[] = [];

export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]/g, '');
}

/** The delimiter that splits the header line into the most fields (outside quotes). */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

export type ParsedCsvRow = {
  line: number;
  draft: UsageRecordDraft;
  tags: { key: string; value: string }[];
};

export type ParsedCsv = {
  delimiter: string;
  columns: { header: string; field: string | null }[];
  rows: ParsedCsvRow[];
  notices: string[];
};

export function parseUsageCsv(
  input: string,
  options: { catalog: readonly Product[]; defaultProductId?: string },
): ParsedCsv {
  let text = input.replace(/^\uFEFF/, '');
  let lineOffset = 0;
  let delimiter: string | null = null;
  // Excel's "sep=;" first line names the delimiter.
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) {
    delimiter = sep[1] ?? null;
    text = text.slice(sep[0].length);
    lineOffset = 1;
  }
  const firstLineEnd = text.search(/\r?\n/);
  const firstLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  if (firstLine.trim() === '') {
    throw new AppError('VALIDATION', 'The file is empty or its first line is blank.', {
      hint: 'The first line must name the columns; download the template to see them.',
    });
  }
  delimiter ??= detectDelimiter(firstLine);

  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false });
  const data = parsed.data;
  const headerRow = data[0] ?? [];
  const notices: string[] = [];
  const columns: ParsedCsv['columns'] = [];
  const fieldIndex = new Map<CsvField, number>();
  const tagColumns: { index: number; key: string }[] = [];
  headerRow.forEach((header, index) => {
    const tag = TAG_HEADER.exec(header.trim());
    if (tag?.[1]) {
      tagColumns.push({ index, key: tag[1].trim() });
      columns.push({ header, field: `tag:${tag[1].trim()}` });
      return;
    }
    const field = ALIASES[normalizeHeader(header)] ?? null;
    if (field && fieldIndex.has(field)) {
      notices.push(`Column "${header}" repeats ${field}; only the first such column is read.`);
      columns.push({ header, field: null });
      return;
    }
    if (field) fieldIndex.set(field, index);
    else if (header.trim() !== '') notices.push(`Column "${header}" is not used.`);
    columns.push({ header, field });
  });
  const missing = (['dimension', 'quantity', 'timestamp'] as const).filter(
    (f) => !fieldIndex.has(f),
  );
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION',
      `The file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}.`,
      {
        hint: `Name the columns in the first line: ${TEMPLATE_HEADERS.join(', ')} (any letter case). Download the template to start from.`,
      },
    );
  }

  // Product lookup by id, product code, then name (case-insensitive).
  const byKey = new Map<string, Product>();
  for (const p of options.catalog) {
    byKey.set(p.name.toLowerCase(), p);
    if (p.productCode) byKey.set(p.productCode.toLowerCase(), p);
  }
  for (const p of options.catalog) byKey.set(p.id.toLowerCase(), p);

  const col = (row: string[], field: CsvField): string => {
    const i = fieldIndex.get(field);
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
  const rows: ParsedCsvRow[] = [];
  let scientific = 0;
  let shortIds = 0;
  for (let r = 1; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    // Blank lines (and lines of empty cells) are skipped; checked only when the first cell is empty.
    if ((row[0] ?? '').trim() === '' && row.every((cell) => cell.trim() === '')) continue;
    const line = r + 1 + lineOffset;
    const productCell = col(row, 'product');
    const draft: UsageRecordDraft = {
      rowId: `line-${line}`,
      dimension: col(row, 'dimension'),
      quantity: col(row, 'quantity'),
      timestamp: col(row, 'timestamp'),
    };
    if (productCell !== '') {
      const product = byKey.get(productCell.toLowerCase());
      if (product) draft.productId = product.id;
      else draft.productCode = productCell;
    } else if (options.defaultProductId !== undefined) {
      draft.productId = options.defaultProductId;
    }
    const ci = col(row, 'customerIdentifier');
    const acct = col(row, 'customerAwsAccountId');
    const lic = col(row, 'licenseArn');
    if (ci !== '') draft.customerIdentifier = ci;
    if (acct !== '') {
      draft.customerAwsAccountId = acct;
      if (looksScientific(acct)) scientific += 1;
      else if (/^\d{1,11}$/.test(acct)) shortIds += 1;
    }
    if (lic !== '') draft.licenseArn = lic;
    let tags = NO_TAGS;
    for (const t of tagColumns) {
      const value = (row[t.index] ?? '').trim();
      if (value === '') continue;
      if (tags === NO_TAGS) tags = [];
      tags.push({ key: t.key, value });
    }
    if (tags.length > 0) draft.allocations = [{ quantity: draft.quantity, tags }];
    rows.push({ line, draft, tags });
  }
  if (scientific > 0) {
    notices.push(
      `${scientific.toLocaleString('en-US')} account id${scientific > 1 ? 's are' : ' is'} in scientific notation (e.g. 1.23457E+11): a spreadsheet rewrote them and the digits are lost. Re-export with the column formatted as Text.`,
    );
  }
  if (shortIds > 0) {
    notices.push(
      `${shortIds.toLocaleString('en-US')} account id${shortIds > 1 ? 's have' : ' has'} fewer than 12 digits: a spreadsheet may have dropped leading zeros.`,
    );
  }
  return { delimiter, columns, rows, notices };
}

export type ImportRecord = { lines: number[]; draft: UsageRecordDraft };

/**
 * One record per (product, customer, dimension, UTC hour): quantities summed; rows with tag
 * columns become allocations (summed per tag set, untagged rows in the untagged bucket). Rows
 * whose quantity or hour cannot be read stay as they are, so their problem is still shown.
 */
export function aggregateRows(rows: readonly ParsedCsvRow[]): {
  records: ImportRecord[];
  rowsMerged: number;
} {
  type Group = {
    lines: number[];
    first: UsageRecordDraft;
    sum: number;
    hourMs: number;
    /** Allocations by tag set, only once a row with tags joins (most files have none). */
    byTags: Map<string, { tags: { key: string; value: string }[]; quantity: number }> | null;
    untaggedRows: number;
    untagged: number;
  };
  const out: (ImportRecord | Group)[] = [];
  const groups = new Map<string, Group>();
  let rowsMerged = 0;
  for (const row of rows) {
    const d = row.draft;
    const q = parseQuantity(d.quantity);
    const ts = parseIsoUsageTime(d.timestamp);
    if (!q.ok || !ts) {
      out.push({ lines: [row.line], draft: d });
      continue;
    }
    const hourMs = Math.floor(ts.ms / HOUR_MS) * HOUR_MS;
    const key = `${d.productId ?? `code:${d.productCode ?? ''}`}\u0000${d.customerIdentifier ?? ''}\u0000${d.customerAwsAccountId ?? ''}\u0000${d.licenseArn ?? ''}\u0000${d.dimension}\u0000${String(hourMs)}`;
    let g = groups.get(key);
    if (g) rowsMerged += 1;
    else {
      g = { lines: [], first: d, sum: 0, hourMs, byTags: null, untaggedRows: 0, untagged: 0 };
      groups.set(key, g);
      out.push(g);
    }
    g.lines.push(row.line);
    g.sum += q.value;
    if (row.tags.length === 0) {
      g.untaggedRows += 1;
      g.untagged += q.value;
      continue;
    }
    g.byTags ??= new Map();
    const tk = tagSetKey(row.tags.map((t) => ({ Key: t.key, Value: t.value })));
    const bucket = g.byTags.get(tk) ?? { tags: row.tags, quantity: 0 };
    bucket.quantity += q.value;
    g.byTags.set(tk, bucket);
  }
  const records = out.map((item): ImportRecord => {
    if (!('sum' in item)) return item;
    // A group of one untagged row is that row as it was (no copy).
    if (item.lines.length === 1 && !item.byTags) return { lines: item.lines, draft: item.first };
    const draft: UsageRecordDraft = { ...item.first };
    draft.quantity = item.sum;
    // A merged record stands for the whole hour.
    if (item.lines.length > 1) draft.timestamp = hourOf(item.hourMs);
    delete draft.allocations;
    if (item.byTags) {
      const allocations: AllocationDraft[] = [...item.byTags.values()].map((b) => ({
        quantity: b.quantity,
        tags: b.tags,
      }));
      // Untagged rows of the same hour make the untagged bucket.
      if (item.untaggedRows > 0) allocations.push({ quantity: item.untagged });
      draft.allocations = allocations;
    }
    return { lines: item.lines, draft };
  });
  return { records, rowsMerged };
}

const WINDOW_CODES = new Set(['timestamp-too-old', 'timestamp-month-closed', 'timestamp-future']);
const SENT_CODES = new Set(['already-sent-different', 'already-sent-same']);
/** Warnings that still need a person to look before sending. */
const REVIEW_WARNINGS = new Set(['account-id-length', 'already-sent-same']);

export function reasonsFor(issues: readonly { code: string; severity: string }[]): ImportReason[] {
  const reasons = new Set<ImportReason>();
  for (const i of issues) {
    if (i.severity !== 'error' && !REVIEW_WARNINGS.has(i.code)) continue;
    if (i.code === 'duplicate-in-set') reasons.add('duplicate');
    else if (WINDOW_CODES.has(i.code)) reasons.add('window');
    else if (SENT_CODES.has(i.code)) reasons.add('already-sent');
    else reasons.add('invalid');
  }
  return [...reasons];
}

export type ImportResult = {
  summary: Omit<ImportSummary, 'handle'>;
  rows: ImportRow[];
  ready: number[];
  review: number[];
};

export async function importUsageCsv(
  text: string,
  options: {
    catalog: readonly Product[];
    now: number;
    sentIndex: SentRecordsIndex;
    aggregate: boolean;
    defaultProductId?: string;
    fileName?: string;
  },
): Promise<ImportResult> {
  const started = performance.now();
  const parsed = parseUsageCsv(text, {
    catalog: options.catalog,
    ...(options.defaultProductId !== undefined
      ? { defaultProductId: options.defaultProductId }
      : {}),
  });
  const { records, rowsMerged } = options.aggregate
    ? aggregateRows(parsed.rows)
    : { records: parsed.rows.map((r) => ({ lines: [r.line], draft: r.draft })), rowsMerged: 0 };
  // Row ids by assignment: these drafts are this import's own objects.
  const drafts = records.map((r, i) => {
    r.draft.rowId = `csv-${String(i)}`;
    return r.draft;
  });
  const validations = await validateWithSentIndex(drafts, {
    catalog: options.catalog,
    now: options.now,
    sentIndex: options.sentIndex,
  });
  const rows: ImportRow[] = [];
  const ready: number[] = [];
  const review: number[] = [];
  const byReason = { invalid: 0, duplicate: 0, window: 0, 'already-sent': 0 };
  for (let i = 0; i < drafts.length; i++) {
    const v = validations[i];
    const draft = drafts[i];
    const record = records[i];
    if (!v || !draft || !record) continue;
    const reasons = reasonsFor(v.issues);
    for (const r of reasons) byReason[r] += 1;
    const status = reasons.length === 0 ? 'ready' : 'review';
    (status === 'ready' ? ready : review).push(i);
    rows.push({
      index: i,
      lines: record.lines,
      status,
      reasons,
      draft,
      issues: v.issues,
      deadlineMs: v.deadlineMs,
    });
  }
  return {
    summary: {
      fileName: options.fileName ?? 'import.csv',
      delimiter: parsed.delimiter,
      fileRows: parsed.rows.length,
      records: rows.length,
      ready: ready.length,
      review: review.length,
      byReason,
      aggregated: options.aggregate,
      rowsMerged,
      columns: parsed.columns,
      notices: parsed.notices,
      milliseconds: Math.round(performance.now() - started),
    },
    rows,
    ready,
    review,
  };
}

export function csvTemplate(
  product: Product | undefined,
  now: number,
): { fileName: string; text: string } {
  const hour = hourOf(now - HOUR_MS);
  const earlier = hourOf(now - 2 * HOUR_MS);
  const dims = product?.dimensions.map((d) => d.name) ?? [];
  const dim = (i: number): string => dims[i % Math.max(1, dims.length)] ?? 'Users';
  const name = product?.id ?? 'my-product';
  const ca = product?.identityModel === 'concurrent-agreements';
  const lines: string[][] = [[...TEMPLATE_HEADERS]];
  const row = (d: string, q: string, t: string): string[] =>
    ca || !product
      ? [
          name,
          '012345678901',
          'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0',
          '',
          d,
          q,
          t,
        ]
      : [name, '', '', 'CUSTOMER-IDENTIFIER-FROM-RESOLVECUSTOMER', d, q, t];
  lines.push(row(dim(0), '10', earlier));
  lines.push(row(dim(1), '0', hour));
  const quote = (cell: string): string =>
    /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  const text = `${lines.map((l) => l.map(quote).join(',')).join('\r\n')}\r\n`;
  return {
    fileName: `meterdesk-usage-template${product ? `-${product.id.replace(/[^a-z0-9-]/gi, '-')}` : ''}.csv`,
    text,
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions: parts being uploaded, and finished imports kept behind handles.

export type ImportSession = ImportResult & { handle: string; createdAt: number };

const MAX_UPLOAD_CHARS = 200_000_000;
const KEEP_IMPORTS = 4;

export function createImportSessions(deps: { newId: () => string; now: () => number }) {
  const uploads = new Map<string, { parts: string[]; chars: number }>();
  const imports = new Map<string, ImportSession>();
  return {
    /** Buffers one part; returns the upload id and the characters received so far. */
    append(uploadId: string | undefined, text: string): { uploadId: string; chars: number } {
      const id = uploadId ?? deps.newId();
      const upload = uploads.get(id) ?? (uploadId === undefined ? { parts: [], chars: 0 } : null);
      if (!upload) {
        throw new AppError('NOT_FOUND', 'This upload is no longer open.', {
          hint: 'Choose the file again.',
        });
      }
      upload.parts.push(text);
      upload.chars += text.length;
      if (upload.chars > MAX_UPLOAD_CHARS) {
        uploads.delete(id);
        throw new AppError('VALIDATION', 'The file is too large to import.', {
          hint: 'Split it into files of at most a million rows.',
        });
      }
      uploads.set(id, upload);
      return { uploadId: id, chars: upload.chars };
    },
    /** The whole text of an upload (and forgets it). */
    take(uploadId: string | undefined, last: string): string {
      if (uploadId === undefined) return last;
      const upload = uploads.get(uploadId);
      if (!upload) {
        throw new AppError('NOT_FOUND', 'This upload is no longer open.', {
          hint: 'Choose the file again.',
        });
      }
      uploads.delete(uploadId);
      return upload.parts.join('') + last;
    },
    keep(result: ImportResult): ImportSession {
      const session = { ...result, handle: deps.newId(), createdAt: deps.now() };
      imports.set(session.handle, session);
      // Only the latest few imports stay in memory.
      while (imports.size > KEEP_IMPORTS) {
        const oldest = imports.keys().next().value;
        if (oldest === undefined) break;
        imports.delete(oldest);
      }
      return session;
    },
    get(handle: string): ImportSession {
      const session = imports.get(handle);
      if (!session) {
        throw new AppError('NOT_FOUND', 'This import is no longer available.', {
          hint: 'Import the file again.',
        });
      }
      return session;
    },
    page(handle: string, filter: 'ready' | 'review', offset: number, limit: number) {
      const session = this.get(handle);
      const list = filter === 'ready' ? session.ready : session.review;
      const rows = list
        .slice(offset, offset + limit)
        .flatMap((i) => (session.rows[i] ? [session.rows[i]] : []));
      return { total: list.length, rows };
    },
  };
}
export type ImportSessions = ReturnType<typeof createImportSessions>;
