// The write-ahead journal's entries: one JSON object per line, append-only, hash-chained.
//
// Line format (exact bytes, UTF-8, terminated by "\n"):
//   {"seq":N,"at":ISO,"prev":HEX64,"kind":K,...entry fields...,"hash":HEX64}
// - `prev` is the SHA-256 of the previous line's exact bytes (without its "\n"); 64 zeros on line 1.
// - `hash` is the SHA-256 of this line's bytes with the trailing `,"hash":"…"` removed (so the body
//   ends in `}`). It pins an edit to the line that was edited, including the last line.
// Verification works on bytes, never on re-serialised objects, so a field added later (schemas
// below keep unknown keys) never breaks the chain of old or new lines.
import { z } from 'zod';

export const ZERO_HASH = '0'.repeat(64);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const journalOperationSchema = z.enum(['BatchMeterUsage', 'MeterUsage']);
export type JournalOperation = z.infer<typeof journalOperationSchema>;

/** Who acted and against what: carried by every submission entry, so any line stands alone. */
export const journalContextSchema = z.looseObject({
  connectionId: z.string(),
  connectionName: z.string(),
  account: z.string(),
  region: z.string(),
  osUser: z.string(),
});
export type JournalContext = z.infer<typeof journalContextSchema>;

/**
 * One record exactly as it goes on the wire (AWS field names, Timestamp as ISO string), under a
 * key that is stable for the whole submission and its resends (e.g. the source row id), so an
 * outcome and a resend can name the record without comparing contents.
 */
export const journalRecordSchema = z.object({
  key: z.string().min(1),
  record: z.record(z.string(), z.unknown()),
});
export type JournalRecord = z.infer<typeof journalRecordSchema>;

/** How the submission's records were split into calls (BatchMeterUsage: one product per call). */
export const journalGroupSchema = z.looseObject({
  productCode: z.string().optional(),
  licenseArn: z.string().optional(),
  records: z.number().int().nonnegative(),
});

export const submissionStartedSchema = z.looseObject({
  kind: z.literal('submission-started'),
  submissionId: z.string().min(1),
  operation: journalOperationSchema,
  context: journalContextSchema,
  groups: z.array(journalGroupSchema),
  totalRecords: z.number().int().nonnegative(),
  /**
   * The whole plan. Optional because intents already carry what was sent; with it, a crash
   * before a later call's intent still leaves those records resumable instead of merely counted.
   */
  planned: z.array(journalRecordSchema).optional(),
  /** Set when this submission resends the unresolved records of an interrupted one. */
  resendOf: z.string().min(1).optional(),
  /** The preview (metering:plan) this submission sends: one plan, one submission. */
  planId: z.string().min(1).optional(),
});

export const callIntentSchema = z.looseObject({
  kind: z.literal('call-intent'),
  submissionId: z.string().min(1),
  callId: z.string().min(1),
  context: journalContextSchema,
  /** 1 for the first try of these records; retries of unprocessed records count up. */
  attempt: z.number().int().positive(),
  operation: journalOperationSchema,
  /** Request-level ProductCode, when the call carries one. */
  productCode: z.string().optional(),
  records: z.array(journalRecordSchema).min(1),
});

/**
 * Per-record result. Success / DuplicateRecord / CustomerNotSubscribed are AWS's own statuses;
 * Rejected = the call failed for a reason a resend cannot fix (e.g. InvalidUsageDimension);
 * Unprocessed = AWS returned it in UnprocessedRecords or the call failed transiently;
 * Unknown = the request may have reached AWS but no answer came back (timeout, crash of the link).
 */
export const recordStatusSchema = z.enum([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Rejected',
  'Unprocessed',
  'Unknown',
]);
export type RecordStatus = z.infer<typeof recordStatusSchema>;

/** Statuses after which a record must not be sent again as-is. */
export const finalRecordStatuses: ReadonlySet<RecordStatus> = new Set<RecordStatus>([
  'Success',
  'DuplicateRecord',
  'CustomerNotSubscribed',
  'Rejected',
]);

export const recordResultSchema = z.looseObject({
  key: z.string().min(1),
  status: recordStatusSchema,
  meteringRecordId: z.string().optional(),
  /** The buyer's account id AWS echoed beside the CustomerIdentifier the record was sent under. */
  customerAwsAccountId: z.string().optional(),
});
export type RecordResult = z.infer<typeof recordResultSchema>;

export const callOutcomeSchema = z.looseObject({
  kind: z.literal('call-outcome'),
  submissionId: z.string().min(1),
  callId: z.string().min(1),
  context: journalContextSchema,
  results: z.array(recordResultSchema),
  requestId: z.string().optional(),
  httpStatus: z.number().int().optional(),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});

export const submissionCountsSchema = z.looseObject({
  success: z.number().int().nonnegative(),
  duplicate: z.number().int().nonnegative(),
  customerNotSubscribed: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  unprocessed: z.number().int().nonnegative(),
  /** Records left for a later resume after the allowed tries ("Unprocessed, retry later"). */
  parked: z.number().int().nonnegative().optional(),
  /** Records not sent because AWS no longer accepts their hour. */
  windowClosed: z.number().int().nonnegative().optional(),
});

/**
 * Records the engine stopped trying after the allowed number of attempts, while the rest of the
 * submission went on. They stay unresolved: a resume sends them again (an Unknown one may have
 * been billed; resending the identical record is deduplicated by AWS).
 */
