// The one way a CloudTrail event becomes cache rows, whoever brought it (LookupEvents sync or an
// imported trail log file): parsed, scoped to the account and region it was fetched for, and —
// when CloudTrail truncated a call this app sent — filled in from the journal by request id.
// Storing it, deduplicated by event id, is the cache's job (AuditSyncSink.appendEvents).
import { fillFromJournal, type JournalCallLookup } from './journal-fill';
import { columnsBuilder, type ParsedColumns } from './parsed-columns';
import { parseCloudTrailEvent, parseCloudTrailRecord, type ParsedAuditEvent } from './parse';
import type { AuditScope } from './scope';
import type { LookupEvent } from './sync';

export type IngestedEvent = {
  parsed: ParsedAuditEvent;
  /** The record is a JSON object (stored verbatim); false for text kept only as evidence. */
  json: boolean;
};

/**
 * Parses events into columns and packs their raw records (AuditDb.packText's form; null where
 * the record stays text), in their order: on worker threads in the app
 * (adapters/workers/ingest-runner.ts), in place otherwise. The journal fill is main's, after.
 */
export type EventIngester = (
  events: readonly LookupEvent[],
  scope: AuditScope,
) => Promise<{ columns: ParsedColumns; packed: (Uint8Array | null)[] }>;

export function ingestEvent(
  event: LookupEvent,
  scope: AuditScope,
  journal?: JournalCallLookup,
): IngestedEvent {
  const ingested = parseForScope(event, scope);
  if (journal) fillIngested(ingested, journal);
  return ingested;
}

/** Fills in from the journal what CloudTrail truncated (records that parsed as JSON only). */
export function fillIngested(ingested: IngestedEvent, journal: JournalCallLookup): void {
  if (ingested.json) fillFromJournal(ingested.parsed, journal);
}

/** The event parsed, scoped to the account and region it was fetched for. */
export function parseForScope(event: LookupEvent, scope: AuditScope): IngestedEvent {
  const fallback = {
    eventId: event.eventId,
    eventTime: event.eventTime,
    ...(event.eventName === undefined ? {} : { eventName: event.eventName }),
    ...(event.eventSource === undefined ? {} : { eventSource: event.eventSource }),
    ...(event.username === undefined ? {} : { username: event.username }),
    ...(event.accessKeyId === undefined ? {} : { accessKeyId: event.accessKeyId }),
    region: scope.region,
    accountId: scope.accountId,
  };
  const result =
    event.parsedRecord === undefined
      ? parseCloudTrailEvent(event.cloudTrailEvent, fallback)
      : parseCloudTrailRecord(event.parsedRecord, fallback);
  if (!result.ok) {
    // Kept as an event without rows: its raw text stays reachable and dedup still works.
    const parsed: ParsedAuditEvent = {
      eventId: event.eventId,
      eventTime: event.eventTime,
      eventName: event.eventName ?? '',
      eventSource: event.eventSource ?? '',
      region: scope.region,
      accountId: scope.accountId,
      rows: [],
    };
    return { parsed, json: false };
  }
  const parsed = result.event;
  // The cache is per account+region: an event belongs where it was fetched from. The record's
  // own awsRegion/recipientAccountId are the same in practice and stay visible in the raw view.
  if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) {
    parsed.region = scope.region;
    parsed.accountId = scope.accountId;
    for (const row of parsed.rows) {
      row.region = scope.region;
      row.accountId = scope.accountId;
    }
  }
  return { parsed, json: true };
}

/** The events parsed for their scope, as the columns a write takes, in their order. */
export function parseToColumns(events: readonly LookupEvent[], scope: AuditScope): ParsedColumns {
  const builder = columnsBuilder();
  for (const event of events) builder.add(parseForScope(event, scope));
  return builder.finish();
}
