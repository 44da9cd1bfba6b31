// One account's audit cache on its database: opening it (tables, views, the code tables read
// back into memory), storing CloudTrail events deduplicated by event id, the sync engine's
// bookkeeping per region, the raw record, and forgetting regions. Every write is one
// transaction; a record's billed-once standing (billed or replay) is settled in the same
// transaction that stores it, and so are the daily totals of the days it touches.
import type { AuditSyncState } from './sync';
import { auditSyncStateSchema } from './sync';
import type { AuditDb, SqlSession } from './db';
import {
  commitAll,
  createDictionaries,
  rollbackAll,
  type Dictionaries,
  type Party,
} from './dictionaries';
import { batchOf, latestUsageOf, storeRows, type EventBatch, type StoredEvent } from './append';
import { clusterDue, clusterRecords } from './cluster';
import { parseToColumns, type EventIngester } from './ingest';
import { packsRaw } from './raw-pack';
import type { StoredUntil } from './replays';
import { rebuildDaily } from './rollup';
import {
  SCHEMA_VERSION,
  packedRawStatements,
  rawTextSql,
  storeStatements,
  tables,
  viewStatements,
  type Tables,
} from './schema';

export type AccountCache = {
  accountId: string;
  db: AuditDb;
  tables: Tables;
  dicts: Dictionaries;
  /** Bumped on every change; answers carry it so the renderer can tell a window is stale. */
  version: () => number;
  /**
   * Stores events not seen before (by event id) and returns how many were new. `bulk` leaves
   * the daily totals to `finishBulk` (many batches in a row: migration, imports, benches).
   */
  store: (events: readonly StoredEvent[], options?: StoreOptions) => Promise<number>;
  /**
   * The same for events still being parsed and packed (appendEvents): queued now, in call
   * order, and written once they are ready.
   */
  storePrepared: (prepared: Promise<EventBatch>, options?: StoreOptions) => Promise<number>;
  /** Parses and packs events for this cache: on worker threads where the app has them. */
  ingest: EventIngester;
  finishBulk: () => Promise<void>;
  /** Whether the daily totals match the records (not in the middle of a bulk load). */
  rollupReady: () => boolean;
  /**
   * Sorts the records by customer (cluster.ts) when enough were stored since the last sort,
   * or always with `force`. Stores after a bulk load and large syncs call it.
   */
  cluster: (options?: { force?: boolean }) => Promise<boolean>;
  /** Regions holding events or sync bookkeeping. */
  regions: () => Promise<string[]>;
  counts: () => Promise<{ events: number; rows: number }>;
  readSyncState: (region: string) => Promise<AuditSyncState>;
  writeSyncState: (region: string, state: AuditSyncState) => Promise<void>;
  /** The CloudTrail record exactly as received, and the region it was fetched from. */
  readRaw: (eventId: string) => Promise<{ region: string; text: string } | null>;
  /** Forgets the events and bookkeeping of these regions; returns the events removed. */
  clear: (regions: readonly string[]) => Promise<number>;
  close: () => Promise<void>;
};

export type StoreOptions = {
  bulk?: boolean;
  /** Filled, once the write commits, with the ids of the events it stored as new. */
  newIds?: Set<string>;
};

async function loadDictionaries(db: AuditDb, T: Tables): Promise<Dictionaries> {
  const dicts = createDictionaries();
  for (const row of await db.all(`SELECT * FROM ${T.parties} ORDER BY code`)) {
    const party: Party = {};
    if (typeof row.customer_identifier === 'string') {
      party.customerIdentifier = row.customer_identifier;
    }
    if (typeof row.customer_aws_account_id === 'string') {
      party.customerAwsAccountId = row.customer_aws_account_id;
    }
    if (typeof row.license_arn === 'string') party.licenseArn = row.license_arn;
    if (typeof row.product_code === 'string') party.productCode = row.product_code;
    dicts.parties.load(Number(row.code), party);
  }
  for (const row of await db.all(`SELECT * FROM ${T.dimensions} ORDER BY code`)) {
    dicts.dimensions.load(Number(row.code), String(row.name));
  }
  for (const row of await db.all(`SELECT * FROM ${T.regions} ORDER BY code`)) {
    dicts.regions.load(Number(row.code), String(row.name));
  }
  return dicts;
}

