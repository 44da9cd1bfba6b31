// Storing parsed CloudTrail events: deduplicated by event id (in the batch and against the
// cache), one row per usage record with typed columns and coded text, the raw record beside its
// event, each MeteringRecordId's first appearance marked billed and every later one a replay
// (replays.ts, decided before the rows are appended); then, in the same transaction, the new
// rows are added to the daily totals (or the touched days summed again when a stored row
// changed standing).
import { auditStatuses, DAY_MS } from '../../../shared/audit';
import type { AppendColumn, SqlSession } from './db';
import { partyKeyOf, type Dictionaries, type Party } from './dictionaries';
import type { ParsedAuditEvent } from './parse';
import {
  encodeParsed,
  FAILED_STATUS,
  pickEvents,
  usageTimeOf,
  type EventHead,
  type ParsedColumns,
} from './parsed-columns';
import { applyReplayPlan, planReplays, type StoredUntil } from './replays';
import { addToDaily, refreshDaily } from './rollup';
import { STORED_STATUSES, type EventOrigin, type Tables } from './schema';
import { textList } from './text-list';

export type StoredEvent = {
  parsed: ParsedAuditEvent;
  /** The CloudTrail record exactly as received. */
  raw: string;
  origin: EventOrigin;
};

/**
 * Events to store, parsed into columns, with each one's record as received, where it came
 * from and its raw record packed (AuditDb.packText; null where it is kept as text).
 */
export type EventBatch = {
  columns: ParsedColumns;
  raw: readonly string[];
  origins: readonly EventOrigin[];
  packed: readonly (Uint8Array | null)[];
};

/** The batch of events given as objects (tests, imported files): the same columns. */
export function batchOf(
  events: readonly StoredEvent[],
  packed: readonly (Uint8Array | null)[],
): EventBatch {
  return {
    columns: encodeParsed(events.map((e) => ({ parsed: e.parsed, json: true }))),
    raw: events.map((e) => e.raw),
    origins: events.map((e) => e.origin),
    packed,
  };
}

const opt = (v: string | undefined): string | null => v ?? null;

/** An empty text column of n rows. */
const textColumn = (n: number): (string | null)[] => new Array<string | null>(n);

/**
 * Column batches in the tables' own column order, filled in one pass over the events (a pass
 * per column read every event nineteen times, which cost more than the engine's append).
 */
function eventColumns(batch: EventBatch, firstSeq: number): AppendColumn[] {
  const events = batch.columns.events;
  const n = events.length;
  const numbers = (): number[] => new Array<number>(n);
  const seq = numbers();
  const time = numbers();
  const rowCount = numbers();
  const id = textColumn(n);
  const name = textColumn(n);
  const source = textColumn(n);
  const region = textColumn(n);
  const requestId = textColumn(n);
  const callerArn = textColumn(n);
  const userName = textColumn(n);
  const accessKeyId = textColumn(n);
  const identityType = textColumn(n);
  const person = textColumn(n);
  const errorCode = textColumn(n);
  const errorMessage = textColumn(n);
  const truncated = textColumn(n);
  const origin = textColumn(n);
  const rawText = textColumn(n);
  const rawPacked = new Array<Uint8Array | null>(n);
  for (let i = 0; i < n; i++) {
    const p = events[i] as EventHead;
    seq[i] = firstSeq + i;
    id[i] = p.eventId;
    time[i] = p.eventTime;
    name[i] = p.eventName;
    source[i] = p.eventSource;
    region[i] = p.region;
    requestId[i] = opt(p.requestId);
    callerArn[i] = opt(p.callerArn);
    userName[i] = opt(p.userName);
    accessKeyId[i] = opt(p.accessKeyId);
    identityType[i] = opt(p.identityType);
    person[i] = opt(p.person);
    errorCode[i] = opt(p.errorCode);
    errorMessage[i] = opt(p.errorMessage);
    truncated[i] = opt(p.truncated);
    origin[i] = batch.origins[i] ?? null;
    rowCount[i] = p.rowCount;
    const packed = batch.packed[i] ?? null;
    // Text: records stored before schema 3 and records too short to pack (schema.ts rawTextSql).
    rawText[i] = packed === null ? (batch.raw[i] ?? null) : null;
    rawPacked[i] = packed;
  }
  const columns: [AppendColumn['type'], AppendColumn['values']][] = [
    ['INTEGER', seq],
    ['VARCHAR', id],
    ['BIGINT', time],
    ['VARCHAR', name],
    ['VARCHAR', source],
    ['VARCHAR', region],
    ['VARCHAR', requestId],
    ['VARCHAR', callerArn],
    ['VARCHAR', userName],
    ['VARCHAR', accessKeyId],
    ['VARCHAR', identityType],
    ['VARCHAR', person],
    ['VARCHAR', errorCode],
    ['VARCHAR', errorMessage],
    ['VARCHAR', truncated],
    ['VARCHAR', origin],
    ['INTEGER', rowCount],
    ['VARCHAR', rawText],
    ['BLOB', rawPacked],
  ];
  return columns.map(([type, values]) => ({ type, values }));
}

