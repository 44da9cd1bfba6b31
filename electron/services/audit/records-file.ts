// The usage records of an explorer filter, or of chosen events, as a Parquet file with the
// columns of the `usage_records` view (typed, billed-once standing included), oldest first.
import type { AuditFilter } from '../../../shared/audit';
import type { AccountCache } from './account-cache';
import { filterContext } from './explorer';
import { compileFilter, SqlParams } from './filter-sql';
import { usageRecordsSql } from './schema';

export async function recordsParquet(
  cache: AccountCache,
  scope: { filter: AuditFilter } | { eventIds: readonly string[] },
  maxRows: number,
): Promise<{ parquet: Uint8Array; rows: number; matching: number }> {
  const T = cache.tables;
  const params = new SqlParams();
  const where =
    'filter' in scope
      ? (compileFilter(scope.filter, filterContext(cache), 'records', params) ?? 'FALSE')
      : `r.event_seq IN (SELECT event_seq FROM ${T.events} WHERE event_id IN (SELECT unnest(${params.add(scope.eventIds)}::VARCHAR[])))`;
  const counted = await cache.db.all(
    `SELECT count(*) AS n FROM ${T.records} r WHERE ${where}`,
    params.values,
  );
  const matching = Number(counted[0]?.n ?? 0);
  const sql = `${usageRecordsSql(cache.db.catalog, cache.accountId, where)}
    ORDER BY r.event_time, e.event_id, r.record_index
    LIMIT ${String(maxRows)}`;
  const parquet = await cache.db.exportFile(sql, params.values, { format: 'parquet' });
  return { parquet, rows: Math.min(matching, maxRows), matching };
}
