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

/** The time can be read, and says which zone it is in. */
function timeReadable(facts: RecordFacts, issues: RecordIssue[]): boolean {
  const { draft, time, timestampIso } = facts;
  if (draft.timestamp.trim() === '') {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-missing',
      'No usage hour is given.',
      'Enter the UTC hour the usage happened, e.g. 2026-07-20T14:00Z.',
    );
    return false;
  }
  if (!time || timestampIso === null) {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-invalid',
      `"${draft.timestamp}" is not a date and time Meterdesk can read.`,
      'Use ISO 8601 in UTC, e.g. 2026-07-20T14:00:00Z.',
    );
    return false;
  }
  if (!time.zoneGiven) {
    addIssue(
      issues,
      'warning',
      'timestamp',
      'timestamp-no-zone',
      `"${draft.timestamp}" has no time zone; it is read as UTC (${timestampIso}).`,
      'Add Z (UTC) to the time to make it explicit.',
    );
  }
  return true;
}

export function timestampWindow(facts: RecordFacts, issues: RecordIssue[]): void {
  if (!timeReadable(facts, issues)) return;
  const { operation, time, timestampIso: tsIso, deadlineMs, ctx } = facts;
  if (!operation || !time || tsIso === null || deadlineMs === null) return;
  const violation =
    operation === 'MeterUsage'
      ? meterUsageTimestampViolation(time.ms, ctx.now)
      : batchTimestampViolation(time.ms, ctx.now);
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
      `The billing month of ${tsIso} closed at ${new Date(monthEndCutoff(time.ms)).toISOString()} (06:00 UTC on the 1st).`,
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
