// The audit cache on disk, per account and region, kept past CloudTrail's 90 days:
//
//   <account>_<region>.events.jsonl   every event ever fetched, one line each, append-only. The
//                                      evidence: the CloudTrail record is embedded verbatim.
//   <account>_<region>.snapshot.bin   the parsed columns (see encodeSnapshot), rewritten whole
//                                      (atomically) after a sync: what a warm start reads.
//   <account>_<region>.sync.json      coverage and the resumable checkpoint (sync.ts).
//
// Warm start reads the snapshot, then replays any JSONL lines written after it (a crash between
// append and snapshot loses nothing); without a usable snapshot it rebuilds from the JSONL.
import { z } from 'zod';
import { ingestEvent } from './ingest';
import type { JournalCallLookup } from './journal-fill';
import type { ParsedAuditEvent } from './parse';
import {
  EVENT_DICTS,
  isLazyStrings,
  materialize,
  ROW_DICTS,
  UNINTERNED,
  type AuditScope,
  type LazyStrings,
  type AuditSnapshot,
  type AuditStore,
  type DictName,
  type RawRef,
} from './store';
import {
  auditSyncStateSchema,
  type AuditSyncSink,
  type AuditSyncState,
  type LookupEvent,
} from './sync';

/** Files by plain name (no folders) in the cache folder. */
export type AuditCacheFiles = {
  list: () => Promise<string[]>;
  /** Bytes, or null when the file does not exist. */
  size: (name: string) => Promise<number | null>;
  read: (name: string) => Promise<Uint8Array | null>;
  readRange: (name: string, offset: number, length: number) => Promise<Uint8Array | null>;
  /** The file from `start` in chunks; nothing when it does not exist. */
  stream: (name: string, start: number) => AsyncIterable<Uint8Array>;
  /** Appends and makes it durable before resolving. */
  append: (name: string, data: Uint8Array) => Promise<void>;
  /** Replaces the whole file atomically (readers see the old or the new file, never a mix). */
  replace: (name: string, data: Uint8Array) => Promise<void>;
  remove: (name: string) => Promise<void>;
};

export type LoadReport = {
  accountId: string;
  region: string;
  events: number;
  rows: number;
  /** How the cache was read: snapshot (+ tail), or rebuilt from the raw events. */
  source: 'snapshot' | 'rebuilt' | 'empty';
  tailEvents: number;
  skippedLines: number;
  ms: number;
};

export type AuditCache = {
  /** Loads every cached region of an account (or the given regions) into the store. */
  load: (accountId: string, regions?: readonly string[]) => Promise<LoadReport[]>;
  loadScope: (scope: AuditScope) => Promise<LoadReport>;
  /** Writes new events (by id) to the JSONL and the store; returns how many were new. */
  appendEvents: (scope: AuditScope, events: readonly LookupEvent[]) => Promise<number>;
  saveSnapshot: (scope: AuditScope) => Promise<void>;
  /** The CloudTrail record exactly as received. */
  readRaw: (eventId: string) => Promise<string | null>;
  readSyncState: (scope: AuditScope) => Promise<AuditSyncState>;
  writeSyncState: (scope: AuditScope, state: AuditSyncState) => Promise<void>;
  /** Forgets one account+region: files and rows. */
  clear: (scope: AuditScope) => Promise<void>;
  /** The cache as the sync engine's sink; the snapshot is rewritten when a region's sync ends. */
  syncSink: () => AuditSyncSink;
};

const SAFE_PART = /^[A-Za-z0-9-]+$/;

export function cacheFileNames(scope: AuditScope): {
  events: string;
  snapshot: string;
  sync: string;
} {
  if (!SAFE_PART.test(scope.accountId) || !SAFE_PART.test(scope.region)) {
    throw new Error(
      `Unusable account or region for a cache file: ${scope.accountId}/${scope.region}`,
    );
  }
  const base = `${scope.accountId}_${scope.region}`;
  return {
    events: `${base}.events.jsonl`,
    snapshot: `${base}.snapshot.bin`,
    sync: `${base}.sync.json`,
  };
}

