// CloudTrail events into the cache, whoever brings them (the LookupEvents sync, an imported trail
// log file, the migration of an older cache): each goes through the one ingest function (parsed
// for the account and region it was fetched for, filled in from the journal where CloudTrail
// truncated it) and is stored with its raw record, deduplicated by event id.
import type { AccountCache } from './account-cache';
import type { StoredEvent } from './append';
import { fillIngested, ingestEvent } from './ingest';
import type { JournalCallLookup } from './journal-fill';
import { decodeParsed, encodeParsed, type ParsedColumns } from './parsed-columns';
import type { EventOrigin } from './schema';
import type { AuditScope } from './scope';
import type { AuditSyncSink, LookupEvent } from './sync';

/**
 * Events per write of a bulk load (the migration of an older cache; the audit-query bench). At
 * BatchMeterUsage's 25 records a call that is 125,000 records, more than one of DuckDB's row
 * groups (122,880 rows): the engine then writes a write's records to the database file itself,
 * compressed, rather than into its log and again into the file at the next checkpoint. On two
 * cores, 4M records were stored at 251,000-252,000/s in writes of 2,000 events and at
 * 263,000/s in writes of 5,000.
 */
export const BULK_BATCH_EVENTS = 5_000;

export type AppendOptions = {
  origin?: EventOrigin;
  /** Many batches in a row: the daily totals are redone once, by `finishBulk`. */
  bulk?: boolean;
  /** This app's journal calls by request id, to fill in what CloudTrail truncated. */
  journal?: JournalCallLookup;
};

export function toStoredEvents(
  events: readonly LookupEvent[],
  scope: AuditScope,
  origin: EventOrigin,
  journal?: JournalCallLookup,
): StoredEvent[] {
  return events.map((event) => ({
    parsed: ingestEvent(event, scope, journal).parsed,
    raw: event.cloudTrailEvent,
    origin,
  }));
}

/** Stores events fetched for `scope` in its account's cache; returns how many were new. */
export async function appendEvents(
  cache: AccountCache,
  scope: AuditScope,
  events: readonly LookupEvent[],
  options: AppendOptions = {},
): Promise<number> {
  if (scope.accountId !== cache.accountId) {
    throw new Error(`Events of ${scope.accountId} offered to the cache of ${cache.accountId}.`);
  }
  const origin = options.origin ?? 'cloudtrail-lookup';
  const { journal } = options;
  const prepared = cache.ingest(events, scope).then(({ columns, packed }) => ({
    columns: journal ? filledFromJournal(columns, journal) : columns,
    raw: events.map((event) => event.cloudTrailEvent),
    origins: events.map(() => origin),
    packed,
  }));
  return cache.storePrepared(prepared, options.bulk === undefined ? {} : { bulk: options.bulk });
}

/**
 * The columns with what CloudTrail truncated filled in from the journal; only a batch holding
 * a truncated record is taken apart for it.
 */
function filledFromJournal(columns: ParsedColumns, journal: JournalCallLookup): ParsedColumns {
  if (!columns.events.some((event) => event.json && event.truncated !== undefined)) return columns;
  const ingested = decodeParsed(columns);
  for (const item of ingested) fillIngested(item, journal);
  return encodeParsed(ingested);
}

/** The cache as the sync engine's sink, for caches opened by account. */
export function syncSink(
  cacheOf: (accountId: string) => Promise<AccountCache>,
  journal?: () => Promise<JournalCallLookup>,
): AuditSyncSink {
  return {
    readState: async (scope) => (await cacheOf(scope.accountId)).readSyncState(scope.region),
    writeState: async (scope, state) =>
      (await cacheOf(scope.accountId)).writeSyncState(scope.region, state),
    appendEvents: async (scope, events) =>
      appendEvents(await cacheOf(scope.accountId), scope, events, {
        ...(journal ? { journal: await journal() } : {}),
      }),
  };
}
