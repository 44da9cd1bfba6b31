// Reading CloudTrail log files: the files a trail delivers to S3
// (`…/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`, each `{"Records":[…]}`, decompressed by the
// renderer) and the JSON the CloudTrail console's "Download events" saves. The metering events
// of the active account are picked as LookupEvents would have returned them, so the importer
// (trail-importer.ts) stores them through the same ingest as a sync and an imported event and a
// synced one are the same row; files older than CloudTrail's 90 days fill history LookupEvents
// cannot reach.
import {
  CLOUDTRAIL_RETENTION_MS,
  emptyTrailSummary,
  METERING_EVENT_SOURCES,
  type TrailFileSummary,
} from '../../../shared/audit';
import { parseUsageTimestamp } from './cloudtrail-time';
import { asArray, get, getStr, isObj, isOmitted, type Obj } from './json';
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

/** A read file: its summary so far (nothing stored yet) and its kept events by region. */
export type ReadTrailFile = {
  summary: TrailFileSummary;
  byRegion: Map<string, (LookupEvent & { region: string })[]>;
};

/** Reads one log file and picks the metering events of the account, counting the rest. */
export function readTrailEvents(
  fileName: string,
  text: string,
  account: { accountId: string; now: number },
): ReadTrailFile {
  const summary = emptyTrailSummary(fileName);
  const byRegion: ReadTrailFile['byRegion'] = new Map();
  const file = readTrailFile(text);
  if ('error' in file) return { summary: { ...summary, unreadable: file.error }, byRegion };
  summary.events = file.records.length;
  for (const trail of file.records) {
    if (!isMetering(trail.record)) continue;
    if (accountOf(trail.record) !== account.accountId) {
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
    if (event.eventTime < account.now - CLOUDTRAIL_RETENTION_MS) summary.beyondLookup += 1;
    summary.from = Math.min(summary.from ?? Infinity, event.eventTime);
    summary.to = Math.max(summary.to ?? -Infinity, event.eventTime);
    const list = byRegion.get(event.region);
    if (list) list.push(event);
    else byRegion.set(event.region, [event]);
  }
  summary.regions = [...byRegion.keys()].sort();
  return { summary, byRegion };
}
