// The explorer's summaries as SQL: quantity per bucket × customer × license × dimension, per
// bucket × dimension, records per status, failed calls per error code, and totals. "Billed"
// (successQuantity) follows the billed-once rule: replays and DuplicateRecord never add to it.
// Day buckets whose filters the daily rollup can answer read the rollup; everything else reads
// the records themselves. Calls (distinct events) always come from the records.
import {
  DAY_MS,
  HOUR_MS,
  auditStatuses,
  billingKindSchema,
  type AuditAggregateInput,
  type AuditAggregateOutput,
  type AuditFilter,
  type AuditStatus,
} from '../../../shared/audit';
import { addToTotals, emptyBillingTotals } from '../../../shared/billing';
import type { AccountCache } from './account-cache';
import { filterContext } from './explorer';
import type { SqlCell, SqlColumns, SqlRow } from './db';
import { compileFilter, SqlParams } from './filter-sql';
import { billingSql } from './schema';

type Source = {
  sql: string;
  params: SqlParams;
  /** For the rollup: the same rows up to a day (inclusive) of usage or of metering. */
  upTo: ((time: 'ut' | 'et', day: number) => string) | null;
  /** Nothing is filtered out. */
  everything: boolean;
};

/** The filtered rows as (ut, et, party, dimension, status, billing, records, quantity). */
function source(cache: AccountCache, filter: AuditFilter, bucket: 'hour' | 'day'): Source {
  const T = cache.tables;
  const ctx = filterContext(cache);
  if (bucket === 'day' && cache.rollupReady()) {
    const params = new SqlParams();
    const where = compileFilter(filter, ctx, 'daily', params);
    if (where !== null) {
      const sql = (extra: string): string =>
        `SELECT r.usage_day::BIGINT * ${String(DAY_MS)} AS ut, r.event_day::BIGINT * ${String(DAY_MS)} AS et,
          r.party_code, r.dimension_code, r.status, r.billing, r.records, r.quantity
          FROM ${T.daily} r WHERE ${where}${extra}`;
      return {
        sql: sql(''),
        params,
        // On the stored day column itself, so the engine can skip blocks by their min/max.
        everything: where === 'TRUE',
        upTo: (time, day) =>
          sql(` AND r.${time === 'ut' ? 'usage_day' : 'event_day'} <= ${String(Math.floor(day))}`),
      };
    }
  }
  const params = new SqlParams();
  const where = compileFilter(filter, ctx, 'records', params) ?? 'FALSE';
  return {
    sql: `SELECT r.usage_time AS ut, r.event_time AS et, r.party_code, r.dimension_code, r.status,
      (${billingSql('r')})::${T.billing} AS billing, 1 AS records, r.quantity
      FROM ${T.records} r WHERE ${where}`,
    params,
    upTo: null,
    everything: where === 'TRUE',
  };
}

const num = (v: unknown): number => Number(v ?? 0);

/** Whether day buckets for this filter come from the daily rollup. */
export function rollupAnswers(cache: AccountCache, filter: AuditFilter): boolean {
  return (
    cache.rollupReady() &&
    compileFilter(filter, filterContext(cache), 'daily', new SqlParams()) !== null
  );
}

type Group = AuditAggregateOutput['customerDimension'][number];

/**
 * Quantity per bucket × customer × license × dimension, in that order, the first maxGroups + 1.
 * Groups are keyed and ordered by integer ranks of (customer, license) and of the dimension
 * name, taken over the small code tables in the order their text sorts in: the engine sorts
 * integers, and only codes leave it (named again from memory). From the daily rollup, only
 * the first days that hold maxGroups + 1 groups are grouped: later days sort after every group
 * of theirs.
 */
