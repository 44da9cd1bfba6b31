// Timestamp window rules (AWS-FACTS §1.3.2, §1.4): a readable time, not in the future, younger
// than 24 h for BatchMeterUsage (and before the month-end cut-off) or 6 h for MeterUsage. AWS
// rejects the whole call when one record is out of window, so this is checked before sending.
import {
  HOUR_MS,
  batchTimestampViolation,
  meterUsageTimestampViolation,
  monthEndCutoff,
} from '../../aws/metering-rules';
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';
import { ZONE_UNCLEAR } from './source';

/** The time can be read, has a real offset, and says which zone it is in (none is guessed). */
function timeReadable(facts: RecordFacts, issues: RecordIssue[]): boolean {
  const { draft, timeReading: reading } = facts;
  if (reading.kind === 'empty') {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-missing',
      'No usage hour is given.',
      'Enter the UTC hour the usage happened, e.g. 2026-07-20T14:00Z.',
    );
  } else if (reading.kind === 'unreadable') {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-invalid',
      `"${draft.timestamp}" is not a date and time Meterdesk can read.`,
      'Use ISO 8601 in UTC, e.g. 2026-07-20T14:00:00Z.',
    );
  } else if (reading.kind === 'bad-offset') {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-offset-invalid',
      `"${draft.timestamp}" has the offset ${reading.offset}, which no time zone has: offsets run from −12:00 to +14:00 and minutes stop at 59.`,
      'Correct the offset (e.g. +02:00), or write the time in UTC with Z.',
    );
  } else if (reading.zone === null && facts.draft.importProblem?.code !== ZONE_UNCLEAR) {
    addIssue(
      issues,
      'error',
      'timestamp',
      reading.dateOnly ? 'timestamp-date-only' : 'timestamp-no-zone',
      reading.dateOnly
        ? `"${draft.timestamp}" is a date without a time of day or a time zone; Meterdesk does not guess them.`
        : `"${draft.timestamp}" has no time zone; Meterdesk does not guess one.`,
      reading.dateOnly
        ? "Enter the hour the usage happened with its zone, e.g. 2026-07-20T14:00Z. In a CSV import, choosing the file's time zone reads a date as 00:00 there."
        : "Add Z for UTC, or the offset it was written in (e.g. +02:00). In a CSV import, choose the file's time zone.",
    );
  }
  return facts.timeMs !== null;
}

export function timestampWindow(facts: RecordFacts, issues: RecordIssue[]): void {
  if (!timeReadable(facts, issues)) return;
  const { operation, timeMs, timestampIso: tsIso, deadlineMs, ctx } = facts;
  if (!operation || timeMs === null || tsIso === null || deadlineMs === null) return;
  const violation =
    operation === 'MeterUsage'
      ? meterUsageTimestampViolation(timeMs, ctx.now)
      : batchTimestampViolation(timeMs, ctx.now);
  if (!violation) {
    if (deadlineMs - ctx.now < HOUR_MS) {
      addIssue(
        issues,
        'warning',
        'timestamp',
        'window-closing',
        `The window for ${tsIso} closes in ${Math.max(1, Math.round((deadlineMs - ctx.now) / 60_000))} min.`,
        'Submit soon: after that AWS rejects the record.',
      );
    }
    return;
  }
  if (/future/.test(violation.message)) {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-future',
      `${tsIso} is in the future.`,
      'Usage can only be metered after it happened: check the date and the time zone.',
    );
  } else if (/billing month/.test(violation.message)) {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-month-closed',
      `The billing month of ${tsIso} closed at ${new Date(monthEndCutoff(timeMs)).toISOString()} (06:00 UTC on the 1st).`,
      'AWS no longer accepts it. Ask AWS Marketplace Seller Operations about corrections for a closed month.',
    );
  } else {
    const hours = operation === 'MeterUsage' ? 6 : 24;
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-too-old',
      `${tsIso} is more than ${hours} h ago; ${operation} accepts records up to ${hours} h old.`,
      'AWS will reject it (TimestampOutOfBounds) and with it the whole call. Remove the row; late usage cannot be metered.',
    );
  }
}