const RAW_KEY = ',"cloudTrailEvent":';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One JSONL line: lookup metadata, then the record verbatim when it is one-line JSON. */
export function encodeEventLine(event: LookupEvent, recordIsJson: boolean): string {
  const meta: Record<string, unknown> = { eventId: event.eventId, eventTime: event.eventTime };
  if (event.eventName !== undefined) meta.eventName = event.eventName;
  if (event.eventSource !== undefined) meta.eventSource = event.eventSource;
  if (event.username !== undefined) meta.username = event.username;
  if (event.accessKeyId !== undefined) meta.accessKeyId = event.accessKeyId;
  const raw = event.cloudTrailEvent;
  const verbatim = recordIsJson && !/[\n\r]/.test(raw);
  return `${JSON.stringify(meta).slice(0, -1)}${RAW_KEY}${verbatim ? raw : JSON.stringify(raw)}}`;
}

const lineMetaSchema = z.object({
  eventId: z.string(),
  eventTime: z.number(),
  eventName: z.string().optional(),
  eventSource: z.string().optional(),
  username: z.string().optional(),
  accessKeyId: z.string().optional(),
});

/** Back from a line to the lookup event; null for a damaged line. */
export function decodeEventLine(line: string): LookupEvent | null {
  // The first occurrence is the real key: inside the JSON strings before it a quote is escaped.
  const at = line.indexOf(RAW_KEY);
  if (at < 0 || !line.endsWith('}')) return null;
  try {
    const meta = lineMetaSchema.parse(JSON.parse(`${line.slice(0, at)}}`));
    let raw = line.slice(at + RAW_KEY.length, -1);
    if (raw.startsWith('"')) {
      const text: unknown = JSON.parse(raw);
      if (typeof text !== 'string') return null;
      raw = text;
    }
    const event: LookupEvent = {
      eventId: meta.eventId,
      eventTime: meta.eventTime,
      cloudTrailEvent: raw,
    };
    if (meta.eventName !== undefined) event.eventName = meta.eventName;
    if (meta.eventSource !== undefined) event.eventSource = meta.eventSource;
    if (meta.username !== undefined) event.username = meta.username;
    if (meta.accessKeyId !== undefined) event.accessKeyId = meta.accessKeyId;
    return event;
  } catch {
    return null;
  }
}

// ---- snapshot format ---------------------------------------------------------------------
// "MDAUDIT1", u32 header length, header JSON, then sections each starting at a multiple of 8.
// Numbers are the typed arrays' bytes (little-endian, as every platform Electron runs on);
// string tables are UTF-8 joined with NUL (JSON when a value holds a NUL).

const MAGIC = 'MDAUDIT1';
const SNAPSHOT_VERSION = 1;

const sectionSchema = z.object({
  name: z.string(),
  kind: z.enum(['f64', 'i32', 'u8', 'nul', 'json']),
  offset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
});
const headerSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  eventCount: z.number().int().nonnegative(),
  rowCount: z.number().int().nonnegative(),
  /** The JSONL length this snapshot reflects; later lines are replayed on load. */
  jsonlBytes: z.number().int().nonnegative(),
  sections: z.array(sectionSchema),
});

type Section = {
  name: string;
  kind: z.infer<typeof sectionSchema>['kind'];
  bytes: Uint8Array;
  count: number;
};

function stringSection(name: string, values: readonly string[]): Section {
  const nul = values.some((v) => v.includes('\u0000'));
  const text = nul ? JSON.stringify(values) : values.join('\u0000');
  return { name, kind: nul ? 'json' : 'nul', bytes: encoder.encode(text), count: values.length };
}

function arraySection(name: string, array: Float64Array | Int32Array | Uint8Array): Section {
  const kind = array instanceof Float64Array ? 'f64' : array instanceof Int32Array ? 'i32' : 'u8';
  return {
    name,
    kind,
    bytes: new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
    count: array.length,
  };
}

