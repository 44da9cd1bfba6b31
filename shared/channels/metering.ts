// Channels and events of the metering area; shared/contract.ts merges every area's table.
// Two blocks: the INPUT side (catalog, validation, CSV import, plan) here, and the SUBMISSION
// side (submit, cancel, resume, progress events) from ./metering-submit.
import { z } from 'zod';
import {
  meteringOperationSchema,
  planSchema,
  productSchema,
  recordIssueSchema,
  usageRecordDraftSchema,
  usageRecordSchema,
} from '../metering';
import { isFileZone } from '../metering/zones';
import type { ChannelTable, EventTable } from './table';
import { meteringSubmitChannels, meteringSubmitEvents, planChecksSchema } from './metering-submit';

const none = z.object({}).strict();

// ---------------------------------------------------------------------------------------------
// Input side: catalog, validation, CSV import, plan (preview)

export const catalogViewSchema = z.object({
  /** The user's own products (persisted, editable). */
  user: z.array(productSchema),
  /** The sandbox's products, read-only, offered while the Sandbox connection is active. */
  sandbox: z.array(productSchema),
  sandboxActive: z.boolean(),
});
export type CatalogView = z.infer<typeof catalogViewSchema>;

export const fileOutSchema = z.object({ fileName: z.string(), text: z.string() });

export const validationResultSchema = z.object({
  rowId: z.string().optional(),
  issues: z.array(recordIssueSchema),
  record: usageRecordSchema.nullable(),
  key: z.string().nullable(),
  deadlineMs: z.number().nullable(),
});
export type ValidationResult = z.infer<typeof validationResultSchema>;

export const importReasonSchema = z.enum([
  'invalid',
  'duplicate',
  'window',
  'already-sent',
  /** The line's cells do not match the header, or a quote is broken. */
  'row-shape',
  /** The time has no zone (or falls in a skipped or repeated hour of the chosen zone). */
  'zone',
]);
export type ImportReason = z.infer<typeof importReasonSchema>;

export const importRowSchema = z.object({
  /** Position in the import's record list (stable for this handle). */
  index: z.number().int(),
  /** 1-based line numbers in the file (several when rows were aggregated). */
  lines: z.array(z.number().int()),
  status: z.enum(['ready', 'review']),
  reasons: z.array(importReasonSchema),
  draft: usageRecordDraftSchema,
  issues: z.array(recordIssueSchema),
  deadlineMs: z.number().nullable(),
  /** AWS's dedup key (customer, dimension, UTC hour…) when it could be read. */
  key: z.string().nullable(),
  /** The cells as read, for a line whose cells do not match the header (shown for review). */
  cells: z.array(z.string()).optional(),
});
export type ImportRow = z.infer<typeof importRowSchema>;

export const importSummarySchema = z.object({
  handle: z.string(),
  fileName: z.string(),
  delimiter: z.string(),
  /** Data rows in the file (header and blank lines excluded). */
  fileRows: z.number().int(),
  /** Records after aggregation (equal to fileRows without it). */
  records: z.number().int(),
  ready: z.number().int(),
  review: z.number().int(),
  byReason: z.object({
    invalid: z.number().int(),
    duplicate: z.number().int(),
    window: z.number().int(),
    'already-sent': z.number().int(),
    'row-shape': z.number().int(),
    zone: z.number().int(),
  }),
  aggregated: z.boolean(),
  /** Rows folded into another record by aggregation. */
  rowsMerged: z.number().int(),
  /** Of those, lines identical cell by cell to another line of the same record. */
  identicalLinesMerged: z.number().int(),
  /** The zone chosen for times the file writes without one; null = none chosen. */
  zone: z.string().nullable(),
  /** Lines whose time had no zone in the file. */
  zonelessRows: z.number().int(),
  /** Which file column went to which field. */
  columns: z.array(z.object({ header: z.string(), field: z.string().nullable() })),
  /** File-level findings (unknown columns, spreadsheet damage…). */
  notices: z.array(z.string()),
  milliseconds: z.number(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

/** CSV files travel in parts so no single call exceeds the bridge's body cap. */
export const CSV_PART_MAX_CHARS = 1_500_000;

/** Main frees an import no screen has kept alive (metering:import-keep) for this long. */
export const IMPORT_IDLE_MS = 10 * 60_000;

export const importCsvInputSchema = z.object({
  text: z.string().max(CSV_PART_MAX_CHARS),
  /** From the previous part's answer; absent on the first part. */
  uploadId: z.string().max(100).optional(),
  /** More parts follow: main only buffers this one. */
  more: z.boolean().optional(),
  fileName: z.string().max(500).optional(),
  /** One record per (customer, dimension, hour), quantities summed. */
  aggregate: z.boolean(),
  /** For rows whose file names no product. */
  defaultProductId: z.string().max(200).optional(),
  /** One zone for the whole file's zone-less times: UTC, an offset (+02:00) or a place. */
  zone: z
    .string()
    .max(64)
    .refine(isFileZone, {
      message: 'Choose UTC, an offset such as +02:00, or a place such as Europe/Berlin.',
    })
    .optional(),
  pageSize: z.number().int().min(0).max(1000).optional(),
});

export const importCsvOutputSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('partial'), uploadId: z.string(), receivedChars: z.number() }),
  z.object({
    status: z.literal('done'),
    summary: importSummarySchema,
    /** First page of needs-review rows, then of ready rows. */
    review: z.array(importRowSchema),
    ready: z.array(importRowSchema),
  }),
]);

