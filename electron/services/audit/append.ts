// Storing parsed CloudTrail events: deduplicated by event id (in the batch and against the
// cache), one row per usage record with typed columns and coded text, the raw record beside its
// event; then, in the same transaction, each MeteringRecordId's first appearance is marked
// billed and every later one a replay, and the daily totals of the touched days are redone.
import { DAY_MS } from '../../../shared/audit';
import type { AppendColumn, SqlSession } from './db';
import type { Dictionaries } from './dictionaries';
import type { ParsedAuditEvent } from './parse';
import { refreshDaily } from './rollup';
import { STORED_STATUSES, type EventOrigin, type Tables } from './schema';

export type StoredEvent = {
  parsed: ParsedAuditEvent;
  /** The CloudTrail record exactly as received. */
  raw: string;
  origin: EventOrigin;
};

type Cell = string | number | boolean | null;

const opt = (v: string | undefined): string | null => v ?? null;

/** Column batches in the tables' own column order. */
function eventColumns(events: readonly StoredEvent[], firstSeq: number): AppendColumn[] {
  const col = (type: AppendColumn['type'], pick: (e: StoredEvent, i: number) => Cell) => ({
    type,
    values: events.map(pick),
  });
  return [
    col('INTEGER', (_, i) => firstSeq + i),
    col('VARCHAR', (e) => e.parsed.eventId),
    col('BIGINT', (e) => e.parsed.eventTime),
    col('VARCHAR', (e) => e.parsed.eventName),
    col('VARCHAR', (e) => e.parsed.eventSource),
    col('VARCHAR', (e) => e.parsed.region),
    col('VARCHAR', (e) => opt(e.parsed.requestId)),
    col('VARCHAR', (e) => opt(e.parsed.callerArn)),
    col('VARCHAR', (e) => opt(e.parsed.userName)),
    col('VARCHAR', (e) => opt(e.parsed.accessKeyId)),
    col('VARCHAR', (e) => opt(e.parsed.identityType)),
    col('VARCHAR', (e) => opt(e.parsed.person)),
    col('VARCHAR', (e) => opt(e.parsed.errorCode)),
    col('VARCHAR', (e) => opt(e.parsed.errorMessage)),
    col('VARCHAR', (e) => opt(e.parsed.truncated)),
    col('VARCHAR', (e) => e.origin),
    col('INTEGER', (e) => e.parsed.rows.length),
    col('VARCHAR', (e) => e.raw),
  ];
}

type RecordBatch = { columns: AppendColumn[]; rows: number };

