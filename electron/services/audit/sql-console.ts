// The Query tab: one statement of SQL typed by an auditor over the documented views, run by the
// engine in a read-only transaction (writes are refused by the database, not by reading the
// SQL), stopped at a timeout or on Cancel; the whole result exported as CSV or Parquet; saved
// queries kept on this computer beside the built-in ones. Before a statement runs, the views
// that mirror the journal and the day completeness are brought up to date.
import type { AuditCompleteness } from '../../../shared/audit';
import { AUDIT_EXPORT_MAX_ROWS } from '../../../shared/channels/audit';
import type { AuditSqlResult } from '../../../shared/channels/audit-sql';
import type { JournalRow } from '../../../shared/channels/journal';
import { csvTable, type CsvColumn } from '../../../shared/csv';
import { AppError } from '../../../shared/errors';
import type { KeyValueStore } from '../ports';
import type { AccountCache } from './account-cache';
import { SqlRefused, SqlStopped, type SqlCell } from './db';
import { createViewMirrors } from './sql-mirrors';
import { createSavedQueries } from './sql-saved-queries';

export type SqlConsoleDeps = {
  /** The active account's cache and the regions it covers. */
  context: () => Promise<{ cache: AccountCache; regions: string[] }>;
  /** This data folder's journal records of one account. */
  journalOf: (accountId: string) => Promise<readonly JournalRow[]>;
  /** Day completeness of the cache's regions, for the `completeness` view. */
  completenessOf: (cache: AccountCache, regions: string[]) => Promise<AuditCompleteness[]>;
  /** Where saved queries are kept (not per account: an auditor's questions travel). */
  store: KeyValueStore;
  now: () => number;
  newId: () => string;
};

const CANCELLED_FIRST_KEPT = 100;

/** The engine's words, first line only: the rest is a caret diagram for a terminal. */
function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function explain(error: unknown, timeoutSeconds: number): unknown {
  if (error instanceof SqlStopped) {
    return error.reason === 'timeout'
      ? new AppError(
          'CANCELLED',
          `The query ran for ${String(timeoutSeconds)} s and was stopped.`,
          {
            hint: 'Narrow it (a WHERE on usage_hour or customer helps most), or allow more time.',
          },
        )
      : new AppError('CANCELLED', 'The query was cancelled.');
  }
  if (error instanceof SqlRefused) {
    return error.forbidden
      ? new AppError(
          'FORBIDDEN',
          'The Query tab only reads: the database refused this statement.',
          {
            hint: 'Ask with SELECT over the views usage_records, events, journal_records and completeness.',
            details: { engine: error.message },
          },
        )
      : new AppError('VALIDATION', firstLine(error.message), {
          hint: 'Check the statement against the views and their columns (listed beside the editor).',
          details: { engine: error.message },
        });
  }
  return error;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/;

/** The result in the app's one CSV shape: numbers as numbers, text kept text (ids included). */
function csvOf(
  columns: readonly { name: string; type: string }[],
  rows: readonly SqlCell[][],
): string {
  return csvTable(
    columns.map((c, i): CsvColumn<SqlCell[]> => ({
      name: c.name,
      kind: NUMERIC_TYPE.test(c.type) ? 'number' : 'id',
      value: (row) => {
        const v = row[i];
        return v === null || v === undefined ? undefined : typeof v === 'boolean' ? String(v) : v;
      },
    })),
    rows,
  );
}

/** The whole result as a file: Parquet as the engine writes it, or CSV up to the export cap. */
async function resultBytes(
  cache: AccountCache,
  sql: string,
  format: 'csv' | 'parquet',
  limits: { timeoutMs: number; signal: AbortSignal },
): Promise<Uint8Array> {
  if (format === 'parquet') {
    return cache.db.exportFile(sql, [], { format: 'parquet', readOnly: limits });
  }
  const result = await cache.db.readOnly(sql, { ...limits, maxRows: AUDIT_EXPORT_MAX_ROWS });
  if (result.truncated) {
    throw new AppError(
      'VALIDATION',
      `The result has more than ${AUDIT_EXPORT_MAX_ROWS.toLocaleString('en-US')} rows: too many for a CSV file.`,
      { hint: 'Export it as Parquet, or narrow the query.' },
    );
  }
  return new TextEncoder().encode(csvOf(result.columns, result.rows));
}

export function createSqlConsole(deps: SqlConsoleDeps) {
  const running = new Map<string, AbortController>();
  /** Ids cancelled before their run arrived (the newest few; ids are random per run). */
  const cancelledFirst = new Set<string>();
  const refreshMirrors = createViewMirrors(deps);
  const savedQueries = createSavedQueries(deps.store, deps.newId);

  /**
   * The account's cache with its mirrored views current, and a signal Cancel can abort — from
   * the moment the request arrives, so a Cancel sent while the views refresh still counts.
   */
  async function prepare(queryId: string) {
    if (running.has(queryId)) {
      throw new AppError('CONFLICT', 'A query with this id is already running.');
    }
    if (cancelledFirst.delete(queryId)) throw explain(new SqlStopped('cancelled'), 0);
    const controller = new AbortController();
    running.set(queryId, controller);
    const done = (): void => {
      running.delete(queryId);
    };
    try {
      const { cache, regions } = await deps.context();
      await refreshMirrors(cache, regions);
      return { cache, signal: controller.signal, done };
    } catch (error) {
      done();
      throw error;
    }
  }

  async function run(input: {
    sql: string;
    queryId: string;
    timeoutSeconds: number;
    maxRows: number;
  }): Promise<AuditSqlResult> {
    const { cache, signal, done } = await prepare(input.queryId);
    const started = performance.now();
    try {
      const result = await cache.db.readOnly(input.sql, {
        maxRows: input.maxRows,
        timeoutMs: input.timeoutSeconds * 1000,
        signal,
      });
      return { queryId: input.queryId, ...result, ms: performance.now() - started };
    } catch (error) {
      throw explain(error, input.timeoutSeconds);
    } finally {
      done();
    }
  }

  async function exportResult(input: {
    sql: string;
    format: 'csv' | 'parquet';
    queryId: string;
    timeoutSeconds: number;
  }) {
    const { cache, signal, done } = await prepare(input.queryId);
    const limits = { timeoutMs: input.timeoutSeconds * 1000, signal };
    try {
      const bytes = await resultBytes(cache, input.sql, input.format, limits);
      const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-').slice(0, 19);
      return {
        fileName: `meterdesk-query-${cache.accountId}-${stamp}.${input.format}`,
        mimeType:
          input.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/vnd.apache.parquet',
        base64: Buffer.from(bytes).toString('base64'),
        bytes: bytes.byteLength,
      };
    } catch (error) {
      throw explain(error, input.timeoutSeconds);
    } finally {
      done();
    }
  }

  return {
    run,
    cancel(queryId: string): { cancelled: boolean } {
      const controller = running.get(queryId);
      if (controller) {
        controller.abort();
        return { cancelled: true };
      }
      // Over the local API a Cancel can overtake its own run: the run is refused on arrival.
      cancelledFirst.add(queryId);
      if (cancelledFirst.size > CANCELLED_FIRST_KEPT) {
        const oldest = cancelledFirst.values().next();
        if (!oldest.done) cancelledFirst.delete(oldest.value);
      }
      return { cancelled: false };
    },
    exportResult,
    ...savedQueries,
  };
}
