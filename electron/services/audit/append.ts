// Storing parsed CloudTrail events: deduplicated by event id (in the batch and against the
// cache), one row per usage record with typed columns and coded text, the raw record beside its
// event, each MeteringRecordId's first appearance marked billed and every later one a replay
// (replays.ts, decided before the rows are appended); then, in the same transaction, the new
// rows are added to the daily totals (or the touched days summed again when a stored row
// changed standing).
import { DAY_MS, type AuditRow } from '../../../shared/audit';
import type { AppendColumn, SqlSession } from './db';
import { partyKeyOf, type Dictionaries, type Party } from './dictionaries';
import type { ParsedAuditEvent } from './parse';
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

/** An event to store, with its raw record packed (AuditDb.packText), or null if kept as text. */
type FreshEvent = StoredEvent & { packed: Uint8Array | null };

const opt = (v: string | undefined): string | null => v ?? null;

/** An empty text column of n rows. */
const textColumn = (n: number): (string | null)[] => new Array<string | null>(n);

/**
 * Column batches in the tables' own column order, filled in one pass over the events (a pass
 * per column read every event nineteen times, which cost more than the engine's append).
 */
function eventColumns(events: readonly FreshEvent[], firstSeq: number): AppendColumn[] {
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
    const e = events[i] as FreshEvent;
    const p = e.parsed;
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
    origin[i] = e.origin;
    rowCount[i] = p.rows.length;
    // Text: records stored before schema 3 and records too short to pack (schema.ts rawTextSql).
    rawText[i] = e.packed === null ? e.raw : null;
    rawPacked[i] = e.packed;
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

/** The party code of a row, its key built without an intermediate object. */
function partyCode(dicts: Dictionaries, row: AuditRow): number {
  return dicts.parties.codeOfKey(
    partyKeyOf(row.customerIdentifier, row.customerAwsAccountId, row.licenseArn, row.productCode),
    () => {
      const party: Party = {};
      if (row.customerIdentifier !== undefined) party.customerIdentifier = row.customerIdentifier;
      if (row.customerAwsAccountId !== undefined) {
        party.customerAwsAccountId = row.customerAwsAccountId;
      }
      if (row.licenseArn !== undefined) party.licenseArn = row.licenseArn;
      if (row.productCode !== undefined) party.productCode = row.productCode;
      return party;
    },
  );
}

function sameParty(a: AuditRow, b: AuditRow): boolean {
  return (
    a.customerIdentifier === b.customerIdentifier &&
    a.customerAwsAccountId === b.customerAwsAccountId &&
    a.licenseArn === b.licenseArn &&
    a.productCode === b.productCode
  );
}

const STATUS_CODES = new Map(STORED_STATUSES.map((status, i) => [status, i]));

function statusCode(status: string): number {
  const code = STATUS_CODES.get(status);
  if (code === undefined) throw new Error(`Not a status the cache holds: ${status}`);
  return code;
}

/** The records' columns; numbers straight into typed arrays (a batch is ~50,000 rows). */
function recordColumns(
  events: readonly StoredEvent[],
  firstSeq: number,
  dicts: Dictionaries,
  replays: ReadonlySet<AuditRow>,
): RecordBatch {
  let n = 0;
  for (const e of events) n += e.parsed.rows.length;
  const seq = new Int32Array(n);
  const index = new Int32Array(n);
  const eventTime = new Float64Array(n);
  const usageTime: (number | null)[] = new Array<number | null>(n);
  const party = new Int32Array(n);
  const dimension = new Int32Array(n);
  const region = new Int16Array(n);
  const quantity = new Float64Array(n);
  const status = new Uint8Array(n);
  const replay = new Uint8Array(n);
  const mrid = textColumn(n);
  const allocations = textColumn(n);
  const errorCode = textColumn(n);
  const errorMessage = textColumn(n);
  const filledFrom = textColumn(n);
  let k = 0;
  // A call's records come customer by customer: a row for the last row's party reuses its code.
  let last: AuditRow | undefined;
  let lastParty = 0;
  for (let i = 0; i < events.length; i++) {
    const parsed = (events[i] as StoredEvent).parsed;
    const regionCode = dicts.regions.code(parsed.region);
    for (const row of parsed.rows) {
      seq[k] = firstSeq + i;
      index[k] = row.recordIndex;
      eventTime[k] = parsed.eventTime;
      usageTime[k] = row.usageTime;
      if (last === undefined || !sameParty(last, row)) lastParty = partyCode(dicts, row);
      last = row;
      party[k] = lastParty;
      dimension[k] = dicts.dimensions.code(row.dimension);
      region[k] = regionCode;
      quantity[k] = row.quantity;
      status[k] = statusCode(row.status);
      replay[k] = replays.has(row) ? 1 : 0;
      mrid[k] = opt(row.meteringRecordId);
      allocations[k] = opt(row.allocations);
      errorCode[k] = opt(row.errorCode);
      errorMessage[k] = opt(row.errorMessage);
      filledFrom[k] = opt(row.filledFrom);
      k++;
    }
  }
  const columns: AppendColumn[] = [
    { type: 'INTEGER', values: seq },
    { type: 'INTEGER', values: index },
    { type: 'BIGINT', values: eventTime },
    { type: 'BIGINT', values: usageTime },
    { type: 'INTEGER', values: party },
    { type: 'INTEGER', values: dimension },
    { type: 'SMALLINT', values: region },
    { type: 'BIGINT', values: quantity },
    { type: { enum: STORED_STATUSES }, values: status },
    { type: 'BOOLEAN', values: replay },
    { type: 'VARCHAR', values: mrid },
    { type: 'VARCHAR', values: allocations },
    { type: 'VARCHAR', values: errorCode },
    { type: 'VARCHAR', values: errorMessage },
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

/** The latest usage time among the events' records, or null when none has one. */
export function latestUsageOf(events: readonly StoredEvent[]): number | null {
  let latest: number | null = null;
  for (const event of events) {
    for (const row of event.parsed.rows) {
      if (row.usageTime !== null && (latest === null || row.usageTime > latest)) {
        latest = row.usageTime;
      }
    }
  }
  return latest;
}

function touchedDays(events: readonly StoredEvent[]): { days: number[]; unknown: boolean } {
  const days = new Set<number>();
  let unknown = false;
  for (const event of events) {
    for (const row of event.parsed.rows) {
      if (row.usageTime === null) unknown = true;
      else days.add(Math.floor(row.usageTime / DAY_MS));
    }
  }
  return { days: [...days].sort((a, b) => a - b), unknown };
}

/** Stores `events`, whose raw records `packed` holds packed (null: kept as text), in order. */
export async function storeRows(
  tx: SqlSession,
  T: Tables,
  dicts: Dictionaries,
  events: readonly StoredEvent[],
  packed: readonly (Uint8Array | null)[],
  options: { firstSeq: number; settleDaily: boolean; storedUntil?: StoredUntil },
): Promise<{ events: number; rows: number; newIds: readonly string[] }> {
  if (packed.length !== events.length) throw new Error('Every event needs its packed record.');
  const unique = new Map<string, FreshEvent>();
  events.forEach((event, i) => {
    if (!unique.has(event.parsed.eventId)) {
      unique.set(event.parsed.eventId, { ...event, packed: packed[i] ?? null });
    }
  });
  const ids = textList([...unique.keys()]);
  const known = await tx.all(
    `SELECT event_id FROM ${T.events} WHERE event_id IN (SELECT unnest(${ids.sql}))`,
    [ids.param],
  );
  for (const row of known) unique.delete(String(row.event_id));
  const fresh = [...unique.values()];
  if (fresh.length === 0) return { events: 0, rows: 0, newIds: [] };

  const replays = await planReplays(tx, T, fresh, options.storedUntil);
  const records = recordColumns(fresh, options.firstSeq, dicts, replays.replays);
  await appendNewCodes(tx, dicts);
  await tx.append('store', 'events', eventColumns(fresh, options.firstSeq));
  await tx.append('store', 'records', records.columns);
  await applyReplayPlan(tx, T, replays);
  if (options.settleDaily) {
    // New rows only add to their groups; a stored row that changed standing moves between
    // groups, so its days are summed again.
    if (replays.nowReplay.length + replays.nowBilled.length === 0) {
      await addToDaily(tx, T, options.firstSeq, {
        failed: fresh.some((e) => e.parsed.rows.some((r) => r.status === 'Failed')),
      });
    } else {
      await refreshDaily(tx, T, touchedDays(fresh));
    }
  }
  return { events: fresh.length, rows: records.rows, newIds: [...unique.keys()] };
}
