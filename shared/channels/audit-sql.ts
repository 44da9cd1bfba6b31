// Channels of the audit area's Query tab: one statement of read-only SQL over the documented
// views (shared/audit-sql.ts), stopped at a timeout or on Cancel; its result exported as CSV or
// Parquet; saved queries beside the built-in ones.
import { z } from 'zod';
import type { ChannelTable } from './table';

export const AUDIT_SQL_MAX_ROWS = 10_000;
export const AUDIT_SQL_MAX_TIMEOUT_SECONDS = 600;

const sqlText = z.string().trim().min(1, 'Type a query first.').max(20_000);
const queryIdSchema = z.string().min(1).max(100);
const timeoutSchema = z.number().int().min(1).max(AUDIT_SQL_MAX_TIMEOUT_SECONDS).default(30);

export const auditSqlCellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AuditSqlCell = z.infer<typeof auditSqlCellSchema>;

export const auditSqlResultSchema = z.object({
  queryId: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(auditSqlCellSchema)),
  /** More rows matched than were sent (maxRows): export for all of them. */
  truncated: z.boolean(),
  ms: z.number().nonnegative(),
});
export type AuditSqlResult = z.infer<typeof auditSqlResultSchema>;

export const auditSavedQuerySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  sql: z.string(),
  builtin: z.boolean(),
});
export type AuditSavedQuery = z.infer<typeof auditSavedQuerySchema>;

export const auditSqlChannels = {
  /** Runs one statement read-only (the engine refuses writes); stops at the timeout. */
  'audit:sql': {
    input: z
      .object({
        sql: sqlText,
        /** The caller's id for this run, so `audit:sql-cancel` can stop it. */
        queryId: queryIdSchema,
        timeoutSeconds: timeoutSchema,
        maxRows: z.number().int().min(1).max(AUDIT_SQL_MAX_ROWS).default(2_000),
      })
      .strict(),
    output: auditSqlResultSchema,
  },
  'audit:sql-cancel': {
    input: z.object({ queryId: queryIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** The whole result of a statement as a file (CSV is spreadsheet-safe; Parquet keeps types). */
  'audit:sql-export': {
    input: z
      .object({
        sql: sqlText,
        format: z.enum(['csv', 'parquet']),
        queryId: queryIdSchema,
        timeoutSeconds: timeoutSchema,
      })
      .strict(),
    output: z.object({
      fileName: z.string(),
      mimeType: z.string(),
      /** The file's bytes, base64. */
      base64: z.string(),
      bytes: z.number().int().nonnegative(),
    }),
  },
  /** The built-in queries and the ones saved on this computer. */
  'audit:sql-saved': {
    input: z.object({}).strict(),
    output: z.object({ queries: z.array(auditSavedQuerySchema) }),
  },
  'audit:sql-save': {
    input: z
      .object({
        /** Absent: a new query. A built-in cannot be overwritten. */
        id: z.string().min(1).max(100).optional(),
        name: z.string().trim().min(1, 'Give the query a name.').max(200),
        description: z.string().max(2_000).default(''),
        sql: sqlText,
      })
      .strict(),
    output: auditSavedQuerySchema,
  },
  'audit:sql-delete': {
    input: z.object({ id: z.string().min(1).max(100) }).strict(),
    output: z.object({ deleted: z.boolean() }),
  },
} as const satisfies ChannelTable;