async function customerDimensionGroups(
  cache: AccountCache,
  src: Source,
  options: {
    time: 'ut' | 'et';
    bucketMs: number;
    maxGroups: number;
    /** The summary's rollup rows per day, awaited only when every record is grouped. */
    perDay: () => Promise<PerDay>;
  },
): Promise<Group[]> {
  const T = cache.tables;
  const { time, bucketMs, maxGroups } = options;
  const billed = `sum(s.quantity) FILTER (WHERE s.billing = 'billed'::${T.billing})`;
  const groupsOf = (sourceSql: string): string => `WITH s AS (${sourceSql}),
    k AS (SELECT code, dense_rank() OVER (ORDER BY coalesce(customer_aws_account_id, customer_identifier, ''),
      coalesce(license_arn, '')) AS grp FROM ${T.parties}),
    n AS (SELECT code, dense_rank() OVER (ORDER BY name) AS dim FROM ${T.dimensions})
    SELECT (s.${time} // ${String(bucketMs)}) * ${String(bucketMs)} AS bucket_start, k.grp, n.dim,
      min(s.party_code) AS party_code, min(s.dimension_code) AS dimension_code,
      sum(s.quantity)::BIGINT AS quantity, coalesce(${billed}, 0)::BIGINT AS billed,
      sum(s.records)::BIGINT AS records
    FROM s JOIN k ON k.code = s.party_code JOIN n ON n.code = s.dimension_code
    WHERE s.${time} IS NOT NULL
    GROUP BY bucket_start, k.grp, n.dim
    ORDER BY bucket_start, k.grp, n.dim
    LIMIT ${String(maxGroups + 1)}`;
  let result: SqlColumns | null = null;
  if (src.upTo && src.everything) {
    // Every day of every customer: a day has at most as many groups as rollup rows, and most
    // groups one billed row, so first the days whose billed rows make maxGroups + 1 groups;
    // when those hold fewer, more days, as many as the rows per group seen. (A filtered
    // source is grouped whole: it is a small part of the rollup.)
    const days = await options.perDay();
    let last = days.find((d) => d.billedUpTo > (maxGroups + 1) * 1.02);
    for (let attempt = 0; attempt < 3 && last !== undefined; attempt++) {
      const got = await cache.db.columns(groupsOf(src.upTo(time, last.day)), src.params.values);
      if (got.rows > maxGroups) {
        result = got;
        break;
      }
      const wanted = ((maxGroups + 1) * last.upTo * 1.1) / Math.max(1, got.rows);
      last = days.find((d) => d.upTo > wanted);
    }
  }
  result ??= await cache.db.columns(groupsOf(src.sql), src.params.values);
  return groupsFrom(cache, result);
}

/** The groups of a result read as columns: up to maxGroups + 1 of them, one object each. */
function groupsFrom(cache: AccountCache, { rows, columns }: SqlColumns): Group[] {
  const column = (name: string): readonly SqlCell[] => columns[name] ?? [];
  const bucketStart = column('bucket_start');
  const partyCode = column('party_code');
  const dimensionCode = column('dimension_code');
  const quantity = column('quantity');
  const billed = column('billed');
  const records = column('records');
  const groups: Group[] = [];
  for (let i = 0; i < rows; i++) {
    // Every party of a group has the same customer and license: any one names them.
    const party = cache.dicts.parties.at(num(partyCode[i])) ?? {};
    const item: Group = {
      bucketStart: num(bucketStart[i]),
      customer: party.customerAwsAccountId ?? party.customerIdentifier ?? '',
      dimension: cache.dicts.dimensions.at(num(dimensionCode[i])) ?? '',
      quantity: num(quantity[i]),
      successQuantity: num(billed[i]),
      records: num(records[i]),
    };
    if (party.licenseArn !== undefined && party.licenseArn !== '')
      item.licenseArn = party.licenseArn;
    groups.push(item);
  }
  return groups;
}

type PerDay = { day: number; upTo: number; billedUpTo: number }[];

