// A submission's outcome per dimension, read from its journal rows: records, and what AWS billed
// counted once (shared/billing.ts: a replay or a DuplicateRecord is never billed again).
import type { JournalRow } from '../../../../../shared/channels/journal';

export type DimensionTotal = {
  dimension: string;
  records: number;
  billedRecords: number;
  billedQuantity: number;
};

export function dimensionTotals(rows: readonly JournalRow[]): DimensionTotal[] {
  const byDimension = new Map<string, DimensionTotal>();
  for (const row of rows) {
    const t = byDimension.get(row.dimension) ?? {
      dimension: row.dimension,
      records: 0,
      billedRecords: 0,
      billedQuantity: 0,
    };
    t.records += 1;
    if (row.billing === 'billed') {
      t.billedRecords += 1;
      t.billedQuantity += row.quantity;
    }
    byDimension.set(row.dimension, t);
  }
  return [...byDimension.values()].sort((a, b) => a.dimension.localeCompare(b.dimension));
}
