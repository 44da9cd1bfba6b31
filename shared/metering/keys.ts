// When AWS stops accepting a record, and AWS's dedup key for it (the journal's sent index and the
// duplicate checks use the same key).
import {
  BATCH_WINDOW_MS,
  METER_USAGE_WINDOW_MS,
  hourOf,
  monthEndCutoff,
} from '../aws/metering-rules';
import type { MeteringOperation } from './catalog';
import { parseIsoUsageTime } from './parse';
import type { UsageRecord } from './records';

/** When AWS stops accepting a record stamped `timestampMs` (BatchMeterUsage: 24 h or the month-end cut-off, whichever is first; MeterUsage: 6 h). */
export function acceptanceDeadline(timestampMs: number, operation: MeteringOperation): number {
  if (operation === 'MeterUsage') return timestampMs + METER_USAGE_WINDOW_MS;
  return Math.min(timestampMs + BATCH_WINDOW_MS, monthEndCutoff(timestampMs));
}

export type KeyParts = Pick<
  UsageRecord,
  | 'operation'
  | 'productCode'
  | 'licenseArn'
  | 'customerIdentifier'
  | 'customerAwsAccountId'
  | 'dimension'
> & { timestamp: string };

/**
 * AWS's dedup key: product (or license) × customer × dimension × UTC hour. MeterUsage is keyed by
 * product × dimension × hour (the signing buyer account is the customer).
 */
export function recordKey(record: KeyParts): string {
  const parsed = parseIsoUsageTime(record.timestamp);
  return keyWithHour(record, parsed ? hourOf(parsed.ms) : record.timestamp);
}

/** recordKey with the UTC hour (ISO, `…:00:00.000Z`) already worked out. */
export function keyWithHour(record: Omit<KeyParts, 'timestamp'>, hour: string): string {
  const scope =
    record.licenseArn !== undefined ? `lic:${record.licenseArn}` : `pc:${record.productCode ?? ''}`;
  const customer =
    record.operation === 'MeterUsage'
      ? ''
      : record.customerIdentifier !== undefined
        ? `ci:${record.customerIdentifier}`
        : `acct:${record.customerAwsAccountId ?? ''}`;
  const op = record.operation === 'MeterUsage' ? 'mu' : 'bmu';
  return `${op}|${scope}|${customer}|${record.dimension}|${hour}`;
}