/** Running totals per day of rollup rows, all and billed ones (rows of the summary's day set). */
function runningPerDay(rows: readonly SqlRow[]): PerDay {
  let upTo = 0;
  let billedUpTo = 0;
  return [...rows]
    .sort((a, b) => num(a.day) - num(b.day))
    .map((row) => {
      upTo += num(row.n);
      billedUpTo += num(row.billed_rows);
      return { day: num(row.day), upTo, billedUpTo };
    });
}

/**
 * One pass over the filtered rows for three summaries (grouping sets): quantity per bucket ×
 * dimension, records per status and billed-once kind, and rows per day (for the groups' cut).
 * Rows without the bucket's time are in the status totals only.
 */
async function summary(
  cache: AccountCache,
  src: Source,
  options: { time: 'ut' | 'et'; bucketMs: number },
): Promise<{ series: SqlRow[]; statuses: SqlRow[]; perDay: PerDay }> {
  const T = cache.tables;
  const { time, bucketMs } = options;
  const billedRow = `s.billing = 'billed'::${T.billing}`;
  const rows = await cache.db.all(
    `WITH s AS (${src.sql})
    SELECT grouping(bucket_start, s.dimension_code) = 0 AS is_series,
      grouping(s.status, s.billing) = 0 AS is_status, grouping(day) = 0 AS is_day,
      (s.${time} // ${String(bucketMs)}) * ${String(bucketMs)} AS bucket_start,
      s.dimension_code, s.status, s.billing, s.${time} // ${String(DAY_MS)} AS day,
      sum(s.quantity)::BIGINT AS quantity,
      coalesce(sum(s.quantity) FILTER (WHERE ${billedRow}), 0)::BIGINT AS billed,
      sum(s.records)::BIGINT AS records, count(*) AS n,
      count(*) FILTER (WHERE ${billedRow}) AS billed_rows
    FROM s
    GROUP BY GROUPING SETS ((bucket_start, s.dimension_code), (s.status, s.billing), (day))`,
    src.params.values,
  );
  const timed = (r: SqlRow, key: string): boolean => r[key] !== null;
  return {
    series: rows.filter((r) => r.is_series === true && timed(r, 'bucket_start')),
    statuses: rows.filter((r) => r.is_status === true),
    perDay: runningPerDay(rows.filter((r) => r.is_day === true && timed(r, 'day'))),
  };
}

/** Calls (distinct events, and those CloudTrail truncated) and failed records per error code. */
async function callsAndErrors(
  cache: AccountCache,
  filter: AuditFilter,
): Promise<{ calls: number; truncated: number; errors: SqlRow[] }> {
  const T = cache.tables;
  const ctx = filterContext(cache);
  const params = new SqlParams();
  const where = compileFilter(filter, ctx, 'records', params) ?? 'FALSE';
  const failureParams = new SqlParams();
  const failuresWhere = cache.rollupReady()
    ? compileFilter(filter, ctx, 'daily', failureParams)
    : null;
  const errors =
    failuresWhere === null
      ? null
      : cache.db.all(
          `SELECT coalesce(r.error_code, '') AS error_code, count(DISTINCT r.event_seq) AS calls,
            sum(r.records)::BIGINT AS records
          FROM ${T.failures} r WHERE ${failuresWhere} GROUP BY ALL`,
          failureParams.values,
        );
  if (where === 'TRUE') {
    // Every call with a record: counted per event, not per record.
    const [calls, failed] = await Promise.all([
      cache.db
        .all(`SELECT count(*) AS calls, count(*) FILTER (WHERE truncated IS NOT NULL) AS truncated
        FROM ${T.events} WHERE record_count > 0`),
      errors ??
        cache.db.all(`SELECT coalesce(r.error_code, '') AS error_code,
            count(DISTINCT r.event_seq) AS calls, count(*) AS records
          FROM ${T.records} r WHERE r.status = 'Failed'::${T.status} GROUP BY ALL`),
    ]);
    return { calls: num(calls[0]?.calls), truncated: num(calls[0]?.truncated), errors: failed };
  }
  // One pass over the matching records: the empty grouping set counts calls; the other one,
  // asked only when the failures rollup cannot answer, failed records per error code (its
  // group of other records has no code and is left out).
  const matching = `SELECT r.event_seq,
      CASE WHEN r.status = 'Failed'::${T.status} THEN coalesce(r.error_code, '') END AS failed_code,
      r.event_seq IN (SELECT event_seq FROM ${T.events} WHERE truncated IS NOT NULL) AS truncated_event
    FROM ${T.records} r WHERE ${where}`;
  const counts = `count(DISTINCT event_seq) AS calls,
    count(DISTINCT event_seq) FILTER (WHERE truncated_event) AS truncated`;
  const [rows, failed] = await Promise.all([
    cache.db.all(
      errors === null
        ? `SELECT grouping(failed_code) = 1 AS is_total, failed_code AS error_code, ${counts},
            count(*) AS records
          FROM (${matching}) GROUP BY GROUPING SETS ((), (failed_code))`
        : `SELECT true AS is_total, ${counts} FROM (${matching})`,
      params.values,
    ),
    errors,
  ]);
  const total = rows.find((r) => r.is_total === true);
  return {
    calls: num(total?.calls),
    truncated: num(total?.truncated),
    errors: failed ?? rows.filter((r) => r.is_total !== true && r.error_code !== null),
  };
}

