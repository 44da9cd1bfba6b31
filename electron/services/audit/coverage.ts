// What time ranges a sync has fully fetched, per (account, region), and what that means per day.
// A range is "covered" when every event CloudTrail had in it at sync time is in the cache.
import {
  CLOUDTRAIL_RETENTION_MS,
  DAY_MS,
  dayOf,
  type AuditCompleteness,
  type AuditDayState,
} from '../../../shared/audit';

/** Half-open [start, end) in epoch ms. */
export type Interval = [number, number];

/** Adds an interval, keeping the list sorted and merged (touching intervals merge). */
export function addInterval(list: readonly Interval[], add: Interval): Interval[] {
  if (!(add[1] > add[0])) return [...list];
  const out: Interval[] = [];
  let [start, end] = add;
  let placed = false;
  for (const iv of list) {
    if (iv[1] < start) out.push(iv);
    else if (iv[0] > end) {
      if (!placed) {
        out.push([start, end]);
        placed = true;
      }
      out.push(iv);
    } else {
      start = Math.min(start, iv[0]);
      end = Math.max(end, iv[1]);
    }
  }
  if (!placed) out.push([start, end]);
  return out;
}

/** The parts of `range` no interval in `list` covers, oldest first. */
export function gaps(range: Interval, list: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = range[0];
  for (const [s, e] of list) {
    if (e <= cursor) continue;
    if (s >= range[1]) break;
    if (s > cursor) out.push([cursor, Math.min(s, range[1])]);
    cursor = Math.max(cursor, e);
    if (cursor >= range[1]) break;
  }
  if (cursor < range[1]) out.push([cursor, range[1]]);
  return out;
}

function coveredLength(range: Interval, list: readonly Interval[]): number {
  let total = 0;
  for (const [s, e] of list) {
    const lo = Math.max(s, range[0]);
    const hi = Math.min(e, range[1]);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

/** One day's state from the coverage and the clock (see AuditDayState). */
export function dayState(
  dayStart: number,
  coverage: readonly Interval[],
  now: number,
): AuditDayState {
  const dayEnd = dayStart + DAY_MS;
  const covered = coveredLength([dayStart, dayEnd], coverage);
  if (covered === 0) return 'missing';
  if (covered < DAY_MS) return 'partial';
  // Wholly older than CloudTrail's window: no sync can check it again, only the cache holds it.
  return dayEnd <= now - CLOUDTRAIL_RETENTION_MS ? 'cache-only' : 'complete';
}

/** States for every UTC day from `from` to `to` (inclusive, any instant within the days). */
export function completeness(args: {
  accountId: string;
  region: string;
  coverage: readonly Interval[];
  now: number;
  from: number;
  to: number;
}): AuditCompleteness[] {
  const out: AuditCompleteness[] = [];
  const first = Math.floor(args.from / DAY_MS) * DAY_MS;
  for (let day = first; day <= args.to; day += DAY_MS) {
    out.push({
      accountId: args.accountId,
      region: args.region,
      day: dayOf(day),
      state: dayState(day, args.coverage, args.now),
    });
  }
  return out;
}
