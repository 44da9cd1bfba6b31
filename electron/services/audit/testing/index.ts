// Test support shared by the audit tests: synthetic CloudTrail events, a cache database in a
// temporary folder, and the sync engine's sink in memory. Not used by the app.
import { mkdtemp, rm } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRow } from '../../../../shared/audit';
import { createDuckDbAuditOpener } from '../../../adapters/storage/duckdb';
import { openAccountCache, type AccountCache } from '../account-cache';
import type { EventIngester } from '../ingest';
import type { StoredEvent } from '../append';
import type { ParsedAuditEvent } from '../parse';
import type { AuditScope } from '../scope';
import type { AuditSyncSink, AuditSyncState, LookupEvent } from '../sync';

export const T0 = Date.UTC(2026, 6, 1);
export const TEST_ACCOUNT = '111122223333';

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

/** What a test says about one usage record; `parsedCall` fills in what a call's records share. */
export type TestUsageRow = Omit<
  AuditRow,
  'eventId' | 'recordIndex' | 'eventTime' | 'eventName' | 'region' | 'accountId' | 'dimension'
> & { dimension?: string };

type Caller = Pick<
  ParsedAuditEvent,
  'callerArn' | 'userName' | 'identityType' | 'person' | 'requestId'
>;

/**
 * A parsed BatchMeterUsage call at `eventTime` holding these records (dimension "users" unless
 * a row names one); `caller` names who sent it, on the event and on each row.
 */
export function parsedCall(
  id: string,
  eventTime: number,
  rows: readonly TestUsageRow[],
  where: { region?: string; accountId?: string; caller?: Caller } = {},
): ParsedAuditEvent {
  const region = where.region ?? 'us-east-1';
  const accountId = where.accountId ?? TEST_ACCOUNT;
  const caller = where.caller ?? {};
  return {
    eventId: id,
    eventTime,
    eventName: 'BatchMeterUsage',
    eventSource: 'metering-marketplace.amazonaws.com',
    region,
    accountId,
    ...caller,
    rows: rows.map((row, i): AuditRow => ({
      eventId: id,
      recordIndex: i,
      eventTime,
      eventName: 'BatchMeterUsage',
      dimension: 'users',
      region,
      accountId,
      ...caller,
      ...row,
    })),
  };
}

/** Parsed events as the cache stores them (the raw text is a stand-in naming the event). */
export function storedEvents(events: readonly ParsedAuditEvent[]): StoredEvent[] {
  return events.map((parsed) => ({
    parsed,
    raw: JSON.stringify({ eventID: parsed.eventId }),
    origin: 'cloudtrail-lookup',
  }));
}

export type TestCache = { cache: AccountCache; dir: string; close: () => Promise<void> };

/** A fresh cache database for one account in a temporary folder. */
export async function openTestCache(
  accountId = TEST_ACCOUNT,
  dir?: string,
  options: { ingest?: EventIngester } = {},
): Promise<TestCache> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'meterdesk-audit-test-')));
  const db = await createDuckDbAuditOpener({ dir: folder, memoryLimit: '128MB', threads: 1 })(
    accountId,
  );
  const cache = await openAccountCache(db, accountId, options);
  return {
    cache,
    dir: folder,
    close: async () => {
      await cache.close();
      if (dir === undefined) await rm(folder, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** The sync engine's sink in memory: events by id and bookkeeping per scope. */
export function memorySyncSink(): AuditSyncSink & {
  events: Map<string, LookupEvent>;
  states: Map<string, AuditSyncState>;
} {
  const events = new Map<string, LookupEvent>();
  const states = new Map<string, AuditSyncState>();
  const key = (scope: AuditScope): string => `${scope.accountId}/${scope.region}`;
  return {
    events,
    states,
    readState: (scope) => Promise.resolve(states.get(key(scope)) ?? { coverage: [] }),
    writeState: (scope, state) => {
      states.set(key(scope), structuredClone(state));
      return Promise.resolve();
    },
    appendEvents: (_scope, list) => {
      let added = 0;
      for (const event of list) {
        if (events.has(event.eventId)) continue;
        events.set(event.eventId, event);
        added++;
      }
      return Promise.resolve(added);
    },
  };
}

/** An evidence pack (base64 zip) unpacked: every file's bytes, and text for the text ones. */
export function unzipEvidence(base64: string): {
  names: string[];
  bytes: (name: string) => Uint8Array;
  text: (name: string) => string;
} {
  const files = unzipSync(Buffer.from(base64, 'base64'));
  const bytes = (name: string): Uint8Array => {
    const data = files[name];
    if (!data) throw new Error(`${name} is not in the pack`);
    return data;
  };
  return {
    names: Object.keys(files).sort(),
    bytes,
    text: (name) => new TextDecoder().decode(bytes(name)),
  };
}
