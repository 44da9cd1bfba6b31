// What one region's sync fetches: the checkpoint's range first (its token needs the same
// parameters), then every gap in coverage within CloudTrail's window, newest first, each reaching
// back an overlap window for late-arriving events.
import { CLOUDTRAIL_RETENTION_MS } from '../../../shared/audit';
import { addInterval, gaps } from './coverage';
import type { AuditSyncState, LookupAttribute, SyncCheckpoint } from './sync';

export function planRanges(
  state: AuditSyncState,
  attribute: LookupAttribute,
  runNow: number,
  overlap: number,
  margin: number,
): SyncCheckpoint[] {
  const windowStart = runNow - CLOUDTRAIL_RETENTION_MS;
  let resume = state.checkpoint;
  if (
    resume &&
    (resume.attribute.key !== attribute.key || resume.attribute.value !== attribute.value)
  ) {
    resume = undefined;
  }
  const planned = resume
    ? addInterval(state.coverage, [resume.startTime, resume.endTime])
    : state.coverage;
  const ranges: SyncCheckpoint[] = [];
  if (resume) ranges.push(resume);
  const coverEndNow = runNow - margin;
  for (const [start, end] of gaps([windowStart, runNow], planned).reverse()) {
    const from = start > windowStart ? Math.max(windowStart, start - overlap) : start;
    ranges.push({
      attribute,
      startTime: from,
      endTime: end,
      coverEnd: Math.min(end, coverEndNow),
      pages: 0,
      events: 0,
    });
  }
  return ranges;
}

/** The range after a page: its counts, and the oldest event time seen in it so far. */
export function rangeAfterPage(
  range: SyncCheckpoint,
  events: readonly { eventTime: number }[],
  kept: number,
): SyncCheckpoint {
  let oldest = range.oldestSeen;
  for (const event of events) {
    if (oldest === undefined || event.eventTime < oldest) oldest = event.eventTime;
  }
  return {
    ...range,
    pages: range.pages + 1,
    events: range.events + kept,
    ...(oldest === undefined ? {} : { oldestSeen: oldest }),
  };
}