export const importRowsInputSchema = z.object({
  handle: z.string().max(100),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000),
  filter: z.enum(['ready', 'review']),
});

export const planInputSchema = z.object({
  /** Rows typed in the editor. */
  records: z.array(usageRecordDraftSchema).max(5000),
  /** An import whose ready rows are included. */
  importHandle: z.string().max(100).optional(),
  /** Import rows the user moved into the editor (by ImportRow.index): left out of the import. */
  excludeImportRows: z.array(z.number().int().min(0)).max(5000).optional(),
});

export const planOutputSchema = z.object({
  /** Null when any record has an error: nothing can be submitted until it is fixed. */
  planId: z.string().nullable(),
  plan: planSchema,
  connection: z.object({ id: z.string(), name: z.string(), isSandbox: z.boolean() }),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
  /** The first records with errors, where they came from and why. */
  problems: z.array(
    z.object({
      source: z.enum(['editor', 'import']),
      rowId: z.string().optional(),
      index: z.number().int(),
      /** The file's own line, for a record from the import. */
      line: z.number().int().optional(),
      issues: z.array(recordIssueSchema),
    }),
  ),
  /** Earliest acceptance deadline among the records (epoch ms). */
  earliestDeadlineMs: z.number().nullable(),
  /** The submission side's checks: billing preview (shared/channels/metering-submit.ts). */
  checks: planChecksSchema,
});
export type PlanOutput = z.infer<typeof planOutputSchema>;

export const meteringInputChannels = {
  'metering:catalog-list': { input: none, output: catalogViewSchema },
  'metering:catalog-save': {
    input: z.object({ products: z.array(productSchema).max(500) }),
    output: catalogViewSchema,
  },
  'metering:catalog-import': {
    input: z.object({ text: z.string().max(2_000_000), mode: z.enum(['merge', 'replace']) }),
    output: z.object({
      added: z.number().int(),
      updated: z.number().int(),
      catalog: catalogViewSchema,
    }),
  },
  'metering:catalog-export': { input: none, output: fileOutSchema },
  'metering:validate': {
    input: z.object({
      records: z.array(usageRecordDraftSchema).max(5000),
      operation: meteringOperationSchema.optional(),
    }),
    output: z.object({
      results: z.array(validationResultSchema),
      errorCount: z.number().int(),
      warningCount: z.number().int(),
    }),
  },
  'metering:csv-template': {
    input: z.object({ productId: z.string().max(200).optional() }),
    output: fileOutSchema,
  },
  'metering:import-csv': { input: importCsvInputSchema, output: importCsvOutputSchema },
  'metering:import-rows': {
    input: importRowsInputSchema,
    output: z.object({ total: z.number().int(), rows: z.array(importRowSchema) }),
  },
  /** The screen still shows these imports (sent every minute); an import nobody keeps goes away. */
  'metering:import-keep': {
    input: z.object({ handles: z.array(z.string().max(100)).max(20) }).strict(),
    output: z.object({ alive: z.array(z.string()) }),
  },
  /** Ready rows of an import with these dedup keys: the editor shows what a fixed row collides with. */
  'metering:import-collisions': {
    input: z
      .object({ handle: z.string().max(100), keys: z.array(z.string().max(4000)).max(5000) })
      .strict(),
    output: z.object({ rows: z.array(importRowSchema) }),
  },
  'metering:import-close': {
    input: z.object({ handle: z.string().max(100) }).strict(),
    output: z.object({ closed: z.boolean() }),
  },
  'metering:plan': { input: planInputSchema, output: planOutputSchema },
} as const satisfies ChannelTable;

// ---------------------------------------------------------------------------------------------
// Submission side (./metering-submit): metering:submit / cancel / resume + events.

export const meteringChannels = {
  ...meteringInputChannels,
  ...meteringSubmitChannels,
} as const satisfies ChannelTable;

export const meteringEvents = {
  ...meteringSubmitEvents,
} as const satisfies EventTable;
