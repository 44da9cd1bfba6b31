// What the explorer's filter boxes mean, turned into the query the main process runs: text
// columns match "contains" (case-insensitive), quantity takes > >= < <= = or a number, the time
// columns take a UTC period (2026-07, 2026-07-01 or 2026-07-01T14); the time range fields
// bound the event time.
import {
  DAY_MS,
  HOUR_MS,
  auditStatuses,
  auditTextColumns,
  type AuditColumn,
  type AuditFilter,
  type AuditRange,
  type AuditStatus,
  type AuditTextColumn,
  type AuditTextFilter,
} from '../../../../shared/audit';

export type ColumnFilters = Partial<Record<AuditColumn, string>>;

export type ExplorerFilters = {
  columns: ColumnFilters;
  statuses: AuditStatus[];
  /** UTC dates (YYYY-MM-DD), inclusive, on the event time; '' = open. */
  from: string;
  to: string;
  /** Only events CloudTrail truncated. */
  truncatedOnly: boolean;
};

export const emptyFilters: ExplorerFilters = {
  columns: {},
  statuses: [],
  from: '',
  to: '',
  truncatedOnly: false,
};

const TEXT: ReadonlySet<string> = new Set(auditTextColumns);

function isTextColumn(column: string): column is AuditTextColumn {
  return TEXT.has(column);
}

/** Days in a month of a year (month 0–11), leap years included. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * A UTC period typed as a prefix of an ISO time: its [start, end). Only real calendar values:
 * 2026-02-31, day 00 or hour 24 are refused, never rolled over into another period.
 */
export function parsePeriod(text: string): AuditRange | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}))?)?)?$/.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  if (m[2] === undefined) return { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
  const month = Number(m[2]) - 1;
  if (month < 0 || month > 11) return null;
  if (m[3] === undefined)
    return { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
  const dayOfMonth = Number(m[3]);
  if (dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month)) return null;
  const day = Date.UTC(year, month, dayOfMonth);
  if (m[4] === undefined) return { from: day, to: day + DAY_MS };
  const hourOfDay = Number(m[4]);
  if (hourOfDay > 23) return null;
  const hour = day + hourOfDay * HOUR_MS;
  return { from: hour, to: hour + HOUR_MS };
}

/** "> 100", "<=5", "= 7" or "7". */
export function parseQuantity(text: string): { min?: number; max?: number } | null {
  const m = /^(>=|<=|>|<|=)?\s*(\d+)$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return { min: n + 1 };
    case '>=':
      return { min: n };
    case '<':
      return { max: n - 1 };
    case '<=':
      return { max: n };
    default:
      return { min: n, max: n };
  }
}

function dateStart(day: string): number | undefined {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function intersect(a: AuditRange | undefined, b: AuditRange): AuditRange {
  if (!a) return b;
  const from = Math.max(a.from ?? -Infinity, b.from ?? -Infinity);
  const to = Math.min(a.to ?? Infinity, b.to ?? Infinity);
  return {
    ...(Number.isFinite(from) ? { from } : {}),
    ...(Number.isFinite(to) ? { to } : {}),
  };
}

/** The query filter, plus the boxes it could not read (shown as mistakes next to them). */
export function toAuditFilter(filters: ExplorerFilters): {
  filter: AuditFilter;
  invalid: AuditColumn[];
} {
  const text: AuditTextFilter[] = [];
  const invalid: AuditColumn[] = [];
  let eventTime: AuditRange | undefined;
  let usageHour: AuditRange | undefined;
  let quantity: { min?: number; max?: number } | undefined;
  for (const [column, raw] of Object.entries(filters.columns) as [AuditColumn, string][]) {
    const value = raw.trim();
    if (value === '') continue;
    if (isTextColumn(column)) {
      text.push({ column, op: 'contains', value });
    } else if (column === 'quantity') {
      const q = parseQuantity(value);
      if (q) quantity = q;
      else invalid.push(column);
    } else if (column === 'eventTime' || column === 'usageHour') {
      const period = parsePeriod(value);
      if (!period) invalid.push(column);
      else if (column === 'eventTime') eventTime = intersect(eventTime, period);
      else usageHour = intersect(usageHour, period);
    }
  }
  const from = filters.from === '' ? undefined : dateStart(filters.from);
  const to = filters.to === '' ? undefined : dateStart(filters.to);
  if (from !== undefined || to !== undefined) {
    eventTime = intersect(eventTime, {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to: to + DAY_MS }),
    });
  }
  // A truncated event has a value in the truncated column; the rest have none.
  if (filters.truncatedOnly) text.push({ column: 'truncated', op: 'equals', value: '', not: true });
  const statuses = filters.statuses.filter((s) => auditStatuses.includes(s));
  const filter: AuditFilter = {
    ...(text.length > 0 ? { text } : {}),
    ...(statuses.length > 0 ? { statuses } : {}),
    ...(eventTime ? { eventTime } : {}),
    ...(usageHour ? { usageHour } : {}),
    ...(quantity ? { quantity } : {}),
  };
  return { filter, invalid };
}

/** Whether the filter narrows anything (an empty one matches every record). */
export function isFiltered(filter: AuditFilter): boolean {
  return (
    (filter.text?.length ?? 0) > 0 ||
    filter.statuses !== undefined ||
    filter.eventTime !== undefined ||
    filter.usageHour !== undefined ||
    filter.quantity !== undefined
  );
}
