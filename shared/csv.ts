// Spreadsheet-safe CSV, shared by every export (journal, customers, audit): a cell a spreadsheet
// would run as a formula is neutralised, and IDs stay text (leading zeros survive Excel). Every
// export describes its columns as `CsvColumn`s and writes them with `csvTable`, so an id is
// written the same way wherever it appears.

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection). */
export const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function quoteIfNeeded(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A text cell: neutralised with a leading apostrophe if a spreadsheet would evaluate it. */
export function csvTextCell(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return quoteIfNeeded(neutralise(value));
}

/**
 * An ID cell. Digit-only IDs (AWS account ids) are written as ="012345678901" so a spreadsheet
 * keeps them as text (no lost leading zeros, no 1.23457E+11); that is the only formula we emit,
 * and it holds digits only. Other IDs are text cells.
 */
export function csvIdCell(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (/^\d+$/.test(value)) return `"=""${value}"""`;
  return csvTextCell(value);
}

/** A whole number written as a number (quantities are never rounded); anything else as text. */
export function csvNumberCell(value: number | string | undefined): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return csvTextCell(value === undefined ? undefined : String(value));
}

/** What a column holds decides how its cells are written. */
export type CsvCellKind = 'id' | 'text' | 'number';

export type CsvColumn<Row> = {
  /** The header cell. */
  name: string;
  kind: CsvCellKind;
  value: (row: Row) => string | number | undefined;
};

export function csvCell(kind: CsvCellKind, value: string | number | undefined): string {
  if (kind === 'number') return csvNumberCell(value);
  const text = value === undefined ? undefined : String(value);
  return kind === 'id' ? csvIdCell(text) : csvTextCell(text);
}

/** A whole CSV document: the header line, then one line per row. */
export function csvTable<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>): string {
  const lines = [columns.map((c) => csvTextCell(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.kind, c.value(row))).join(','));
  return csvDocument(lines);
}

/** Lines joined with CRLF (RFC 4180), ending with one. */
export function csvDocument(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}