export const recordsParkedSchema = z.looseObject({
  kind: z.literal('records-parked'),
  submissionId: z.string().min(1),
  context: journalContextSchema,
  records: z
    .array(
      z.looseObject({
        key: z.string().min(1),
        status: z.enum(['Unprocessed', 'Unknown']),
        attempts: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  reason: z.string(),
});

/** How a record without an AWS answer was settled without sending it (again). */
export const settlementSchema = z.enum([
  /** AWS no longer accepts the record's hour; whether an earlier send was billed is unknown. */
  'window-closed',
  /** The CloudTrail cache holds the call: billed, with this MeteringRecordId. */
  'billed-per-cloudtrail',
  /** The CloudTrail cache covers the call's time completely and it is not there. */
  'not-billed-per-cloudtrail',
]);
export type Settlement = z.infer<typeof settlementSchema>;

export const recordsSettledSchema = z.looseObject({
  kind: z.literal('records-settled'),
  submissionId: z.string().min(1),
  context: journalContextSchema,
  records: z
    .array(
      z.looseObject({
        key: z.string().min(1),
        settlement: settlementSchema,
        quantity: z.number().optional(),
        meteringRecordId: z.string().optional(),
        /** The CloudTrail event that is the evidence. */
        eventId: z.string().optional(),
        eventTime: z.number().optional(),
      }),
    )
    .min(1),
  reason: z.string().optional(),
});

export const submissionFinishedSchema = z.looseObject({
  kind: z.literal('submission-finished'),
  submissionId: z.string().min(1),
  context: journalContextSchema,
  counts: submissionCountsSchema,
});

export const submissionCancelledSchema = z.looseObject({
  kind: z.literal('submission-cancelled'),
  submissionId: z.string().min(1),
  context: journalContextSchema,
  reason: z.string().optional(),
});

/**
 * Written by the journal itself before the first append after a torn tail: it names the torn
 * line(s) by number and SHA-256, so verify can tell "torn and acknowledged" from "edited".
 */
export const tornTailSchema = z.looseObject({
  kind: z.literal('torn-tail'),
  lines: z
    .array(
      z.object({
        line: z.number().int().positive(),
        sha256: sha256Hex,
        bytes: z.number().int().nonnegative(),
      }),
    )
    .min(1),
});

/**
 * A billing adjustment request (a refund, from a correction case) about to be sent: written and
 * fsynced before the call leaves, like a metering call's intent. The clientToken makes a resend
 * after a crash file nothing twice.
 */
export const adjustmentIntentSchema = z.looseObject({
  kind: z.literal('adjustment-intent'),
  caseId: z.string().min(1),
  entryId: z.string().min(1),
  context: journalContextSchema,
  request: z.looseObject({
    agreementId: z.string().min(1),
    originalInvoiceId: z.string().min(1),
    adjustmentAmount: z.string().min(1),
    currencyCode: z.string().min(1),
    adjustmentReasonCode: z.string().min(1),
    description: z.string().optional(),
    clientToken: z.string().min(1),
  }),
});

/** AWS's answer to one adjustment entry: the request's id, or why it was refused. */
export const adjustmentOutcomeSchema = z.looseObject({
  kind: z.literal('adjustment-outcome'),
  caseId: z.string().min(1),
  entryId: z.string().min(1),
  context: journalContextSchema,
  clientToken: z.string().min(1),
  billingAdjustmentRequestId: z.string().optional(),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});

/**
 * The first entry of a new chain, written when a broken journal was archived: the archived file
 * (kept read-only) by name, SHA-256 and line count, so the history before it stays provable.
 */
export const journalRestartedSchema = z.looseObject({
  kind: z.literal('journal-restarted'),
  archived: z.looseObject({
    file: z.string(),
    sha256: sha256Hex,
    lines: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    brokenAtLine: z.number().int().positive(),
    reason: z.string(),
  }),
});

export const journalEntrySchema = z.discriminatedUnion('kind', [
  submissionStartedSchema,
  callIntentSchema,
  callOutcomeSchema,
  recordsParkedSchema,
  recordsSettledSchema,
  submissionFinishedSchema,
  submissionCancelledSchema,
  tornTailSchema,
  adjustmentIntentSchema,
  adjustmentOutcomeSchema,
  journalRestartedSchema,
]);
/** What a caller appends; the journal adds seq, at, prev and hash. */
export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type JournalEntryKind = JournalEntry['kind'];

/** The fields every line carries, whatever its kind (unknown kinds from newer versions too). */
export const journalEnvelopeSchema = z.looseObject({
  seq: z.number().int().positive(),
  at: z.string().min(1),
  prev: sha256Hex,
  kind: z.string().min(1),
  hash: sha256Hex,
});
export type JournalEnvelope = z.infer<typeof journalEnvelopeSchema>;

/** `unverified`: read from past the point where the journal broke; the chain does not prove it. */
export type JournalLine = JournalEnvelope & JournalEntry & { unverified?: true };

export const verifyReportSchema = z.object({
  ok: z.boolean(),
  /** Lines counted, including a torn tail. */
  lines: z.number().int().nonnegative(),
  /** 1-based number of the first line that breaks the chain. */
  firstBrokenLine: z.number().int().positive().optional(),
  reason: z.string().optional(),
  /** The file ends in a torn line (a crash mid-append); tolerated, not broken. */
  tornTail: z.boolean().optional(),
  /** Line numbers that were torn: earlier ones acknowledged by a torn-tail entry, or the tail. */
  tornLines: z.array(z.number().int().positive()).optional(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;
