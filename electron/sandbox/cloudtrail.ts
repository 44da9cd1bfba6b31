// The sandbox's CloudTrail Event history: records every metering call, holds seeded history and
// answers LookupEvents with AWS's rules (AWS-FACTS §2.2–2.5).
//
// Layout: every event list (all events, and one bucket per indexed attribute value) is sorted
// ascending by (eventTime, eventId). A page is a binary search to its start plus a walk of at
// most MaxResults + 1 entries, so paging through N events costs O(N) overall, not O(N²).
import { createHash, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { buildCloudTrailEvent } from './cloudtrail-record';
import { SandboxApiError } from './errors';
import { generateHistory, historyOrigin, type HistoryOrigin } from './history';
import type { MeteringCallRecord, StoredCloudTrailEvent } from './types';

export {
  buildCloudTrailEvent,
  buildCloudTrailJson,
  formatEventTime,
  formatJavaTimestamp,
  HIDDEN_VALUE,
  METERING_EVENT_SOURCE,
  type AccountIdKey,
} from './cloudtrail-record';

export const LOOKUP_ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

/** CloudTrail Event history only shows the last 90 days. */
export const LOOKUP_WINDOW_MS = 90 * 24 * 3_600_000;
export const MAX_LOOKUP_RESULTS = 50;
const MAX_ATTRIBUTE_VALUE_LENGTH = 2000;

/** One `Event` as LookupEvents puts it on the wire (JSON 1.1, EventTime in epoch seconds). */
export type LookupEventsWireEvent = {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId: string;
  EventTime: number;
  EventSource: string;
  Username: string;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
};

export type LookupEventsOutputBody = { Events: LookupEventsWireEvent[]; NextToken?: string };

export type CloudTrailStoreOptions = {
  /** Persist under <dataDir>/cloudtrail; without it the store lives in memory only. */
  dataDir?: string;
  /** Epoch ms; drives the 90-day window. */
  now: () => number;
};

export type CloudTrailStore = {
  /** Builds, stores and persists the event for one metering call. */
  record(call: MeteringCallRecord): StoredCloudTrailEvent;
  /** LookupEvents on the parsed JSON request body; throws SandboxApiError on invalid input. */
  lookup(body: Record<string, unknown>): LookupEventsOutputBody;
  count(): number;
  get(eventId: string): StoredCloudTrailEvent | undefined;
  /**
   * Adds events (duplicates by eventId are ignored). An array straight from generateHistory is
   * persisted as its generation parameters and regenerated on load; anything else as JSONL.
   */
  addHistory(events: readonly StoredCloudTrailEvent[]): void;
  /** Forgets every event, live and seeded, in memory and on disk. */
  reset(): void;
  /** Writes are synchronous (a metering call is rare and precious); kept for the interface. */
  flush(): Promise<void>;
};

const INDEXED_KEYS = [
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
type IndexedKey = (typeof INDEXED_KEYS)[number];

function indexValues(event: StoredCloudTrailEvent, key: IndexedKey): string[] {
  switch (key) {
    case 'EventName':
      return [event.eventName];
    case 'ReadOnly':
      return [event.readOnly];
    case 'Username':
      return [event.username];
    case 'EventSource':
      return [event.eventSource];
    case 'AccessKeyId':
      return [event.accessKeyId];
    case 'ResourceType':
    case 'ResourceName': {
      const values = new Set<string>();
      for (const r of event.resources) {
        const v = key === 'ResourceType' ? r.resourceType : r.resourceName;
        if (v !== undefined) values.add(v);
      }
      return [...values];
    }
  }
}

function compareEvents(a: StoredCloudTrailEvent, b: StoredCloudTrailEvent): number {
  return compareKey(a, b.eventTime, b.eventId);
}

function compareKey(a: StoredCloudTrailEvent, time: number, id: string): number {
  if (a.eventTime !== time) return a.eventTime < time ? -1 : 1;
  return a.eventId < id ? -1 : a.eventId > id ? 1 : 0;
}

/** First index whose (time, id) is >= the given key. */
function lowerBound(list: readonly StoredCloudTrailEvent[], time: number, id: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = list[mid];
    if (item && compareKey(item, time, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > the given time. */
function upperBoundTime(list: readonly StoredCloudTrailEvent[], time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = list[mid];
    if (item && item.eventTime <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: StoredCloudTrailEvent[], event: StoredCloudTrailEvent): void {
  const last = list[list.length - 1];
  // Live events nearly always arrive newest: append without a search.
  if (!last || compareEvents(last, event) < 0) {
    list.push(event);
    return;
  }
  list.splice(lowerBound(list, event.eventTime, event.eventId), 0, event);
}

/** `_`, space, `,` and newline count double toward the 2000 limit (AWS-FACTS §2.2). */
export function attributeValueLength(value: string): number {
  let length = 0;
  for (const ch of value) length += ch === '_' || ch === ' ' || ch === ',' || ch === '\n' ? 2 : 1;
  return length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(code: string, message: string): SandboxApiError {
  return new SandboxApiError(code, message, 400);
}

/** Epoch seconds on the wire; ISO strings are tolerated for hand-written requests. */
function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return n * 1000;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw invalid('InvalidTimeRangeException', `${name} is not a valid timestamp.`);
}

type LookupQuery = {
  attribute?: { key: LookupAttributeKey; value: string };
  startMs?: number;
  endMs?: number;
  insight: boolean;
  maxResults: number;
};

function parseQuery(body: Record<string, unknown>): LookupQuery {
  let attribute: LookupQuery['attribute'];
  const attrs = body.LookupAttributes;
  if (attrs !== undefined && attrs !== null) {
    if (!Array.isArray(attrs)) {
      throw invalid('InvalidLookupAttributesException', 'LookupAttributes must be a list.');
    }
    if (attrs.length > 1) {
      throw invalid(
        'InvalidLookupAttributesException',
        'You cannot specify more than one lookup attribute.',
      );
    }
    const first: unknown = attrs[0];
    if (first !== undefined) {
      if (!isRecord(first)) {
        throw invalid('InvalidLookupAttributesException', 'Invalid lookup attribute.');
      }
      const key = first.AttributeKey;
      const value = first.AttributeValue;
      if (typeof key !== 'string' || !(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
        throw invalid(
          'InvalidLookupAttributesException',
          `Invalid AttributeKey: ${String(key)}. Valid keys: ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}.`,
        );
      }
      if (typeof value !== 'string') {
        throw invalid('InvalidLookupAttributesException', 'AttributeValue is required.');
      }
      const length = attributeValueLength(value);
      if (length < 1 || length > MAX_ATTRIBUTE_VALUE_LENGTH) {
        throw invalid(
          'InvalidLookupAttributesException',
          `AttributeValue length must be between 1 and ${MAX_ATTRIBUTE_VALUE_LENGTH}.`,
        );
      }
      attribute = { key: key as LookupAttributeKey, value };
    }
  }

  const startMs = parseTime(body.StartTime, 'StartTime');
  const endMs = parseTime(body.EndTime, 'EndTime');
  if (startMs !== undefined && endMs !== undefined && startMs > endMs) {
    throw invalid('InvalidTimeRangeException', 'Start time must be before end time.');
  }

  let insight = false;
  const category = body.EventCategory;
  if (category !== undefined && category !== null) {
    if (category !== 'insight') {
      throw invalid(
        'InvalidEventCategoryException',
        `Invalid EventCategory: ${JSON.stringify(category)}.`,
      );
    }
    insight = true;
    if (attribute && !['EventId', 'EventName', 'EventSource'].includes(attribute.key)) {
      throw invalid(
        'InvalidLookupAttributesException',
        `${attribute.key} is not supported for Insights events.`,
      );
    }
  }

  let maxResults = MAX_LOOKUP_RESULTS;
  const max = body.MaxResults;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_LOOKUP_RESULTS) {
      throw invalid(
        'InvalidMaxResultsException',
        `MaxResults must be between 1 and ${MAX_LOOKUP_RESULTS}.`,
      );
    }
    maxResults = max;
  }
  const query: LookupQuery = { insight, maxResults };
  if (attribute) query.attribute = attribute;
  if (startMs !== undefined) query.startMs = startMs;
  if (endMs !== undefined) query.endMs = endMs;
  return query;
}

/** Binds a NextToken to every other parameter (effective values, so absent == default). */
function queryHash(query: LookupQuery): string {
  const canonical = JSON.stringify([
    query.attribute?.key ?? null,
    query.attribute?.value ?? null,
    query.startMs ?? null,
    query.endMs ?? null,
    query.insight,
    query.maxResults,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

type Cursor = { time: number; id: string };

function encodeToken(hash: string, cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, h: hash, t: cursor.time, i: cursor.id })).toString(
    'base64url',
  );
}

function decodeToken(token: unknown, hash: string): Cursor {
  const bad = invalid('InvalidNextTokenException', 'Invalid NextToken.');
  if (typeof token !== 'string' || token === '') throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (
    !isRecord(parsed) ||
    parsed.v !== 1 ||
    typeof parsed.t !== 'number' ||
    typeof parsed.i !== 'string'
  ) {
    throw bad;
  }
  if (parsed.h !== hash) {
    throw invalid(
      'InvalidNextTokenException',
      'NextToken must be used with the same parameters as the request that returned it.',
    );
  }
  return { time: parsed.t, id: parsed.i };
}

function toWire(event: StoredCloudTrailEvent): LookupEventsWireEvent {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: event.readOnly,
    AccessKeyId: event.accessKeyId,
    EventTime: event.eventTime / 1000,
    EventSource: event.eventSource,
    Username: event.username,
    Resources: event.resources.map((r) => ({
      ResourceType: r.resourceType,
      ResourceName: r.resourceName,
    })),
    CloudTrailEvent: event.cloudTrailEvent,
  };
}

function readJsonLines(path: string): StoredCloudTrailEvent[] {
  if (!existsSync(path)) return [];
  const out: StoredCloudTrailEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isRecord(value) && typeof value.eventId === 'string') {
        out.push(value as StoredCloudTrailEvent);
      }
    } catch {
      // A torn last line after a crash: the event never finished writing, skip it.
    }
  }
  return out;
}

export function createCloudTrailStore(options: CloudTrailStoreOptions): CloudTrailStore {
  const dir = options.dataDir ? join(options.dataDir, 'cloudtrail') : undefined;
  const liveFile = dir ? join(dir, 'events.jsonl') : undefined;
  const originsFile = dir ? join(dir, 'history.json') : undefined;
  const historyFile = dir ? join(dir, 'history-events.jsonl') : undefined;

  let all: StoredCloudTrailEvent[] = [];
  let byId = new Map<string, StoredCloudTrailEvent>();
  let indexes = emptyIndexes();
  let origins: HistoryOrigin[] = [];
  let originKeys = new Set<string>();

  function emptyIndexes(): Record<IndexedKey, Map<string, StoredCloudTrailEvent[]>> {
    return {
      EventName: new Map(),
      ReadOnly: new Map(),
      Username: new Map(),
      ResourceType: new Map(),
      ResourceName: new Map(),
      EventSource: new Map(),
      AccessKeyId: new Map(),
    };
  }

  function indexEvent(event: StoredCloudTrailEvent, sorted: boolean): void {
    for (const key of INDEXED_KEYS) {
      const index = indexes[key];
      for (const value of indexValues(event, key)) {
        let bucket = index.get(value);
        if (!bucket) {
          bucket = [];
          index.set(value, bucket);
        }
        if (sorted) bucket.push(event);
        else insertSorted(bucket, event);
      }
    }
  }

  /** Bulk add: one sort and one index rebuild instead of N sorted inserts. */
  function addMany(events: readonly StoredCloudTrailEvent[]): StoredCloudTrailEvent[] {
    const added: StoredCloudTrailEvent[] = [];
    for (const event of events) {
      if (byId.has(event.eventId)) continue;
      byId.set(event.eventId, event);
      all.push(event);
      added.push(event);
    }
    if (added.length === 0) return added;
    all.sort(compareEvents);
    indexes = emptyIndexes();
    for (const event of all) indexEvent(event, true);
    return added;
  }

  function addOne(event: StoredCloudTrailEvent): void {
    if (byId.has(event.eventId)) return;
    byId.set(event.eventId, event);
    insertSorted(all, event);
    indexEvent(event, false);
  }

  function writeOrigins(): void {
    if (!originsFile) return;
    const tmp = `${originsFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(origins));
    renameSync(tmp, originsFile);
  }

  function load(): void {
    if (!dir || !originsFile || !historyFile || !liveFile) return;
    mkdirSync(dir, { recursive: true });
    const loaded: StoredCloudTrailEvent[] = [];
    if (existsSync(originsFile)) {
      const parsed: unknown = JSON.parse(readFileSync(originsFile, 'utf8'));
      if (Array.isArray(parsed)) {
        for (const origin of parsed as HistoryOrigin[]) {
          origins.push(origin);
          originKeys.add(JSON.stringify(origin));
          for (const event of generateHistory(origin.world, origin.options)) loaded.push(event);
        }
      }
    }
    for (const event of readJsonLines(historyFile)) loaded.push(event);
    for (const event of readJsonLines(liveFile)) loaded.push(event);
    addMany(loaded);
  }

  load();

  return {
    record(call) {
      const event = buildCloudTrailEvent(call, randomUUID());
      addOne(event);
      if (liveFile) appendFileSync(liveFile, `${JSON.stringify(event)}\n`);
      return event;
    },

    lookup(body) {
      const query = parseQuery(body);
      const hash = queryHash(query);
      const cursor = body.NextToken === undefined ? undefined : decodeToken(body.NextToken, hash);
      // The sandbox records no Insights events: the category is valid but the result is empty.
      if (query.insight) return { Events: [] };

      let list: readonly StoredCloudTrailEvent[] = all;
      if (query.attribute) {
        const { key, value } = query.attribute;
        if (key === 'EventId') {
          const event = byId.get(value);
          list = event ? [event] : [];
        } else {
          list = indexes[key].get(value) ?? [];
        }
      }

      const floor = Math.max(query.startMs ?? -Infinity, options.now() - LOOKUP_WINDOW_MS);
      let i = cursor
        ? lowerBound(list, cursor.time, cursor.id) - 1
        : upperBoundTime(list, query.endMs ?? Infinity) - 1;
      const events: LookupEventsWireEvent[] = [];
      let last: StoredCloudTrailEvent | undefined;
      for (; i >= 0 && events.length < query.maxResults; i--) {
        const event = list[i];
        if (!event || event.eventTime < floor) break;
        events.push(toWire(event));
        last = event;
      }
      const next = list[i];
      const more = i >= 0 && next !== undefined && next.eventTime >= floor;
      const out: LookupEventsOutputBody = { Events: events };
      if (more && last)
        out.NextToken = encodeToken(hash, { time: last.eventTime, id: last.eventId });
      return out;
    },

    count() {
      return all.length;
    },

    get(eventId) {
      return byId.get(eventId);
    },

    addHistory(events) {
      const origin = historyOrigin(events);
      const added = addMany(events);
      if (!dir || !historyFile) return;
      if (origin) {
        const key = JSON.stringify(origin);
        if (originKeys.has(key)) return;
        originKeys.add(key);
        origins.push(origin);
        writeOrigins();
      } else if (added.length > 0) {
        appendFileSync(historyFile, added.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
    },

    reset() {
      all = [];
      byId = new Map();
      indexes = emptyIndexes();
      origins = [];
      originKeys = new Set();
      for (const file of [liveFile, originsFile, historyFile]) {
        if (file) rmSync(file, { force: true });
      }
    },

    flush() {
      return Promise.resolve();
    },
  };
}
