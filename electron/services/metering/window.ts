// Whether AWS still accepts a record for its usage hour: BatchMeterUsage up to 24 h back and not
// past the month-end cut-off, MeterUsage up to 6 h back (shared/aws/metering-rules.ts). A record
// whose window has closed is never sent: AWS would refuse its whole call.
import {
  batchTimestampViolation,
  meterUsageTimestampViolation,
} from '../../../shared/aws/metering-rules';
import type { JournalOperation } from '../../../shared/journal';
import { wireTimestamp, type EngineRecord } from './wire';

export function windowClosed(
  operation: JournalOperation,
  record: EngineRecord,
  nowMs: number,
): boolean {
  const ms = wireTimestamp(record.record);
  // A time in the future is not a closed window (and cannot come from a validated record).
  if (!Number.isFinite(ms) || ms > nowMs) return false;
  const violation =
    operation === 'MeterUsage'
      ? meterUsageTimestampViolation(ms, nowMs)
      : batchTimestampViolation(ms, nowMs);
  return violation !== null;
}
