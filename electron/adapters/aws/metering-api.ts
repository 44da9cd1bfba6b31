// The engine's MeteringApi port over the real SDK client (maxAttempts 1: the engine retries, so
// every attempt is journaled and paced). Records travel as JSON with ISO timestamps; the SDK
// wants Dates. Every failure leaves here as an AppError from the one error mapper.
import {
  BatchMeterUsageCommand,
  MeterUsageCommand,
  type MarketplaceMeteringClient,
  type UsageAllocation,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import type { MeteringApi, WireRecord } from '../../services/metering/engine';
import { mapAwsError } from './error-map';

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  return new Date(NaN);
}

function allocations(value: unknown): UsageAllocation[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((raw: unknown): UsageAllocation => {
    const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const tags = Array.isArray(a.Tags)
      ? a.Tags.map((t: unknown) => {
          const tag = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
          return { Key: str(tag.Key) ?? '', Value: str(tag.Value) ?? '' };
        })
      : undefined;
    return {
      AllocatedUsageQuantity: num(a.AllocatedUsageQuantity) ?? 0,
      ...(tags === undefined ? {} : { Tags: tags }),
    };
  });
}

function toUsageRecord(record: WireRecord): UsageRecord {
  const allocs = allocations(record.UsageAllocations);
  const quantity = num(record.Quantity);
  const customerIdentifier = str(record.CustomerIdentifier);
  const account = str(record.CustomerAWSAccountId);
  const license = str(record.LicenseArn);
  return {
    Timestamp: toDate(record.Timestamp),
    Dimension: str(record.Dimension) ?? '',
    ...(quantity === undefined ? {} : { Quantity: quantity }),
    ...(customerIdentifier === undefined ? {} : { CustomerIdentifier: customerIdentifier }),
    ...(account === undefined ? {} : { CustomerAWSAccountId: account }),
    ...(license === undefined ? {} : { LicenseArn: license }),
    ...(allocs === undefined ? {} : { UsageAllocations: allocs }),
  };
}

/** AWS's echo, back in the journal's shape (ISO timestamp) so the engine can match it. */
function fromUsageRecord(record: UsageRecord | undefined): WireRecord {
  if (!record) return {};
  return {
    Timestamp: record.Timestamp?.toISOString(),
    Dimension: record.Dimension,
    ...(record.Quantity === undefined ? {} : { Quantity: record.Quantity }),
    ...(record.CustomerIdentifier === undefined
      ? {}
      : { CustomerIdentifier: record.CustomerIdentifier }),
    ...(record.CustomerAWSAccountId === undefined
      ? {}
      : { CustomerAWSAccountId: record.CustomerAWSAccountId }),
    ...(record.LicenseArn === undefined ? {} : { LicenseArn: record.LicenseArn }),
  };
}

export function createMeteringApi(
  client: MarketplaceMeteringClient,
  context: { region: string },
): MeteringApi {
  return {
    async batchMeterUsage({ productCode, records }) {
      try {
        const out = await client.send(
          new BatchMeterUsageCommand({
            UsageRecords: records.map(toUsageRecord),
            ...(productCode === undefined ? {} : { ProductCode: productCode }),
          }),
        );
        return {
          results: (out.Results ?? []).map((r) => ({
            record: fromUsageRecord(r.UsageRecord),
            status: r.Status ?? '',
            ...(r.MeteringRecordId === undefined ? {} : { meteringRecordId: r.MeteringRecordId }),
          })),
          unprocessed: (out.UnprocessedRecords ?? []).map(fromUsageRecord),
          ...(out.$metadata.requestId === undefined ? {} : { requestId: out.$metadata.requestId }),
          ...(out.$metadata.httpStatusCode === undefined
            ? {}
            : { httpStatus: out.$metadata.httpStatusCode }),
        };
      } catch (error) {
        throw mapAwsError(error, { operation: 'BatchMeterUsage', region: context.region });
      }
    },
    async meterUsage(record, { dryRun }) {
      try {
        const allocs = allocations(record.UsageAllocations);
        const quantity = num(record.UsageQuantity);
        const clientToken = str(record.ClientToken);
        const out = await client.send(
          new MeterUsageCommand({
            ProductCode: str(record.ProductCode) ?? '',
            Timestamp: toDate(record.Timestamp),
            UsageDimension: str(record.UsageDimension) ?? '',
            ...(quantity === undefined ? {} : { UsageQuantity: quantity }),
            ...(allocs === undefined ? {} : { UsageAllocations: allocs }),
            ...(clientToken === undefined ? {} : { ClientToken: clientToken }),
            ...(dryRun ? { DryRun: true } : {}),
          }),
        );
        return {
          meteringRecordId: out.MeteringRecordId ?? '',
          ...(out.$metadata.requestId === undefined ? {} : { requestId: out.$metadata.requestId }),
          ...(out.$metadata.httpStatusCode === undefined
            ? {}
            : { httpStatus: out.$metadata.httpStatusCode }),
        };
      } catch (error) {
        throw mapAwsError(error, { operation: 'MeterUsage', region: context.region });
      }
    },
  };
}
