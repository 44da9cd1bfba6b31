// A record as it goes on the wire: the SDK's UsageRecord shape and its serialized size, which
// BatchMeterUsage's 1 MB request limit is measured in.
import type { UsageRecord } from './records';

export type AwsUsageRecord = {
  Timestamp: Date;
  Dimension: string;
  Quantity: number;
  CustomerIdentifier?: string;
  CustomerAWSAccountId?: string;
  LicenseArn?: string;
  UsageAllocations?: { AllocatedUsageQuantity: number; Tags?: { Key: string; Value: string }[] }[];
};

export function toAwsUsageRecord(record: UsageRecord): AwsUsageRecord {
  return {
    Timestamp: new Date(record.timestamp),
    Dimension: record.dimension,
    Quantity: record.quantity,
    ...(record.customerIdentifier !== undefined
      ? { CustomerIdentifier: record.customerIdentifier }
      : {}),
    ...(record.customerAwsAccountId !== undefined
      ? { CustomerAWSAccountId: record.customerAwsAccountId }
      : {}),
    ...(record.licenseArn !== undefined ? { LicenseArn: record.licenseArn } : {}),
    ...(record.allocations !== undefined
      ? {
          UsageAllocations: record.allocations.map((a) => ({
            AllocatedUsageQuantity: a.quantity,
            ...(a.tags !== undefined
              ? { Tags: a.tags.map((t) => ({ Key: t.key, Value: t.value })) }
              : {}),
          })),
        }
      : {}),
  };
}

/** Bytes of a record as it goes on the wire (JSON, Timestamp as epoch seconds). */
export function wireBytes(record: UsageRecord): number {
  const wire = { ...toAwsUsageRecord(record), Timestamp: Date.parse(record.timestamp) / 1000 };
  return utf8Length(JSON.stringify(wire));
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// Request envelope: {"UsageRecords":[...],"ProductCode":"..."} — a generous constant for the
// braces, the field names and the commas between records.
export const ENVELOPE_BYTES = 64;
