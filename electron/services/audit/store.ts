// The in-memory audit cache: usage rows stored column-wise so a million of them filter, sort and
// aggregate in milliseconds without a database (no native modules).
//
// Layout: event-level columns (id, time, caller, region, …) once per CloudTrail event; row-level
// columns per usage record, each row pointing at its event. Numbers live in typed arrays; strings
// are dictionary-encoded (Int32Array codes into a string table, code 0 = absent). Queries compile
// filters into passes over those arrays, sort through cached rank/permutation arrays, and only
// the requested window is turned back into objects.
import {
  auditStatuses,
  DAY_MS,
  HOUR_MS,
  type AuditAggregateInput,
  type AuditAggregateOutput,
  type AuditColumn,
  type AuditFilter,
  type AuditQueryInput,
  type AuditQueryOutput,
  type AuditRow,
  type AuditSort,
  type AuditStatus,
  type AuditTextFilter,
} from '../../../shared/audit';
import type { ParsedAuditEvent } from './parse';

export const ROW_DICTS = [
  'customerIdentifier',
  'customerAwsAccountId',
  'licenseArn',
  'productCode',
  'dimension',
  'allocations',
  'errorCode',
  'errorMessage',
  'meteringRecordId',
  'filledFrom',
] as const;
export type RowDictName = (typeof ROW_DICTS)[number];

export const EVENT_DICTS = [
  'eventName',
  'region',
  'accountId',
  'callerArn',
  'userName',
  'accessKeyId',
  'identityType',
  'person',
  'requestId',
  'truncated',
] as const;
export type EventDictName = (typeof EVENT_DICTS)[number];
export type DictName = RowDictName | EventDictName;

/** Columns whose values are (nearly) unique per row: a lookup map would cost more than it saves. */
export const UNINTERNED = new Set<DictName>(['meteringRecordId', 'allocations', 'requestId']);

/** Where an event's raw record sits in the persisted JSONL (bytes); -1 when unknown. */
export type RawRef = { offset: number; length: number };

export type AuditScope = { accountId: string; region: string };

/** Everything the store holds, as plain arrays: what persistence writes and reads. */
export type AuditSnapshot = {
  eventCount: number;
  rowCount: number;
  eventId: string[];
  eventTime: Float64Array;
  rawOffset: Float64Array;
  rawLength: Float64Array;
  eventCodes: Record<EventDictName, Int32Array>;
  rowEvent: Int32Array;
  recordIndex: Int32Array;
  usageTime: Float64Array;
  quantity: Float64Array;
  status: Uint8Array;
  rowCodes: Record<RowDictName, Int32Array>;
  /** String tables; index 0 is always "" (absent). */
  dicts: Record<DictName, string[] | LazyStrings>;
};

export type AuditStore = {
  /** Bumped on every change; query answers carry it. */
  version: () => number;
  eventCount: () => number;
  rowCount: () => number;
  has: (eventId: string) => boolean;
  /** Adds events not seen before (by event id); returns what was new. */
  append: (
    events: readonly ParsedAuditEvent[],
    refs?: readonly (RawRef | undefined)[],
  ) => { events: number; rows: number };
  appendSnapshot: (snapshot: AuditSnapshot) => { events: number; rows: number };
  /** The whole store, or one account+region of it, as compact columns. */
  snapshot: (scope?: AuditScope) => AuditSnapshot;
  /** Drops one account+region (cache cleared); returns the events removed. */
  remove: (scope: AuditScope) => number;
  rawRef: (eventId: string) => RawRef | undefined;
  /** The account and region an event was fetched from (where its raw record is kept). */
  eventScope: (eventId: string) => AuditScope | undefined;
  setRawRef: (eventId: string, ref: RawRef) => void;
  newestEventTime: (scope?: AuditScope) => number | null;
  query: (input: AuditQueryInput) => AuditQueryOutput;
  aggregate: (filter: AuditFilter, input: AuditAggregateInput) => AuditAggregateOutput;
  /** Rows of one event, for the raw/evidence view. */
  rowsOfEvent: (eventId: string) => AuditRow[];
};

/**
 * A string table still in its on-disk form (UTF-8, NUL-separated, with byte offsets): the
 * near-unique columns are decoded one value at a time until a filter or sort needs them all,
 * which keeps a warm start from spending its time on a million metering record ids.
 */
export type LazyStrings = { count: number; bytes: Uint8Array; offsets: Int32Array };

const lazyDecoder = new TextDecoder();

export function isLazyStrings(table: string[] | LazyStrings): table is LazyStrings {
  return !Array.isArray(table);
}

export function lazyAt(table: LazyStrings, i: number): string {
  const start = table.offsets[i] ?? 0;
  const end = (table.offsets[i + 1] ?? start + 1) - 1;
  return end > start ? lazyDecoder.decode(table.bytes.subarray(start, end)) : '';
}

export function materialize(table: string[] | LazyStrings): string[] {
  if (!isLazyStrings(table)) return table;
  const end = table.offsets[table.count] ?? 0;
  const text = lazyDecoder.decode(table.bytes.subarray(0, Math.max(0, end - 1)));
  return table.count === 0 ? [] : text.split('\u0000');
}

class Dict {
  private list: string[] | null;
  private lazy: LazyStrings | null;
  private readonly index: Map<string, number> | null;

