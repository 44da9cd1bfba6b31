// Records as they go on the wire, and how they are grouped into calls: one product or license
// set per call, at most 25 records and under 1 MB per BatchMeterUsage call.
import { recordKey } from '../../../shared/metering';
import type { JournalOperation } from '../../../shared/journal';

/** A BatchMeterUsage record as it goes on the wire, Timestamp as an ISO string. */
export type WireRecord = Record<string, unknown>;

export type EngineRecord = {
  /** Stable across the submission and its resends (e.g. the source row id). */
  key: string;
  /** BatchMeterUsage: the request-level ProductCode (legacy integrations); sent with the call. */
  productCode?: string;
  /**
   * BatchMeterUsage: records with different groups never share a call (one product or license
   * set per call). Defaults to productCode; licensed records should name their product here.
   */
  group?: string;
  /** The wire record (BatchMeterUsage UsageRecord or MeterUsage request), Timestamp as ISO. */
  record: WireRecord;
};

export const MAX_RECORDS_PER_CALL = 25;
/** AWS: "< 1 MB". Kept well under 1 MiB so the SDK's own framing never tips a call over. */
export const MAX_CALL_BYTES = 1_000_000;

export function wireString(record: WireRecord, ...fields: string[]): string | undefined {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export function wireQuantity(record: WireRecord): number {
  const value = record.Quantity ?? record.UsageQuantity;
  return typeof value === 'number' ? value : 0;
}

/** Epoch ms of the record's usage timestamp (NaN when it has none). */
export function wireTimestamp(record: WireRecord): number {
  const ts = record.Timestamp;
  if (ts instanceof Date) return ts.getTime();
  if (typeof ts === 'string') return Date.parse(ts);
  if (typeof ts === 'number') return ts;
  return NaN;
}

/** Identity of a record inside one call, to match AWS's echoed results back to our keys. */
export function recordFingerprint(record: WireRecord): string {
  return JSON.stringify([
    wireString(record, 'CustomerIdentifier') ?? '',
    wireString(record, 'CustomerAWSAccountId') ?? '',
    wireString(record, 'LicenseArn') ?? '',
    wireString(record, 'Dimension') ?? '',
    wireTimestamp(record),
    typeof record.Quantity === 'number' ? record.Quantity : 0,
  ]);
}

/**
 * AWS's dedup key of a wire record (shared/metering recordKey: product or license, customer,
 * dimension, UTC hour), so two submissions can tell they would bill the same bucket.
 */
export function dedupKeyOf(operation: JournalOperation, record: EngineRecord): string {
  const r = record.record;
  const ms = wireTimestamp(r);
  const productCode = record.productCode ?? wireString(r, 'ProductCode');
  const licenseArn = wireString(r, 'LicenseArn');
  const customerIdentifier = wireString(r, 'CustomerIdentifier');
  const customerAwsAccountId = wireString(r, 'CustomerAWSAccountId');
  return recordKey({
    operation,
    ...(productCode === undefined ? {} : { productCode }),
    ...(licenseArn === undefined ? {} : { licenseArn }),
    ...(customerIdentifier === undefined ? {} : { customerIdentifier }),
    ...(customerAwsAccountId === undefined ? {} : { customerAwsAccountId }),
    dimension: wireString(r, 'Dimension', 'UsageDimension') ?? '',
    timestamp: Number.isFinite(ms) ? new Date(ms).toISOString() : '',
  });
}

const utf8 = new TextEncoder();

/** Bytes a BatchMeterUsage request with these records takes on the wire (close upper bound). */
export function callBytes(records: readonly EngineRecord[], productCode?: string): number {
  let bytes = 40 + (productCode === undefined ? 0 : productCode.length + 20);
  for (const r of records) bytes += utf8.encode(JSON.stringify(r.record)).length + 1;
  return bytes;
}

export function groupOf(record: EngineRecord): string {
  return `${record.productCode ?? ''}\n${record.group ?? record.productCode ?? ''}`;
}

/** One product or license set per call, ≤ 25 records, < 1 MB; order kept within a group. */
export function planCalls(records: readonly EngineRecord[]): EngineRecord[][] {
  const groups = new Map<string, EngineRecord[]>();
  for (const record of records) {
    const id = groupOf(record);
    const list = groups.get(id) ?? [];
    list.push(record);
    groups.set(id, list);
  }
  const calls: EngineRecord[][] = [];
  for (const list of groups.values()) {
    let current: EngineRecord[] = [];
    for (const record of list) {
      const next = [...current, record];
      if (
        current.length > 0 &&
        (next.length > MAX_RECORDS_PER_CALL ||
          callBytes(next, record.productCode) >= MAX_CALL_BYTES)
      ) {
        calls.push(current);
        current = [record];
      } else {
        current = next;
      }
    }
    if (current.length > 0) calls.push(current);
  }
  return calls;
}
