// The Query tab: one statement of SQL typed by an auditor over the documented views, run by the
// engine in a read-only transaction (writes are refused by the database, not by reading the
// SQL), stopped at a timeout or on Cancel; the whole result exported as CSV or Parquet; saved
// queries kept on this computer beside the built-in ones. Before a statement runs, the views
// that mirror the journal and the day completeness are brought up to date.
import { z } from 'zod';
import { builtinAuditQueries } from '../../../shared/audit-sql';
import type { AuditCompleteness } from '../../../shared/audit';
import { AUDIT_EXPORT_MAX_ROWS } from '../../../shared/channels/audit';
import type { AuditSavedQuery, AuditSqlResult } from '../../../shared/channels/audit-sql';
import type { JournalRow } from '../../../shared/channels/journal';
import { csvTable, type CsvColumn } from '../../../shared/csv';
import { AppError } from '../../../shared/errors';
import type { KeyValueStore } from '../ports';
import type { AccountCache } from './account-cache';
import { SqlRefused, SqlStopped, type SqlCell } from './db';

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

const SAVED_KEY = 'audit.savedQueries';
const CANCELLED_FIRST_KEPT = 100;
const savedListSchema = z.array(
  z.object({ id: z.string(), name: z.string(), description: z.string(), sql: z.string() }),
);

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

export function createSqlConsole(deps: SqlConsoleDeps) {
  const running = new Map<string, AbortController>();
  /** Ids cancelled before their run arrived (the newest few; ids are random per run). */
  const cancelledFirst = new Set<string>();
  const journalSeen = new WeakMap<AccountCache, readonly JournalRow[]>();

  async function refreshJournal(cache: AccountCache): Promise<void> {
    const rows = await deps.journalOf(cache.accountId);
    if (journalSeen.get(cache) === rows) return;
    const ms = (iso: string | undefined): number | null => {
      const t = iso === undefined ? NaN : Date.parse(iso);
      return Number.isFinite(t) ? t : null;
    };
    const text = (pick: (r: JournalRow) => string | undefined) => ({
      type: 'VARCHAR' as const,
      values: rows.map((r) => pick(r) ?? null),
    });
    await cache.db.write(async (tx) => {
      await tx.run(`DELETE FROM ${cache.tables.journal}`);
      await tx.append('store', 'journal', [
        text((r) => r.submissionId),
        text((r) => r.key),
        { type: 'BIGINT', values: rows.map((r) => ms(r.at)) },
        text((r) => r.operation),
        text((r) => r.connectionName),
        text((r) => r.account),
        text((r) => r.region),
        text((r) => r.osUser),
        text((r) => r.productCode),
        text((r) => r.customer),
        text((r) => r.licenseArn),
        text((r) => r.dimension),
        { type: 'BIGINT', values: rows.map((r) => ms(r.timestamp)) },
        { type: 'BIGINT', values: rows.map((r) => r.quantity) },
        text((r) => r.status),
        text((r) => r.meteringRecordId),
        text((r) => r.requestId),
        text((r) => r.error),
        { type: 'INTEGER', values: rows.map((r) => r.attempts) },
        text((r) => r.resendOf),
        text((r) => r.resentIn),
      ]);
    });
    journalSeen.set(cache, rows);
  }

  async function refreshCompleteness(cache: AccountCache, regions: string[]): Promise<void> {
    const days = await deps.completenessOf(cache, regions);
    await cache.db.write(async (tx) => {
      await tx.run(`DELETE FROM ${cache.tables.completeness}`);
      await tx.append('store', 'completeness', [
        { type: 'VARCHAR', values: days.map((d) => d.region) },
        { type: 'VARCHAR', values: days.map((d) => d.day) },
        { type: 'VARCHAR', values: days.map((d) => d.state) },
      ]);
    });
  }

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
      await refreshJournal(cache);
      await refreshCompleteness(cache, regions);
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
      let bytes: Uint8Array;
      if (input.format === 'parquet') {
        bytes = await cache.db.exportFile(input.sql, [], { format: 'parquet', readOnly: limits });
      } else {
        const result = await cache.db.readOnly(input.sql, {
          ...limits,
          maxRows: AUDIT_EXPORT_MAX_ROWS,
        });
        if (result.truncated) {
          throw new AppError(
            'VALIDATION',
            `The result has more than ${AUDIT_EXPORT_MAX_ROWS.toLocaleString('en-US')} rows: too many for a CSV file.`,
            { hint: 'Export it as Parquet, or narrow the query.' },
          );
        }
        bytes = new TextEncoder().encode(csvOf(result.columns, result.rows));
      }
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

  function savedOwn(): z.infer<typeof savedListSchema> {
    const parsed = savedListSchema.safeParse(deps.store.get(SAVED_KEY));
    return parsed.success ? parsed.data : [];
  }

  function saved(): { queries: AuditSavedQuery[] } {
    return {
      queries: [
        ...builtinAuditQueries.map((q) => ({ ...q, builtin: true })),
        ...savedOwn().map((q) => ({ ...q, builtin: false })),
      ],
    };
  }

  function save(input: {
    id?: string | undefined;
    name: string;
    description: string;
    sql: string;
  }) {
    if (input.id !== undefined && builtinAuditQueries.some((q) => q.id === input.id)) {
      throw new AppError('VALIDATION', 'A built-in query cannot be changed.', {
        hint: 'Save it under a new name instead.',
      });
    }
    const own = savedOwn();
    const id = input.id ?? `saved:${deps.newId()}`;
    const query = { id, name: input.name, description: input.description, sql: input.sql };
    const at = own.findIndex((q) => q.id === id);
    if (input.id !== undefined && at < 0) {
      throw new AppError('NOT_FOUND', 'That saved query no longer exists.');
    }
    if (at >= 0) own[at] = query;
    else own.push(query);
    deps.store.set(SAVED_KEY, own);
    return { ...query, builtin: false };
  }

  function remove(id: string): { deleted: boolean } {
    const own = savedOwn();
    const rest = own.filter((q) => q.id !== id);
    if (rest.length !== own.length) deps.store.set(SAVED_KEY, rest);
    return { deleted: rest.length !== own.length };
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
    saved,
    save,
    remove,
  };
}
