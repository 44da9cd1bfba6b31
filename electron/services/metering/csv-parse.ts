// Reading a usage CSV (papaparse, every cell kept as text): the delimiter, the header mapped to
// record fields (any letter case, with aliases), and one draft per line. Whatever the file leaves
// open is never guessed: a line whose cells do not match the header, a broken quote, or a time
// without a zone (unless the person chose the file's zone) stays for review, and every message
// names the file's own line numbers.
import Papa from 'papaparse';
import { AppError } from '../../../shared/errors';
import {
  looksScientific,
  readUsageTime,
  type Product,
  type UsageRecordDraft,
} from '../../../shared/metering';
import { isoWithOffset, resolveWallTime, zoneLabel } from '../../../shared/metering/zones';

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
  /** The line's cells joined: equal for lines that are identical cell by cell. */
  content: string;
  /** The cells as read, kept only for lines whose cells do not match the header. */
  cells?: string[];
  /** The time had no zone in the file (whether or not the file's zone was then applied). */
  zoneless: boolean;
};

export type ParsedCsv = {
  delimiter: string;
  columns: { header: string; field: string | null }[];
  rows: ParsedCsvRow[];
  notices: string[];
};

export type CsvParseOptions = {
  catalog: readonly Product[];
  defaultProductId?: string;
  /** The zone the person chose for times the file writes without one (UTC, +02:00, a place). */
  zone?: string;
};

type Columns = {
  columns: ParsedCsv['columns'];
  fieldIndex: Map<CsvField, number>;
  tagColumns: { index: number; key: string }[];
  notices: string[];
};

function mapColumns(headerRow: readonly string[]): Columns {
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
  return { columns, fieldIndex, tagColumns, notices };
}

/** Product lookup by id, product code, then name (case-insensitive). */
function productLookup(catalog: readonly Product[]): Map<string, Product> {
  const byKey = new Map<string, Product>();
  for (const p of catalog) {
    byKey.set(p.name.toLowerCase(), p);
    if (p.productCode) byKey.set(p.productCode.toLowerCase(), p);
  }
  for (const p of catalog) byKey.set(p.id.toLowerCase(), p);
  return byKey;
}

/** The file's text with one kind of line end (so line numbers count as an editor counts them). */
function normalizedText(input: string): { text: string; delimiter: string | null; skip: number } {
  let text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // Excel's "sep=;" first line names the delimiter.
  const sep = /^sep=(.)\n/i.exec(text);
  if (!sep) return { text, delimiter: null, skip: 0 };
  text = text.slice(sep[0].length);
  return { text, delimiter: sep[1] ?? null, skip: 1 };
}

function lineBreaksIn(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at >= 0; at = cell.indexOf('\n', at + 1)) breaks += 1;
  }
  return breaks;
}

/** Papaparse's quote errors by row index, as the problem a person reads. */
function quoteProblems(errors: readonly Papa.ParseError[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const error of errors) {
    if (error.type !== 'Quotes' || error.row === undefined || problems.has(error.row)) continue;
    problems.set(
      error.row,
      error.code === 'MissingQuotes'
        ? 'A quote opened on this line is never closed, so the lines after it were read as one cell.'
        : 'A quote in this line is misplaced (text right after a closing quote), so its cells cannot be told apart.',
    );
  }
  return problems;
}

type ZoneOutcome = { timestamp: string; zoneless: boolean; problem?: string };

/** A time written without a zone, read in the file's chosen zone; otherwise left for review. */
function timeInFileZone(cell: string, zone: string | undefined): ZoneOutcome {
  const reading = readUsageTime(cell);
  if (reading.kind !== 'ok' || reading.zone !== null) return { timestamp: cell, zoneless: false };
  if (zone === undefined) return { timestamp: cell, zoneless: true };
  const resolved = resolveWallTime(reading.wall, zone);
  if (resolved.kind === 'ok') {
    return { timestamp: isoWithOffset(reading.wall, resolved.offset), zoneless: true };
  }
  const what =
    resolved.kind === 'gap'
      ? 'never happened there (the clocks jumped forward over it)'
      : 'happened twice there (the clocks went back)';
  return {
    timestamp: cell,
    zoneless: true,
    problem: `"${cell}" in ${zoneLabel(zone)} ${what}.`,
  };
}

type RowContext = {
  cols: Columns;
  products: Map<string, Product>;
  options: CsvParseOptions;
  width: number;
};