function isAscii(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Start of each value in the NUL-joined UTF-8 text, plus one past the end. */
function byteOffsets(values: readonly string[]): Int32Array {
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    offsets[i] = at;
    const v = values[i] ?? '';
    // ASCII (the usual case) needs no encoding to know its byte length.
    at += (isAscii(v) ? v.length : encoder.encode(v).byteLength) + 1;
  }
  offsets[values.length] = at;
  return offsets;
}

export function encodeSnapshot(snap: AuditSnapshot, jsonlBytes: number): Uint8Array {
  const sections: Section[] = [
    stringSection('eventId', snap.eventId),
    arraySection('eventTime', snap.eventTime),
    arraySection('rawOffset', snap.rawOffset),
    arraySection('rawLength', snap.rawLength),
    ...EVENT_DICTS.map((n) => arraySection(`event.${n}`, snap.eventCodes[n])),
    arraySection('rowEvent', snap.rowEvent),
    arraySection('recordIndex', snap.recordIndex),
    arraySection('usageTime', snap.usageTime),
    arraySection('quantity', snap.quantity),
    arraySection('status', snap.status),
    ...ROW_DICTS.map((n) => arraySection(`row.${n}`, snap.rowCodes[n])),
    ...[...ROW_DICTS, ...EVENT_DICTS].flatMap((n) => {
      const values = materialize(snap.dicts[n]);
      const table = stringSection(`dict.${n}`, values);
      // Byte offsets let a warm start read near-unique values one at a time (LazyStrings).
      return UNINTERNED.has(n) && table.kind === 'nul'
        ? [table, arraySection(`offsets.${n}`, byteOffsets(values))]
        : [table];
    }),
  ];
  const align = (n: number): number => Math.ceil(n / 8) * 8;
  // The header's size depends on the offsets it lists; offsets are relative to the data start.
  let offset = 0;
  const placed = sections.map((s) => {
    const entry = {
      name: s.name,
      kind: s.kind,
      offset,
      byteLength: s.bytes.byteLength,
      count: s.count,
    };
    offset = align(offset + s.bytes.byteLength);
    return entry;
  });
  const header = encoder.encode(
    JSON.stringify({
      version: SNAPSHOT_VERSION,
      eventCount: snap.eventCount,
      rowCount: snap.rowCount,
      jsonlBytes,
      sections: placed,
    }),
  );
  const dataStart = align(MAGIC.length + 4 + header.byteLength);
  const out = new Uint8Array(dataStart + offset);
  out.set(encoder.encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.byteLength, true);
  out.set(header, MAGIC.length + 4);
  sections.forEach((s, i) => out.set(s.bytes, dataStart + (placed[i]?.offset ?? 0)));
  return out;
}

export class SnapshotError extends Error {}

