// Channels and events of the audit area; shared/contract.ts merges every area's table.
// The main process owns the cache and answers windows, aggregates and exports; the renderer only
// ever receives the rows it shows (a million rows never cross the bridge at once).
import { z } from 'zod';
import {
  auditAggregateInputSchema,
  auditAggregateOutputSchema,
  auditCompletenessSchema,
  auditFilterSchema,
  auditQueryInputSchema,
  auditQueryOutputSchema,
  auditRowSchema,
  auditSortSchema,
  auditSyncProgressSchema,
  trailFileSummarySchema,
} from '../audit';
import type { ChannelTable, EventTable } from './table';

const regionSchema = z.string().regex(/^[a-z0-9-]{2,40}$/, 'An AWS region such as us-east-1');
const taskIdSchema = z.string().min(1).max(100);
const eventIdSchema = z.string().min(1).max(200);

/** BatchMeterUsage only (EventName filter) or every metering call (EventSource filter). */
export const auditSyncModeSchema = z.enum(['BatchMeterUsage', 'all-metering']);
export type AuditSyncMode = z.infer<typeof auditSyncModeSchema>;

export const auditRegionSyncSchema = auditSyncProgressSchema.extend({
  outcome: z.enum(['running', 'complete', 'cancelled', 'failed']),
  /** Plain-language failure (already mapped), when the region failed. */
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .optional(),
});
export type AuditRegionSync = z.infer<typeof auditRegionSyncSchema>;

export const auditSyncStatusSchema = z.object({
  taskId: z.string(),
  mode: auditSyncModeSchema,
  accountId: z.string(),
  state: z.enum(['running', 'finished', 'cancelled', 'failed']),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  regions: z.array(auditRegionSyncSchema),
  /** Summed over the regions. */
  events: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  eventsPerSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().nonnegative().nullable(),
  fraction: z.number().min(0).max(1),
});
export type AuditSyncStatus = z.infer<typeof auditSyncStatusSchema>;

/** A journal record this row matches: the call was sent from Meterdesk, by this OS user. */
export const auditSentSchema = z.object({
  submissionId: z.string(),
  /** The journaled call, when the event's request id names it. */
  callId: z.string().optional(),
  osUser: z.string(),
  at: z.string(),
  /**
   * How it matched: by the AWS request id of the call (exact), else by MeteringRecordId, else
   * by customer, dimension, hour and quantity (the journal record nearest in time).
   */
  by: z.enum(['requestId', 'meteringRecordId', 'record']),
});
export type AuditSent = z.infer<typeof auditSentSchema>;

export const auditExplorerRowSchema = auditRowSchema.extend({ sent: auditSentSchema.optional() });
export type AuditExplorerRow = z.infer<typeof auditExplorerRowSchema>;

export const auditInfoSchema = z.object({
  /** Null when the account of a real connection is not known yet (and could not be asked). */
  accountId: z.string().nullable(),
  connectionName: z.string(),
  isSandbox: z.boolean(),
  /** The connection's regions plus any region held in the cache for this account. */
  regions: z.array(z.string()),
  events: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  /** When the cache was read from disk on this run (first use of the audit screen). */
  loadedInMs: z.number().nonnegative().nullable(),
  running: auditSyncStatusSchema.nullable(),
  lastSync: auditSyncStatusSchema.nullable(),
});
export type AuditInfo = z.infer<typeof auditInfoSchema>;

export const auditUnseenSchema = z.object({
  submissionId: z.string(),
  key: z.string(),
  at: z.string(),
  osUser: z.string(),
  account: z.string(),
  region: z.string(),
  customer: z.string(),
  licenseArn: z.string().optional(),
  productCode: z.string().optional(),
  dimension: z.string(),
  timestamp: z.string(),
  quantity: z.number(),
  status: z.string(),
  meteringRecordId: z.string().optional(),
});
export type AuditUnseen = z.infer<typeof auditUnseenSchema>;

export const AUDIT_EXPORT_MAX_ROWS = 250_000;

/**
 * Trail log files travel in parts of at most this many characters (like the CSV import), so a
 * call's body stays under the local host's 1 MiB cap even with JSON escaping.
 */
export const TRAIL_PART_MAX_CHARS = 400_000;
export const AUDIT_EVIDENCE_MAX_EVENTS = 500;

export const auditImportTrailInputSchema = z
  .object({
    fileName: z.string().min(1).max(1000),
    text: z.string().max(TRAIL_PART_MAX_CHARS),
    uploadId: z.string().max(100).optional(),
    more: z.boolean().optional(),
    /**
     * On a file's last part: more files of this import follow, so main may hold this file's
     * events and store them with the next files' in one write. Its summary then comes with a
     * later answer, once its events are committed.
     */
    hold: z.boolean().optional(),
    /** The import's hold id, from the answer that held its previous file. */
    holdId: z.string().max(100).optional(),
  })
  .strict();
export type AuditImportTrailInput = z.infer<typeof auditImportTrailInputSchema>;

export const auditImportTrailOutputSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('partial'),
    uploadId: z.string(),
    receivedChars: z.number().int(),
  }),
  /** The file is read and held; `stored` are earlier files of the import committed since. */
  z.object({
    status: z.literal('held'),
    holdId: z.string(),
    stored: z.array(trailFileSummarySchema),
  }),
  /** The file is stored, and so is every file held before it (`stored`, those not yet told). */
  z.object({
    status: z.literal('done'),
    file: trailFileSummarySchema,
    stored: z.array(trailFileSummarySchema).optional(),
  }),
]);
export type AuditImportTrailOutput = z.infer<typeof auditImportTrailOutputSchema>;

const exportFileSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  text: z.string(),
});

