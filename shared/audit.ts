// The CloudTrail audit view: one row per usage record of every metering call, the query and
// aggregate shapes the renderer asks with, and completeness per (account, region, day).
// Times are epoch milliseconds (UTC) everywhere; days are `YYYY-MM-DD` in UTC.
import { z } from 'zod';

export const auditStatuses = [
  'Success',
  'CustomerNotSubscribed',
  'DuplicateRecord',
  'Unprocessed',
  'Failed',
  /** CloudTrail left AWS's answer out of the record (truncated) and nothing else tells it. */
  'Unknown',
] as const;
export const auditStatusSchema = z.enum(auditStatuses);
export type AuditStatus = z.infer<typeof auditStatusSchema>;

/** Marks a request record that has neither a result nor an unprocessed entry in its event. */
export const RESULT_MISSING_CODE = 'ResultMissing';

/**
 * Which part of the record CloudTrail replaced with `{"omitted": true}` because it exceeded
 * CloudTrail's field size (CloudTrail record-contents documentation; AWS-FACTS §0.1).
 */
export const truncatedParts = ['requestParameters', 'responseElements', 'both'] as const;
export const truncatedPartSchema = z.enum(truncatedParts);
export type TruncatedPart = z.infer<typeof truncatedPartSchema>;

/**
 * How a usage record counts toward what AWS billed (shared/billing.ts is the one definition):
 * billed — Success with a MeteringRecordId seen for the first time;
 * replay — the same MeteringRecordId seen again (a retry, a resume, a second event): shown,
 *          never added to billed totals;
 * duplicate — DuplicateRecord: never billed, the quantity billed first for its key stands;
 * not-billed — refused, failed or unprocessed;
 * unknown — AWS's answer is not known (truncated by CloudTrail, or lost).
 */
export const billingKinds = ['billed', 'replay', 'duplicate', 'not-billed', 'unknown'] as const;
export const billingKindSchema = z.enum(billingKinds);
export type BillingKind = z.infer<typeof billingKindSchema>;

/** Records by billing kind; quantity only for what was billed (once). */
export const billingTotalsSchema = z.object({
  billedRecords: z.number().int(),
  billedQuantity: z.number(),
  replayRecords: z.number().int(),
  duplicateRecords: z.number().int(),
  unknownRecords: z.number().int(),
  notBilledRecords: z.number().int(),
});

