// Importing CloudTrail log files: the files a trail delivers to S3
// (`…/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`, each `{"Records":[…]}`, decompressed by the
// renderer) and the JSON the CloudTrail console's "Download events" saves. Metering events of the
// active account are stored through the same ingest as a sync (parsed, filled in from the
// journal where truncated, deduplicated by event id), so an imported event and a synced one are
// the same row; files older than CloudTrail's 90 days fill history LookupEvents cannot reach.
import {
  CLOUDTRAIL_RETENTION_MS,
  METERING_EVENT_SOURCES,
  type TrailFileSummary,
} from '../../../shared/audit';
import { createPartUploads } from '../part-uploads';
import type { AccountCache } from './account-cache';
import { parseUsageTimestamp } from './cloudtrail-time';
import type { JournalCallLookup } from './journal-fill';
import { asArray, get, getStr, isObj, isOmitted, type Obj } from './json';
import { appendEvents } from './sink';
import type { LookupEvent } from './sync';

/**
 * One event of a log file: the record, and its text when the file held it as text (an `Events`
 * item's CloudTrailEvent, kept verbatim); otherwise the text is written when the event is kept,
 * so the other services' events of a trail file are never serialised.
 */
type TrailRecord = { record: Obj; raw?: string };

export type TrailFile = { records: TrailRecord[] } | { error: string };

/** An item of an `Events` list (LookupEvents' shape): its CloudTrailEvent is the record text. */
function fromLookupShape(item: Obj): TrailRecord | null {
  const raw = get(item, 'CloudTrailEvent');
  if (typeof raw !== 'string') return null;
  try {
    const record: unknown = JSON.parse(raw);
    return isObj(record) ? { record, raw } : null;
  } catch {
    return null;
  }
}

function toTrailRecord(item: unknown): TrailRecord | null {
  if (!isObj(item)) return null;
  if (get(item, 'CloudTrailEvent') !== undefined) return fromLookupShape(item);
  return { record: item };
}

/**
 * The events of a log file: `{"Records":[…]}` (S3 trail files and the console's download),
 * `{"Events":[…]}` (LookupEvents output), or a bare list of either.
 */
export function readTrailFile(text: string): TrailFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      error:
        text.charCodeAt(0) === 0x1f
          ? 'The file is still gzip-compressed.'
          : 'The file is not JSON, so it is not a CloudTrail log file.',
    };
  }
  const list = Array.isArray(parsed)
    ? parsed
    : isObj(parsed)
      ? (get(parsed, 'Records') ?? get(parsed, 'Events'))
      : undefined;
  if (!Array.isArray(list)) {
    return { error: 'No "Records" list: this is not a CloudTrail log file.' };
  }
  const records: TrailRecord[] = [];
  for (const item of asArray(list)) {
    const record = toTrailRecord(item);
    if (record) records.push(record);
  }
  return { records };
}

function isMetering(record: Obj): boolean {
  const source = getStr(record, 'eventSource');
  return source !== undefined && (METERING_EVENT_SOURCES as readonly string[]).includes(source);
}

/** The record as LookupEvents would have returned it, or null when it cannot be placed. */
function toLookupEvent(trail: TrailRecord): (LookupEvent & { region: string }) | null {
  const { record } = trail;
  const eventId = getStr(record, 'eventID');
  const region = getStr(record, 'awsRegion');
  const eventTime = parseUsageTimestamp(getStr(record, 'eventTime'));
  if (eventId === undefined || region === undefined || eventTime === null) return null;
  const identity = get(record, 'userIdentity');
  const accessKeyId = isObj(identity) ? getStr(identity, 'accessKeyId') : undefined;
  const event: LookupEvent & { region: string } = {
    eventId,
    eventTime,
    region,
    cloudTrailEvent: trail.raw ?? JSON.stringify(record),
    parsedRecord: record,
  };
  const eventName = getStr(record, 'eventName');
  const eventSource = getStr(record, 'eventSource');
  if (eventName !== undefined) event.eventName = eventName;
  if (eventSource !== undefined) event.eventSource = eventSource;
  if (accessKeyId !== undefined) event.accessKeyId = accessKeyId;
  return event;
}