  constructor(interned: boolean, source: string[] | LazyStrings = ['']) {
    this.list = isLazyStrings(source) ? null : source;
    this.lazy = isLazyStrings(source) ? source : null;
    if (!interned) {
      this.index = null;
      return;
    }
    this.index = new Map();
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined && !this.index.has(v)) this.index.set(v, i);
    }
  }

  get values(): string[] {
    if (!this.list) {
      this.list = this.lazy ? materialize(this.lazy) : [''];
      this.lazy = null;
    }
    return this.list;
  }

  get size(): number {
    return this.list ? this.list.length : (this.lazy?.count ?? 1);
  }

  at(code: number): string {
    if (this.list) return this.list[code] ?? '';
    return this.lazy && code < this.lazy.count ? lazyAt(this.lazy, code) : '';
  }

  code(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    const values = this.values;
    if (this.index) {
      const found = this.index.get(value);
      if (found !== undefined) return found;
      this.index.set(value, values.length);
    }
    values.push(value);
    return values.length - 1;
  }

  find(value: string): number | undefined {
    if (value === '') return 0;
    return this.index?.get(value);
  }
}

function growF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
function growI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

function mapRecord<K extends string, V>(keys: readonly K[], make: (key: K) => V): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const key of keys) out[key] = make(key);
  return out;
}

const STATUS_CODE = new Map<string, number>(auditStatuses.map((s, i) => [s, i]));

type Pass =
  | { kind: 'code'; col: Int32Array | Uint8Array; mask: Uint8Array }
  | { kind: 'event'; mask: Uint8Array }
  | { kind: 'range'; col: Float64Array; lo: number; hi: number };

