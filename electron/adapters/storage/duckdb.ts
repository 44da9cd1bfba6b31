// The audit cache database on DuckDB (@duckdb/node-api): one file per account in
// <data>/audit, opened by the main process only. The instance is capped (memory_limit) so main
// stays small and spills to <data>/audit/spill beyond it. Files outside <data>/audit/exports are
// out of reach of SQL (enable_external_access off, configuration locked): nothing typed in the
// Query tab can read or write elsewhere, load extensions or change the limits. SQL typed by a
// person runs in a READ ONLY transaction on its own connection, so the engine refuses writes.
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DOUBLE,
  DuckDBConnection,
  DuckDBBlobValue,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBScalarFunction,
  DuckDBTypeId,
  ENUM,
  INTEGER,
  SMALLINT,
  VARCHAR,
  listValue,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import {
  SqlRefused,
  SqlStopped,
  UNPACK_TEXT_SQL,
  type AppendColumn,
  type AppendType,
  type AuditDb,
  type AuditDbOpener,
  type ReadOnlyOptions,
  type ReadOnlyResult,
  type SqlCell,
  type SqlParam,
  type SqlColumns,
  type SqlRow,
  type SqlSession,
} from '../../services/audit/db';
import { fillColumn } from './duckdb-append';
import { createTextPacker, unpackText } from './text-packer';

export type DuckDbAuditOptions = {
  /** The folder holding one `<account>.duckdb` per account. */
  dir: string;
  /** DuckDB's memory_limit for the instance (default 256MB). */
  memoryLimit?: string;
  /** Worker threads (default: DuckDB's choice, the number of cores). */
  threads?: number;
};

const ACCOUNT_FILE = /^[A-Za-z0-9-]{1,64}$/;
const READER_POOL = 4;
const CHUNK_ROWS = 2048;
/** Chunks appended between two turns of main's event loop. */
const CHUNKS_PER_FLUSH = 8;

/** Messages with which DuckDB refuses what the configuration or a read-only transaction forbids. */
const FORBIDDEN =
  /read-only mode|configuration has been locked|file system operations are disabled|disabled through configuration|Cannot change configuration/i;