function accountOf(record: Obj): string | undefined {
  const identity = get(record, 'userIdentity');
  return (
    getStr(record, 'recipientAccountId') ??
    (isObj(identity) ? getStr(identity, 'accountId') : undefined)
  );
}

/** Where the file's events go: stores one region's events, returns how many were new. */
export type TrailImportPort = {
  accountId: string;
  now: number;
  store: (region: string, events: readonly LookupEvent[]) => Promise<number>;
};

export function emptyTrailSummary(fileName: string): TrailFileSummary {
  return {
    fileName,
    events: 0,
    meteringEvents: 0,
    added: 0,
    duplicates: 0,
    otherAccounts: 0,
    unplaceable: 0,
    truncated: 0,
    beyondLookup: 0,
    regions: [],
  };
}

/** Reads one log file and stores its metering events of the account. */
export async function importTrailFile(
  fileName: string,
  text: string,
  port: TrailImportPort,
): Promise<TrailFileSummary> {
  const summary = emptyTrailSummary(fileName);
  const file = readTrailFile(text);
  if ('error' in file) return { ...summary, unreadable: file.error };
  summary.events = file.records.length;
  const byRegion = new Map<string, LookupEvent[]>();
  for (const trail of file.records) {
    if (!isMetering(trail.record)) continue;
    if (accountOf(trail.record) !== port.accountId) {
      summary.otherAccounts += 1;
      continue;
    }
    const event = toLookupEvent(trail);
    if (!event) {
      summary.unplaceable += 1;
      continue;
    }
    summary.meteringEvents += 1;
    const request = get(trail.record, 'requestParameters');
    const response = get(trail.record, 'responseElements');
    if (isOmitted(request) || isOmitted(response)) summary.truncated += 1;
    if (event.eventTime < port.now - CLOUDTRAIL_RETENTION_MS) summary.beyondLookup += 1;
    summary.from = Math.min(summary.from ?? Infinity, event.eventTime);
    summary.to = Math.max(summary.to ?? -Infinity, event.eventTime);
    const list = byRegion.get(event.region);
    if (list) list.push(event);
    else byRegion.set(event.region, [event]);
  }
  for (const [region, events] of byRegion) summary.added += await port.store(region, events);
  summary.duplicates = summary.meteringEvents - summary.added;
  summary.regions = [...byRegion.keys()].sort();
  return summary;
}

/** A file that exceeds this (decompressed) is refused: a trail file is a few MB at most. */
const MAX_TRAIL_FILE_CHARS = 500_000_000;

export type TrailImporterDeps = {
  /** The active account's cache (throws an AppError when there is none). */
  cache: () => Promise<AccountCache>;
  journal?: () => Promise<JournalCallLookup>;
  now: () => number;
  newId: () => string;
  emitChanged: (version: number) => void;
};

export type TrailPart = { fileName: string; text: string; uploadId?: string; more?: boolean };

/** The `audit:import-trail` channel: parts buffered until the last, then the file imported. */
export function createTrailImporter(deps: TrailImporterDeps) {
  const uploads = createPartUploads({
    newId: deps.newId,
    maxChars: MAX_TRAIL_FILE_CHARS,
    tooLargeHint: 'A trail log file is a few megabytes; check that this is one.',
  });
  return async function importPart(part: TrailPart) {
    if (part.more === true) {
      const { uploadId, chars } = uploads.append(part.uploadId, part.text);
      return { status: 'partial' as const, uploadId, receivedChars: chars };
    }
    const text = uploads.take(part.uploadId, part.text);
    const cache = await deps.cache();
    const journal = deps.journal ? await deps.journal() : undefined;
    const file = await importTrailFile(part.fileName, text, {
      accountId: cache.accountId,
      now: deps.now(),
      store: (region, events) =>
        appendEvents(cache, { accountId: cache.accountId, region }, events, {
          origin: 'trail-file',
          ...(journal ? { journal } : {}),
        }),
    });
    if (file.added > 0) deps.emitChanged(cache.version());
    return { status: 'done' as const, file };
  };
}
