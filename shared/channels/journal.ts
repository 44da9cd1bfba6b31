// Channels and events of the journal area; shared/contract.ts merges every area's table.
import { z } from 'zod';
import { billingKindSchema, billingTotalsSchema } from '../audit';
import { journalContextSchema, journalOperationSchema, verifyReportSchema } from '../journal';
import type { ChannelTable, EventTable } from './table';

/** A record's last known state in one submission, as the Journal screen lists it. */
export const journalRowStatusSchema = z.enum([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Rejected',
  'Unprocessed',
  'Unknown',
  /** Sent; the answer was never journaled (the app stopped mid-call). */
  'NoOutcome',
  /** Planned, never sent (cancelled, stopped or interrupted first). */
  'NotSent',
  /** Not sent: AWS no longer accepts its hour; an earlier send may have been billed. */
  'WindowClosed',
  /** No answer was journaled, but the CloudTrail cache shows the call billed it. */
  'BilledPerCloudTrail',
  /** No answer was journaled, and CloudTrail's complete record of that time does not have it. */
  'NotBilled',
  /** Not sent here; a later submission (a resume or a re-import) sent it: see sentIn. */
  'SentLater',
]);
export type JournalRowStatus = z.infer<typeof journalRowStatusSchema>;

export const journalRowSchema = z.object({
  submissionId: z.string(),
  key: z.string(),
  /** When the record's latest line was written (ISO). */
  at: z.string(),
  operation: journalOperationSchema,
  connectionId: z.string(),
  connectionName: z.string(),
  account: z.string(),
  region: z.string(),
  osUser: z.string(),
  productCode: z.string().optional(),
  /** CustomerAWSAccountId or CustomerIdentifier, whichever the record carries. */
  customer: z.string(),
  licenseArn: z.string().optional(),
  dimension: z.string(),
  /** The usage timestamp (ISO, UTC). */
  timestamp: z.string(),
  quantity: z.number(),
  status: journalRowStatusSchema,
  meteringRecordId: z.string().optional(),
  requestId: z.string().optional(),
  error: z.string().optional(),
  attempts: z.number().int(),
  resendOf: z.string().optional(),
  /** The submission that resent this record after an interruption. */
  resentIn: z.string().optional(),
  /** The call whose answer this row shows (its request id is `requestId`). */
  callId: z.string().optional(),
  /** How the record counts toward what AWS billed (shared/billing.ts). */
  billing: billingKindSchema.optional(),
  /** DuplicateRecord: the quantity this app had billed first for the same key. */
  standingQuantity: z.number().optional(),
  /** Replay: the submission in which this MeteringRecordId was billed. */
  billedIn: z.string().optional(),
  /** The later submission that sent this record (status SentLater), and what it got. */
  sentIn: z.string().optional(),
  /** Tried the allowed number of times without an answer: "Unprocessed, retry later". */
  parked: z.boolean().optional(),
  /** Changed by lines past the point where the journal broke: the chain does not prove it. */
  unverified: z.boolean().optional(),
  /** The CloudTrail event that settled a record without an answer. */
  evidence: z
    .object({
      eventId: z.string(),
      eventTime: z.number(),
      meteringRecordId: z.string().optional(),
      quantity: z.number().optional(),
      /** How the event was found: the call's request id, or the record's customer, dimension and hour. */
      by: z.enum(['requestId', 'record']),
    })
    .optional(),
});
export type JournalRow = z.infer<typeof journalRowSchema>;

const text = z.string().max(500);

export const journalFilterSchema = z
  .object({
    customer: text.optional(),
    dimension: text.optional(),
    status: z.array(journalRowStatusSchema).max(10).optional(),
    /** Billed, replay, duplicate… (shared/billing.ts); combined with status by AND. */
    billing: z.array(billingKindSchema).max(5).optional(),
    /** Journal time (when it was sent), ISO date or date-time, inclusive. */
    from: text.optional(),
    to: text.optional(),
    connectionId: text.optional(),
    submissionId: text.optional(),
  })
  .strict();
export type JournalFilter = z.infer<typeof journalFilterSchema>;

export const journalCallSchema = z.object({
  callId: z.string(),
  attempt: z.number().int(),
  reason: z.string().optional(),
  at: z.string(),
  records: z.number().int(),
  outcomeAt: z.string().optional(),
  requestId: z.string().optional(),
  httpStatus: z.number().int().optional(),
  error: z.string().optional(),
});

