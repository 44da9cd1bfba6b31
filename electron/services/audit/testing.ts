// Test support shared by the audit tests: synthetic CloudTrail events and the file port in
// memory. Not used by the app.
import type { AuditCacheFiles } from './persistence';
import type { LookupEvent } from './sync';

export const T0 = Date.UTC(2026, 6, 1);

/** A BatchMeterUsage event `i` minutes after `start`, with `records` successful records. */
export function meteringEvent(
  i: number,
  region = 'us-east-1',
  records = 3,
  start = T0,
  overrides: { eventSource?: string; eventName?: string } = {},
): LookupEvent {
  const eventTime = start + i * 60_000;
  const usageRecords = Array.from({ length: records }, (_, k) => ({
    dimension: `dim-${k}`,
    timestamp: new Date(eventTime - 3600_000).toISOString(),
    customerAWSAccountID: `44445555${String(i % 7).padStart(4, '0')}`,
    quantity: i + k,
  }));
  const record = {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/meter',
      accountId: '111122223333',
      accessKeyId: 'AKIA',
      userName: 'meter',
    },
    eventTime: new Date(eventTime).toISOString().replace('.000', ''),
    eventSource: overrides.eventSource ?? 'metering-marketplace.amazonaws.com',
    eventName: overrides.eventName ?? 'BatchMeterUsage',
    awsRegion: region,
    requestParameters: { usageRecords },
    responseElements: {
      results: usageRecords.map((r, k) => ({
        usageRecord: r,
        meteringRecordId: `m-${i}-${k}`,
        status: 'Success',
      })),
      unprocessedRecords: [],
    },
    eventID: `ev-${i}`,
    recipientAccountId: '111122223333',
  };
  return {
    eventId: `ev-${i}`,
    eventTime,
    eventName: overrides.eventName ?? 'BatchMeterUsage',
    eventSource: overrides.eventSource ?? 'metering-marketplace.amazonaws.com',
    username: 'meter',
    cloudTrailEvent: JSON.stringify(record),
  };
}

/** The port in memory; `data` lets a test damage files. */
export function memoryFiles(): AuditCacheFiles & { data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>();
  return {
    data,
    list: () => Promise.resolve([...data.keys()]),
    size: (name) => Promise.resolve(data.get(name)?.byteLength ?? null),
    read: (name) => Promise.resolve(data.get(name)?.slice() ?? null),
    readRange: (name, offset, length) => {
      const d = data.get(name);
      return Promise.resolve(
        d && offset + length <= d.byteLength ? d.slice(offset, offset + length) : null,
      );
    },
    async *stream(name, start) {
      const d = data.get(name);
      if (!d) return;
      // Small chunks so lines straddle chunk borders.
      for (let i = start; i < d.byteLength; i += 97) {
        await Promise.resolve();
        yield d.slice(i, Math.min(d.byteLength, i + 97));
      }
    },
    append: (name, bytes) => {
      const old = data.get(name) ?? new Uint8Array(0);
      const next = new Uint8Array(old.byteLength + bytes.byteLength);
      next.set(old);
      next.set(bytes, old.byteLength);
      data.set(name, next);
      return Promise.resolve();
    },
    replace: (name, bytes) => {
      data.set(name, bytes.slice());
      return Promise.resolve();
    },
    remove: (name) => {
      data.delete(name);
      return Promise.resolve();
    },
  };
}