export function createDuckDbAuditOpener(options: DuckDbAuditOptions): AuditDbOpener {
  return async (accountId) => {
    if (!ACCOUNT_FILE.test(accountId)) {
      throw new Error(`Not an account id usable as a file name: ${accountId}`);
    }
    return openDuckDbAuditDb(join(options.dir, `${accountId}.duckdb`), options);
  };
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function privateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

export async function openDuckDbAuditDb(
  path: string,
  options: Omit<DuckDbAuditOptions, 'dir'> & { dir: string },
): Promise<AuditDb> {
  const exportDir = join(options.dir, 'exports');
  const spillDir = join(options.dir, 'spill');
  await privateFolder(options.dir);
  await privateFolder(exportDir);
  await privateFolder(spillDir);
  // Leftovers of exports a crash interrupted.
  for (const name of await readdir(exportDir))
    await rm(join(exportDir, name), { force: true, recursive: true });

  const instance = await DuckDBInstance.create(path, {
    memory_limit: options.memoryLimit ?? '256MB',
    ...(options.threads === undefined ? {} : { threads: String(options.threads) }),
    temp_directory: spillDir,
    // Needed for ZSTD on the raw record text (DuckDB ≥ 1.2 storage).
    storage_compatibility_version: 'latest',
    // A checkpoint rewrites the table's last, partly filled row group (raw records and all):
    // at the default 16 MB of log, an import of many small files did so every few files.
    checkpoint_threshold: '256MB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const setup = await instance.connect();
  try {
    // A list setting cannot be passed at creation; set it, then shut every other door.
    await setup.run(`SET allowed_directories = [${sqlString(`${exportDir}/`)}]`);
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
    await chmod(path, 0o600);
  } catch (error) {
    setup.closeSync();
    instance.closeSync();
    throw error;
  }
  const catalogRows = await setup.runAndReadAll('SELECT current_database() AS name');
  const catalog = String(rowsOf(catalogRows)[0]?.name ?? '');
  setup.closeSync();

  const writer = await instance.connect();
  // In the instance's catalog: every connection made after this one, the read-only ones too.
  writer.registerScalarFunction(unpackTextFunction());
  const packer = createTextPacker();
  let writeQueue: Promise<unknown> = Promise.resolve();
  const idle: DuckDBConnection[] = [];
  const waiting: ((c: DuckDBConnection) => void)[] = [];
  let readers = 0;
  const consoles = new Set<DuckDBConnection>();
  let closed = false;

  async function withReader<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (closed) throw new Error('The audit database is closed.');
    let connection = idle.pop();
    if (!connection) {
      if (readers < READER_POOL) {
        readers++;
        connection = await instance.connect();
      } else {
        connection = await new Promise<DuckDBConnection>((resolve) => waiting.push(resolve));
      }
    }
    try {
      return await work(connection);
    } finally {
      const next = waiting.shift();
      if (next) next(connection);
      else idle.push(connection);
    }
  }

  const session = (connection: DuckDBConnection): SqlSession => ({
    all: async (sql, params) => rowsOf(await connection.runAndReadAll(sql, bind(params))),
    columns: async (sql, params) => columnsOf(await connection.runAndReadAll(sql, bind(params))),
    run: async (sql, params) => {
      await connection.run(sql, bind(params));
    },
    append: (schema, table, columns) => appendColumns(connection, catalog, schema, table, columns),
  });

  async function write<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (closed) throw new Error('The audit database is closed.');
      await writer.run('BEGIN TRANSACTION');
      try {
        const out = await work(session(writer));
        await writer.run('COMMIT');
        return out;
      } catch (error) {
        await writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    };
    const next = writeQueue.then(run, run);
    writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Runs SQL typed by a person: its own connection, READ ONLY, stopped at the deadline. */
  async function typedByPerson<T>(
    sql: string,
    options: Omit<ReadOnlyOptions, 'maxRows'>,
    work: (connection: DuckDBConnection, statement: string) => Promise<T>,
  ): Promise<T> {
    if (closed) throw new Error('The audit database is closed.');
    const connection = await instance.connect();
    consoles.add(connection);
    const state: { stopped: SqlStopped['reason'] | null } = { stopped: null };
    // An interrupt reaches only a statement already executing; one sent while the statement is
    // still being prepared would be lost, so it is repeated until the work settles.
    let repeat: ReturnType<typeof setInterval> | undefined;
    const stop = (reason: SqlStopped['reason']): void => {
      state.stopped ??= reason;
      connection.interrupt();
      repeat ??= setInterval(() => connection.interrupt(), 50);
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = (): void => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw new SqlStopped('cancelled');
      // Exactly one statement: a second one could follow a COMMIT outside the transaction.
      const statements = await connection.extractStatements(sql).catch((error: unknown) => {
        throw refused(error);
      });
      if (statements.count !== 1) {
        throw new SqlRefused(
          statements.count === 0 ? 'There is no statement to run.' : 'Run one statement at a time.',
          false,
        );
      }
      await connection.run('BEGIN TRANSACTION READ ONLY');
      return await work(connection, sql);
    } catch (error) {
      if (state.stopped) throw new SqlStopped(state.stopped);
      throw error instanceof SqlRefused || error instanceof SqlStopped ? error : refused(error);
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
      options.signal?.removeEventListener('abort', onAbort);
      consoles.delete(connection);
      connection.closeSync();
      await detachStrays();
    }
  }

  /** Databases a Query-tab statement attached do not outlive it. */
  async function detachStrays(): Promise<void> {
    if (closed) return;
    await withReader(async (c) => {
      const reader = await c.runAndReadAll(
        'SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> $1',
        [catalog],
      );
      for (const row of rowsOf(reader)) {
        await c.run(`DETACH DATABASE IF EXISTS "${String(row.database_name).replace(/"/g, '""')}"`);
      }
    }).catch(() => undefined);
  }

  async function readOnly(sql: string, options: ReadOnlyOptions): Promise<ReadOnlyResult> {
    return typedByPerson(sql, options, async (connection) => {
      const reader = await connection.streamAndReadUntil(sql, options.maxRows + 1);
      const columns = reader.columnNames().map((name, i) => ({
        name,
        type: reader.columnType(i).toString(),
      }));
      const rows = cellsOf(reader).slice(0, options.maxRows);
      return { columns, rows, truncated: reader.currentRowCount > options.maxRows };
    });
  }

  async function exportFile(
    sql: string,
    params: readonly SqlParam[],
    options: { format: 'parquet' | 'csv'; readOnly?: Omit<ReadOnlyOptions, 'maxRows'> },
  ): Promise<Uint8Array> {
    const file = join(exportDir, `${randomUUID()}.${options.format}`);
    const format =
      options.format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER';
    // A line break before the closing parenthesis keeps a trailing `-- comment` inside.
    const body = sql.trim().replace(/;+\s*$/, '');
    const copy = `COPY (\n${body}\n) TO ${sqlString(file)} (${format})`;
    try {
      if (options.readOnly) {
        await typedByPerson(sql, options.readOnly, (c) => c.run(copy));
      } else {
        await withReader((c) => c.run(copy, bind(params)));
      }
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  return {
    catalog,
    ...{
      all: (sql, params) => withReader((c) => session(c).all(sql, params)),
      columns: (sql, params) => withReader((c) => session(c).columns(sql, params)),
      run: (sql, params) => withReader((c) => session(c).run(sql, params)),
      append: (schema, table, columns) =>
        withReader((c) => session(c).append(schema, table, columns)),
    },
    write,
    readOnly,
    exportFile,
    packText: (texts) => packer.pack(texts),
    async sizeOnDisk() {
      let total = 0;
      for (const file of [path, `${path}.wal`]) {
        total += await stat(file).then(
          (s) => s.size,
          () => 0,
        );
      }
      return total;
    },
    async close() {
      if (closed) return;
      await writeQueue;
      closed = true;
      for (const c of consoles) c.interrupt();
      for (const c of [...idle, writer]) c.closeSync();
      idle.length = 0;
      instance.closeSync();
      await packer.close();
    },
  };
}

/** `inflate_text(BLOB) → VARCHAR`: a text packed by `packText`, read back (NULL stays NULL). */
function unpackTextFunction(): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name: UNPACK_TEXT_SQL,
    returnType: VARCHAR,
    parameterTypes: [BLOB],
    mainFunction: (_info, input, output) => {
      const packed = input.getColumnVector(0);
      for (let i = 0; i < input.rowCount; i++) {
        const value = packed.getItem(i);
        output.setItem(i, value instanceof DuckDBBlobValue ? unpackText(value.bytes) : null);
      }
      output.flush();
    },
  });
}

function refused(error: unknown): SqlRefused {
  const message = error instanceof Error ? error.message : String(error);
  return new SqlRefused(message, FORBIDDEN.test(message));
}

// ---- values in and out -------------------------------------------------------------------------

function bind(params: readonly SqlParam[] | undefined): DuckDBValue[] | undefined {
  if (!params) return undefined;
  return params.map((p): DuckDBValue => {
    if (Array.isArray(p)) {
      const items = p as readonly (string | number)[];
      return listValue([...items]);
    }
    return p as DuckDBValue;
  });
}

const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

function plain(value: Json, integer: boolean): SqlCell {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (integer) {
      const n = Number(value);
      if (Number.isSafeInteger(n)) return n;
    }
    return value;
  }
  return JSON.stringify(value);
}