export const journalSubmissionStateSchema = z.enum([
  'finished',
  'cancelled',
  /** Intents without outcomes or unsent records: resumable. */
  'interrupted',
  /** Resumed: a later submission resent its unresolved records. */
  'resumed',
  /** Still being written by this app right now. */
  'running',
]);

export const journalSubmissionSchema = z.object({
  submissionId: z.string(),
  operation: journalOperationSchema,
  context: journalContextSchema,
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  state: journalSubmissionStateSchema,
  resendOf: z.string().optional(),
  resentBy: z.array(z.string()),
  totalRecords: z.number().int(),
  /** Records by status (JournalRowStatus → count). */
  counts: z.record(z.string(), z.number().int()),
  /** Billed once: replays of records billed before are not billed again. */
  billing: billingTotalsSchema,
  calls: z.array(journalCallSchema),
  rows: z.array(journalRowSchema),
});
export type JournalSubmission = z.infer<typeof journalSubmissionSchema>;

export const interruptedSchema = z.object({
  submissionId: z.string(),
  /** Cut off (the app stopped), cancelled by the user, or finished with records to retry later. */
  ending: z.enum(['interrupted', 'cancelled', 'finished']),
  operation: journalOperationSchema.optional(),
  context: journalContextSchema,
  startedAt: z.string().optional(),
  resendOf: z.string().optional(),
  totalRecords: z.number().int().optional(),
  resolvedCount: z.number().int(),
  unresolvedCount: z.number().int(),
  /** Unresolved records by their last state: NotSent, NoOutcome, Unprocessed, Unknown, Parked. */
  unresolvedByState: z.record(z.string(), z.number().int()),
  unjournaledRecords: z.number().int(),
});
export type InterruptedView = z.infer<typeof interruptedSchema>;

export const JOURNAL_PAGE_MAX = 1000;

export const journalChannels = {
  'journal:query': {
    input: z
      .object({
        filter: journalFilterSchema.default({}),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(JOURNAL_PAGE_MAX).default(200),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      rows: z.array(journalRowSchema),
      /** Billed once over the filtered rows. */
      billing: billingTotalsSchema,
      /** Choices for the filter controls, over the whole journal. */
      facets: z.object({
        connections: z.array(z.object({ id: z.string(), name: z.string() })),
        dimensions: z.array(z.string()),
        statuses: z.record(z.string(), z.number().int()),
        /** Records by billing kind (billed, replay, duplicate, not-billed, unknown). */
        billing: z.record(z.string(), z.number().int()),
      }),
    }),
  },
  'journal:submission': {
    input: z.object({ submissionId: z.string().min(1).max(200) }).strict(),
    output: journalSubmissionSchema,
  },
  /** The filtered rows as a file: CSV (spreadsheet-safe) or JSON. */
  'journal:export': {
    input: z
      .object({ filter: journalFilterSchema.default({}), format: z.enum(['csv', 'json']) })
      .strict(),
    output: z.object({
      fileName: z.string(),
      mimeType: z.string(),
      text: z.string(),
      rows: z.number().int(),
    }),
  },
  'journal:verify': {
    input: z.object({}).strict(),
    output: z.object({ report: verifyReportSchema, path: z.string(), checkedAt: z.string() }),
  },
  /**
   * A damaged journal: keep the file read-only under a new name and start a new chain whose first
   * entry records that file's name, SHA-256 and line count.
   */
  'journal:archive-restart': {
    input: z.object({}).strict(),
    output: z.object({
      archived: z.object({
        file: z.string(),
        sha256: z.string(),
        lines: z.number().int(),
        bytes: z.number().int(),
        brokenAtLine: z.number().int(),
        reason: z.string(),
      }),
    }),
  },
  'journal:interrupted': {
    input: z.object({}).strict(),
    output: z.object({ submissions: z.array(interruptedSchema) }),
  },
  /**
   * For the record editor: of these dedup keys (shared/metering.ts recordKey), which were
   * already billed successfully on this connection's account and region, with what quantity.
   */
  'journal:sent-index': {
    input: z
      .object({
        keys: z.array(z.string().max(5000)).max(20_000),
        connectionId: z.string().max(200).optional(),
      })
      .strict(),
    output: z.object({
      entries: z.array(
        z.object({
          key: z.string(),
          quantity: z.number(),
          meteringRecordId: z.string().optional(),
          submissionId: z.string(),
          at: z.string(),
        }),
      ),
    }),
  },
} as const satisfies ChannelTable;

export const journalEvents = {
  /** The journal gained lines (a submission progressed): lists may refresh. */
  'journal:changed': z.object({ submissionId: z.string().optional() }),
} as const satisfies EventTable;
