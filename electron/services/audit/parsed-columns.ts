// Parsed events as a write takes them: the events without their rows, and the rows as columns
// (numbers in typed arrays, repeated texts as codes into short lists, rare texts by row). Each
// event's rows are added as soon as it is parsed, so the row objects die young instead of
// waiting, a batch at a time, for the database: at a million records that waiting was most of
// the ingest's garbage collection. The same form crosses from a worker thread cheaply (the typed
// arrays are moved, not copied), and decodeParsed gives back, with the parser's own makeRow, the
// rows parsing would have made.
import { auditStatuses, HOUR_MS, type AuditStatus } from '../../../shared/audit';
import type { IngestedEvent } from './ingest';
import { makeRow, type Outcome, type ParsedAuditEvent } from './parse';
import type { UsageFields } from './usage-record';

export type EventHead = Omit<ParsedAuditEvent, 'rows'> & {
  rowCount: number;
  /** The record was a JSON object (false: kept as an event without rows, its text as evidence). */
  json: boolean;
};

/** Who a row is about, and the product code of its call. */
type PartyKey = [
  customerIdentifier: string | undefined,
  customerAwsAccountId: string | undefined,
  licenseArn: string | undefined,
  productCode: string | undefined,
];

/** Texts few rows have, by row. */
type Sparse = [row: number, text: string][];

export type ParsedColumns = {
  events: EventHead[];
  /** The row count; the typed arrays may be longer. */
  rows: number;
  recordIndex: Int32Array;
  /** NaN where the usage time is unknown. */
  usageTime: Float64Array;
  quantity: Float64Array;
  /** Index into auditStatuses. */
  status: Uint8Array;
  party: Int32Array;
  parties: PartyKey[];
  dimension: Int32Array;
  dimensions: string[];
  meteringRecordId: (string | undefined)[];
  allocations: Sparse;
  errorCode: Sparse;
  errorMessage: Sparse;
  /** Rows filled in from the journal (journal-fill.ts). */
  filled: number[];
  /**
   * For each billed candidate (Success with a MeteringRecordId), the first row of the batch with
   * its id (itself, for the first); -1 for other rows. Found where the batch is parsed, so the
   * write's billed-once plan (replays.ts) hashes no id of a batch whose ids are all new.
   */
  sameId: Int32Array;
};

/** The typed arrays' buffers, to move to another thread rather than copy. */
export function transferablesOf(columns: ParsedColumns): ArrayBuffer[] {
  return [
    columns.recordIndex,
    columns.usageTime,
    columns.quantity,
    columns.status,
    columns.party,
    columns.dimension,
    columns.sameId,
  ].map((array) => array.buffer as ArrayBuffer);
}

const STATUS_INDEX = new Map<string, number>(auditStatuses.map((status, i) => [status, i]));
export const FAILED_STATUS = STATUS_INDEX.get('Failed') ?? -1;
export const SUCCESS_STATUS = STATUS_INDEX.get('Success') ?? -1;

function statusIndex(status: string): number {
  const code = STATUS_INDEX.get(status);
  if (code === undefined) throw new Error(`Not a record status: ${status}`);
  return code;
}

/** FNV-1a over the text's UTF-16 units. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Each row's first row with the same MeteringRecordId, for billed candidates (see sameId). The
 * ids are found in a table of row numbers open-addressed by hash: a Map of 50,000 ids a batch
 * cost twice as much.
 */
