// The audit cache's database, as the audit services see it: an embedded SQL engine holding one
// account's cache (electron/adapters/storage/duckdb.ts implements it with DuckDB). The services
// write the SQL; the adapter runs it, appends column batches fast, enforces read-only for SQL
// typed by a person, and turns results into plain values.

/** Parameters bind positionally to `$1`, `$2`, …; arrays bind as lists (`… IN (SELECT unnest($1))`). */
export type SqlParam = string | number | boolean | null | readonly string[] | readonly number[];

/**
 * A result value in plain form: integers as numbers (as strings beyond 2^53), timestamps and
 * dates as ISO-8601 text, lists and structs as JSON text, bytes as hex.
 */
export type SqlCell = string | number | boolean | null;
export type SqlRow = Record<string, SqlCell>;

/**
 * A result as columns, each column's cells in row order: for results of many thousand rows,
 * which as rows cost an object (and an array) per row that the caller only reads once.
 */
export type SqlColumns = { rows: number; columns: Record<string, SqlCell[]> };

export type AppendType =
  | 'INTEGER'
  | 'SMALLINT'
  | 'BIGINT'
  | 'DOUBLE'
  | 'VARCHAR'
  | 'BOOLEAN'
  /** Bytes (Uint8Array values). */
  | 'BLOB'
  | { enum: readonly string[] };

/**
 * A column of numbers without nulls, in a typed array: Int32Array for INTEGER, Int16Array for
 * SMALLINT, Float64Array for BIGINT (whole numbers) and DOUBLE, Uint8Array for BOOLEAN (0 or 1)
 * and for an enum (each value's place in the enum). A large batch skips a value-by-value pass.
 */
export type TypedValues = Int32Array | Int16Array | Float64Array | Uint8Array;

/** One column of a batch to append: every column of a batch holds the same number of values. */
export type AppendColumn = {
  type: AppendType;
  values: readonly (string | number | boolean | Uint8Array | null)[] | TypedValues;
};

/**
 * The SQL function (BLOB → VARCHAR) that gives back a text `packText` packed: the views show
 * the raw record as text with it.
 */
export const UNPACK_TEXT_SQL = 'inflate_text';

export type SqlSession = {
  all: (sql: string, params?: readonly SqlParam[]) => Promise<SqlRow[]>;
  columns: (sql: string, params?: readonly SqlParam[]) => Promise<SqlColumns>;
  run: (sql: string, params?: readonly SqlParam[]) => Promise<void>;
  /** Appends rows column-wise to `schema.table`, columns in the table's own order. */
  append: (schema: string, table: string, columns: readonly AppendColumn[]) => Promise<void>;
};

export type ReadOnlyColumn = { name: string; type: string };
export type ReadOnlyResult = {
  columns: ReadOnlyColumn[];
  rows: SqlCell[][];
  /** More rows than `maxRows` were there; only the first `maxRows` are in `rows`. */
  truncated: boolean;
};

export type ReadOnlyOptions = {
  maxRows: number;
  /** The statement is interrupted after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
};

/** Why a statement stopped without an answer. */
export class SqlStopped extends Error {
  constructor(readonly reason: 'timeout' | 'cancelled') {
    super(reason === 'timeout' ? 'The statement ran out of time.' : 'The statement was cancelled.');
    this.name = 'SqlStopped';
  }
}

/** The engine refused the SQL (syntax, unknown column, a write in a read-only transaction…). */
export class SqlRefused extends Error {
  constructor(
    message: string,
    /**
     * The engine refused what is forbidden here: a write in the read-only transaction, a file
     * outside the export folder, an extension, a change of the limits.
     */
    readonly forbidden: boolean,
  ) {
    super(message);
    this.name = 'SqlRefused';
  }
}

export type AuditDb = SqlSession & {
  /**
   * The database's own catalog name: internal SQL names tables `"<catalog>".store.x`, so a
   * database someone attaches in the Query tab can never shadow them.
   */
  catalog: string;
  /** Writes go through here, one at a time, each in a transaction (rolled back on error). */
  write: <T>(work: (tx: SqlSession) => Promise<T>) => Promise<T>;
  /**
   * One statement of SQL typed by a person, run in a transaction the engine keeps read-only,
   * on a connection of its own, interrupted at the timeout or when the signal aborts.
   */
  readOnly: (sql: string, options: ReadOnlyOptions) => Promise<ReadOnlyResult>;
  /**
   * A query's result as the bytes of a Parquet or CSV file. With `readOnly`, the query is SQL
   * typed by a person and runs the way `readOnly` runs it.
   */
  exportFile: (
    sql: string,
    params: readonly SqlParam[],
    options: { format: 'parquet' | 'csv'; readOnly?: Omit<ReadOnlyOptions, 'maxRows'> },
  ) => Promise<Uint8Array>;
  /**
   * Each text compressed on its own, off the main thread when there are many (a bulk load's raw
   * records); `${UNPACK_TEXT_SQL}(bytes)` in SQL gives it back.
   */
  packText: (texts: readonly string[]) => Promise<Uint8Array[]>;
  /** Bytes on disk (database file and its write-ahead log). */
  sizeOnDisk: () => Promise<number>;
  close: () => Promise<void>;
};

/** Opens (creating when missing) the cache database of one account. */
export type AuditDbOpener = (accountId: string) => Promise<AuditDb>;
