// The explorer's questions as SQL: a window of filtered, sorted rows (only the rows on screen
// leave the database), the number of matches, the rows of one event. Codes are turned back
// into text from the in-memory code tables.
import {
  HOUR_MS,
  truncatedPartSchema,
  type AuditFilter,
  type AuditRow,
  type AuditSort,
  type AuditStatus,
  type BillingKind,
} from '../../../shared/audit';
import type { AccountCache } from './account-cache';
import type { SqlRow } from './db';
import { compileFilter, compileSort, orderBy, SqlParams, type FilterContext } from './filter-sql';
import { billingSql } from './schema';

export const DEFAULT_SORT: AuditSort = { column: 'eventTime', direction: 'desc' };

export function filterContext(cache: AccountCache): FilterContext {
  return { tables: cache.tables, dicts: cache.dicts, accountId: cache.accountId };
}

const EVENT_COLUMNS =
  'e.event_id, e.event_name, e.caller_arn, e.user_name, e.access_key_id, e.identity_type, e.person, e.request_id, e.truncated';

const text = (v: SqlRow[string] | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** One joined record row back to the explorer's row shape. */
export function toAuditRow(row: SqlRow, cache: AccountCache): AuditRow {
  const party = cache.dicts.parties.at(Number(row.party_code)) ?? {};
  const usageTime = row.usage_time === null ? null : Number(row.usage_time);
  const out: AuditRow = {
    eventId: String(row.event_id),
    recordIndex: Number(row.record_index),
    eventTime: Number(row.event_time),
    eventName: String(row.event_name),
    usageHour: usageTime === null ? null : Math.floor(usageTime / HOUR_MS) * HOUR_MS,
    usageTime,
    dimension: cache.dicts.dimensions.at(Number(row.dimension_code)) ?? '',
    quantity: Number(row.quantity),
    status: String(row.status) as AuditStatus,
    region: cache.dicts.regions.at(Number(row.region_code)) ?? '',
    accountId: cache.accountId,
  };
  if (party.customerIdentifier !== undefined) out.customerIdentifier = party.customerIdentifier;
  if (party.customerAwsAccountId !== undefined) {
    out.customerAwsAccountId = party.customerAwsAccountId;
  }
  if (party.licenseArn !== undefined) out.licenseArn = party.licenseArn;
  if (party.productCode !== undefined) out.productCode = party.productCode;
  const optional = {
    allocations: text(row.allocations),
    meteringRecordId: text(row.metering_record_id),
    errorCode: text(row.error_code),
    errorMessage: text(row.error_message),
    callerArn: text(row.caller_arn),
    userName: text(row.user_name),
    accessKeyId: text(row.access_key_id),
    identityType: text(row.identity_type),
    person: text(row.person),
    requestId: text(row.request_id),
  };
  for (const [key, value] of Object.entries(optional) as [keyof typeof optional, string?][]) {
    if (value !== undefined) out[key] = value;
  }
  const truncated = truncatedPartSchema.safeParse(row.truncated);
  if (truncated.success) out.truncated = truncated.data;
  if (row.filled_from === 'journal') out.filledFrom = 'journal';
  if (typeof row.billing === 'string') out.billing = row.billing as BillingKind;
  return out;
}

export type WindowRequest = {
  filter: AuditFilter;
  sort?: AuditSort | undefined;
  offset: number;
  limit: number;
};

/** The matching rows in [offset, offset + limit), in sort order, with the number matching. */
export async function queryWindow(
  cache: AccountCache,
  request: WindowRequest,
): Promise<{ total: number; rows: AuditRow[] }> {
  const T = cache.tables;
  const ctx = filterContext(cache);
  const sort = compileSort(request.sort ?? DEFAULT_SORT, T);
  // The daily rollup counts the records of whatever filter it can answer, in far fewer rows.
  let countParams = new SqlParams();
  const dailyWhere = cache.rollupReady()
    ? compileFilter(request.filter, ctx, 'daily', countParams)
    : null;
  let countSql = `SELECT coalesce(sum(r.records), 0)::BIGINT AS n FROM ${T.daily} r WHERE ${dailyWhere ?? 'FALSE'}`;
  if (dailyWhere === null || dailyWhere === 'TRUE') {
    countParams = new SqlParams();
    const where = compileFilter(request.filter, ctx, 'records', countParams) ?? 'FALSE';
    countSql = `SELECT count(*) AS n FROM ${T.records} r WHERE ${where}`;
  }
  const params = new SqlParams();
  const where = compileFilter(request.filter, ctx, 'records', params) ?? 'FALSE';
  const keyColumn = sort.key === null ? '' : `, ${sort.key} AS sort_key`;
  const windowSql = `
    SELECT w.*, (${billingSql('w')}) AS billing, ${EVENT_COLUMNS}
    FROM (
      SELECT r.*${keyColumn}
      FROM ${T.records} r ${sort.joins}
      WHERE ${where}
      ORDER BY ${orderBy(sort, sort.key, 'r')}
      LIMIT ${String(request.limit)} OFFSET ${String(request.offset)}
    ) w
    JOIN ${T.events} e ON e.event_seq = w.event_seq
    ORDER BY ${orderBy(sort, sort.key === null ? null : 'w.sort_key', 'w')}`;
  const [counted, rows] = await Promise.all([
    cache.db.all(countSql, countParams.values),
    request.limit === 0 ? Promise.resolve([]) : cache.db.all(windowSql, params.values),
  ]);
  const out = rows.map((row) => toAuditRow(row, cache));
  await addStandingQuantities(cache, rows, out);
  return { total: Number(counted[0]?.n ?? 0), rows: out };
}

/**
 * For DuplicateRecord rows, the quantity that stands: what was billed for the same customer,
 * dimension and hour in the same region (AWS keeps the first quantity and sums nothing).
 */
async function addStandingQuantities(
  cache: AccountCache,
  raw: readonly SqlRow[],
  rows: AuditRow[],
): Promise<void> {
  const keyOf = (region: unknown, party: unknown, dimension: unknown, hour: number): string =>
    `${String(region)}|${String(party)}|${String(dimension)}|${String(hour)}`;
  const wanted = new Map<string, number[]>();
  raw.forEach((r, i) => {
    const hour = rows[i]?.usageHour;
    if (r.status !== 'DuplicateRecord' || hour === null || hour === undefined) return;
    const key = keyOf(r.region_code, r.party_code, r.dimension_code, hour);
    wanted.set(key, [...(wanted.get(key) ?? []), i]);
  });
  if (wanted.size === 0) return;
  const hours = [
    ...new Set(
      rows.flatMap((r, i) =>
        raw[i]?.status === 'DuplicateRecord' && r.usageHour !== null ? [r.usageHour] : [],
      ),
    ),
  ];
  const T = cache.tables;
  const codes = (column: string): string =>
    [
      ...new Set(raw.flatMap((r) => (r.status === 'DuplicateRecord' ? [Number(r[column])] : []))),
    ].join(', ');
  // The customers and dimensions too, so that only their storage blocks are read.
  const billed = await cache.db.all(
    `SELECT region_code, party_code, dimension_code, usage_time // ${String(HOUR_MS)} * ${String(HOUR_MS)} AS hour,
      sum(quantity) AS quantity
    FROM ${T.records} r
    WHERE usage_time >= $1::BIGINT AND usage_time < $2::BIGINT
      AND party_code IN (${codes('party_code')}) AND dimension_code IN (${codes('dimension_code')})
      AND (${billingSql('r')}) = 'billed'
      AND usage_time // ${String(HOUR_MS)} * ${String(HOUR_MS)} IN (SELECT unnest($3::BIGINT[]))
    GROUP BY ALL`,
    [Math.min(...hours), Math.max(...hours) + HOUR_MS, hours],
  );
  for (const b of billed) {
    const key = keyOf(b.region_code, b.party_code, b.dimension_code, Number(b.hour));
    for (const i of wanted.get(key) ?? []) {
      const row = rows[i];
      if (row) row.standingQuantity = Number(b.quantity);
    }
  }
}

/** The rows parsed from one event, in request order. */
export async function rowsOfEvent(cache: AccountCache, eventId: string): Promise<AuditRow[]> {
  const T = cache.tables;
  const rows = await cache.db.all(
    `SELECT r.*, (${billingSql('r')}) AS billing, ${EVENT_COLUMNS}
    FROM ${T.records} r JOIN ${T.events} e ON e.event_seq = r.event_seq
    WHERE r.event_seq = (SELECT event_seq FROM ${T.events} WHERE event_id = $1)
    ORDER BY r.record_index`,
    [eventId],
  );
  return rows.map((row) => toAuditRow(row, cache));
}