export async function aggregate(
  cache: AccountCache,
  filter: AuditFilter,
  input: AuditAggregateInput,
): Promise<AuditAggregateOutput> {
  const bucketMs = input.bucket === 'hour' ? HOUR_MS : DAY_MS;
  const time = input.time === 'eventTime' ? 'et' : 'ut';
  const maxGroups = input.maxGroups ?? 50_000;
  const src = source(cache, filter, input.bucket);
  const summarized = summary(cache, src, { time, bucketMs });
  const [{ series, statuses }, groups, { calls, truncated, errors }] = await Promise.all([
    summarized,
    customerDimensionGroups(cache, src, {
      time,
      bucketMs,
      maxGroups,
      perDay: async () => (await summarized).perDay,
    }),
    callsAndErrors(cache, filter),
  ]);

  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const dimensionSeries = series
    .map((s) => ({
      bucketStart: num(s.bucket_start),
      dimension: cache.dicts.dimensions.at(num(s.dimension_code)) ?? '',
      quantity: num(s.quantity),
      successQuantity: num(s.billed),
      records: num(s.records),
    }))
    .sort((x, y) => x.bucketStart - y.bucketStart || cmp(x.dimension, y.dimension));
  const byStatus = new Map<string, number>();
  const billing = emptyBillingTotals();
  for (const s of statuses) {
    const status = String(s.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + num(s.records));
    const kind = billingKindSchema.catch('unknown').parse(s.billing);
    addToTotals(billing, kind, num(s.billed), num(s.records));
  }
  const totals = {
    records: statuses.reduce((sum, s) => sum + num(s.records), 0),
    calls,
    quantity: statuses.reduce((sum, s) => sum + num(s.quantity), 0),
    successQuantity: statuses.reduce((sum, s) => sum + num(s.billed), 0),
    billing,
    truncatedCalls: truncated,
  };
  return {
    bucket: input.bucket,
    time: input.time === 'eventTime' ? 'eventTime' : 'usageHour',
    customerDimension: groups.slice(0, maxGroups),
    customerDimensionTruncated: groups.length > maxGroups,
    dimensionSeries,
    statusCounts: auditStatuses
      .filter((status: AuditStatus) => status !== 'Success')
      .map((status) => ({ status, records: byStatus.get(status) ?? 0 }))
      .filter((s) => s.records > 0),
    errorCodes: errors
      .map((e) => ({
        errorCode: String(e.error_code),
        calls: num(e.calls),
        records: num(e.records),
      }))
      .sort((x, y) => y.records - x.records || cmp(x.errorCode, y.errorCode)),
    totals,
  };
}