export const auditChannels = {
  /** What the audit screen needs first; reads the cache from disk on first use (not at start). */
  'audit:info': { input: z.object({}).strict(), output: auditInfoSchema },
  /** Starts a paced sync of the active connection's regions; progress on `audit:progress`. */
  'audit:sync-start': {
    input: z
      .object({
        regions: z.array(regionSchema).min(1).max(40).optional(),
        mode: auditSyncModeSchema.default('BatchMeterUsage'),
      })
      .strict(),
    output: z.object({ taskId: z.string(), status: auditSyncStatusSchema }),
  },
  'audit:sync-cancel': {
    input: z.object({ taskId: taskIdSchema }).strict(),
    output: auditSyncStatusSchema,
  },
  /** The running sync, or the last one (or one by id). */
  'audit:sync-status': {
    input: z.object({ taskId: taskIdSchema.optional() }).strict(),
    output: auditSyncStatusSchema.nullable(),
  },
  /** Per (account, region, UTC day): complete, partial, cache-only or missing. */
  'audit:completeness': {
    input: z
      .object({
        days: z.number().int().min(1).max(1_000).default(90),
        regions: z.array(regionSchema).max(40).optional(),
      })
      .strict(),
    output: z.object({
      accountId: z.string(),
      regions: z.array(z.string()),
      from: z.string(),
      to: z.string(),
      days: z.array(auditCompletenessSchema),
      /** Cached events CloudTrail truncated, per region (every cached region, not only these). */
      truncatedEvents: z.record(z.string(), z.number().int().nonnegative()),
    }),
  },
  /** One window of rows (offset/limit), filtered and sorted in main; optional aggregates. */
  'audit:query': {
    input: auditQueryInputSchema,
    output: auditQueryOutputSchema.extend({ rows: z.array(auditExplorerRowSchema) }),
  },
  'audit:aggregate': {
    input: z
      .object({ filter: auditFilterSchema.default({}), aggregate: auditAggregateInputSchema })
      .strict(),
    output: auditAggregateOutputSchema,
  },
  /** The CloudTrail record exactly as received (text), and the rows parsed from it. */
  'audit:raw': {
    input: z.object({ eventId: eventIdSchema }).strict(),
    output: z.object({
      eventId: z.string(),
      text: z.string(),
      rows: z.array(auditExplorerRowSchema),
    }),
  },
  /** Journal records sent from Meterdesk that CloudTrail does not show after the grace period. */
  'audit:unseen': {
    input: z
      .object({
        graceMinutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60)
          .default(30),
      })
      .strict(),
    output: z.object({
      graceMinutes: z.number(),
      /** Journal records of this account old enough to be expected in CloudTrail. */
      checked: z.number().int().nonnegative(),
      /** Journal records of this account the synced CloudTrail events show (any age). */
      seen: z.number().int().nonnegative(),
      /** Not in CloudTrail yet and still inside the grace period: not expected yet. */
      tooRecent: z.number().int().nonnegative(),
      records: z.array(auditUnseenSchema),
    }),
  },
  /** The filtered rows as CSV (spreadsheet-safe, IDs as text) or JSON. */
  'audit:export': {
    input: z
      .object({
        filter: auditFilterSchema.default({}),
        sort: auditSortSchema.optional(),
        format: z.enum(['csv', 'json']),
      })
      .strict(),
    output: exportFileSchema.extend({
      rows: z.number().int().nonnegative(),
      /** More rows matched than one export holds (AUDIT_EXPORT_MAX_ROWS). */
      truncated: z.boolean(),
    }),
  },
  /**
   * An evidence pack, a zip: each chosen event's raw record exactly as received, a readable
   * summary, their rows as CSV and JSON, the records as Parquet, manifest.json with the SHA-256
   * of every file, and SHA256SUMS (`sha256sum -c SHA256SUMS` checks the pack once unzipped).
   */
  'audit:evidence': {
    input: z
      .object({
        /** The events whose raw records, rows and summary the pack holds. */
        eventIds: z.array(eventIdSchema).max(AUDIT_EVIDENCE_MAX_EVENTS),
        /** The explorer's filter: its records go into records.parquet (else the events'). */
        filter: auditFilterSchema.optional(),
      })
      .strict()
      .refine((v) => v.eventIds.length > 0 || v.filter !== undefined, {
        message: 'Choose at least one event, or give the filter whose records to pack.',
      }),
    output: z.object({
      fileName: z.string(),
      mimeType: z.string(),
      /** The zip's bytes, base64. */
      base64: z.string(),
      bytes: z.number().int().nonnegative(),
      files: z.array(z.object({ name: z.string(), sha256: z.string(), bytes: z.number() })),
    }),
  },
  /**
   * Imports one CloudTrail log file (decompressed by the caller), sent in parts: every part but
   * the last with `more: true`, each after the first with the `uploadId` the previous answer
   * gave. The last answer summarises the file. Metering events of the active account are merged
   * with the cache by event id.
   */
  'audit:import-trail': {
    input: auditImportTrailInputSchema,
    output: auditImportTrailOutputSchema,
  },
  /** Forgets the cached events of the account (all its regions, or the given ones). */
  'audit:clear': {
    input: z
      .object({
        regions: z.array(regionSchema).max(40).optional(),
        /** The user typed it: clearing drops events older than 90 days for good. */
        confirm: z.literal('CLEAR'),
      })
      .strict(),
    output: z.object({
      removedEvents: z.number().int().nonnegative(),
      regions: z.array(z.string()),
    }),
  },
} as const satisfies ChannelTable;

export const auditEvents = {
  'audit:progress': auditSyncStatusSchema,
  /** The cache changed (sync added events, or it was cleared): windows may be stale. */
  'audit:changed': z.object({ version: z.number().int().nonnegative() }),
} as const satisfies EventTable;