export function decodeSnapshot(input: Uint8Array): { snapshot: AuditSnapshot; jsonlBytes: number } {
  // A plain view: Node's Buffer#slice shares memory instead of copying.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const fail = (why: string): never => {
    throw new SnapshotError(`Audit snapshot unusable: ${why}`);
  };
  if (bytes.byteLength < MAGIC.length + 4) fail('too short');
  if (decoder.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) fail('not a snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.byteLength) fail('header cut off');
  let header: z.infer<typeof headerSchema>;
  try {
    header = headerSchema.parse(
      JSON.parse(decoder.decode(bytes.subarray(MAGIC.length + 4, headerEnd))),
    );
  } catch {
    return fail('bad header');
  }
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const byName = new Map(header.sections.map((s) => [s.name, s]));
  const section = (name: string, kind: string, count: number): Uint8Array => {
    const s = byName.get(name);
    if (!s || (s.kind !== kind && !(kind === 'str' && (s.kind === 'nul' || s.kind === 'json')))) {
      return fail(`section ${name} missing`);
    }
    if (kind !== 'str' && s.count !== count) fail(`section ${name} has the wrong length`);
    const start = dataStart + s.offset;
    if (start + s.byteLength > bytes.byteLength) fail(`section ${name} cut off`);
    return bytes.subarray(start, start + s.byteLength);
  };
  // Copies, so the file buffer (and its string sections) can be collected.
  const f64 = (name: string, count: number): Float64Array => {
    const b = section(name, 'f64', count);
    if (b.byteLength !== count * 8) fail(`section ${name} size`);
    return new Float64Array(b.slice().buffer);
  };
  const i32 = (name: string, count: number): Int32Array => {
    const b = section(name, 'i32', count);
    if (b.byteLength !== count * 4) fail(`section ${name} size`);
    return new Int32Array(b.slice().buffer);
  };
  const strings = (name: string): string[] => {
    const b = section(name, 'str', 0);
    const s = byName.get(name);
    const text = decoder.decode(b);
    if (s?.kind === 'json') {
      const parsed = z.array(z.string()).safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : fail(`section ${name} bad`);
    }
    const values = text.split('\u0000');
    if (values.length !== s?.count) fail(`section ${name} count`);
    return values;
  };
  const table = (name: DictName): string[] | LazyStrings => {
    const s = byName.get(`dict.${name}`);
    const offsets = byName.get(`offsets.${name}`);
    if (!s || s.kind !== 'nul' || !offsets) return strings(`dict.${name}`);
    const lazy: LazyStrings = {
      count: s.count,
      bytes: section(`dict.${name}`, 'str', 0).slice(),
      offsets: i32(`offsets.${name}`, s.count + 1),
    };
    if ((lazy.offsets[s.count] ?? 0) !== lazy.bytes.byteLength + 1) fail(`offsets of ${name}`);
    return lazy;
  };
  const ne = header.eventCount;
  const nr = header.rowCount;
  const statusBytes = section('status', 'u8', nr);
  const snapshot: AuditSnapshot = {
    eventCount: ne,
    rowCount: nr,
    eventId: strings('eventId'),
    eventTime: f64('eventTime', ne),
    rawOffset: f64('rawOffset', ne),
    rawLength: f64('rawLength', ne),
    eventCodes: Object.fromEntries(EVENT_DICTS.map((n) => [n, i32(`event.${n}`, ne)])) as Record<
      (typeof EVENT_DICTS)[number],
      Int32Array
    >,
    rowEvent: i32('rowEvent', nr),
    recordIndex: i32('recordIndex', nr),
    usageTime: f64('usageTime', nr),
    quantity: f64('quantity', nr),
    status: statusBytes.slice(),
    rowCodes: Object.fromEntries(ROW_DICTS.map((n) => [n, i32(`row.${n}`, nr)])) as Record<
      (typeof ROW_DICTS)[number],
      Int32Array
    >,
    dicts: Object.fromEntries([...ROW_DICTS, ...EVENT_DICTS].map((n) => [n, table(n)])) as Record<
      DictName,
      string[] | LazyStrings
    >,
  };
  if (snapshot.eventId.length !== ne) fail('event ids');
  // Cheap bounds checks so a damaged file is rebuilt instead of answering with garbage.
  const inRange = (codes: Int32Array, size: number): boolean => {
    for (const c of codes) if (c < 0 || c >= size) return false;
    return true;
  };
  if (!inRange(snapshot.rowEvent, ne)) fail('row → event out of range');
  const sizeOf = (t: string[] | LazyStrings): number => (isLazyStrings(t) ? t.count : t.length);
  for (const n of EVENT_DICTS) {
    if (!inRange(snapshot.eventCodes[n], sizeOf(snapshot.dicts[n]))) fail(`codes ${n}`);
  }
  for (const n of ROW_DICTS) {
    if (!inRange(snapshot.rowCodes[n], sizeOf(snapshot.dicts[n]))) fail(`codes ${n}`);
  }
  return { snapshot, jsonlBytes: header.jsonlBytes };
}

// ---- the cache ---------------------------------------------------------------------------

function scopeKey(scope: AuditScope): string {
  return `${scope.accountId}_${scope.region}`;
}

export type AuditCacheDeps = {
  files: AuditCacheFiles;
  store: AuditStore;
  /** This app's journal calls by request id, to fill in events CloudTrail truncated. */
  journalCalls?: () => Promise<JournalCallLookup>;
};

