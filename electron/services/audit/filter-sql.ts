// The explorer's filters and sort orders as SQL over the cache's tables. Text filters on the
// small code tables (customer, dimension, region), the status and the account are matched here
// against their few distinct values and become `code IN (…)`; the rest become predicates the
// engine evaluates per row (record columns) or per event (event columns). The same filter can
// be asked of the daily rollup when every part of it is something the rollup keeps.
import {
  DAY_MS,
  HOUR_MS,
  type AuditFilter,
  type AuditSort,
  type AuditTextColumn,
  type AuditTextFilter,
} from '../../../shared/audit';
import type { SqlParam } from './db';
import type { Dictionaries, Party } from './dictionaries';
import { STORED_STATUSES, type Tables } from './schema';

/** Collects positional parameters while SQL text is being built. */
export class SqlParams {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type TextSource =
  | { kind: 'party'; field: keyof Party }
  | { kind: 'dimension' }
  | { kind: 'region' }
  | { kind: 'status' }
  | { kind: 'account' }
  | { kind: 'record'; column: string }
  | { kind: 'event'; column: string };

/** Where each text column of the explorer lives in the cache. */
export const TEXT_SOURCES: Record<AuditTextColumn, TextSource> = {
  eventId: { kind: 'event', column: 'event_id' },
  eventName: { kind: 'event', column: 'event_name' },
  customerIdentifier: { kind: 'party', field: 'customerIdentifier' },
  customerAwsAccountId: { kind: 'party', field: 'customerAwsAccountId' },
  licenseArn: { kind: 'party', field: 'licenseArn' },
  productCode: { kind: 'party', field: 'productCode' },
  dimension: { kind: 'dimension' },
  allocations: { kind: 'record', column: 'allocations' },
  status: { kind: 'status' },
  meteringRecordId: { kind: 'record', column: 'metering_record_id' },
  errorCode: { kind: 'record', column: 'error_code' },
  errorMessage: { kind: 'record', column: 'error_message' },
  callerArn: { kind: 'event', column: 'caller_arn' },
  userName: { kind: 'event', column: 'user_name' },
  accessKeyId: { kind: 'event', column: 'access_key_id' },
  identityType: { kind: 'event', column: 'identity_type' },
  person: { kind: 'event', column: 'person' },
  requestId: { kind: 'event', column: 'request_id' },
  truncated: { kind: 'event', column: 'truncated' },
  filledFrom: { kind: 'record', column: 'filled_from' },
  region: { kind: 'region' },
  accountId: { kind: 'account' },
};

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A text filter applied to one value (absent values are ""). */
export function textMatches(value: string, filter: AuditTextFilter): boolean {
  let hit: boolean;
  if (filter.op === 'equals') hit = value === filter.value;
  else if (filter.op === 'in') hit = filter.values.includes(value);
  else if (filter.caseSensitive) hit = value.includes(filter.value);
  else hit = new RegExp(escapeRegex(filter.value), 'i').test(value);
  return filter.not ? !hit : hit;
}

function inCodes(column: string, codes: readonly number[], all: number): string {
  if (codes.length === 0) return 'FALSE';
  if (codes.length === all) return 'TRUE';
  return codes.length === 1
    ? `${column} = ${String(codes[0])}`
    : `${column} IN (${codes.join(', ')})`;
}

function textPredicate(expr: string, filter: AuditTextFilter, params: SqlParams): string {
  const value = `coalesce(${expr}, '')`;
  let condition: string;
  if (filter.op === 'equals') condition = `${value} = ${params.add(filter.value)}`;
  else if (filter.op === 'in') {
    condition =
      filter.values.length === 0
        ? 'FALSE'
        : `${value} IN (SELECT unnest(${params.add(filter.values)}::VARCHAR[]))`;
  } else if (filter.caseSensitive) condition = `contains(${value}, ${params.add(filter.value)})`;
  else condition = `contains(lower(${value}), lower(${params.add(filter.value)}))`;
  return filter.not ? `NOT (${condition})` : condition;
}

export type FilterContext = {
  tables: Tables;
  dicts: Dictionaries;
  accountId: string;
};

/** What a filter is asked of: every record, or the daily rollup. */
export type FilterTarget = 'records' | 'daily';

function textCondition(
  filter: AuditTextFilter,
  ctx: FilterContext,
  target: FilterTarget,
  params: SqlParams,
): string | null {
  const source = TEXT_SOURCES[filter.column];
  const { dicts } = ctx;
  switch (source.kind) {
    case 'party':
      return inCodes(
        'r.party_code',
        dicts.parties.codesWhere((p) => textMatches(p[source.field] ?? '', filter)),
        dicts.parties.size,
      );
    case 'dimension':
      return inCodes(
        'r.dimension_code',
        dicts.dimensions.codesWhere((d) => textMatches(d, filter)),
        dicts.dimensions.size,
      );
    case 'region':
      return inCodes(
        'r.region_code',
        dicts.regions.codesWhere((g) => textMatches(g, filter)),
        dicts.regions.size,
      );
    case 'status': {
      const allowed = STORED_STATUSES.filter((s) => textMatches(s, filter));
      return statusCondition(allowed, ctx.tables);
    }
    case 'account':
      return textMatches(ctx.accountId, filter) ? 'TRUE' : 'FALSE';
    case 'record':
      return target === 'daily' ? null : textPredicate(`r.${source.column}`, filter, params);
    case 'event':
      return target === 'daily'
        ? null
        : `r.event_seq IN (SELECT e.event_seq FROM ${ctx.tables.events} e WHERE ${textPredicate(`e.${source.column}`, filter, params)})`;
  }
}

/** One customer under either id: the parties carrying any of its account ids or identifiers. */
function customersCondition(
  customers: NonNullable<AuditFilter['customers']>,
  dicts: Dictionaries,
): string {
  const accounts = new Set(customers.accountIds);
  const identifiers = new Set(customers.identifiers);
  return inCodes(
    'r.party_code',
    dicts.parties.codesWhere(
      (p) =>
        accounts.has(p.customerAwsAccountId ?? '') || identifiers.has(p.customerIdentifier ?? ''),
    ),
    dicts.parties.size,
  );
}

/** Compared as the enum itself: against text, every row's status would be cast to text. */
function statusCondition(statuses: readonly string[], T: Tables): string {
  const allowed = STORED_STATUSES.filter((s) => statuses.includes(s));
  if (allowed.length === 0) return 'FALSE';
  if (allowed.length === STORED_STATUSES.length) return 'TRUE';
  return `r.status IN (${allowed.map((s) => `'${s}'::${T.status}`).join(', ')})`;
}

const ceilHour = (v: number): number => Math.ceil(v / HOUR_MS) * HOUR_MS;
const isDay = (v: number): boolean => v % DAY_MS === 0;

function rangeCondition(
  column: string,
  from: number | undefined,
  to: number | undefined,
  params: SqlParams,
): string[] {
  const out: string[] = [];
  if (from !== undefined) out.push(`${column} >= ${params.add(from)}::BIGINT`);
  if (to !== undefined) out.push(`${column} < ${params.add(to)}::BIGINT`);
  return out;
}

/**
 * The filter as one SQL predicate over alias `r` (the records table, or the daily rollup), or
 * null when the rollup does not keep what the filter asks about.
 */
export function compileFilter(
  filter: AuditFilter,
  ctx: FilterContext,
  target: FilterTarget,
  params: SqlParams,
): string | null {
  const parts: string[] = [];
  for (const text of filter.text ?? []) {
    const condition = textCondition(text, ctx, target, params);
    if (condition === null) return null;
    parts.push(condition);
  }
  if (filter.statuses) parts.push(statusCondition(filter.statuses, ctx.tables));
  if (filter.customers) parts.push(customersCondition(filter.customers, ctx.dicts));
  if (filter.eventTime) {
    const { from, to } = filter.eventTime;
    if (target === 'records') parts.push(...rangeCondition('r.event_time', from, to, params));
    else {
      // The rollup knows the day only: exact for whole UTC days.
      if ((from !== undefined && !isDay(from)) || (to !== undefined && !isDay(to))) return null;
      const day = (v: number | undefined) => (v === undefined ? undefined : v / DAY_MS);
      parts.push(...rangeCondition('r.event_day', day(from), day(to), params));
    }
  }
  if (filter.usageHour) {
    // hour(t) >= from ⇔ t >= ceilHour(from); hour(t) < to ⇔ t < ceilHour(to).
    const from = filter.usageHour.from === undefined ? undefined : ceilHour(filter.usageHour.from);
    const to = filter.usageHour.to === undefined ? undefined : ceilHour(filter.usageHour.to);
    if (target === 'records') {
      parts.push(...rangeCondition('r.usage_time', from, to, params));
      // An open range still leaves out records whose time is unknown.
      if (from === undefined && to === undefined) parts.push('r.usage_time IS NOT NULL');
    } else {
      if ((from !== undefined && !isDay(from)) || (to !== undefined && !isDay(to))) return null;
      const day = (v: number | undefined) => (v === undefined ? undefined : v / DAY_MS);
      parts.push(...rangeCondition('r.usage_day', day(from), day(to), params));
      // An open range still leaves out records whose time is unknown.
      if (from === undefined && to === undefined) parts.push('r.usage_day IS NOT NULL');
    }
  }
  if (filter.quantity) {
    if (target === 'daily') return null;
    const { min, max } = filter.quantity;
    if (min !== undefined) parts.push(`r.quantity >= ${params.add(min)}::DOUBLE`);
    // Quantities are integers: an inclusive max m is the exclusive bound floor(m) + 1.
    if (max !== undefined) parts.push(`r.quantity < ${params.add(Math.floor(max) + 1)}::DOUBLE`);
  }
  // Every part is kept (their parameters are numbered); the engine folds a FALSE away.
  const useful = parts.filter((p) => p !== 'TRUE');
  return useful.length === 0 ? 'TRUE' : useful.join(' AND ');
}

export type SortSql = {
  /** Joins the sort key needs besides the records (alias r). */
  joins: string;
  /** The sort key expression over r and the joins (null: storage order only). */
  key: string | null;
  direction: 'ASC' | 'DESC';
  nulls: 'NULLS FIRST' | 'NULLS LAST';
};

const NUMBER_SORT: Partial<Record<AuditSort['column'], string>> = {
  eventTime: 'r.event_time',
  usageTime: 'r.usage_time',
  usageHour: 'r.usage_time // 3600000',
  quantity: 'r.quantity',
  recordIndex: 'r.record_index',
};

/**
 * A sort over records (alias r). Absent values sort first ascending and last descending; ties
 * keep storage order (event, then record) in both directions (see `orderBy`).
 */
export function compileSort(sort: AuditSort, tables: Tables): SortSql {
  const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
  const nulls = sort.direction === 'desc' ? 'NULLS LAST' : 'NULLS FIRST';
  const make = (key: string | null, joins = ''): SortSql => ({ joins, key, direction, nulls });
  const numeric = NUMBER_SORT[sort.column];
  if (numeric !== undefined) return make(numeric);
  if (sort.column === 'status') return make('r.status::VARCHAR');
  const source = (TEXT_SOURCES as Partial<Record<AuditSort['column'], TextSource>>)[sort.column];
  if (source === undefined) return make(null);
  const text = (expr: string, join = ''): SortSql => make(`coalesce(${expr}, '')`, join);
  switch (source.kind) {
    case 'party':
      return text(
        `sp.${partyColumn(source.field)}`,
        `JOIN ${tables.parties} sp ON sp.code = r.party_code`,
      );
    case 'dimension':
      return text('sd.name', `JOIN ${tables.dimensions} sd ON sd.code = r.dimension_code`);
    case 'region':
      return text('sg.name', `JOIN ${tables.regions} sg ON sg.code = r.region_code`);
    case 'record':
      return text(`r.${source.column}`);
    case 'event':
      return text(`se.${source.column}`, `JOIN ${tables.events} se ON se.event_seq = r.event_seq`);
    case 'status':
    case 'account':
      return make(null);
  }
}

/** ORDER BY for a compiled sort, with `key` naming the sort key (an expression or a column). */
export function orderBy(sort: SortSql, key: string | null, alias: string): string {
  const ties = `${alias}.event_seq ASC, ${alias}.record_index ASC`;
  return key === null ? ties : `${key} ${sort.direction} ${sort.nulls}, ${ties}`;
}

const PARTY_COLUMNS: Record<keyof Party, string> = {
  customerIdentifier: 'customer_identifier',
  customerAwsAccountId: 'customer_aws_account_id',
  licenseArn: 'license_arn',
  productCode: 'product_code',
};

export function partyColumn(field: keyof Party): string {
  return PARTY_COLUMNS[field];
}