async function readMeta(db: AuditDb, T: Tables, key: string): Promise<string | undefined> {
  const rows = await db.all(`SELECT value FROM ${T.meta} WHERE key = $1`, [key]);
  const value = rows[0]?.value;
  return typeof value === 'string' ? value : undefined;
}

async function writeMeta(tx: SqlSession, T: Tables, key: string, value: string): Promise<void> {
  await tx.run(`DELETE FROM ${T.meta} WHERE key = $1`, [key]);
  await tx.run(`INSERT INTO ${T.meta} VALUES ($1, $2)`, [key, value]);
}

/**
 * Tables, views and bookkeeping, an older cache's tables brought up to date; refuses a cache a
 * newer schema wrote.
 */
async function prepare(db: AuditDb, T: Tables, accountId: string): Promise<void> {
  await db.write(async (tx) => {
    for (const sql of storeStatements(db.catalog)) await tx.run(sql);
  });
  const version = await readMeta(db, T, 'schema_version');
  if (version !== undefined && Number(version) > SCHEMA_VERSION) {
    throw new Error(
      `The audit cache of ${accountId} was written by a newer Meterdesk (schema ${version}).`,
    );
  }
  await db.write(async (tx) => {
    // Version 1 had no failures rollup: the table was just made, empty; the rollups are
    // rebuilt from the records with the new version.
    if (version !== undefined && Number(version) < 2) await rebuildDaily(tx, T);
    // Before version 3 the raw text was the only form; it stays where it is.
    if (version !== undefined && Number(version) < 3) {
      for (const sql of packedRawStatements(db.catalog)) await tx.run(sql);
    }
    // The views name the current columns, so they come after the tables are up to date.
    for (const sql of viewStatements(db.catalog, accountId)) await tx.run(sql);
    await writeMeta(tx, T, 'schema_version', String(SCHEMA_VERSION));
    await writeMeta(tx, T, 'account_id', accountId);
  });
  // A bulk load the app did not live to finish: its daily totals are rebuilt now.
  if ((await readMeta(db, T, 'daily_stale')) === '1') await settleBulk(db, T);
}

/** Rebuilds the daily totals a bulk load left stale. */
async function settleBulk(db: AuditDb, T: Tables): Promise<void> {
  await db.write(async (tx) => {
    await rebuildDaily(tx, T);
    await writeMeta(tx, T, 'daily_stale', '0');
  });
}

/** Each event's packed raw record, or null where it stays text; in the events' order. */
async function packLong(
  db: AuditDb,
  events: readonly Pick<StoredEvent, 'raw'>[],
): Promise<(Uint8Array | null)[]> {
  const long = events.filter((e) => packsRaw(e.raw));
  if (long.length === 0) return events.map(() => null);
  const packed = await db.packText(long.map((e) => e.raw));
  let next = 0;
  return events.map((e) => (packsRaw(e.raw) ? (packed[next++] ?? null) : null));
}

async function latestStoredUsage(tx: SqlSession, T: Tables): Promise<number | null> {
  const rows = await tx.all(`SELECT max(usage_time) AS latest FROM ${T.records}`);
  const latest = rows[0]?.latest;
  return latest === null || latest === undefined ? null : Number(latest);
}

/** The bound after a write that may have stored records up to `latest`. */
function raisedBound(bound: StoredUntil, latest: number | null): StoredUntil {
  if (bound === undefined || latest === null) return bound;
  return bound === null ? latest : Math.max(bound, latest);
}

type Storer = Pick<
  AccountCache,
  'store' | 'storePrepared' | 'finishBulk' | 'rollupReady' | 'cluster'
>;

