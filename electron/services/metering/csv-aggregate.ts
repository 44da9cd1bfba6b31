// Aggregation of an imported file to one record per (product, customer, dimension, UTC hour):
// AWS keeps only the first record per key (AWS-FACTS §1.3.4), so rows of the same hour are summed
// on our side. Only rows that can be read with certainty are merged; identical lines are counted,
// because summing a duplicated export bills twice.
import { HOUR_MS, hourOf, tagSetKey } from '../../../shared/aws/metering-rules';
import {
  parseQuantity,
  readUsageTime,
  type AllocationDraft,
  type UsageRecordDraft,
} from '../../../shared/metering';
import type { ParsedCsvRow } from './csv-parse';

export type ImportRecord = {
  lines: number[];
  draft: UsageRecordDraft;
  /** Lines identical cell by cell to an earlier line of the same record (merged into it). */
  identicalLines?: number[];
};

type Group = {
  lines: number[];
  first: UsageRecordDraft;
  sum: number;
  hourMs: number;
  /** Allocations by tag set, only once a row with tags joins (most files have none). */
  byTags: Map<string, { tags: { key: string; value: string }[]; quantity: number }> | null;
  untaggedRows: number;
  untagged: number;
  contents: Set<string>;
  identicalLines: number[];
};

/** The instant of a row's time when it says its zone, else null (such rows are not merged). */
function explicitTime(draft: UsageRecordDraft): number | null {
  const reading = readUsageTime(draft.timestamp);
  return reading.kind === 'ok' && reading.zone !== null ? reading.ms : null;
}

function groupKey(d: UsageRecordDraft, hourMs: number): string {
  return `${d.productId ?? `code:${d.productCode ?? ''}`}\u0000${d.customerIdentifier ?? ''}\u0000${d.customerAwsAccountId ?? ''}\u0000${d.licenseArn ?? ''}\u0000${d.dimension}\u0000${String(hourMs)}`;
}

function addToGroup(g: Group, row: ParsedCsvRow, quantity: number): void {
  if (g.contents.has(row.content)) g.identicalLines.push(row.line);
  else g.contents.add(row.content);
  g.lines.push(row.line);
  g.sum += quantity;
  if (row.tags.length === 0) {
    g.untaggedRows += 1;
    g.untagged += quantity;
    return;
  }
  g.byTags ??= new Map();
  const tk = tagSetKey(row.tags.map((t) => ({ Key: t.key, Value: t.value })));
  const bucket = g.byTags.get(tk) ?? { tags: row.tags, quantity: 0 };
  bucket.quantity += quantity;
  g.byTags.set(tk, bucket);
}

function groupRecord(g: Group): ImportRecord {
  const identical = g.identicalLines.length > 0 ? { identicalLines: g.identicalLines } : {};
  // A group of one untagged row is that row as it was (no copy).
  if (g.lines.length === 1 && !g.byTags) return { lines: g.lines, draft: g.first };
  const draft: UsageRecordDraft = { ...g.first };
  draft.quantity = g.sum;
  // A merged record stands for the whole hour.
  if (g.lines.length > 1) draft.timestamp = hourOf(g.hourMs);
  delete draft.allocations;
  if (g.byTags) {
    const allocations: AllocationDraft[] = [...g.byTags.values()].map((b) => ({
      quantity: b.quantity,
      tags: b.tags,
    }));
    // Untagged rows of the same hour make the untagged bucket.
    if (g.untaggedRows > 0) allocations.push({ quantity: g.untagged });
    draft.allocations = allocations;
  }
  return { lines: g.lines, draft, ...identical };
}

/**
 * One record per (product, customer, dimension, UTC hour): quantities summed; rows with tag
 * columns become allocations (summed per tag set, untagged rows in the untagged bucket). Rows
 * whose quantity, time or line cannot be read with certainty stay as they are, so their problem
 * is still shown.
 */
export function aggregateRows(rows: readonly ParsedCsvRow[]): {
  records: ImportRecord[];
  rowsMerged: number;
  identicalLinesMerged: number;
} {
  const out: (ImportRecord | Group)[] = [];
  const groups = new Map<string, Group>();
  let rowsMerged = 0;
  let identicalLinesMerged = 0;
  for (const row of rows) {
    const d = row.draft;
    const q = parseQuantity(d.quantity);
    const ms = explicitTime(d);
    if (!q.ok || ms === null || d.importProblem !== undefined) {
      out.push({ lines: [row.line], draft: d });
      continue;
    }
    const hourMs = Math.floor(ms / HOUR_MS) * HOUR_MS;
    const key = groupKey(d, hourMs);
    let g = groups.get(key);
    if (g) rowsMerged += 1;
    else {
      g = {
        lines: [],
        first: d,
        sum: 0,
        hourMs,
        byTags: null,
        untaggedRows: 0,
        untagged: 0,
        contents: new Set(),
        identicalLines: [],
      };
      groups.set(key, g);
      out.push(g);
    }
    const before = g.identicalLines.length;
    addToGroup(g, row, q.value);
    identicalLinesMerged += g.identicalLines.length - before;
  }
  const records = out.map((item) => ('sum' in item ? groupRecord(item) : item));
  return { records, rowsMerged, identicalLinesMerged };
}
