// The record editor's row model: what the inputs hold (text, as typed) and how it becomes a
// UsageRecordDraft for the shared validator. Pure, so it is easy to reason about.
import { hourOf, HOUR_MS } from '../../../../shared/aws/metering-rules';
import { parseQuantity, type Product, type UsageRecordDraft } from '../../../../shared/metering';
import { formatLocalDayTimeWithZone } from '../../locale';

export type AllocationRow = { quantity: string; tags: string };

export type EditorRow = {
  rowId: string;
  productId: string;
  customerIdentifier: string;
  customerAwsAccountId: string;
  licenseArn: string;
  dimension: string;
  quantity: string;
  timestamp: string;
  allocations: AllocationRow[];
  acknowledgeUnknownDimension: boolean;
  /** Set when the row came from a CSV import (fix in the editor). */
  fromImport?: { index: number; lines: number[] };
  /** What the import found wrong with the line itself; an error until checked against the file. */
  importProblem?: NonNullable<UsageRecordDraft['importProblem']>;
  importProblemChecked?: boolean;
};

let counter = 0;
export function nextRowId(): string {
  counter += 1;
  return `row-${String(counter)}`;
}

/** The last complete UTC hour: the usual hour a correction is for. */
export function defaultHour(now: number): string {
  return hourOf(now - HOUR_MS).replace(':00.000Z', 'Z');
}

export function emptyRow(now: number, productId = ''): EditorRow {
  return {
    rowId: nextRowId(),
    productId,
    customerIdentifier: '',
    customerAwsAccountId: '',
    licenseArn: '',
    dimension: '',
    quantity: '',
    timestamp: defaultHour(now),
    allocations: [],
    acknowledgeUnknownDimension: false,
  };
}

/**
 * The record "Add record" appends: the product and the customer of the last record (the usual
 * next record is another dimension or hour for the same customer), a fresh hour and quantity.
 */
export function nextRow(
  rows: readonly EditorRow[],
  now: number,
  fallbackProductId: string,
): EditorRow {
  const last = rows[rows.length - 1];
  if (!last) return emptyRow(now, fallbackProductId);
  return {
    ...emptyRow(now, last.productId),
    customerIdentifier: last.customerIdentifier,
    customerAwsAccountId: last.customerAwsAccountId,
    licenseArn: last.licenseArn,
  };
}

/** "team=red, env=prod" → tags; blank → untagged. */
export function parseTags(text: string): { key: string; value: string }[] | undefined {
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  return parts.map((p) => {
    const eq = p.indexOf('=');
    return eq < 0
      ? { key: p, value: '' }
      : { key: p.slice(0, eq).trim(), value: p.slice(eq + 1).trim() };
  });
}

export function formatTags(tags: { key: string; value: string }[] | undefined): string {
  return (tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ');
}

const opt = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

export function toDraft(row: EditorRow, product: Product | undefined): UsageRecordDraft {
  // Fields the product's identity model does not use are left out, so a value typed before
  // switching products does not linger invisibly.
  const kind = product?.kind;
  const ca = product?.identityModel === 'concurrent-agreements';
  const saas = kind === undefined || kind === 'saas';
  const draft: UsageRecordDraft = {
    rowId: row.rowId,
    dimension: row.dimension.trim(),
    quantity: row.quantity,
    timestamp: row.timestamp,
  };
  if (row.productId !== '') draft.productId = row.productId;
  const ci = saas && !ca ? opt(row.customerIdentifier) : undefined;
  const acct = saas ? opt(row.customerAwsAccountId.trim()) : undefined;
  const lic = saas ? opt(row.licenseArn.trim()) : undefined;
  if (ci !== undefined) draft.customerIdentifier = ci;
  if (acct !== undefined) draft.customerAwsAccountId = acct;
  if (lic !== undefined) draft.licenseArn = lic;
  if (row.allocations.length > 0) {
    draft.allocations = row.allocations.map((a) => {
      const tags = parseTags(a.tags);
      return { quantity: a.quantity, ...(tags ? { tags } : {}) };
    });
  }
  if (row.acknowledgeUnknownDimension) draft.acknowledgeUnknownDimension = true;
  if (row.importProblem) draft.importProblem = row.importProblem;
  if (row.importProblemChecked === true) draft.importProblemChecked = true;
  return draft;
}

/** A draft (e.g. an import row) as editor text. */
export function fromDraft(
  draft: UsageRecordDraft,
  catalog: readonly Product[],
  fromImport?: EditorRow['fromImport'],
): EditorRow {
  const product =
    catalog.find((p) => p.id === draft.productId) ??
    catalog.find((p) => draft.productCode !== undefined && p.productCode === draft.productCode);
  return {
    rowId: nextRowId(),
    productId: product?.id ?? draft.productId ?? '',
    customerIdentifier: draft.customerIdentifier ?? '',
    customerAwsAccountId: draft.customerAwsAccountId ?? '',
    licenseArn: draft.licenseArn ?? '',
    dimension: draft.dimension,
    quantity: String(draft.quantity),
    timestamp: draft.timestamp,
    allocations: (draft.allocations ?? []).map((a) => ({
      quantity: String(a.quantity),
      tags: formatTags(a.tags),
    })),
    acknowledgeUnknownDimension: draft.acknowledgeUnknownDimension === true,
    ...(fromImport ? { fromImport } : {}),
    ...(draft.importProblem
      ? { importProblem: draft.importProblem, importProblemChecked: false }
      : {}),
  };
}

/** How messages name an editor record: "record 2", or "record 2 (line 14)" for an imported one. */
export function recordLabel(rows: readonly EditorRow[]): (index: number) => string {
  return (index) => {
    const from = rows[index]?.fromImport;
    const record = `record ${String(index + 1)}`;
    return from ? `${record} (line ${String(from.lines[0])})` : record;
  };
}

/**
 * Adding an import row's quantity to an editor record: only when both are plain whole numbers
 * with no allocations (anything else is for the person to combine).
 */
export function mergedQuantity(row: EditorRow, other: UsageRecordDraft): string | null {
  if (row.allocations.length > 0 || (other.allocations?.length ?? 0) > 0) return null;
  const mine = parseQuantity(row.quantity);
  const theirs = parseQuantity(other.quantity);
  if (!mine.ok || !theirs.ok) return null;
  return String(mine.value + theirs.value);
}

/** "3 h 20 min left in the window", or that it has closed. */
export function windowLeft(deadlineMs: number, now: number): string {
  const ms = deadlineMs - now;
  if (ms <= 0) return 'window closed';
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${String(m)} min left in the window`;
  return `${String(h)} h${m > 0 && h < 6 ? ` ${String(m)} min` : ''} left in the window`;
}

/** The local wall-clock time for a UTC timestamp, for the hint beside it. */
export function localTime(ms: number): string {
  return formatLocalDayTimeWithZone(ms);
}

/** Products matching a route's productCode (legacy code, catalog id or sandbox id). */
export function findProductByCode(catalog: readonly Product[], code: string): Product | undefined {
  return (
    catalog.find((p) => p.productCode === code) ??
    catalog.find((p) => p.id === code) ??
    catalog.find((p) => p.id === `sandbox:${code}`)
  );
}