export function createAuditCache(deps: AuditCacheDeps): AuditCache {
  const { files, store } = deps;
  const journal = async (): Promise<JournalCallLookup | undefined> =>
    deps.journalCalls ? await deps.journalCalls() : undefined;
  /** JSONL length per scope as we last knew it, and whether its last line was torn. */
  const jsonl = new Map<string, { bytes: number; torn: boolean }>();
  const locks = new Map<string, Promise<unknown>>();

  /** Serializes work per scope: offsets into the JSONL must not interleave. */
  function locked<T>(scope: AuditScope, work: () => Promise<T>): Promise<T> {
    const key = scopeKey(scope);
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    locks.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  async function jsonlState(scope: AuditScope): Promise<{ bytes: number; torn: boolean }> {
    const known = jsonl.get(scopeKey(scope));
    if (known) return known;
    const state = { bytes: (await files.size(cacheFileNames(scope).events)) ?? 0, torn: false };
    jsonl.set(scopeKey(scope), state);
    return state;
  }

  /** Replays JSONL lines from `start` into the store. */
  async function replay(
    scope: AuditScope,
    start: number,
  ): Promise<{ events: number; skipped: number; end: number; torn: boolean }> {
    const name = cacheFileNames(scope).events;
    let offset = start;
    let pending: Uint8Array = new Uint8Array(0);
    let events = 0;
    let skipped = 0;
    let batch: ParsedAuditEvent[] = [];
    let refs: RawRef[] = [];
    const calls = await journal();
    const flush = (): void => {
      events += store.append(batch, refs).events;
      batch = [];
      refs = [];
    };
    const handle = (line: Uint8Array, at: number): void => {
      if (line.byteLength === 0) return;
      const event = decodeEventLine(decoder.decode(line));
      if (!event) {
        skipped++;
        return;
      }
      batch.push(ingestEvent(event, scope, calls).parsed);
      refs.push({ offset: at, length: line.byteLength });
      if (batch.length >= 2000) flush();
    };
    for await (const chunk of files.stream(name, start)) {
      const data = pending.byteLength === 0 ? chunk : concat(pending, chunk);
      let lineStart = 0;
      let nl = data.indexOf(0x0a, lineStart);
      while (nl >= 0) {
        handle(data.subarray(lineStart, nl), offset + lineStart);
        lineStart = nl + 1;
        nl = data.indexOf(0x0a, lineStart);
      }
      offset += lineStart;
      pending = data.slice(lineStart);
    }
    flush();
    // A last line without its newline was cut off mid-write: skip it, and start the next
    // append on a fresh line so the damage stays confined to that one line.
    const torn = pending.byteLength > 0;
    if (torn) skipped++;
    return { events, skipped, end: offset + pending.byteLength, torn };
  }

  async function loadScope(scope: AuditScope): Promise<LoadReport> {
    return locked(scope, async () => {
      const started = performance.now();
      const names = cacheFileNames(scope);
      const size = (await files.size(names.events)) ?? 0;
      let source: LoadReport['source'] = 'empty';
      let from = 0;
      let events = 0;
      let rows = 0;
      const bytes = await files.read(names.snapshot);
      if (bytes) {
        try {
          const { snapshot, jsonlBytes } = decodeSnapshot(bytes);
          if (jsonlBytes <= size) {
            const added = store.appendSnapshot(snapshot);
            events += added.events;
            rows += added.rows;
            from = jsonlBytes;
            source = 'snapshot';
          }
        } catch (error) {
          if (!(error instanceof SnapshotError)) throw error;
        }
      }
      const rowsBefore = store.rowCount();
      const tail =
        from < size ? await replay(scope, from) : { events: 0, skipped: 0, end: size, torn: false };
      rows += store.rowCount() - rowsBefore;
      events += tail.events;
      if (source === 'empty' && tail.events > 0) source = 'rebuilt';
      jsonl.set(scopeKey(scope), { bytes: tail.end, torn: tail.torn });
      const report: LoadReport = {
        ...scope,
        events,
        rows,
        source,
        tailEvents: source === 'snapshot' ? tail.events : 0,
        skippedLines: tail.skipped,
        ms: performance.now() - started,
      };
      return report;
    }).then(async (report) => {
      // A rebuilt or extended cache gets a fresh snapshot so the next start is fast again.
      if (report.source === 'rebuilt' || report.tailEvents > 0) await saveSnapshot(scope);
      return report;
    });
  }

  async function load(accountId: string, regions?: readonly string[]): Promise<LoadReport[]> {
    let wanted = regions;
    if (!wanted) {
      const suffix = '.events.jsonl';
      const prefix = `${accountId}_`;
      wanted = (await files.list())
        .filter((n) => n.startsWith(prefix) && n.endsWith(suffix))
        .map((n) => n.slice(prefix.length, -suffix.length));
    }
    const reports: LoadReport[] = [];
    for (const region of wanted) reports.push(await loadScope({ accountId, region }));
    return reports;
  }

  async function appendEvents(scope: AuditScope, events: readonly LookupEvent[]): Promise<number> {
    return locked(scope, async () => {
      const state = await jsonlState(scope);
      const seen = new Set<string>();
      const parsedEvents: ParsedAuditEvent[] = [];
      const refs: RawRef[] = [];
      const lines: string[] = [];
      let offset = state.bytes + (state.torn ? 1 : 0);
      const calls = await journal();
      for (const event of events) {
        if (seen.has(event.eventId) || store.has(event.eventId)) continue;
        seen.add(event.eventId);
        const { parsed, json } = ingestEvent(event, scope, calls);
        const line = encodeEventLine(event, json);
        const length = encoder.encode(line).byteLength;
        parsedEvents.push(parsed);
        refs.push({ offset, length });
        lines.push(line);
        offset += length + 1;
      }
      if (lines.length === 0) return 0;
      const text = `${state.torn ? '\n' : ''}${lines.join('\n')}\n`;
      // Disk first: if we crash before the store sees them, the next load replays them.
      await files.append(cacheFileNames(scope).events, encoder.encode(text));
      state.bytes = offset;
      state.torn = false;
      return store.append(parsedEvents, refs).events;
    });
  }

  async function saveSnapshot(scope: AuditScope): Promise<void> {
    await locked(scope, async () => {
      const state = await jsonlState(scope);
      const bytes = encodeSnapshot(store.snapshot(scope), state.bytes);
      await files.replace(cacheFileNames(scope).snapshot, bytes);
    });
  }

  async function readRaw(eventId: string): Promise<string | null> {
    const scope = store.eventScope(eventId);
    const ref = store.rawRef(eventId);
    if (!scope || !ref) return null;
    const bytes = await files.readRange(cacheFileNames(scope).events, ref.offset, ref.length);
    if (!bytes) return null;
    const event = decodeEventLine(decoder.decode(bytes));
    return event && event.eventId === eventId ? event.cloudTrailEvent : null;
  }

  async function readSyncState(scope: AuditScope): Promise<AuditSyncState> {
    const bytes = await files.read(cacheFileNames(scope).sync);
    if (!bytes) return { coverage: [] };
    try {
      const parsed = auditSyncStateSchema.safeParse(JSON.parse(decoder.decode(bytes)));
      // A damaged state file only costs a re-fetch: coverage starts over.
      return parsed.success ? parsed.data : { coverage: [] };
    } catch {
      return { coverage: [] };
    }
  }

  async function writeSyncState(scope: AuditScope, state: AuditSyncState): Promise<void> {
    await files.replace(cacheFileNames(scope).sync, encoder.encode(JSON.stringify(state)));
  }

  async function clear(scope: AuditScope): Promise<void> {
    await locked(scope, async () => {
      const names = cacheFileNames(scope);
      await files.remove(names.snapshot);
      await files.remove(names.sync);
      await files.remove(names.events);
      store.remove(scope);
      jsonl.delete(scopeKey(scope));
    });
  }

  return {
    load,
    loadScope,
    appendEvents,
    saveSnapshot,
    readRaw,
    readSyncState,
    writeSyncState,
    clear,
    syncSink: () => ({
      readState: readSyncState,
      writeState: writeSyncState,
      appendEvents,
      flush: saveSnapshot,
    }),
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