function rowDraft(row: readonly string[], line: number, rc: RowContext): ParsedCsvRow {
  const { fieldIndex, tagColumns } = rc.cols;
  const raw = (field: CsvField): string => {
    const i = fieldIndex.get(field);
    return i === undefined ? '' : (row[i] ?? '');
  };
  const time = timeInFileZone(raw('timestamp').trim(), rc.options.zone);
  const draft: UsageRecordDraft = {
    rowId: `line-${String(line)}`,
    dimension: raw('dimension').trim(),
    quantity: raw('quantity').trim(),
    timestamp: time.timestamp,
  };
  const productCell = raw('product').trim();
  if (productCell !== '') {
    const product = rc.products.get(productCell.toLowerCase());
    if (product) draft.productId = product.id;
    else draft.productCode = productCell;
  } else if (rc.options.defaultProductId !== undefined) {
    draft.productId = rc.options.defaultProductId;
  }
  // Ids as written: a space or hidden character in an id is the validator's to report.
  const ci = raw('customerIdentifier');
  const acct = raw('customerAwsAccountId');
  const lic = raw('licenseArn');
  if (ci.trim() !== '') draft.customerIdentifier = ci;
  if (acct.trim() !== '') draft.customerAwsAccountId = acct;
  if (lic.trim() !== '') draft.licenseArn = lic;
  let tags = NO_TAGS;
  for (const t of tagColumns) {
    const value = (row[t.index] ?? '').trim();
    if (value === '') continue;
    if (tags === NO_TAGS) tags = [];
    tags.push({ key: t.key, value });
  }
  if (tags.length > 0) draft.allocations = [{ quantity: draft.quantity, tags }];
  const parsed: ParsedCsvRow = { line, draft, tags, content: row.join('\u0000'), zoneless: false };
  parsed.zoneless = time.zoneless;
  if (time.problem !== undefined) {
    draft.importProblem = { code: 'timestamp-zone-unclear', line, message: time.problem };
  }
  if (row.length !== rc.width) {
    parsed.cells = [...row];
    draft.importProblem = {
      code: 'csv-row-cells',
      line,
      message: `${String(row.length)} cells for ${String(rc.width)} columns: a thousands separator or an unquoted comma?`,
    };
  }
  return parsed;
}

function spreadsheetNotices(rows: readonly ParsedCsvRow[]): string[] {
  let scientific = 0;
  let shortIds = 0;
  for (const { draft } of rows) {
    const acct = draft.customerAwsAccountId?.trim();
    if (acct === undefined) continue;
    if (looksScientific(acct)) scientific += 1;
    else if (/^\d{1,11}$/.test(acct)) shortIds += 1;
  }
  const notices: string[] = [];
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
  return notices;
}

export function parseUsageCsv(input: string, options: CsvParseOptions): ParsedCsv {
  const normalized = normalizedText(input);
  const firstLineEnd = normalized.text.indexOf('\n');
  const firstLine = firstLineEnd < 0 ? normalized.text : normalized.text.slice(0, firstLineEnd);
  if (firstLine.trim() === '') {
    throw new AppError('VALIDATION', 'The file is empty or its first line is blank.', {
      hint: 'The first line must name the columns; download the template to see them.',
    });
  }
  const delimiter = normalized.delimiter ?? detectDelimiter(firstLine);
  const parsed = Papa.parse<string[]>(normalized.text, {
    delimiter,
    newline: '\n',
    skipEmptyLines: false,
    header: false,
  });
  const data = parsed.data;
  const headerRow = data[0] ?? [];
  const cols = mapColumns(headerRow);
  const rc: RowContext = {
    cols,
    products: productLookup(options.catalog),
    options,
    width: headerRow.length,
  };
  const quotes = quoteProblems(parsed.errors);
  const rows: ParsedCsvRow[] = [];
  let line = 1 + normalized.skip + 1 + lineBreaksIn(headerRow);
  for (let r = 1; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    const rowLine = line;
    line += 1 + lineBreaksIn(row);
    // Blank lines (and lines of empty cells) are skipped; checked only when the first cell is empty.
    if ((row[0] ?? '').trim() === '' && row.every((cell) => cell.trim() === '')) continue;
    const parsedRow = rowDraft(row, rowLine, rc);
    const quote = quotes.get(r);
    if (quote !== undefined) {
      parsedRow.cells = [...row];
      parsedRow.draft.importProblem = { code: 'csv-quotes', line: rowLine, message: quote };
    }
    rows.push(parsedRow);
  }
  return {
    delimiter,
    columns: cols.columns,
    rows,
    notices: [...cols.notices, ...spreadsheetNotices(rows)],
  };
}