export const auditRowSchema = z.object({
  /** CloudTrail event id; the raw record is reachable by it, rows never copy it. */
  eventId: z.string(),
  /** Position of the usage record in the request (0 for a call without parseable records). */
  recordIndex: z.number().int().nonnegative(),
  eventTime: z.number(),
  eventName: z.string(),
  /** The usage timestamp truncated to the hour (AWS dedups per hour); null when unparseable. */
  usageHour: z.number().nullable(),
  /** The usage timestamp as recorded (CloudTrail keeps whole seconds). */
  usageTime: z.number().nullable(),
  customerIdentifier: z.string().optional(),
  customerAwsAccountId: z.string().optional(),
  licenseArn: z.string().optional(),
  productCode: z.string().optional(),
  /** Empty when a failed call carried no parseable record. */
  dimension: z.string(),
  quantity: z.number().int().nonnegative(),
  /** The record's usageAllocations as compact JSON text, when it had any. */
  allocations: z.string().optional(),
  status: auditStatusSchema,
  meteringRecordId: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  callerArn: z.string().optional(),
  userName: z.string().optional(),
  accessKeyId: z.string().optional(),
  /** userIdentity.type as CloudTrail wrote it (IAMUser, AssumedRole, Root, AWSService, …). */
  identityType: z.string().optional(),
  /**
   * Who acted, in words: the IAM user, the role session name of an assumed role (for IAM
   * Identity Center, the person signed in, e.g. alice@example.com), the federated user, "root
   * user", or the AWS service.
   */
  person: z.string().optional(),
  /** The AWS request id of the call (CloudTrail's requestID; the SDK's $metadata.requestId). */
  requestId: z.string().optional(),
  /** Set when CloudTrail truncated the event: what it omitted. */
  truncated: truncatedPartSchema.optional(),
  /** The record (or its outcome) was filled in from this app's journal by request id. */
  filledFrom: z.literal('journal').optional(),
  /** Billed-once view of the record (computed over the whole cache, not stored per event). */
  billing: billingKindSchema.optional(),
  /** DuplicateRecord: the quantity billed first for the same customer, dimension and hour. */
  standingQuantity: z.number().optional(),
  region: z.string(),
  accountId: z.string(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const auditTextColumns = [
  'eventId',
  'eventName',
  'customerIdentifier',
  'customerAwsAccountId',
  'licenseArn',
  'productCode',
  'dimension',
  'allocations',
  'status',
  'meteringRecordId',
  'errorCode',
  'errorMessage',
  'callerArn',
  'userName',
  'accessKeyId',
  'identityType',
  'person',
  'requestId',
  'truncated',
  'filledFrom',
  'region',
  'accountId',
] as const;
export const auditTextColumnSchema = z.enum(auditTextColumns);
export type AuditTextColumn = z.infer<typeof auditTextColumnSchema>;

export const auditNumberColumns = [
  'eventTime',
  'usageHour',
  'usageTime',
  'quantity',
  'recordIndex',
] as const;
export const auditNumberColumnSchema = z.enum(auditNumberColumns);
export type AuditNumberColumn = z.infer<typeof auditNumberColumnSchema>;

export const auditColumnSchema = z.enum([...auditTextColumns, ...auditNumberColumns]);
export type AuditColumn = z.infer<typeof auditColumnSchema>;

const filterText = z.string().max(2048);

/**
 * Text filters. `equals` and `in` are exact (an absent value equals ""); `contains` ignores case
 * unless asked not to. `not` inverts the filter.
 */
export const auditTextFilterSchema = z.discriminatedUnion('op', [
  z.object({
    column: auditTextColumnSchema,
    op: z.literal('equals'),
    value: filterText,
    not: z.boolean().optional(),
  }),
  z.object({
    column: auditTextColumnSchema,
    op: z.literal('contains'),
    value: filterText.min(1),
    caseSensitive: z.boolean().optional(),
    not: z.boolean().optional(),
  }),
  z.object({
    column: auditTextColumnSchema,
    op: z.literal('in'),
    values: z.array(filterText).max(1000),
    not: z.boolean().optional(),
  }),
]);
export type AuditTextFilter = z.infer<typeof auditTextFilterSchema>;

/** Half-open range: from inclusive, to exclusive; either end may be left open. */
export const auditRangeSchema = z
  .object({ from: z.number().optional(), to: z.number().optional() })
  .strict();
export type AuditRange = z.infer<typeof auditRangeSchema>;

export const auditFilterSchema = z
  .object({
    text: z.array(auditTextFilterSchema).max(50).optional(),
    statuses: z.array(auditStatusSchema).max(auditStatuses.length).optional(),
    eventTime: auditRangeSchema.optional(),
    usageHour: auditRangeSchema.optional(),
    /** Inclusive on both ends. */
    quantity: z
      .object({ min: z.number().optional(), max: z.number().optional() })
      .strict()
      .optional(),
    /**
     * One customer under all the ids it is known by: records whose account id is one of
     * `accountIds` OR whose CustomerIdentifier is one of `identifiers` (see the customer
     * directory, which links them).
     */
    customers: z
      .object({
        accountIds: z.array(filterText).max(1000),
        identifiers: z.array(filterText).max(1000),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditSortSchema = z
  .object({ column: auditColumnSchema, direction: z.enum(['asc', 'desc']) })
  .strict();
export type AuditSort = z.infer<typeof auditSortSchema>;

export const auditBucketSchema = z.enum(['hour', 'day']);
export type AuditBucket = z.infer<typeof auditBucketSchema>;

export const auditAggregateInputSchema = z
  .object({
    bucket: auditBucketSchema,
    /** Which time the buckets follow: when usage happened (default) or when it was metered. */
    time: z.enum(['usageHour', 'eventTime']).default('usageHour'),
    /** Cap on customer × dimension groups so an hourly breakdown cannot flood the bridge. */
    maxGroups: z.number().int().positive().max(200_000).default(50_000),
  })
  .strict();
export type AuditAggregateInput = z.input<typeof auditAggregateInputSchema>;

export const auditQueryInputSchema = z
  .object({
    filter: auditFilterSchema.default({}),
    /** Default: newest event first. */
    sort: auditSortSchema.optional(),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().nonnegative().max(5000).default(100),
    aggregate: auditAggregateInputSchema.optional(),
  })
  .strict();
export type AuditQueryInput = z.input<typeof auditQueryInputSchema>;

const bucketStart = z.number();

export const auditAggregateOutputSchema = z.object({
  bucket: auditBucketSchema,
  time: z.enum(['usageHour', 'eventTime']),
  /** Totals per bucket × customer × license × dimension (customer: account id, else identifier). */
  customerDimension: z.array(
    z.object({
      bucketStart,
      customer: z.string(),
      licenseArn: z.string().optional(),
      dimension: z.string(),
      /** Every matching record, whatever its status. */
      quantity: z.number(),
      /** What is billed: Success, each MeteringRecordId once (replays left out). */
      successQuantity: z.number(),
      records: z.number().int(),
    }),
  ),
  customerDimensionTruncated: z.boolean(),
  /** Quantity over time per dimension. */
  dimensionSeries: z.array(
    z.object({
      bucketStart,
      dimension: z.string(),
      quantity: z.number(),
      successQuantity: z.number(),
      records: z.number().int(),
    }),
  ),
  /** Records per status other than Success. */
  statusCounts: z.array(z.object({ status: auditStatusSchema, records: z.number().int() })),
  /** Failed calls (request-level errors) per error code. */
  errorCodes: z.array(
    z.object({ errorCode: z.string(), calls: z.number().int(), records: z.number().int() }),
  ),
  totals: z.object({
    records: z.number().int(),
    calls: z.number().int(),
    quantity: z.number(),
    /** Billed once (see successQuantity above). */
    successQuantity: z.number(),
    billing: billingTotalsSchema,
    /** Events CloudTrail truncated among the matching ones. */
    truncatedCalls: z.number().int(),
  }),
});
export type AuditAggregateOutput = z.infer<typeof auditAggregateOutputSchema>;

export const auditQueryOutputSchema = z.object({
  /** Rows matching the filter, before the window. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  rows: z.array(auditRowSchema),
  aggregates: auditAggregateOutputSchema.optional(),
  /** Changes whenever the cache changes, so the renderer can tell a window is stale. */
  version: z.number().int().nonnegative(),
});
export type AuditQueryOutput = z.infer<typeof auditQueryOutputSchema>;

/**
 * complete: a sync covered the whole day; partial: only part of it (interrupted, or the day is
 * not over yet); cache-only: beyond CloudTrail's 90 days, held only here; missing: never synced.
 */
export const auditDayStateSchema = z.enum(['complete', 'partial', 'cache-only', 'missing']);
export type AuditDayState = z.infer<typeof auditDayStateSchema>;

export const auditDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const auditCompletenessSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  day: auditDaySchema,
  state: auditDayStateSchema,
});
export type AuditCompleteness = z.infer<typeof auditCompletenessSchema>;

export const auditLookupAttributeSchema = z.enum(['EventName', 'EventSource']);
export type AuditLookupAttribute = z.infer<typeof auditLookupAttributeSchema>;

export const auditSyncProgressSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  pages: z.number().int().nonnegative(),
  /** Events received (after the metering-source check). */
  events: z.number().int().nonnegative(),
  /** Events that were new to the cache. */
  added: z.number().int().nonnegative(),
  eventsPerSecond: z.number().nonnegative().nullable(),
  /** Estimated from how much of the time range is left; null until there is a rate. */
  secondsLeft: z.number().nonnegative().nullable(),
  /** Share of the requested time range covered so far, 0‥1. */
  fraction: z.number().min(0).max(1),
  finished: z.boolean(),
});
export type AuditSyncProgress = z.infer<typeof auditSyncProgressSchema>;

/** What importing one CloudTrail log file did. */
export const trailFileSummarySchema = z.object({
  fileName: z.string(),
  /** Events in the file, metering or not. */
  events: z.number().int().nonnegative(),
  /** Metering events of the active account: the ones kept. */
  meteringEvents: z.number().int().nonnegative(),
  /** Of those, new to the cache. */
  added: z.number().int().nonnegative(),
  /** Of those, already cached (synced or imported before): skipped. */
  duplicates: z.number().int().nonnegative(),
  /** Metering events of other accounts (an organization trail): left out. */
  otherAccounts: z.number().int().nonnegative(),
  /** Metering events without an event id, time or region: left out. */
  unplaceable: z.number().int().nonnegative(),
  /** Kept events CloudTrail truncated. */
  truncated: z.number().int().nonnegative(),
  /** Kept events older than CloudTrail's 90 days: history LookupEvents no longer returns. */
  beyondLookup: z.number().int().nonnegative(),
  regions: z.array(z.string()),
  /** Event times of the kept events (epoch ms). */
  from: z.number().optional(),
  to: z.number().optional(),
  /** Why the file could not be read at all. */
  unreadable: z.string().optional(),
  /** Why its events could not be stored (none of them were; importing it again is safe). */
  notStored: z.string().optional(),
});
export type TrailFileSummary = z.infer<typeof trailFileSummarySchema>;

/** A file's summary before anything in it was read. */
export function emptyTrailSummary(fileName: string): TrailFileSummary {
  return {
    fileName,
    events: 0,
    meteringEvents: 0,
    added: 0,
    duplicates: 0,
    otherAccounts: 0,
    unplaceable: 0,
    truncated: 0,
    beyondLookup: 0,
    regions: [],
  };
}

export const METERING_EVENT_SOURCES = [
  'metering-marketplace.amazonaws.com',
  // The Smithy trait's spelling (AWS-FACTS §2.6 CONFLICT): accepted in case it ever appears.
  'marketplacemetering.amazonaws.com',
] as const;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** CloudTrail event history keeps this long (AWS-FACTS §2.4). */
export const CLOUDTRAIL_RETENTION_MS = 90 * DAY_MS;

export function dayOf(epochMs: number): string {
  return new Date(Math.floor(epochMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}
