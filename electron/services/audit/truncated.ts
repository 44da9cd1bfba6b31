// Events CloudTrail truncated (a field replaced by {"omitted": true}), counted per region over
// the whole cache, for the completeness strip and the explorer's banner.
import type { AccountCache } from './account-cache';

export async function truncatedEventsByRegion(
  cache: AccountCache,
): Promise<Record<string, number>> {
  const rows = await cache.db.all(
    `SELECT region, count(*) AS n FROM ${cache.tables.events}
     WHERE truncated IS NOT NULL GROUP BY region ORDER BY region`,
  );
  const counts: Record<string, number> = {};
  for (const row of rows) counts[String(row.region)] = Number(row.n);
  return counts;
}
