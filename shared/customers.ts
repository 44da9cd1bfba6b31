// Pure helpers of the customers area, used by main (authoritatively) and the renderer (live):
// splitting a bulk paste into tokens, the metering-editor link for a resolved customer, and the
// exports of a bulk run (CSV safe to open in a spreadsheet, and JSON).
import Papa from 'papaparse';
import type { BulkRow, ResolutionEntry, ResolvedCustomer } from './channels/customers';
import { extractRegistrationToken, type TokenExtraction } from './tokens';
import { csvIdCell, csvTable, csvTextCell, type CsvColumn } from './csv';

type Extracted = Extract<TokenExtraction, { ok: true }>;

export type BulkItem =
  | { line: number; kind: 'token'; extraction: Extracted }
  | { line: number; kind: 'duplicate'; duplicateOf: number; extraction: Extracted }
  | { line: number; kind: 'unreadable'; reason: string };

export type BulkParse = {
  mode: 'lines' | 'csv';
  /** CSV with a header: the column the tokens were read from. */
  column?: string;
  items: BulkItem[];
};

type CsvRecord = { line: number; cells: string[]; text: string };

/**
 * RFC 4180 records read by papaparse (quoted cells may hold commas, quotes and line breaks), each
 * with the line it starts on and its text as written; records of empty cells are dropped.
 */
function csvRecords(input: string): CsvRecord[] {
  // No byte-order mark (spreadsheets write one before the header), and one kind of line end, so a
  // record's line counts as an editor counts it.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter: ',',
    newline: '\n',
    quoteChar: '"',
    skipEmptyLines: false,
    step: (row) => {
      const end = row.meta.cursor;
      const raw = text.slice(start, end);
      const body = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (row.data.some((cell) => cell.trim() !== '')) {
        records.push({ line, cells: row.data, text: body });
      }
      for (let at = raw.indexOf('\n'); at >= 0; at = raw.indexOf('\n', at + 1)) line += 1;
      start = end;
    },
  });
  return records;
}

const TOKEN_HEADERS = new Set([
  'token',
  'registrationtoken',
  'registration token',
  'registration_token',
  'x-amzn-marketplace-token',
]);

function best(candidates: readonly string[]): TokenExtraction {
  let found: Extracted | undefined;
  let firstFailure: TokenExtraction | undefined;
  for (const candidate of candidates) {
    const result = extractRegistrationToken(candidate);
    if (result.ok) {
      // A CSV row may hold short cells that look token-like (dates, ids): the token is the longest.
      if (found === undefined || result.token.length > found.token.length) found = result;
    } else {
      firstFailure ??= result;
    }
  }
  return found ?? firstFailure ?? { ok: false, reason: 'The line is empty.' };
}

/** Splits a bulk paste (one token or form body per line, or CSV) into tokens to resolve. */
export function parseBulkInput(text: string): BulkParse {
  const records = csvRecords(text);
  const header = records[0];
  const column =
    header === undefined
      ? -1
      : header.cells.findIndex((cell) => TOKEN_HEADERS.has(cell.trim().toLowerCase()));
  const csv = column >= 0 || records.some((record) => record.cells.length > 1);
  const data = column >= 0 ? records.slice(1) : records;
  const seen = new Map<string, number>();
  const items: BulkItem[] = data.map((record): BulkItem => {
    let result: TokenExtraction;
    if (column >= 0) {
      result = extractRegistrationToken(record.cells[column] ?? '');
    } else if (record.cells.length === 1) {
      // One value per line: give the extractor the line as written (it reports quotes it removes).
      result = extractRegistrationToken(record.text);
    } else {
      result = best(record.cells);
    }
    if (!result.ok) return { line: record.line, kind: 'unreadable', reason: result.reason };
    const earlier = seen.get(result.token);
    if (earlier !== undefined) {
      return { line: record.line, kind: 'duplicate', duplicateOf: earlier, extraction: result };
    }
    seen.set(result.token, record.line);
    return { line: record.line, kind: 'token', extraction: result };
  });
  const columnName = column >= 0 ? header?.cells[column]?.trim() : undefined;
  return {
    mode: csv ? 'csv' : 'lines',
    ...(columnName === undefined ? {} : { column: columnName }),
    items,
  };
}

/** The metering parameters the metering editor reads from its route. */
export const METERING_PREFILL_PARAMS = [
  'customerAwsAccountId',
  'licenseArn',
  'customerIdentifier',
  'productCode',
] as const;

