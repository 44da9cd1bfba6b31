// Billed-once standing of the MeteringRecordIds a write brings, decided before its rows are
// appended: each id's first appearance (by event time, then event id, then place in the request
// — shared/billing.ts) is billed and every later one a replay. The cache is asked once per write
// for the stored appearances of the batch's ids; a stored row changes only when the batch brings
// an earlier appearance than the one stored as billed. AWS gives the same id only to the same
// record (customer, dimension, hour), so the search stays within the batch's usage hours.
import { HOUR_MS } from '../../../shared/audit';
import type { SqlSession } from './db';
import { eventOfRows, usageHourOf, type ParsedColumns } from './parsed-columns';
import type { Tables } from './schema';
import { textList } from './text-list';

/** Where a record appeared: one of the batch's rows or a stored one. */
type Appearance = {
  eventTime: number;
  eventId: string;
  recordIndex: number;
  /** The batch's row; absent for stored ones. */
  row?: number;
  /** A stored row's rowid and standing; absent for the batch's own rows. */
  stored?: { rowid: number; replay: boolean };
};

/** Up to this many ids are looked up without first asking which hours the cache holds. */
const DIRECT_LOOKUP_MAX = 5_000;

export type ReplayPlan = {
  /** For each of the batch's rows, 1 where it is stored as a replay. */
  replay: Uint8Array;
  /** Stored rows whose standing changes. */
  nowReplay: number[];
  nowBilled: number[];
};

/** Code-point order, which is UTF-8 byte order: how the database compares event ids. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate starts a code point above U+FFFF, so it sorts after every other unit.
    const rx = x >= 0xd800 && x < 0xe000 ? x + 0x10000 : x;
    const ry = y >= 0xd800 && y < 0xe000 ? y + 0x10000 : y;
    return rx - ry;
  }
  return a.length - b.length;
}

function earlier(a: Appearance, b: Appearance): boolean {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime;
  const byId = compareText(a.eventId, b.eventId);
  return byId !== 0 ? byId < 0 : a.recordIndex < b.recordIndex;
}

/** The batch's billed candidates: the first row of each id, and the later rows of the id. */
type Candidates = {
  /** Each id's first row in the batch. */
  firsts: number[];
  /** The later rows of an id, by its first row (a replay within the batch; rare). */
  later: Map<number, number[]>;
  /** The candidates' usage hours, or null when one has no usage time. */
  hours: Set<number> | null;
};

function candidatesOf(columns: ParsedColumns): Candidates {
  const firsts: number[] = [];
  const later = new Map<number, number[]>();
  let hours: Set<number> | null = new Set<number>();
  for (let k = 0; k < columns.rows; k++) {
    const first = columns.sameId[k] ?? -1;
    if (first < 0) continue;
    if (first === k) firsts.push(k);
    else {
      const rows = later.get(first);
      if (rows) rows.push(k);
      else later.set(first, [k]);
    }
    const hour = usageHourOf(columns, k);
    if (hour === null) hours = null;
    else hours?.add(hour);
  }
  return { firsts, later, hours };
}

/**
 * The hours, among the batch's, in which the cache already holds billed candidates: only the
 * ids of those hours can have been seen before (a bulk load of new hours asks for none).
 */
async function storedHours(tx: SqlSession, T: Tables, hours: Set<number>): Promise<Set<number>> {
  let from = Infinity;
  let to = -Infinity;
  for (const h of hours) {
    from = Math.min(from, h);
    to = Math.max(to, h + HOUR_MS);
  }
  const rows = await tx.all(
    `SELECT DISTINCT usage_time // ${String(HOUR_MS)} * ${String(HOUR_MS)} AS hour FROM ${T.records}
     WHERE usage_time >= ${String(from)} AND usage_time < ${String(to)}
       AND status = 'Success'::${T.status} AND metering_record_id IS NOT NULL`,
  );
  return new Set(rows.map((r) => Number(r.hour)).filter((h) => hours.has(h)));
}

/** Stored Success appearances of these ids within the window, with their event ids. */
async function storedAppearances(
  tx: SqlSession,
  T: Tables,
  ids: readonly string[],
  hours: Set<number> | null,
): Promise<Map<string, Appearance[]>> {
  let within = '';
  if (hours !== null && hours.size > 0) {
    const list = [...hours].sort((a, b) => a - b);
    const from = list[0] ?? 0;
    const to = (list.at(-1) ?? 0) + HOUR_MS;
    // The range lets the engine skip storage blocks; the list keeps the hours exact.
    within = `AND usage_time >= ${String(from)} AND usage_time < ${String(to)}
      AND usage_time // ${String(HOUR_MS)} IN (${list.map((h) => String(h / HOUR_MS)).join(', ')})`;
  }
  const list = textList(ids);
  const rows = await tx.all(
    `SELECT rowid AS rid, metering_record_id AS id, event_time, event_seq, record_index, replay
     FROM ${T.records}
     WHERE status = 'Success'::${T.status} ${within} AND metering_record_id IN (SELECT unnest(${list.sql}))`,
    [list.param],
  );
  const byId = new Map<string, Appearance[]>();
  if (rows.length === 0) return byId;
  const seqs = [...new Set(rows.map((r) => Number(r.event_seq)))];
  const eventIds = new Map<number, string>();
  for (const e of await tx.all(
    `SELECT event_seq, event_id FROM ${T.events} WHERE event_seq IN (SELECT unnest($1::INTEGER[]))`,
    [seqs],
  )) {
    eventIds.set(Number(e.event_seq), String(e.event_id));
  }
  for (const r of rows) {
    const appearance: Appearance = {
      eventTime: Number(r.event_time),
      eventId: eventIds.get(Number(r.event_seq)) ?? '',
      recordIndex: Number(r.record_index),
      stored: { rowid: Number(r.rid), replay: r.replay === true },
    };
    const id = String(r.id);
    const known = byId.get(id);
    if (known) known.push(appearance);
    else byId.set(id, [appearance]);
  }
  return byId;
}

