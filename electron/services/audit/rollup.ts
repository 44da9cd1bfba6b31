// The daily rollup: records summed per UTC day of use and of metering, customer, dimension,
// region, status and billed-once standing. Day-bucketed aggregates whose filters it can answer
// read it instead of every record (tens of thousands of rows instead of millions). Beside it,
// the failures rollup: the Failed records per event with the same keys and their error code.
// Both are kept in the transaction of the write that changes the records, so they never
// disagree with the records they sum.
import { DAY_MS } from '../../../shared/audit';
import type { SqlSession } from './db';
import { billingSql, type Tables } from './schema';

function insertDaily(T: Tables, where: string): string {
  // Stored by customer, as the records are (cluster.ts): a one-customer filter reads one block.
  return `INSERT INTO ${T.daily} ${selectDaily(T, where)}
    ORDER BY party_code, dimension_code, usage_day`;
}

function selectDaily(T: Tables, where: string): string {
  return `SELECT
      (usage_time // ${String(DAY_MS)})::INTEGER AS usage_day,
      (event_time // ${String(DAY_MS)})::INTEGER AS event_day,
      party_code, dimension_code, region_code, status,
      (${billingSql()})::${T.billing} AS billing,
      count(*)::BIGINT AS records,
      sum(quantity)::BIGINT AS quantity
    FROM ${T.records}
    WHERE ${where}
    GROUP BY ALL`;
}

function insertFailures(T: Tables, where: string): string {
  return `INSERT INTO ${T.failures}
    SELECT
      (usage_time // ${String(DAY_MS)})::INTEGER AS usage_day,
      (event_time // ${String(DAY_MS)})::INTEGER AS event_day,
      party_code, dimension_code, region_code, status, error_code, event_seq,
      count(*)::BIGINT AS records
    FROM ${T.records}
    WHERE status = 'Failed'::${T.status} AND (${where})
    GROUP BY ALL`;
}

/** Redoes the rollups for the given usage days (and for records without a usage time). */
export async function refreshDaily(
  tx: SqlSession,
  T: Tables,
  touched: { days: readonly number[]; unknown: boolean },
): Promise<void> {
  if (touched.days.length > 0) {
    const first = touched.days[0] ?? 0;
    const last = touched.days.at(-1) ?? 0;
    // The range lets the engine skip storage blocks; the list keeps the days exact.
    const days = `usage_time >= ${String(first * DAY_MS)} AND usage_time < ${String((last + 1) * DAY_MS)}
         AND (usage_time // ${String(DAY_MS)})::INTEGER IN (SELECT unnest($1::INTEGER[]))`;
    for (const [table, insert] of [
      [T.daily, insertDaily],
      [T.failures, insertFailures],
    ] as const) {
      await tx.run(`DELETE FROM ${table} WHERE usage_day IN (SELECT unnest($1::INTEGER[]))`, [
        touched.days,
      ]);
      await tx.run(insert(T, days), [touched.days]);
    }
  }
  if (touched.unknown) {
    await tx.run(`DELETE FROM ${T.daily} WHERE usage_day IS NULL`);
    await tx.run(insertDaily(T, 'usage_time IS NULL'));
    await tx.run(`DELETE FROM ${T.failures} WHERE usage_day IS NULL`);
    await tx.run(insertFailures(T, 'usage_time IS NULL'));
  }
}

const DAILY_KEYS = [
  'usage_day',
  'event_day',
  'party_code',
  'dimension_code',
  'region_code',
  'status',
  'billing',
] as const;

/**
 * Adds the records a write appended (event_seq from `firstSeq` on) to the rollups: their sums
 * merged into the daily rows of their groups, new groups inserted, their failures added (keyed
 * by event, so always new; a write without Failed records has none to add). Exact only when the
 * write changed no stored record's standing; otherwise `refreshDaily` redoes the touched days.
 */
export async function addToDaily(
  tx: SqlSession,
  T: Tables,
  firstSeq: number,
  appended: { failed: boolean },
): Promise<void> {
  const on = DAILY_KEYS.map((k) => `d.${k} IS NOT DISTINCT FROM n.${k}`).join(' AND ');
  const newRows = `event_seq >= ${String(firstSeq)}`;
  await tx.run(
    `MERGE INTO ${T.daily} AS d
     USING (${selectDaily(T, newRows)}) AS n
     ON ${on}
     WHEN MATCHED THEN UPDATE SET records = d.records + n.records, quantity = d.quantity + n.quantity
     WHEN NOT MATCHED THEN INSERT BY NAME`,
  );
  if (appended.failed) await tx.run(insertFailures(T, newRows));
}

/** Rebuilds both rollups (after a bulk load, a region cleared, or an older schema). */
export async function rebuildDaily(tx: SqlSession, T: Tables): Promise<void> {
  await tx.run(`DELETE FROM ${T.daily}`);
  await tx.run(insertDaily(T, 'TRUE'));
  await tx.run(`DELETE FROM ${T.failures}`);
  await tx.run(insertFailures(T, 'TRUE'));
}