/**
 * `#/metering?…` for one customer: the product (so the editor picks it) and exactly the one
 * identity its model meters by — the account id and LicenseArn for concurrent agreements, the
 * CustomerIdentifier for legacy products — so the editor's record is valid as it opens. Without
 * a known model, a LicenseArn means concurrent agreements (AWS returns one only for those).
 */
export function meteringLinkFor(
  customer: ResolvedCustomer,
  model?: 'legacy' | 'concurrent-agreements',
): string {
  const present = (value: string | undefined): value is string =>
    value !== undefined && value !== '';
  const concurrent = model === undefined ? present(customer.licenseArn) : model !== 'legacy';
  const params = new URLSearchParams();
  const put = (key: (typeof METERING_PREFILL_PARAMS)[number]): void => {
    const value = customer[key];
    if (present(value)) params.set(key, value);
  };
  if (concurrent) {
    put('customerAwsAccountId');
    put('licenseArn');
  } else if (present(customer.customerIdentifier)) {
    put('customerIdentifier');
  } else {
    // A legacy product whose answer carried no identifier: the account id is all there is.
    put('customerAwsAccountId');
  }
  put('productCode');
  const query = params.toString();
  return query === '' ? '#/metering' : `#/metering?${query}`;
}

// ---------------------------------------------------------------------------------------------
// Exports

export { csvIdCell, csvTextCell };

const BULK_CSV_COLUMNS: readonly CsvColumn<BulkRow>[] = [
  { name: 'line', kind: 'number', value: (r) => r.line },
  { name: 'outcome', kind: 'text', value: (r) => r.outcome },
  { name: 'customer_aws_account_id', kind: 'id', value: (r) => r.customer?.customerAwsAccountId },
  { name: 'license_arn', kind: 'id', value: (r) => r.customer?.licenseArn },
  { name: 'customer_identifier', kind: 'id', value: (r) => r.customer?.customerIdentifier },
  { name: 'product_code', kind: 'id', value: (r) => r.customer?.productCode },
  { name: 'failure', kind: 'text', value: (r) => r.message },
  { name: 'next_step', kind: 'text', value: (r) => r.nextStep },
  { name: 'token_sha256_12', kind: 'id', value: (r) => r.tokenHash },
  { name: 'resolved_before', kind: 'text', value: (r) => r.resolvedBefore },
];

export function bulkRowsToCsv(rows: readonly BulkRow[]): string {
  return csvTable(
    BULK_CSV_COLUMNS,
    [...rows].sort((a, b) => a.line - b.line),
  );
}

const HISTORY_CSV_COLUMNS: readonly CsvColumn<ResolutionEntry & { name?: string }>[] = [
  { name: 'time_utc', kind: 'text', value: (e) => e.at },
  { name: 'outcome', kind: 'text', value: (e) => e.outcome },
  { name: 'failure', kind: 'text', value: (e) => e.failureKind },
  { name: 'customer_name', kind: 'text', value: (e) => e.name },
  { name: 'customer_aws_account_id', kind: 'id', value: (e) => e.customer?.customerAwsAccountId },
  { name: 'license_arn', kind: 'id', value: (e) => e.customer?.licenseArn },
  { name: 'customer_identifier', kind: 'id', value: (e) => e.customer?.customerIdentifier },
  { name: 'product_code', kind: 'id', value: (e) => e.customer?.productCode },
  { name: 'connection', kind: 'text', value: (e) => e.connectionName },
  { name: 'seller_account_id', kind: 'id', value: (e) => e.accountId },
  { name: 'region', kind: 'text', value: (e) => e.region },
  { name: 'pasted_as', kind: 'text', value: (e) => e.source },
  { name: 'offer_type', kind: 'text', value: (e) => e.offerType },
  { name: 'token_sha256_12', kind: 'id', value: (e) => e.tokenHash },
  { name: 'bulk_run', kind: 'id', value: (e) => e.bulkTaskId },
];

/** The resolution history as CSV, newest first, with the buyer's name where one is known. */
export function historyToCsv(
  entries: readonly ResolutionEntry[],
  nameOf: (entry: ResolutionEntry) => string | undefined = () => undefined,
): string {
  return csvTable(
    HISTORY_CSV_COLUMNS,
    entries.map((entry) => {
      const name = nameOf(entry);
      return name === undefined ? entry : { ...entry, name };
    }),
  );
}

export function bulkRowsToJson(rows: readonly BulkRow[]): string {
  return `${JSON.stringify(
    [...rows].sort((a, b) => a.line - b.line),
    null,
    2,
  )}\n`;
}