/** The first rows of the ids with a candidate row in one of these hours. */
function firstsWithin(columns: ParsedColumns, hours: Set<number>): number[] {
  const firsts = new Set<number>();
  for (let k = 0; k < columns.rows; k++) {
    const first = columns.sameId[k] ?? -1;
    if (first < 0) continue;
    const hour = usageHourOf(columns, k);
    if (hour !== null && hours.has(hour)) firsts.add(first);
  }
  return [...firsts];
}

/**
 * The ids whose stored appearances must be read (by their first row in the batch): those of
 * hours the cache already holds.
 */
async function firstsToLookUp(
  tx: SqlSession,
  T: Tables,
  columns: ParsedColumns,
  candidates: Candidates,
  storedUntil: StoredUntil,
): Promise<{ firsts: number[]; hours: Set<number> | null }> {
  const { hours } = candidates;
  if (hours === null) return { firsts: candidates.firsts, hours };
  // Only an hour that starts by the latest usage time stored can hold an id seen before: a load
  // in time order shares at most its first hour with what is stored, and asks about that one.
  let open = hours;
  if (storedUntil !== undefined) {
    open = new Set([...hours].filter((h) => storedUntil !== null && h <= storedUntil));
    if (open.size === 0) return { firsts: [], hours: open };
  }
  const firsts = open.size === hours.size ? candidates.firsts : firstsWithin(columns, open);
  // A few ids (a file, a page) are looked up at once; many (a bulk load) only after asking
  // which of their hours the cache holds, so a million new ids are not matched against nothing.
  if (firsts.length <= DIRECT_LOOKUP_MAX) return { firsts, hours: open };
  const held = await storedHours(tx, T, open);
  return { firsts: held.size === 0 ? [] : firstsWithin(columns, held), hours: held };
}

/**
 * No stored record has a usage time after this (an upper bound; null: none has one), or
 * undefined when not known.
 */
export type StoredUntil = number | null | undefined;

/** Which of the batch's rows are replays, and which stored rows change standing. */
export async function planReplays(
  tx: SqlSession,
  T: Tables,
  columns: ParsedColumns,
  storedUntil?: StoredUntil,
): Promise<ReplayPlan> {
  const plan: ReplayPlan = { replay: new Uint8Array(columns.rows), nowReplay: [], nowBilled: [] };
  const candidates = candidatesOf(columns);
  if (candidates.firsts.length === 0) return plan;
  const lookUp = await firstsToLookUp(tx, T, columns, candidates, storedUntil);
  const firstOf = new Map<string, number>();
  for (const k of lookUp.firsts) firstOf.set(columns.meteringRecordId[k] ?? '', k);
  const stored =
    firstOf.size === 0
      ? new Map<string, Appearance[]>()
      : await storedAppearances(tx, T, [...firstOf.keys()], lookUp.hours);
  const eventOf = eventOfRows(columns);
  const appearanceOf = (row: number): Appearance => {
    const event = columns.events[eventOf[row] ?? -1];
    return {
      eventTime: event?.eventTime ?? 0,
      eventId: event?.eventId ?? '',
      recordIndex: columns.recordIndex[row] ?? 0,
      row,
    };
  };
  // Only an id seen before, or seen more than once in the batch, can have a replay.
  const decide = (first: number, before: readonly Appearance[]): void => {
    const all = [...before, ...[first, ...(candidates.later.get(first) ?? [])].map(appearanceOf)];
    let billed = all[0] as Appearance;
    for (const a of all) if (earlier(a, billed)) billed = a;
    for (const a of all) {
      const replay = a !== billed;
      if (a.stored === undefined) {
        if (replay && a.row !== undefined) plan.replay[a.row] = 1;
      } else if (a.stored.replay !== replay) {
        (replay ? plan.nowReplay : plan.nowBilled).push(a.stored.rowid);
      }
    }
  };
  for (const [id, before] of stored) {
    const first = firstOf.get(id);
    if (first !== undefined) decide(first, before);
  }
  for (const first of candidates.later.keys()) {
    if (!stored.has(columns.meteringRecordId[first] ?? '')) decide(first, []);
  }
  return plan;
}

/** Writes the stored rows' changed standing. */
export async function applyReplayPlan(tx: SqlSession, T: Tables, plan: ReplayPlan): Promise<void> {
  for (const [rowids, replay] of [
    [plan.nowReplay, true],
    [plan.nowBilled, false],
  ] as const) {
    if (rowids.length === 0) continue;
    await tx.run(
      `UPDATE ${T.records} SET replay = ${String(replay)}
       WHERE rowid IN (SELECT unnest($1::BIGINT[]))`,
      [rowids],
    );
  }
}