function recordColumns(
  events: readonly StoredEvent[],
  firstSeq: number,
  dicts: Dictionaries,
): RecordBatch {
  const values: Cell[][] = Array.from({ length: 15 }, () => []);
  events.forEach((event, i) => {
    const region = dicts.regions.code(event.parsed.region);
    for (const row of event.parsed.rows) {
      const party = dicts.parties.code({
        ...(row.customerIdentifier === undefined
          ? {}
          : { customerIdentifier: row.customerIdentifier }),
        ...(row.customerAwsAccountId === undefined
          ? {}
          : { customerAwsAccountId: row.customerAwsAccountId }),
        ...(row.licenseArn === undefined ? {} : { licenseArn: row.licenseArn }),
        ...(row.productCode === undefined ? {} : { productCode: row.productCode }),
      });
      const cells: Cell[] = [
        firstSeq + i,
        row.recordIndex,
        event.parsed.eventTime,
        row.usageTime,
        party,
        dicts.dimensions.code(row.dimension),
        region,
        row.quantity,
        row.status,
        false,
        opt(row.meteringRecordId),
        opt(row.allocations),
        opt(row.errorCode),
        opt(row.errorMessage),
        opt(row.filledFrom),
      ];
      cells.forEach((cell, k) => values[k]?.push(cell));
    }
  });
  const types: AppendColumn['type'][] = [
    'INTEGER',
    'INTEGER',
    'BIGINT',
    'BIGINT',
    'INTEGER',
    'INTEGER',
    'SMALLINT',
    'BIGINT',
    { enum: STORED_STATUSES },
    'BOOLEAN',
    'VARCHAR',
    'VARCHAR',
    'VARCHAR',
    'VARCHAR',
    'VARCHAR',
  ];
  return {
    columns: types.map((type, k) => ({ type, values: values[k] ?? [] })),
    rows: values[0]?.length ?? 0,
  };
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

/**
 * Marks, for every MeteringRecordId this batch brought, its first appearance (by event time,
 * then event id, then place in the request — shared/billing.ts) billed and each later one a replay — also when the batch brought an
 * earlier appearance of an id already stored. AWS gives the same id only to the same record
 * (customer, dimension, hour), so the search stays within the batch's usage hours.
 */
async function settleReplays(
  tx: SqlSession,
  T: Tables,
  firstSeq: number,
  window: { from: number; to: number } | null,
): Promise<void> {
  const within =
    window === null
      ? ''
      : `AND r.usage_time >= ${String(window.from)} AND r.usage_time < ${String(window.to)}`;
  await tx.run(
    `UPDATE ${T.records} AS t SET replay = c.later
    FROM (
      SELECT r.rowid AS rid, r.replay,
        row_number() OVER (
          PARTITION BY r.metering_record_id
          ORDER BY r.event_time, e.event_id, r.record_index) > 1 AS later
      FROM ${T.records} r JOIN ${T.events} e ON e.event_seq = r.event_seq
      WHERE r.status = 'Success' ${within}
        AND r.metering_record_id IN (
          SELECT metering_record_id FROM ${T.records}
          WHERE event_seq >= $1 AND status = 'Success' AND metering_record_id IS NOT NULL)
    ) c
    WHERE t.rowid = c.rid AND t.replay <> c.later`,
    [firstSeq],
  );
}

/** Usage hours the batch's billed candidates span, or null when one has no usage time. */
function billedWindow(events: readonly StoredEvent[]): { from: number; to: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const event of events) {
    for (const row of event.parsed.rows) {
      if (row.status !== 'Success' || row.meteringRecordId === undefined) continue;
      if (row.usageTime === null) return null;
      from = Math.min(from, row.usageTime);
      to = Math.max(to, row.usageTime);
    }
  }
  if (from === Infinity) return { from: 0, to: 0 };
  // Whole hours either side: AWS keys a record by its hour.
  return {
    from: Math.floor(from / 3_600_000) * 3_600_000,
    to: Math.floor(to / 3_600_000) * 3_600_000 + 3_600_000,
  };
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

export async function storeRows(
  tx: SqlSession,
  T: Tables,
  dicts: Dictionaries,
  events: readonly StoredEvent[],
  options: { firstSeq: number; settleDaily: boolean },
): Promise<{ events: number; rows: number }> {
  const unique = new Map<string, StoredEvent>();
  for (const event of events) {
    if (!unique.has(event.parsed.eventId)) unique.set(event.parsed.eventId, event);
  }
  const known = await tx.all(
    `SELECT event_id FROM ${T.events} WHERE event_id IN (SELECT unnest($1::VARCHAR[]))`,
    [[...unique.keys()]],
  );
  for (const row of known) unique.delete(String(row.event_id));
  const fresh = [...unique.values()];
  if (fresh.length === 0) return { events: 0, rows: 0 };

  const records = recordColumns(fresh, options.firstSeq, dicts);
  await appendNewCodes(tx, dicts);
  await tx.append('store', 'events', eventColumns(fresh, options.firstSeq));
  await tx.append('store', 'records', records.columns);
  const window = billedWindow(fresh);
  if (window === null || window.to > window.from) {
    await settleReplays(tx, T, options.firstSeq, window);
  }
  if (options.settleDaily) await refreshDaily(tx, T, touchedDays(fresh));
  return { events: fresh.length, rows: records.rows };
}