/** Storing events one write after another, codes and event numbers handed out in order. */
async function createStorer(
  db: AuditDb,
  T: Tables,
  dicts: Dictionaries,
  changed: () => void,
): Promise<Storer> {
  const seqRows = await db.all(`SELECT coalesce(max(event_seq) + 1, 0) AS next FROM ${T.events}`);
  let nextSeq = Number(seqRows[0]?.next ?? 0);
  let unclustered = Number((await readMeta(db, T, 'unclustered_rows')) ?? 0);
  // The latest usage time stored, as an upper bound (replays.ts): read at the first store.
  let storedUntil: StoredUntil;
  let stale = false;
  // Stores run one after another, so codes a failed one handed out are taken back before the
  // next one hands out more.
  let storing: Promise<unknown> = Promise.resolve();

  async function storeNow(prepared: Promise<EventBatch>, options: StoreOptions): Promise<number> {
    const batch = await prepared;
    if (batch.columns.events.length === 0) return 0;
    let added: { events: number; rows: number; newIds: readonly string[] };
    try {
      added = await db.write(async (tx) => {
        storedUntil ??= await latestStoredUsage(tx, T);
        const result = await storeRows(tx, T, dicts, batch, {
          firstSeq: nextSeq,
          settleDaily: options.bulk !== true,
          storedUntil,
        });
        if (result.events > 0 && options.bulk === true) {
          await writeMeta(tx, T, 'daily_stale', '1');
        }
        if (result.rows > 0) {
          await writeMeta(tx, T, 'unclustered_rows', String(unclustered + result.rows));
        }
        return result;
      });
      commitAll(dicts);
      for (const id of added.newIds) options.newIds?.add(id);
      nextSeq += added.events;
      unclustered += added.rows;
      if (added.events > 0) changed();
      if (added.events > 0 && options.bulk === true) stale = true;
    } catch (error) {
      rollbackAll(dicts);
      throw error;
    } finally {
      // Raised whether or not the write went through: it stays an upper bound either way.
      storedUntil = raisedBound(storedUntil, latestUsageOf(batch.columns));
    }
    // Stored either way; the sort only makes later questions cheaper.
    if (options.bulk !== true) await cluster();
    return added.events;
  }

  async function cluster(options: { force?: boolean } = {}): Promise<boolean> {
    if (options.force !== true) {
      if (!clusterDue(unclustered, 0)) return false;
      const total = Number((await db.all(`SELECT count(*) AS n FROM ${T.records}`))[0]?.n ?? 0);
      if (!clusterDue(unclustered, total)) return false;
    }
    await db.write(async (tx) => {
      await clusterRecords(tx, T);
      await writeMeta(tx, T, 'unclustered_rows', '0');
    });
    unclustered = 0;
    return true;
  }

  function storePrepared(prepared: Promise<EventBatch>, options: StoreOptions = {}) {
    // Awaited in its turn; a failure is reported there, not as an unhandled rejection.
    prepared.catch(() => undefined);
    const run = () => storeNow(prepared, options);
    const next = storing.then(run, run);
    storing = next.catch(() => undefined);
    return next;
  }

  return {
    store(events, options = {}) {
      // Packing starts now, while earlier stores are still writing.
      return storePrepared(
        packLong(db, events).then((packed) => batchOf(events, packed)),
        options,
      );
    },
    storePrepared,
    async finishBulk() {
      if ((await readMeta(db, T, 'daily_stale')) !== '1') return;
      await settleBulk(db, T);
      // The load's log is folded into the database file now rather than left for the next open;
      // skipped while another transaction is open (the engine checkpoints later by itself).
      await db.run('CHECKPOINT').catch(() => undefined);
      stale = false;
      changed();
    },
    rollupReady: () => !stale,
    cluster,
  };
}

async function readSyncState(db: AuditDb, T: Tables, region: string): Promise<AuditSyncState> {
  const rows = await db.all(`SELECT state FROM ${T.syncState} WHERE region = $1`, [region]);
  const text = rows[0]?.state;
  if (typeof text !== 'string') return { coverage: [] };
  try {
    const parsed = auditSyncStateSchema.safeParse(JSON.parse(text));
    // Damaged bookkeeping only costs a re-fetch: coverage starts over.
    return parsed.success ? parsed.data : { coverage: [] };
  } catch {
    return { coverage: [] };
  }
}

