// Spreadsheet-safe CSV cells, shared by every export (journal, bulk resolve, audit): a cell a
// spreadsheet would run as a formula is neutralised, and IDs stay text.

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

/**
 * A cell that is always quoted when it is text (so IDs stay text in every reader), neutralised
 * like csvTextCell; numbers pass through as numbers when `numeric`.
 */
export function csvQuotedCell(value: string | number | undefined, numeric = false): string {
  if (value === undefined) return '';
  if (numeric && typeof value === 'number') return String(value);
  return `"${neutralise(String(value)).replace(/"/g, '""')}"`;
}

/** Lines joined with CRLF (RFC 4180), ending with one. */
export function csvDocument(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}