export function createAuditStore(): AuditStore {
  let version = 0;
  let nEvents = 0;
  let nRows = 0;
  let eventCap = 0;
  let rowCap = 0;

  let eventIds: string[] = [];
  let eventIndex = new Map<string, number>();
  let eventTime: Float64Array = new Float64Array(0);
  let rawOffset: Float64Array = new Float64Array(0);
  let rawLength: Float64Array = new Float64Array(0);
  let eventCodes: Record<EventDictName, Int32Array> = mapRecord(
    EVENT_DICTS,
    () => new Int32Array(0),
  );

  let rowEvent: Int32Array = new Int32Array(0);
  let recordIndex: Int32Array = new Int32Array(0);
  let usageTime: Float64Array = new Float64Array(0);
  let quantity: Float64Array = new Float64Array(0);
  let status: Uint8Array = new Uint8Array(0);
  let rowCodes: Record<RowDictName, Int32Array> = mapRecord(ROW_DICTS, () => new Int32Array(0));

  let dicts = mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) => new Dict(!UNINTERNED.has(name)));

  // Derived data, rebuilt lazily after a change.
  const ranks = new Map<AuditColumn, { rank: Int32Array; max: number }>();
  const perms = new Map<string, Int32Array>();
  let filterCache: { key: string; version: number; rows: Int32Array } | null = null;
  let sortCache: { key: string; version: number; rows: Int32Array } | null = null;

  function changed(): void {
    version++;
    ranks.clear();
    perms.clear();
    filterCache = null;
    sortCache = null;
  }

  function ensureEventCap(need: number): void {
    if (need <= eventCap) return;
    eventCap = Math.max(need, eventCap * 2, 1024);
    eventTime = growF64(eventTime, eventCap);
    rawOffset = growF64(rawOffset, eventCap);
    rawLength = growF64(rawLength, eventCap);
    for (const name of EVENT_DICTS) eventCodes[name] = growI32(eventCodes[name], eventCap);
  }

  function ensureRowCap(need: number): void {
    if (need <= rowCap) return;
    rowCap = Math.max(need, rowCap * 2, 4096);
    rowEvent = growI32(rowEvent, rowCap);
    recordIndex = growI32(recordIndex, rowCap);
    usageTime = growF64(usageTime, rowCap);
    quantity = growF64(quantity, rowCap);
    status = growU8(status, rowCap);
    for (const name of ROW_DICTS) rowCodes[name] = growI32(rowCodes[name], rowCap);
  }

  function append(
    events: readonly ParsedAuditEvent[],
    refs?: readonly (RawRef | undefined)[],
  ): { events: number; rows: number } {
    let addedEvents = 0;
    let addedRows = 0;
    events.forEach((event, i) => {
      if (eventIndex.has(event.eventId)) return;
      const e = nEvents;
      ensureEventCap(e + 1);
      eventIds.push(event.eventId);
      eventIndex.set(event.eventId, e);
      eventTime[e] = event.eventTime;
      const ref = refs?.[i];
      rawOffset[e] = ref?.offset ?? -1;
      rawLength[e] = ref?.length ?? -1;
      eventCodes.eventName[e] = dicts.eventName.code(event.eventName);
      eventCodes.region[e] = dicts.region.code(event.region);
      eventCodes.accountId[e] = dicts.accountId.code(event.accountId);
      eventCodes.callerArn[e] = dicts.callerArn.code(event.callerArn);
      eventCodes.userName[e] = dicts.userName.code(event.userName);
      eventCodes.accessKeyId[e] = dicts.accessKeyId.code(event.accessKeyId);
      eventCodes.identityType[e] = dicts.identityType.code(event.identityType);
      eventCodes.person[e] = dicts.person.code(event.person);
      eventCodes.requestId[e] = dicts.requestId.code(event.requestId);
      eventCodes.truncated[e] = dicts.truncated.code(event.truncated);
      nEvents++;
      addedEvents++;
      ensureRowCap(nRows + event.rows.length);
      for (const row of event.rows) {
        const r = nRows++;
        rowEvent[r] = e;
        recordIndex[r] = row.recordIndex;
        usageTime[r] = row.usageTime ?? NaN;
        quantity[r] = row.quantity;
        status[r] = STATUS_CODE.get(row.status) ?? 0;
        for (const name of ROW_DICTS) rowCodes[name][r] = dicts[name].code(row[name]);
        addedRows++;
      }
    });
    if (addedEvents > 0) changed();
    return { events: addedEvents, rows: addedRows };
  }

  function appendSnapshot(snap: AuditSnapshot): { events: number; rows: number } {
    if (nEvents === 0 && isConsistent(snap)) {
      adopt(snap);
      changed();
      return { events: nEvents, rows: nRows };
    }
    // Merge: remap the snapshot's codes into ours and skip events we already hold.
    const remap = mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) => {
      const table = materialize(snap.dicts[name]);
      const out = new Int32Array(table.length);
      for (let i = 1; i < table.length; i++) out[i] = dicts[name].code(table[i]);
      return out;
    });
    const eventMap = new Int32Array(snap.eventCount).fill(-1);
    let addedEvents = 0;
    ensureEventCap(nEvents + snap.eventCount);
    for (let se = 0; se < snap.eventCount; se++) {
      const id = snap.eventId[se];
      if (id === undefined || eventIndex.has(id)) continue;
      const e = nEvents++;
      eventMap[se] = e;
      eventIds.push(id);
      eventIndex.set(id, e);
      eventTime[e] = snap.eventTime[se] ?? NaN;
      rawOffset[e] = snap.rawOffset[se] ?? -1;
      rawLength[e] = snap.rawLength[se] ?? -1;
      for (const name of EVENT_DICTS) {
        eventCodes[name][e] = remap[name][snap.eventCodes[name][se] ?? 0] ?? 0;
      }
      addedEvents++;
    }
    let addedRows = 0;
    ensureRowCap(nRows + snap.rowCount);
    for (let sr = 0; sr < snap.rowCount; sr++) {
      const e = eventMap[snap.rowEvent[sr] ?? -1] ?? -1;
      if (e < 0) continue;
      const r = nRows++;
      rowEvent[r] = e;
      recordIndex[r] = snap.recordIndex[sr] ?? 0;
      usageTime[r] = snap.usageTime[sr] ?? NaN;
      quantity[r] = snap.quantity[sr] ?? 0;
      status[r] = snap.status[sr] ?? 0;
      for (const name of ROW_DICTS)
        rowCodes[name][r] = remap[name][snap.rowCodes[name][sr] ?? 0] ?? 0;
      addedRows++;
    }
    if (addedEvents > 0) changed();
    return { events: addedEvents, rows: addedRows };
  }

  /** A snapshot with unique event ids can be taken over as is (the warm-start fast path). */
  function isConsistent(snap: AuditSnapshot): boolean {
    return new Set(snap.eventId).size === snap.eventCount;
  }

  function adopt(snap: AuditSnapshot): void {
    nEvents = eventCap = snap.eventCount;
    nRows = rowCap = snap.rowCount;
    eventIds = snap.eventId;
    eventIndex = new Map();
    for (let e = 0; e < nEvents; e++) eventIndex.set(eventIds[e] ?? '', e);
    eventTime = snap.eventTime;
    rawOffset = snap.rawOffset;
    rawLength = snap.rawLength;
    eventCodes = snap.eventCodes;
    rowEvent = snap.rowEvent;
    recordIndex = snap.recordIndex;
    usageTime = snap.usageTime;
    quantity = snap.quantity;
    status = snap.status;
    rowCodes = snap.rowCodes;
    dicts = mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) => {
      const table = snap.dicts[name];
      const usable = isLazyStrings(table) ? table.count > 0 : table.length > 0;
      return new Dict(!UNINTERNED.has(name), usable ? table : ['']);
    });
  }

  function scopeMask(scope: AuditScope): Uint8Array {
    const mask = new Uint8Array(nEvents);
    const account = dicts.accountId.find(scope.accountId);
    const region = dicts.region.find(scope.region);
    if (account === undefined || region === undefined) return mask;
    for (let e = 0; e < nEvents; e++) {
      mask[e] = eventCodes.accountId[e] === account && eventCodes.region[e] === region ? 1 : 0;
    }
    return mask;
  }

  /** Copies the events a mask selects (and their rows) into compact columns and tables. */
  function extract(mask: Uint8Array | null): AuditSnapshot {
    const keepEvent = new Int32Array(nEvents).fill(-1);
    let ne = 0;
    for (let e = 0; e < nEvents; e++) if (!mask || mask[e]) keepEvent[e] = ne++;
    if (ne === nEvents) {
      // Everything: plain copies (the tables are already compact).
      return {
        eventCount: nEvents,
        rowCount: nRows,
        eventId: eventIds.slice(),
        eventTime: eventTime.slice(0, nEvents),
        rawOffset: rawOffset.slice(0, nEvents),
        rawLength: rawLength.slice(0, nEvents),
        eventCodes: mapRecord(EVENT_DICTS, (name) => eventCodes[name].slice(0, nEvents)),
        rowEvent: rowEvent.slice(0, nRows),
        recordIndex: recordIndex.slice(0, nRows),
        usageTime: usageTime.slice(0, nRows),
        quantity: quantity.slice(0, nRows),
        status: status.slice(0, nRows),
        rowCodes: mapRecord(ROW_DICTS, (name) => rowCodes[name].slice(0, nRows)),
        dicts: mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) => dicts[name].values.slice()),
      };
    }
    let nr = 0;
    for (let r = 0; r < nRows; r++) if ((keepEvent[rowEvent[r] ?? 0] ?? -1) >= 0) nr++;

    const newDicts = mapRecord(
      [...ROW_DICTS, ...EVENT_DICTS],
      (name) => new Dict(!UNINTERNED.has(name)),
    );
    const remap = mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) =>
      new Int32Array(dicts[name].size).fill(-1),
    );
    const recode = (name: DictName, code: number): number => {
      const table = remap[name];
      const known = table[code] ?? -1;
      if (known >= 0) return known;
      const fresh = newDicts[name].code(dicts[name].at(code));
      // Uninterned tables give every row its own slot; only interned codes can be reused.
      if (!UNINTERNED.has(name)) table[code] = fresh;
      return fresh;
    };

    const snap: AuditSnapshot = {
      eventCount: ne,
      rowCount: nr,
      eventId: new Array<string>(ne),
      eventTime: new Float64Array(ne),
      rawOffset: new Float64Array(ne),
      rawLength: new Float64Array(ne),
      eventCodes: mapRecord(EVENT_DICTS, () => new Int32Array(ne)),
      rowEvent: new Int32Array(nr),
      recordIndex: new Int32Array(nr),
      usageTime: new Float64Array(nr),
      quantity: new Float64Array(nr),
      status: new Uint8Array(nr),
      rowCodes: mapRecord(ROW_DICTS, () => new Int32Array(nr)),
      dicts: mapRecord([...ROW_DICTS, ...EVENT_DICTS], (name) => newDicts[name].values),
    };
    for (let e = 0; e < nEvents; e++) {
      const to = keepEvent[e] ?? -1;
      if (to < 0) continue;
      snap.eventId[to] = eventIds[e] ?? '';
      snap.eventTime[to] = eventTime[e] ?? NaN;
      snap.rawOffset[to] = rawOffset[e] ?? -1;
      snap.rawLength[to] = rawLength[e] ?? -1;
      for (const name of EVENT_DICTS)
        snap.eventCodes[name][to] = recode(name, eventCodes[name][e] ?? 0);
    }
    let to = 0;
    for (let r = 0; r < nRows; r++) {
      const e = keepEvent[rowEvent[r] ?? 0] ?? -1;
      if (e < 0) continue;
      snap.rowEvent[to] = e;
      snap.recordIndex[to] = recordIndex[r] ?? 0;
      snap.usageTime[to] = usageTime[r] ?? NaN;
      snap.quantity[to] = quantity[r] ?? 0;
      snap.status[to] = status[r] ?? 0;
      for (const name of ROW_DICTS) snap.rowCodes[name][to] = recode(name, rowCodes[name][r] ?? 0);
      to++;
    }
    return snap;
  }

  function snapshot(scope?: AuditScope): AuditSnapshot {
    return extract(scope ? scopeMask(scope) : null);
  }

  function remove(scope: AuditScope): number {
    const mask = scopeMask(scope);
    let removed = 0;
    for (let e = 0; e < nEvents; e++) {
      if (mask[e]) removed++;
      mask[e] = mask[e] ? 0 : 1;
    }
    if (removed === 0) return 0;
    const rest = extract(mask);
    nEvents = nRows = eventCap = rowCap = 0;
    adopt(rest);
    changed();
    return removed;
  }

  function newestEventTime(scope?: AuditScope): number | null {
    const mask = scope ? scopeMask(scope) : null;
    let newest = -Infinity;
    for (let e = 0; e < nEvents; e++) {
      if (mask && !mask[e]) continue;
      const t = eventTime[e] ?? -Infinity;
      if (t > newest) newest = t;
    }
    return newest === -Infinity ? null : newest;
  }

  // ---- filtering -------------------------------------------------------------------------

  function textMask(values: readonly string[], filter: AuditTextFilter): Uint8Array {
    const mask = new Uint8Array(values.length);
    const yes = filter.not ? 0 : 1;
    const no = 1 - yes;
    if (filter.op === 'equals') {
      for (let i = 0; i < values.length; i++) mask[i] = values[i] === filter.value ? yes : no;
    } else if (filter.op === 'in') {
      const set = new Set(filter.values);
      for (let i = 0; i < values.length; i++) mask[i] = set.has(values[i] ?? '') ? yes : no;
    } else {
      const needle = filter.value;
      // A case-folding regex avoids lower-casing a million strings; without letters, includes().
      const fold = !filter.caseSensitive && needle.toUpperCase() !== needle.toLowerCase();
      const re = fold ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : null;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] ?? '';
        mask[i] = (re ? re.test(v) : v.includes(needle)) ? yes : no;
      }
    }
    return mask;
  }

  function isRowDict(column: string): column is RowDictName {
    return (ROW_DICTS as readonly string[]).includes(column);
  }
  function isEventDict(column: string): column is EventDictName {
    return (EVENT_DICTS as readonly string[]).includes(column);
  }

  /** Compiles a filter into passes; null means nothing can match. */
  function compile(filter: AuditFilter): Pass[] | null {
    const passes: Pass[] = [];
    const events: { mask: Uint8Array | null } = { mask: null };
    const andEvents = (mask: Uint8Array): void => {
      const into = events.mask;
      if (!into) events.mask = mask;
      else for (let e = 0; e < nEvents; e++) into[e] = (into[e] ?? 0) & (mask[e] ?? 0);
    };
    for (const text of filter.text ?? []) {
      const column = text.column;
      if (column === 'eventId') {
        andEvents(textMask(eventIds, text));
      } else if (column === 'status') {
        passes.push({ kind: 'code', col: status, mask: textMask(auditStatuses, text) });
      } else if (isEventDict(column)) {
        const codeMask = textMask(dicts[column].values, text);
        const codes = eventCodes[column];
        const mask = new Uint8Array(nEvents);
        for (let e = 0; e < nEvents; e++) mask[e] = codeMask[codes[e] ?? 0] ?? 0;
        andEvents(mask);
      } else if (isRowDict(column)) {
        passes.push({
          kind: 'code',
          col: rowCodes[column],
          mask: textMask(dicts[column].values, text),
        });
      }
    }
    if (filter.statuses) {
      const allowed = new Set<AuditStatus>(filter.statuses);
      const mask = new Uint8Array(auditStatuses.length);
      auditStatuses.forEach((s, i) => (mask[i] = allowed.has(s) ? 1 : 0));
      passes.push({ kind: 'code', col: status, mask });
    }
    if (filter.eventTime) {
      const lo = filter.eventTime.from ?? -Infinity;
      const hi = filter.eventTime.to ?? Infinity;
      const mask = new Uint8Array(nEvents);
      for (let e = 0; e < nEvents; e++) {
        const t = eventTime[e] ?? NaN;
        mask[e] = t >= lo && t < hi ? 1 : 0;
      }
      andEvents(mask);
    }
    if (filter.usageHour) {
      // hour(t) >= from  ⇔  t >= ceilHour(from); hour(t) < to  ⇔  t < ceilHour(to).
      const ceilHour = (v: number): number => Math.ceil(v / HOUR_MS) * HOUR_MS;
      const lo = filter.usageHour.from === undefined ? -Infinity : ceilHour(filter.usageHour.from);
      const hi = filter.usageHour.to === undefined ? Infinity : ceilHour(filter.usageHour.to);
      passes.push({ kind: 'range', col: usageTime, lo, hi });
    }
    if (filter.quantity) {
      const lo = filter.quantity.min ?? -Infinity;
      // Quantities are integers: an inclusive max m is the exclusive bound floor(m) + 1.
      const hi = filter.quantity.max === undefined ? Infinity : Math.floor(filter.quantity.max) + 1;
      passes.push({ kind: 'range', col: quantity, lo, hi });
    }
    if (events.mask) passes.unshift({ kind: 'event', mask: events.mask });
    // Drop passes that let everything through; a pass that lets nothing through ends it.
    const useful: Pass[] = [];
    for (const pass of passes) {
      if (pass.kind === 'range') {
        useful.push(pass);
        continue;
      }
      let any = false;
      let all = true;
      for (const m of pass.mask) {
        if (m) any = true;
        else all = false;
      }
      if (!any) return null;
      if (!all) useful.push(pass);
    }
    return useful;
  }

  function runPasses(passes: Pass[]): Int32Array {
    let list: Int32Array | null = null;
    let len = nRows;
    for (const pass of passes) {
      const src: Int32Array | null = list;
      const out: Int32Array = src ?? new Int32Array(nRows);
      let k = 0;
      const n = len;
      switch (pass.kind) {
        case 'code': {
          const { col, mask } = pass;
          if (src) {
            for (let i = 0; i < n; i++) {
              const r = src[i] ?? 0;
              if (mask[col[r] ?? 0]) out[k++] = r;
            }
          } else {
            for (let r = 0; r < n; r++) if (mask[col[r] ?? 0]) out[k++] = r;
          }
          break;
        }
        case 'event': {
          const { mask } = pass;
          if (src) {
            for (let i = 0; i < n; i++) {
              const r = src[i] ?? 0;
              if (mask[rowEvent[r] ?? 0]) out[k++] = r;
            }
          } else {
            for (let r = 0; r < n; r++) if (mask[rowEvent[r] ?? 0]) out[k++] = r;
          }
          break;
        }
        case 'range': {
          const { col, lo, hi } = pass;
          if (src) {
            for (let i = 0; i < n; i++) {
              const r = src[i] ?? 0;
              const v = col[r] ?? NaN;
              if (v >= lo && v < hi) out[k++] = r;
            }
          } else {
            for (let r = 0; r < n; r++) {
              const v = col[r] ?? NaN;
              if (v >= lo && v < hi) out[k++] = r;
            }
          }
          break;
        }
      }
      list = out;
      len = k;
      if (len === 0) break;
    }
    if (!list) {
      const all = new Int32Array(nRows);
      for (let r = 0; r < nRows; r++) all[r] = r;
      return all;
    }
    return list.slice(0, len);
  }

  /** Matching rows in storage order (cached for the last filter). */
  function filterRows(filter: AuditFilter): Int32Array {
    const key = JSON.stringify(filter);
    if (filterCache && filterCache.key === key && filterCache.version === version) {
      return filterCache.rows;
    }
    const passes = compile(filter);
    const rows = passes ? runPasses(passes) : new Int32Array(0);
    filterCache = { key, version, rows };
    return rows;
  }

  // ---- sorting ---------------------------------------------------------------------------

  /** Dense ranks of numbers (NaN first, as "absent"); equal values share a rank. */
  function rankNumbers(values: Float64Array, n: number): { rank: Int32Array; max: number } {
    const sorted = values.slice(0, n).sort();
    let u = 0;
    for (let i = 0; i < n; i++) {
      const v = sorted[i] ?? NaN;
      if (Number.isNaN(v)) break;
      if (u === 0 || v !== sorted[u - 1]) sorted[u++] = v;
    }
    const rank = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? NaN;
      if (Number.isNaN(v)) continue;
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] ?? 0) < v) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo + 1;
    }
    return { rank, max: u };
  }

  /** Dense ranks of strings by UTF-16 code unit order (fast and locale-independent). */
  function rankStrings(values: readonly string[]): { rank: Int32Array; max: number } {
    const order = Array.from(values.keys()).sort((a, b) => {
      const x = values[a] ?? '';
      const y = values[b] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const rank = new Int32Array(values.length);
    let current = -1;
    let previous: string | undefined;
    for (const i of order) {
      const v = values[i] ?? '';
      if (current < 0 || v !== previous) current++;
      previous = v;
      rank[i] = current;
    }
    return { rank, max: current };
  }

  function perRow(
    base: { rank: Int32Array; max: number },
    codes: Int32Array | Uint8Array,
    viaEvent: boolean,
  ): { rank: Int32Array; max: number } {
    const rank = new Int32Array(nRows);
    for (let r = 0; r < nRows; r++) {
      const at = viaEvent ? (codes[rowEvent[r] ?? 0] ?? 0) : (codes[r] ?? 0);
      rank[r] = base.rank[at] ?? 0;
    }
    return { rank, max: base.max };
  }

  function identity(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }

  function rankOf(column: AuditColumn): { rank: Int32Array; max: number } {
    const cached = ranks.get(column);
    if (cached) return cached;
    let result: { rank: Int32Array; max: number };
    switch (column) {
      case 'eventTime':
        result = perRow(rankNumbers(eventTime, nEvents), identity(nEvents), true);
        break;
      case 'eventId':
        result = perRow(rankStrings(eventIds), identity(nEvents), true);
        break;
      case 'usageTime':
        result = rankNumbers(usageTime, nRows);
        break;
      case 'usageHour': {
        const hours = new Float64Array(nRows);
        for (let r = 0; r < nRows; r++) hours[r] = Math.floor((usageTime[r] ?? NaN) / HOUR_MS);
        result = rankNumbers(hours, nRows);
        break;
      }
      case 'quantity':
        result = rankNumbers(quantity, nRows);
        break;
      case 'recordIndex':
        result = rankNumbers(Float64Array.from(recordIndex.subarray(0, nRows)), nRows);
        break;
      case 'status':
        result = perRow(rankStrings(auditStatuses), status, false);
        break;
      default:
        if (isEventDict(column)) {
          result = perRow(rankStrings(dicts[column].values), eventCodes[column], true);
        } else {
          result = perRow(rankStrings(dicts[column].values), rowCodes[column], false);
        }
    }
    ranks.set(column, result);
    return result;
  }

  /** All rows in sort order; ties keep storage order in both directions (counting sort). */
  function permutation(sort: AuditSort): Int32Array {
    const key = `${sort.column}:${sort.direction}`;
    const cached = perms.get(key);
    if (cached) return cached;
    const { rank, max } = rankOf(sort.column);
    const desc = sort.direction === 'desc';
    const counts = new Int32Array(max + 2);
    for (let r = 0; r < nRows; r++) {
      const k = desc ? max - (rank[r] ?? 0) : (rank[r] ?? 0);
      counts[k + 1] = (counts[k + 1] ?? 0) + 1;
    }
    for (let k = 1; k < counts.length; k++) counts[k] = (counts[k] ?? 0) + (counts[k - 1] ?? 0);
    const perm = new Int32Array(nRows);
    for (let r = 0; r < nRows; r++) {
      const k = desc ? max - (rank[r] ?? 0) : (rank[r] ?? 0);
      const at = counts[k] ?? 0;
      perm[at] = r;
      counts[k] = at + 1;
    }
    perms.set(key, perm);
    return perm;
  }

  function sortRows(rows: Int32Array, sort: AuditSort): Int32Array {
    if (rows.length === nRows) return permutation(sort);
    if (rows.length > 20_000) {
      // Many matches: walk the cached full order and keep the matching ones.
      const perm = permutation(sort);
      const mask = new Uint8Array(nRows);
      for (const r of rows) mask[r] = 1;
      const out = new Int32Array(rows.length);
      let k = 0;
      for (const r of perm) if (mask[r]) out[k++] = r;
      return out;
    }
    const { rank } = rankOf(sort.column);
    const sign = sort.direction === 'desc' ? -1 : 1;
    return rows.slice().sort((a, b) => sign * ((rank[a] ?? 0) - (rank[b] ?? 0)) || a - b);
  }

  // ---- reading rows ----------------------------------------------------------------------

  function rowAt(r: number): AuditRow {
    const e = rowEvent[r] ?? 0;
    const t = usageTime[r] ?? NaN;
    const row: AuditRow = {
      eventId: eventIds[e] ?? '',
      recordIndex: recordIndex[r] ?? 0,
      eventTime: eventTime[e] ?? 0,
      eventName: dicts.eventName.values[eventCodes.eventName[e] ?? 0] ?? '',
      usageHour: Number.isNaN(t) ? null : Math.floor(t / HOUR_MS) * HOUR_MS,
      usageTime: Number.isNaN(t) ? null : t,
      dimension: dicts.dimension.values[rowCodes.dimension[r] ?? 0] ?? '',
      quantity: quantity[r] ?? 0,
      status: auditStatuses[status[r] ?? 0] ?? 'Success',
      region: dicts.region.values[eventCodes.region[e] ?? 0] ?? '',
      accountId: dicts.accountId.values[eventCodes.accountId[e] ?? 0] ?? '',
    };
    const text = row as Record<string, unknown>;
    for (const name of ROW_DICTS) {
      if (name === 'dimension') continue;
      const code = rowCodes[name][r] ?? 0;
      if (code !== 0) text[name] = dicts[name].at(code);
    }
    for (const name of EVENT_DICTS) {
      if (name === 'eventName' || name === 'region' || name === 'accountId') continue;
      const code = eventCodes[name][e] ?? 0;
      if (code !== 0) text[name] = dicts[name].at(code);
    }
    return row;
  }

  function rowsOfEvent(eventId: string): AuditRow[] {
    const e = eventIndex.get(eventId);
    if (e === undefined) return [];
    const out: AuditRow[] = [];
    for (let r = 0; r < nRows; r++) if (rowEvent[r] === e) out.push(rowAt(r));
    return out;
  }

  // ---- aggregates ------------------------------------------------------------------------

  function aggregateRows(rows: Int32Array, input: AuditAggregateInput): AuditAggregateOutput {
    const bucketMs = input.bucket === 'hour' ? HOUR_MS : DAY_MS;
    const byEventTime = input.time === 'eventTime';
    const maxGroups = input.maxGroups ?? 50_000;
    const acct = rowCodes.customerAwsAccountId;
    const ident = rowCodes.customerIdentifier;
    const lic = rowCodes.licenseArn;
    const dim = rowCodes.dimension;
    const nAcct = dicts.customerAwsAccountId.values.length;
    const nCust = nAcct + dicts.customerIdentifier.values.length;
    const nLic = dicts.licenseArn.values.length;
    const nDim = dicts.dimension.values.length;
    const successCode = STATUS_CODE.get('Success') ?? 0;
    const failedCode = STATUS_CODE.get('Failed') ?? 0;

    let calls = 0;
    let lastEvent = -1;
    let totalQ = 0;
    let totalSQ = 0;
    const statusCounts = new Float64Array(auditStatuses.length);
    const errorCalls = new Map<number, { calls: number; records: number; lastEvent: number }>();
    // Pass 1: totals, and each row's bucket (NaN when its time is unknown).
    const buckets = new Float64Array(rows.length);
    let minB = Infinity;
    let maxB = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] ?? 0;
      const e = rowEvent[r] ?? 0;
      if (e !== lastEvent) {
        calls++;
        lastEvent = e;
      }
      const q = quantity[r] ?? 0;
      const st = status[r] ?? 0;
      totalQ += q;
      if (st === successCode) totalSQ += q;
      statusCounts[st] = (statusCounts[st] ?? 0) + 1;
      if (st === failedCode) {
        const code = rowCodes.errorCode[r] ?? 0;
        const entry = errorCalls.get(code) ?? { calls: 0, records: 0, lastEvent: -1 };
        entry.records++;
        if (entry.lastEvent !== e) {
          entry.calls++;
          entry.lastEvent = e;
        }
        errorCalls.set(code, entry);
      }
      const t = byEventTime ? (eventTime[e] ?? NaN) : (usageTime[r] ?? NaN);
      const b = Math.floor(t / bucketMs);
      buckets[i] = b;
      if (b < minB) minB = b;
      if (b > maxB) maxB = b;
    }

    // Pass 2: group. Keys are dense cell numbers; a lookup table when the key space is small
    // (the usual case: it is an order of magnitude faster than a Map), else a Map.
    const span = maxB >= minB ? maxB - minB + 1 : 0;
    const makeGroups = (cells: number) => {
      const dense = cells <= 1 << 22 ? new Int32Array(cells).fill(-1) : null;
      const sparse = dense ? null : new Map<number | string, number>();
      const of = { b: [] as number[], c: [] as number[], l: [] as number[], d: [] as number[] };
      const acc = { q: [] as number[], sq: [] as number[], n: [] as number[] };
      return {
        of,
        acc,
        /** Group index for a cell, creating it if allowed; -1 when full. */
        slot(cell: number | string, create: boolean): number {
          const known =
            dense && typeof cell === 'number' ? (dense[cell] ?? -1) : (sparse?.get(cell) ?? -1);
          if (known >= 0 || !create) return known;
          const g = acc.q.length;
          acc.q.push(0);
          acc.sq.push(0);
          acc.n.push(0);
          if (dense && typeof cell === 'number') dense[cell] = g;
          else sparse?.set(cell, g);
          return g;
        },
      };
    };
    const groupCells = span * nCust * nLic * nDim;
    // Beyond 2^53 cell numbers would collide: key such groups by text instead.
    const exactCells = groupCells < Number.MAX_SAFE_INTEGER;
    const groups = makeGroups(groupCells);
    const series = makeGroups(span * nDim);
    let truncated = false;
    for (let i = 0; i < rows.length; i++) {
      const b = buckets[i] ?? NaN;
      if (Number.isNaN(b)) continue;
      const r = rows[i] ?? 0;
      const q = quantity[r] ?? 0;
      const sq = status[r] === successCode ? q : 0;
      const d = dim[r] ?? 0;
      const rb = b - minB;
      const s = series.slot(rb * nDim + d, true);
      if (series.acc.n[s] === 0) {
        series.of.b.push(b);
        series.of.d.push(d);
      }
      series.acc.q[s] = (series.acc.q[s] ?? 0) + q;
      series.acc.sq[s] = (series.acc.sq[s] ?? 0) + sq;
      series.acc.n[s] = (series.acc.n[s] ?? 0) + 1;

      const a = acct[r] ?? 0;
      const cust = a !== 0 ? a : nAcct + (ident[r] ?? 0);
      const l = lic[r] ?? 0;
      const cell = exactCells
        ? ((rb * nCust + cust) * nLic + l) * nDim + d
        : `${rb}:${cust}:${l}:${d}`;
      const g = groups.slot(cell, groups.acc.n.length < maxGroups);
      if (g < 0) {
        truncated = true;
        continue;
      }
      if (groups.acc.n[g] === 0) {
        groups.of.b.push(b);
        groups.of.c.push(cust);
        groups.of.l.push(l);
        groups.of.d.push(d);
      }
      groups.acc.q[g] = (groups.acc.q[g] ?? 0) + q;
      groups.acc.sq[g] = (groups.acc.sq[g] ?? 0) + sq;
      groups.acc.n[g] = (groups.acc.n[g] ?? 0) + 1;
    }

    const dimName = (d: number): string => dicts.dimension.values[d] ?? '';
    const custName = (c: number): string =>
      c < nAcct
        ? (dicts.customerAwsAccountId.values[c] ?? '')
        : (dicts.customerIdentifier.values[c - nAcct] ?? '');
    const customerDimension = groups.acc.n
      .map((n, g) => {
        const lic = groups.of.l[g] ?? 0;
        const item: AuditAggregateOutput['customerDimension'][number] = {
          bucketStart: (groups.of.b[g] ?? 0) * bucketMs,
          customer: custName(groups.of.c[g] ?? 0),
          dimension: dimName(groups.of.d[g] ?? 0),
          quantity: groups.acc.q[g] ?? 0,
          successQuantity: groups.acc.sq[g] ?? 0,
          records: n,
        };
        if (lic !== 0) item.licenseArn = dicts.licenseArn.values[lic] ?? '';
        return item;
      })
      .sort(
        (x, y) =>
          x.bucketStart - y.bucketStart ||
          cmp(x.customer, y.customer) ||
          cmp(x.licenseArn ?? '', y.licenseArn ?? '') ||
          cmp(x.dimension, y.dimension),
      );
    const dimensionSeries = series.acc.n
      .map((n, i) => ({
        bucketStart: (series.of.b[i] ?? 0) * bucketMs,
        dimension: dimName(series.of.d[i] ?? 0),
        quantity: series.acc.q[i] ?? 0,
        successQuantity: series.acc.sq[i] ?? 0,
        records: n,
      }))
      .sort((x, y) => x.bucketStart - y.bucketStart || cmp(x.dimension, y.dimension));
    return {
      bucket: input.bucket,
      time: byEventTime ? 'eventTime' : 'usageHour',
      customerDimension,
      customerDimensionTruncated: truncated,
      dimensionSeries,
      statusCounts: auditStatuses
        .map((s, i) => ({ status: s, records: statusCounts[i] ?? 0 }))
        .filter((s) => s.status !== 'Success' && s.records > 0),
      errorCodes: [...errorCalls.entries()]
        .map(([code, v]) => ({
          errorCode: dicts.errorCode.values[code] ?? '',
          calls: v.calls,
          records: v.records,
        }))
        .sort((x, y) => y.records - x.records || cmp(x.errorCode, y.errorCode)),
      totals: { records: rows.length, calls, quantity: totalQ, successQuantity: totalSQ },
    };
  }

  function query(input: AuditQueryInput): AuditQueryOutput {
    const filter = input.filter ?? {};
    const sort: AuditSort = input.sort ?? { column: 'eventTime', direction: 'desc' };
    const offset = input.offset ?? 0;
    const limit = input.limit ?? 100;
    const key = JSON.stringify([filter, sort]);
    let sorted: Int32Array;
    if (sortCache && sortCache.key === key && sortCache.version === version) {
      sorted = sortCache.rows;
    } else {
      sorted = sortRows(filterRows(filter), sort);
      sortCache = { key, version, rows: sorted };
    }
    const rows: AuditRow[] = [];
    const end = Math.min(sorted.length, offset + limit);
    for (let i = offset; i < end; i++) rows.push(rowAt(sorted[i] ?? 0));
    const out: AuditQueryOutput = { total: sorted.length, offset, rows, version };
    if (input.aggregate) out.aggregates = aggregateRows(filterRows(filter), input.aggregate);
    return out;
  }

  return {
    version: () => version,
    eventCount: () => nEvents,
    rowCount: () => nRows,
    has: (eventId) => eventIndex.has(eventId),
    append,
    appendSnapshot,
    snapshot,
    remove,
    rawRef(eventId) {
      const e = eventIndex.get(eventId);
      if (e === undefined) return undefined;
      const offset = rawOffset[e] ?? -1;
      const length = rawLength[e] ?? -1;
      return offset < 0 || length < 0 ? undefined : { offset, length };
    },
    eventScope(eventId) {
      const e = eventIndex.get(eventId);
      if (e === undefined) return undefined;
      return {
        accountId: dicts.accountId.values[eventCodes.accountId[e] ?? 0] ?? '',
        region: dicts.region.values[eventCodes.region[e] ?? 0] ?? '',
      };
    },
    setRawRef(eventId, ref) {
      const e = eventIndex.get(eventId);
      if (e === undefined) return;
      rawOffset[e] = ref.offset;
      rawLength[e] = ref.length;
    },
    newestEventTime,
    query,
    aggregate: (filter, input) => aggregateRows(filterRows(filter), input),
    rowsOfEvent,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