async function writeSyncState(
  db: AuditDb,
  T: Tables,
  region: string,
  state: AuditSyncState,
): Promise<void> {
  await db.write(async (tx) => {
    await tx.run(`DELETE FROM ${T.syncState} WHERE region = $1`, [region]);
    await tx.run(`INSERT INTO ${T.syncState} VALUES ($1, $2)`, [region, JSON.stringify(state)]);
  });
}

/** Forgets the events, records, daily totals and bookkeeping of these regions. */
async function clearRegions(
  db: AuditDb,
  T: Tables,
  dicts: Dictionaries,
  regions: readonly string[],
): Promise<number> {
  const codes = regions
    .map((r) => dicts.regions.codesWhere((name) => name === r)[0])
    .filter((c): c is number => c !== undefined);
  return db.write(async (tx) => {
    const counted = await tx.all(
      `SELECT count(*) AS n FROM ${T.events} WHERE region IN (SELECT unnest($1::VARCHAR[]))`,
      [regions],
    );
    await tx.run(`DELETE FROM ${T.syncState} WHERE region IN (SELECT unnest($1::VARCHAR[]))`, [
      regions,
    ]);
    if (codes.length > 0) {
      await tx.run(`DELETE FROM ${T.records} WHERE region_code IN (${codes.join(', ')})`);
      await tx.run(`DELETE FROM ${T.daily} WHERE region_code IN (${codes.join(', ')})`);
      await tx.run(`DELETE FROM ${T.failures} WHERE region_code IN (${codes.join(', ')})`);
    }
    await tx.run(`DELETE FROM ${T.events} WHERE region IN (SELECT unnest($1::VARCHAR[]))`, [
      regions,
    ]);
    return Number(counted[0]?.n ?? 0);
  });
}

/** Parses in place and packs on the database's packer: for caches opened without workers. */
function ingestInPlace(db: AuditDb): EventIngester {
  return async (events, scope) => {
    const columns = parseToColumns(events, scope);
    const packed = await packLong(
      db,
      events.map((event) => ({ raw: event.cloudTrailEvent })),
    );
    return { columns, packed };
  };
}

export async function openAccountCache(
  db: AuditDb,
  accountId: string,
  options: { ingest?: EventIngester } = {},
): Promise<AccountCache> {
  const T = tables(db.catalog);
  await prepare(db, T, accountId);
  const dicts = await loadDictionaries(db, T);
  let changes = 1;
  const storer = await createStorer(db, T, dicts, () => {
    changes++;
  });
  return {
    accountId,
    db,
    tables: T,
    dicts,
    version: () => changes,
    ...storer,
    ingest: options.ingest ?? ingestInPlace(db),
    async regions() {
      const rows = await db.all(
        `SELECT DISTINCT region FROM ${T.events} UNION SELECT region FROM ${T.syncState} ORDER BY 1`,
      );
      return rows.map((r) => String(r.region));
    },
    async counts() {
      const rows = await db.all(
        `SELECT (SELECT count(*) FROM ${T.events}) AS events, (SELECT count(*) FROM ${T.records}) AS rows`,
      );
      return { events: Number(rows[0]?.events ?? 0), rows: Number(rows[0]?.rows ?? 0) };
    },
    readSyncState: (region) => readSyncState(db, T, region),
    writeSyncState: (region, state) => writeSyncState(db, T, region, state),
    async readRaw(eventId) {
      const rows = await db.all(
        `SELECT region, ${rawTextSql()} AS raw FROM ${T.events} WHERE event_id = $1`,
        [eventId],
      );
      const row = rows[0];
      return row ? { region: String(row.region), text: String(row.raw) } : null;
    },
    async clear(regions) {
      const removed = await clearRegions(db, T, dicts, regions);
      changes++;
      return removed;
    },
    close: () => db.close(),
  };
}
