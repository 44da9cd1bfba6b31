// Validated usage records as the engine sends them (and the journal keeps them): AWS field
// names, ISO timestamps, a ClientToken fixed per MeterUsage record so a resend is deduplicated.
import type { JournalOperation } from '../../../shared/journal';
import {
  toAwsUsageRecord,
  type UsageRecord,
  type UsageRecordDraft,
} from '../../../shared/metering';
import type { EngineRecord } from './wire';

export function engineRecordOf(
  record: UsageRecord,
  key: string,
  operation: JournalOperation,
  newClientToken: () => string,
): EngineRecord {
  if (operation === 'MeterUsage') {
    const aws = toAwsUsageRecord(record);
    return {
      key,
      group: record.productId,
      record: {
        ProductCode: record.productCode,
        Timestamp: record.timestamp,
        UsageDimension: record.dimension,
        UsageQuantity: record.quantity,
        ...(aws.UsageAllocations === undefined ? {} : { UsageAllocations: aws.UsageAllocations }),
        // Fixed at planning time and journaled with the record, so a resend is deduplicated.
        ClientToken: newClientToken(),
      },
    };
  }
  const wire = { ...toAwsUsageRecord(record), Timestamp: record.timestamp };
  return {
    key,
    ...(record.productCode === undefined || record.licenseArn !== undefined
      ? {}
      : { productCode: record.productCode }),
    group: record.productId,
    record: wire,
  };
}

/** Submission keys are row numbers in plan order: row-00001, row-00002… */
export function rowKey(index: number): string {
  return `row-${String(index + 1).padStart(5, '0')}`;
}

/** A validated record back into the editor's draft shape, to validate it again in main. */
export function toDraft(record: UsageRecord): UsageRecordDraft {
  return {
    ...(record.rowId === undefined ? {} : { rowId: record.rowId }),
    productId: record.productId,
    ...(record.productCode === undefined ? {} : { productCode: record.productCode }),
    ...(record.customerIdentifier === undefined
      ? {}
      : { customerIdentifier: record.customerIdentifier }),
    ...(record.customerAwsAccountId === undefined
      ? {}
      : { customerAwsAccountId: record.customerAwsAccountId }),
    ...(record.licenseArn === undefined ? {} : { licenseArn: record.licenseArn }),
    dimension: record.dimension,
    quantity: record.quantity,
    timestamp: record.timestamp,
    ...(record.allocations === undefined
      ? {}
      : {
          allocations: record.allocations.map((a) => ({
            quantity: a.quantity,
            ...(a.tags === undefined ? {} : { tags: a.tags }),
          })),
        }),
  };
}