function sameIdOf(
  rows: number,
  status: Uint8Array,
  meteringRecordId: readonly (string | undefined)[],
): Int32Array {
  const sameId = new Int32Array(rows).fill(-1);
  let size = 16;
  while (size < rows * 2) size *= 2;
  const firsts = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (let k = 0; k < rows; k++) {
    const id = meteringRecordId[k];
    if (status[k] !== SUCCESS_STATUS || id === undefined) continue;
    for (let slot = hashOf(id) & mask; ; slot = (slot + 1) & mask) {
      const first = firsts[slot] ?? -1;
      if (first === -1) {
        firsts[slot] = k;
        sameId[k] = k;
        break;
      }
      if (meteringRecordId[first] === id) {
        sameId[k] = first;
        break;
      }
    }
  }
  return sameId;
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

type ColumnsBuilder = {
  add: (ingested: IngestedEvent) => void;
  finish: () => ParsedColumns;
};

/** Columns filled event by event. */
export function columnsBuilder(): ColumnsBuilder {
  let capacity = 1_024;
  const c: ParsedColumns = {
    events: [],
    rows: 0,
    recordIndex: new Int32Array(capacity),
    usageTime: new Float64Array(capacity),
    quantity: new Float64Array(capacity),
    status: new Uint8Array(capacity),
    party: new Int32Array(capacity),
    parties: [],
    dimension: new Int32Array(capacity),
    dimensions: [],
    meteringRecordId: [],
    allocations: [],
    errorCode: [],
    errorMessage: [],
    filled: [],
    sameId: new Int32Array(0),
  };
  const partyCodes = new Map<string, number>();
  const dimensionCodes = new Map<string, number>();

  function ensure(rows: number): void {
    if (rows <= capacity) return;
    while (capacity < rows) capacity *= 2;
    c.recordIndex = grow(c.recordIndex, capacity);
    c.usageTime = grow(c.usageTime, capacity);
    c.quantity = grow(c.quantity, capacity);
    c.status = grow(c.status, capacity);
    c.party = grow(c.party, capacity);
    c.dimension = grow(c.dimension, capacity);
  }

  // A call's records come customer by customer: a row of the last row's party reuses its code.
  let lastKey: PartyKey | null = null;
  let lastCode = -1;

  function partyCode(
    customerIdentifier: string | undefined,
    customerAwsAccountId: string | undefined,
    licenseArn: string | undefined,
    productCode: string | undefined,
  ): number {
    if (
      lastKey !== null &&
      lastKey[0] === customerIdentifier &&
      lastKey[1] === customerAwsAccountId &&
      lastKey[2] === licenseArn &&
      lastKey[3] === productCode
    ) {
      return lastCode;
    }
    const key: PartyKey = [customerIdentifier, customerAwsAccountId, licenseArn, productCode];
    const text = `${customerIdentifier ?? '\u0000'}\u0001${customerAwsAccountId ?? '\u0000'}\u0001${licenseArn ?? '\u0000'}\u0001${productCode ?? '\u0000'}`;
    let code = partyCodes.get(text);
    if (code === undefined) {
      code = c.parties.length;
      partyCodes.set(text, code);
      c.parties.push(key);
    }
    lastKey = key;
    lastCode = code;
    return code;
  }

  function dimensionCode(name: string): number {
    let code = dimensionCodes.get(name);
    if (code === undefined) {
      code = c.dimensions.length;
      dimensionCodes.set(name, code);
      c.dimensions.push(name);
    }
    return code;
  }

  return {
    add({ parsed, json }) {
      const { rows, ...head } = parsed;
      c.events.push({ ...head, rowCount: rows.length, json });
      ensure(c.rows + rows.length);
      for (const row of rows) {
        const k = c.rows++;
        c.recordIndex[k] = row.recordIndex;
        c.usageTime[k] = row.usageTime ?? NaN;
        c.quantity[k] = row.quantity;
        c.status[k] = statusIndex(row.status);
        c.party[k] = partyCode(
          row.customerIdentifier,
          row.customerAwsAccountId,
          row.licenseArn,
          row.productCode,
        );
        c.dimension[k] = dimensionCode(row.dimension);
        c.meteringRecordId[k] = row.meteringRecordId;
        if (row.allocations !== undefined) c.allocations.push([k, row.allocations]);
        if (row.errorCode !== undefined) c.errorCode.push([k, row.errorCode]);
        if (row.errorMessage !== undefined) c.errorMessage.push([k, row.errorMessage]);
        if (row.filledFrom !== undefined) c.filled.push(k);
      }
    },
    finish: () => {
      c.sameId = sameIdOf(c.rows, c.status, c.meteringRecordId);
      return c;
    },
  };
}

export function encodeParsed(ingested: readonly IngestedEvent[]): ParsedColumns {
  const builder = columnsBuilder();
  for (const item of ingested) builder.add(item);
  return builder.finish();
}

/** The parsed events again, each row made by makeRow from its event and its columns. */
export function decodeParsed(columns: ParsedColumns): IngestedEvent[] {
  const allocations = new Map(columns.allocations);
  const errorCodes = new Map(columns.errorCode);
  const errorMessages = new Map(columns.errorMessage);
  const filled = new Set(columns.filled);
  const out: IngestedEvent[] = [];
  let k = 0;
  for (const { rowCount, json, ...head } of columns.events) {
    const event: ParsedAuditEvent = { ...head, rows: [] };
    for (let r = 0; r < rowCount; r++, k++) {
      const [customerIdentifier, customerAwsAccountId, licenseArn, productCode] = partyOf(
        columns,
        k,
      );
      const usage: UsageFields = {
        dimension: columns.dimensions[columns.dimension[k] ?? -1] ?? '',
        usageTime: usageTimeOf(columns, k),
        quantity: columns.quantity[k] ?? 0,
      };
      if (customerIdentifier !== undefined) usage.customerIdentifier = customerIdentifier;
      if (customerAwsAccountId !== undefined) usage.customerAwsAccountId = customerAwsAccountId;
      if (licenseArn !== undefined) usage.licenseArn = licenseArn;
      const allocation = allocations.get(k);
      if (allocation !== undefined) usage.allocations = allocation;
      const outcome: Outcome = { status: statusOf(columns, k) };
      const mrid = columns.meteringRecordId[k];
      if (mrid !== undefined) outcome.meteringRecordId = mrid;
      const errorCode = errorCodes.get(k);
      if (errorCode !== undefined) outcome.errorCode = errorCode;
      const errorMessage = errorMessages.get(k);
      if (errorMessage !== undefined) outcome.errorMessage = errorMessage;
      const row = makeRow(event, columns.recordIndex[k] ?? 0, usage, outcome, productCode);
      if (filled.has(k)) row.filledFrom = 'journal';
      event.rows.push(row);
    }
    out.push({ parsed: event, json });
  }
  return out;
}

function statusOf(columns: ParsedColumns, row: number): AuditStatus {
  const status = auditStatuses[columns.status[row] ?? -1];
  if (status === undefined) throw new Error(`Row ${String(row)} has no status.`);
  return status;
}

export function usageTimeOf(columns: ParsedColumns, row: number): number | null {
  const time = columns.usageTime[row] ?? NaN;
  return Number.isNaN(time) ? null : time;
}

export function usageHourOf(columns: ParsedColumns, row: number): number | null {
  const time = usageTimeOf(columns, row);
  return time === null ? null : Math.floor(time / HOUR_MS) * HOUR_MS;
}

const NO_PARTY: PartyKey = [undefined, undefined, undefined, undefined];

function partyOf(columns: ParsedColumns, row: number): PartyKey {
  return columns.parties[columns.party[row] ?? -1] ?? NO_PARTY;
}

/** Each row's event, by index into `events`. */
export function eventOfRows(columns: ParsedColumns): Int32Array {
  const eventOf = new Int32Array(columns.rows);
  let k = 0;
  columns.events.forEach((event, e) => {
    eventOf.fill(e, k, k + event.rowCount);
    k += event.rowCount;
  });
  return eventOf;
}

/** The events `keep` marks, with their rows, in order (codes and lists as they were). */
export function pickEvents(columns: ParsedColumns, keep: readonly boolean[]): ParsedColumns {
  const builderRows: number[] = [];
  const events: EventHead[] = [];
  let k = 0;
  columns.events.forEach((event, e) => {
    if (keep[e] === true) {
      events.push(event);
      for (let r = 0; r < event.rowCount; r++) builderRows.push(k + r);
    }
    k += event.rowCount;
  });
  const newIndex = new Map(builderRows.map((from, to) => [from, to]));
  const sparse = (entries: Sparse): Sparse =>
    entries.flatMap(([row, text]) => {
      const to = newIndex.get(row);
      return to === undefined ? [] : [[to, text] as [number, string]];
    });
  const take = <T extends Int32Array | Float64Array | Uint8Array>(array: T): T => {
    const out = new (array.constructor as new (n: number) => T)(builderRows.length);
    builderRows.forEach((from, to) => (out[to] = array[from] ?? 0));
    return out;
  };
  const status = take(columns.status);
  const meteringRecordId = builderRows.map((from) => columns.meteringRecordId[from]);
  return {
    events,
    rows: builderRows.length,
    recordIndex: take(columns.recordIndex),
    usageTime: take(columns.usageTime),
    quantity: take(columns.quantity),
    status,
    party: take(columns.party),
    parties: columns.parties,
    dimension: take(columns.dimension),
    dimensions: columns.dimensions,
    meteringRecordId,
    allocations: sparse(columns.allocations),
    errorCode: sparse(columns.errorCode),
    errorMessage: sparse(columns.errorMessage),
    filled: columns.filled.flatMap((row) => {
      const to = newIndex.get(row);
      return to === undefined ? [] : [to];
    }),
    // Found again: an event left out may have held an id's first row.
    sameId: sameIdOf(builderRows.length, status, meteringRecordId),
  };
}