/** Types whose values arrive as JS primitives (integers beyond 32 bits as bigint). */
const PRIMITIVE_TYPES = new Set<DuckDBTypeId>([
  ...INTEGER_TYPES,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.ENUM,
]);

/** The plain form of a primitive value, as `plain` makes it from its JSON form. */
const primitiveCell: DuckDBValueConverter<SqlCell> = (value) => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : String(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return String(value);
};

/**
 * Results of plain columns (the app's own queries) skip the JSON form: many thousand rows of
 * aggregates reach the explorer at once.
 */
const plainColumns = (reader: DuckDBResultReader): boolean =>
  reader.columnNames().every((_, i) => PRIMITIVE_TYPES.has(reader.columnTypeId(i)));

function cellsOf(reader: DuckDBResultReader): SqlCell[][] {
  if (plainColumns(reader)) return reader.convertRows(primitiveCell);
  const integer = reader.columnNames().map((_, i) => INTEGER_TYPES.has(reader.columnTypeId(i)));
  return reader.getRowsJson().map((row) => row.map((v, i) => plain(v, integer[i] ?? false)));
}

function columnsOf(reader: DuckDBResultReader): SqlColumns {
  const names = reader.columnNames();
  let byColumn: SqlCell[][];
  if (plainColumns(reader)) byColumn = reader.convertColumns(primitiveCell);
  else {
    const rows = cellsOf(reader);
    byColumn = names.map((_, i) => rows.map((row) => row[i] ?? null));
  }
  return {
    rows: reader.currentRowCount,
    columns: Object.fromEntries(names.map((name, i) => [name, byColumn[i] ?? []])),
  };
}

function rowsOf(reader: DuckDBResultReader): SqlRow[] {
  const names = reader.columnNames();
  return cellsOf(reader).map((cells) => {
    const row: SqlRow = {};
    names.forEach((name, i) => (row[name] = cells[i] ?? null));
    return row;
  });
}

function duckType(type: AppendType): DuckDBType {
  if (typeof type === 'object') return ENUM([...type.enum]);
  switch (type) {
    case 'INTEGER':
      return INTEGER;
    case 'SMALLINT':
      return SMALLINT;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'BOOLEAN':
      return BOOLEAN;
    case 'VARCHAR':
      return VARCHAR;
    case 'BLOB':
      return BLOB;
  }
}

async function appendColumns(
  connection: DuckDBConnection,
  catalog: string,
  schema: string,
  table: string,
  columns: readonly AppendColumn[],
): Promise<void> {
  const rows = columns[0]?.values.length ?? 0;
  if (rows === 0) return;
  for (const c of columns) {
    if (c.values.length !== rows) throw new Error(`Append to ${table}: columns differ in length.`);
  }
  const types = columns.map((c) => duckType(c.type));
  const appender = await connection.createAppender(table, schema, catalog);
  try {
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      columns.forEach((column, k) => fillColumn(chunk, k, column, start, n));
      appender.appendDataChunk(chunk);
      if ((start / CHUNK_ROWS) % CHUNKS_PER_FLUSH === CHUNKS_PER_FLUSH - 1) {
        // The appender works on main's thread: a bulk load's 125,000 records appended at once
        // held every other request of the core back for a quarter of a second.
        appender.flushSync();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