type RecordBatch = { columns: AppendColumn[]; rows: number };

/** The cache's codes of the batch's own party and dimension codes. */
function cacheCodes(
  dicts: Dictionaries,
  columns: ParsedColumns,
): { party: Int32Array; dimension: Int32Array } {
  const party = new Int32Array(columns.parties.length);
  columns.parties.forEach(
    ([customerIdentifier, customerAwsAccountId, licenseArn, productCode], i) => {
      party[i] = dicts.parties.codeOfKey(
        partyKeyOf(customerIdentifier, customerAwsAccountId, licenseArn, productCode),
        () => {
          const named: Party = {};
          if (customerIdentifier !== undefined) named.customerIdentifier = customerIdentifier;
          if (customerAwsAccountId !== undefined) named.customerAwsAccountId = customerAwsAccountId;
          if (licenseArn !== undefined) named.licenseArn = licenseArn;
          if (productCode !== undefined) named.productCode = productCode;
          return named;
        },
      );
    },
  );
  const dimension = new Int32Array(columns.dimensions.length);
  columns.dimensions.forEach((name, i) => (dimension[i] = dicts.dimensions.code(name)));
  return { party, dimension };
}

/** The stored status code of each of the batch's statuses (auditStatuses order). */
const STORED_STATUS_OF = Uint8Array.from(auditStatuses, (status) => {
  const code = STORED_STATUSES.indexOf(status);
  if (code < 0) throw new Error(`Not a status the cache holds: ${status}`);
  return code;
});

/** A sparse text column made whole. */
function spread(n: number, entries: readonly [number, string][]): (string | null)[] {
  const out = textColumn(n).fill(null);
  for (const [row, text] of entries) out[row] = text;
  return out;
}

/** The records' columns; numbers straight into typed arrays (a batch is ~50,000 rows). */
function recordColumns(
  batch: ParsedColumns,
  firstSeq: number,
  dicts: Dictionaries,
  replay: Uint8Array,
): RecordBatch {
  const n = batch.rows;
  const codes = cacheCodes(dicts, batch);
  const seq = new Int32Array(n);
  const eventTime = new Float64Array(n);
  const usageTime: (number | null)[] = new Array<number | null>(n);
  const party = new Int32Array(n);
  const dimension = new Int32Array(n);
  const region = new Int16Array(n);
  const status = new Uint8Array(n);
  const mrid = textColumn(n);
  let k = 0;
  batch.events.forEach((event, i) => {
    const regionCode = dicts.regions.code(event.region);
    for (let r = 0; r < event.rowCount; r++, k++) {
      seq[k] = firstSeq + i;
      eventTime[k] = event.eventTime;
      region[k] = regionCode;
      usageTime[k] = usageTimeOf(batch, k);
      party[k] = codes.party[batch.party[k] ?? -1] ?? 0;
      dimension[k] = codes.dimension[batch.dimension[k] ?? -1] ?? 0;
      status[k] = STORED_STATUS_OF[batch.status[k] ?? -1] ?? 0;
      mrid[k] = opt(batch.meteringRecordId[k]);
    }
  });
  const filledFrom = textColumn(n).fill(null);
  for (const row of batch.filled) filledFrom[row] = 'journal';
  const columns: AppendColumn[] = [
    { type: 'INTEGER', values: seq },
    { type: 'INTEGER', values: batch.recordIndex.subarray(0, n) },
    { type: 'BIGINT', values: eventTime },
    { type: 'BIGINT', values: usageTime },
    { type: 'INTEGER', values: party },
    { type: 'INTEGER', values: dimension },
    { type: 'SMALLINT', values: region },
    { type: 'BIGINT', values: batch.quantity.subarray(0, n) },
    { type: { enum: STORED_STATUSES }, values: status },
    { type: 'BOOLEAN', values: replay },
    { type: 'VARCHAR', values: mrid },
    { type: 'VARCHAR', values: spread(n, batch.allocations) },
    { type: 'VARCHAR', values: spread(n, batch.errorCode) },
    { type: 'VARCHAR', values: spread(n, batch.errorMessage) },
    { type: 'VARCHAR', values: filledFrom },
  ];
  return { columns, rows: n };
}

async function appendNewCodes(tx: SqlSession, dicts: Dictionaries): Promise<void> {
  const parties = dicts.parties.pending();
  if (parties.length > 0) {
    await tx.append('store', 'parties', [
      { type: 'INTEGER', values: parties.map(([code]) => code) },
      { type: 'VARCHAR', values: parties.map(([, p]) => p.customerIdentifier ?? null) },
      { type: 'VARCHAR', values: parties.map(([, p]) => p.customerAwsAccountId ?? null) },
      { type: 'VARCHAR', values: parties.map(([, p]) => p.licenseArn ?? null) },
      { type: 'VARCHAR', values: parties.map(([, p]) => p.productCode ?? null) },
    ]);
  }
  for (const [table, entries, codeType] of [
    ['dimensions', dicts.dimensions.pending(), 'INTEGER'],
    ['regions', dicts.regions.pending(), 'SMALLINT'],
  ] as const) {
    if (entries.length === 0) continue;
    await tx.append('store', table, [
      { type: codeType, values: entries.map(([code]) => code) },
      { type: 'VARCHAR', values: entries.map(([, name]) => name) },
    ]);
  }
}

/** The latest usage time among the batch's records, or null when none has one. */
export function latestUsageOf(columns: ParsedColumns): number | null {
  let latest: number | null = null;
  for (let k = 0; k < columns.rows; k++) {
    const time = columns.usageTime[k] ?? NaN;
    if (!Number.isNaN(time) && (latest === null || time > latest)) latest = time;
  }
  return latest;
}

function touchedDays(columns: ParsedColumns): { days: number[]; unknown: boolean } {
  const days = new Set<number>();
  let unknown = false;
  for (let k = 0; k < columns.rows; k++) {
    const time = columns.usageTime[k] ?? NaN;
    if (Number.isNaN(time)) unknown = true;
    else days.add(Math.floor(time / DAY_MS));
  }
  return { days: [...days].sort((a, b) => a - b), unknown };
}

function hasFailed(columns: ParsedColumns): boolean {
  return columns.status.subarray(0, columns.rows).includes(FAILED_STATUS);
}

/** The batch less the events seen before: earlier in the batch, or stored (by event id). */
async function freshEvents(
  tx: SqlSession,
  T: Tables,
  batch: EventBatch,
): Promise<{ batch: EventBatch; newIds: string[] }> {
  const { events } = batch.columns;
  const keep = events.map(() => false);
  const firstOf = new Map<string, number>();
  events.forEach((event, i) => {
    if (!firstOf.has(event.eventId)) firstOf.set(event.eventId, i);
  });
  const ids = textList([...firstOf.keys()]);
  const known = await tx.all(
    `SELECT event_id FROM ${T.events} WHERE event_id IN (SELECT unnest(${ids.sql}))`,
    [ids.param],
  );
  for (const row of known) firstOf.delete(String(row.event_id));
  for (const i of firstOf.values()) keep[i] = true;
  const newIds = [...firstOf.keys()];
  if (newIds.length === events.length) return { batch, newIds };
  const pick = <T>(list: readonly T[]): T[] => list.filter((_, i) => keep[i]);
  return {
    batch: {
      columns: pickEvents(batch.columns, keep),
      raw: pick(batch.raw),
      origins: pick(batch.origins),
      packed: pick(batch.packed),
    },
    newIds,
  };
}

/** Stores the batch's events not seen before, in order. */
export async function storeRows(
  tx: SqlSession,
  T: Tables,
  dicts: Dictionaries,
  offered: EventBatch,
  options: { firstSeq: number; settleDaily: boolean; storedUntil?: StoredUntil },
): Promise<{ events: number; rows: number; newIds: readonly string[] }> {
  const { columns } = offered;
  if (
    offered.raw.length !== columns.events.length ||
    offered.packed.length !== columns.events.length
  ) {
    throw new Error('Every event needs its record and its packed record.');
  }
  const { batch, newIds } = await freshEvents(tx, T, offered);
  const fresh = batch.columns;
  if (fresh.events.length === 0) return { events: 0, rows: 0, newIds: [] };

  const replays = await planReplays(tx, T, fresh, options.storedUntil);
  const records = recordColumns(fresh, options.firstSeq, dicts, replays.replay);
  await appendNewCodes(tx, dicts);
  await tx.append('store', 'events', eventColumns(batch, options.firstSeq));
  await tx.append('store', 'records', records.columns);
  await applyReplayPlan(tx, T, replays);
  if (options.settleDaily) {
    // New rows only add to their groups; a stored row that changed standing moves between
    // groups, so its days are summed again.
    if (replays.nowReplay.length + replays.nowBilled.length === 0) {
      await addToDaily(tx, T, options.firstSeq, { failed: hasFailed(fresh) });
    } else {
      await refreshDaily(tx, T, touchedDays(fresh));
    }
  }
  return { events: fresh.events.length, rows: records.rows, newIds };
}
