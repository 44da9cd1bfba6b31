// The submission side of the metering area: submit, cancel, resume, status, and the events that
// stream per-record outcomes. Merged into shared/channels/metering.ts.
import { z } from 'zod';
import { billingConfirmationSchema, billingPreviewSchema } from '../billing-confirmation';
import { appErrorSchema } from '../errors';
import { recordStatusSchema } from '../journal';
import { meteringOperationSchema, usageRecordSchema } from '../metering';
import type { ChannelTable, EventTable } from './table';

export const outcomeStatusSchema = z.enum([
  ...recordStatusSchema.options,
  /** Never sent: the submission was cancelled or stopped first. */
  'NotSent',
  /** MeterUsage dry run: the permission check passed; nothing was metered. */
  'DryRunPassed',
  /** Not sent: AWS no longer accepts its hour (check CloudTrail for an earlier send). */
  'WindowClosed',
]);
export type OutcomeStatus = z.infer<typeof outcomeStatusSchema>;

export const recordOutcomeSchema = z.object({
  /** Stable within the submission and its resends. */
  key: z.string(),
  status: outcomeStatusSchema,
  meteringRecordId: z.string().optional(),
  requestId: z.string().optional(),
  error: z
    .object({ code: z.string(), message: z.string(), awsName: z.string().optional() })
    .optional(),
  attempts: z.number().int().nonnegative(),
  /** No answer after the allowed tries: "Unprocessed, retry later" (resume sends it again). */
  parked: z.boolean().optional(),
  /** What the record was, for display (from the wire record). */
  customer: z.string().optional(),
  licenseArn: z.string().optional(),
  productCode: z.string().optional(),
  dimension: z.string().optional(),
  timestamp: z.string().optional(),
  quantity: z.number().optional(),
});
export type RecordOutcomeView = z.infer<typeof recordOutcomeSchema>;

export const submissionCountsSchema = z.object({
  success: z.number().int(),
  duplicate: z.number().int(),
  customerNotSubscribed: z.number().int(),
  rejected: z.number().int(),
  unprocessed: z.number().int(),
  unknown: z.number().int(),
  notSent: z.number().int(),
  dryRunPassed: z.number().int(),
  parked: z.number().int(),
  windowClosed: z.number().int(),
});
export type SubmissionCounts = z.infer<typeof submissionCountsSchema>;

export const submissionStateSchema = z.enum(['running', 'finished', 'cancelled', 'stopped']);
export type SubmissionStateName = z.infer<typeof submissionStateSchema>;

export const submissionProgressSchema = z.object({
  submissionId: z.string(),
  operation: meteringOperationSchema,
  dryRun: z.boolean(),
  resendOf: z.string().optional(),
  state: submissionStateSchema,
  total: z.number().int(),
  /** Records with a final answer. */
  done: z.number().int(),
  calls: z.number().int(),
  counts: submissionCountsSchema,
  ratePerSecond: z.number().nullable(),
  secondsLeft: z.number().nullable(),
  /** Wall-clock ISO times. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Why the submission stopped early; it stays resumable from the Journal. */
  error: appErrorSchema.optional(),
  connection: z.object({
    id: z.string(),
    name: z.string(),
    account: z.string(),
    region: z.string(),
  }),
});
export type SubmissionProgressView = z.infer<typeof submissionProgressSchema>;

export const submissionStatusSchema = submissionProgressSchema.extend({
  outcomes: z.array(recordOutcomeSchema),
});
export type SubmissionStatus = z.infer<typeof submissionStatusSchema>;

const submissionIdSchema = z.string().min(1).max(200);

/**
 * Either `planId` (the preview's exact plan from metering:plan: what was shown is what is sent)
 * or `operation` + `records` (validated records; main validates and plans them again).
 * One object (not a union) so every channel's input stays a JSON object schema.
 */
export const submitInputSchema = z
  .object({
    planId: z.string().min(1).max(200).optional(),
    operation: meteringOperationSchema.optional(),
    records: z.array(usageRecordSchema).min(1).max(20_000).optional(),
    /** MeterUsage only: check permissions, meter nothing. */
    dryRun: z.boolean().optional(),
    /** Real connections: the typed phrase with the digest of the plan's billing preview. */
    confirmation: billingConfirmationSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const byPlan = input.planId !== undefined;
    const byRecords = input.operation !== undefined || input.records !== undefined;
    if (byPlan === byRecords) {
      ctx.addIssue({
        code: 'custom',
        message: 'Give either planId, or operation and records.',
        path: byPlan ? ['records'] : ['planId'],
      });
    } else if (!byPlan && (input.operation === undefined || input.records === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'operation and records go together.',
        path: [input.operation === undefined ? 'operation' : 'records'],
      });
    }
  });
export type SubmitInput = z.infer<typeof submitInputSchema>;

/** A previewed record main flags without refusing it (e.g. already billed: resending is safe). */
export const planFlagSchema = z.object({
  source: z.enum(['editor', 'import']),
  rowId: z.string().optional(),
  index: z.number().int(),
  code: z.string(),
  message: z.string(),
});
export type PlanFlag = z.infer<typeof planFlagSchema>;

/** How fresh the CloudTrail cache is for the hours a plan bills. */
export type PlanCloudTrail = z.infer<typeof planCloudTrailSchema>;
export const planCloudTrailSchema = z.object({
  /** Records looked up in the cache. */
  checked: z.number().int(),
  /** Records CloudTrail shows billed already, by any caller. */
  billed: z.number().int(),
  /** Every hour's possible send window is in the cache: "not there" means not billed. */
  complete: z.boolean(),
  /** Events are complete in the cache up to this time (epoch ms); null when never synced. */
  coveredUntil: z.number().nullable(),
});

/** What main adds to a preview (metering:plan) before anything can be submitted. */
export const planChecksSchema = z.object({
  /** What submitting this plan bills and where; null when the plan cannot be submitted. */
  billing: billingPreviewSchema.nullable(),
  /** Records already billed (journal or CloudTrail): sending them again bills nothing more. */
  alreadyBilled: z.array(planFlagSchema).default([]),
  /** The clash check against the CloudTrail cache; null when there is no cache to ask. */
  cloudTrail: planCloudTrailSchema.nullable().default(null),
});
export type PlanChecks = z.infer<typeof planChecksSchema>;

/** One record a resume would send again, as the resume's own preview lists it. */
export const resumeRecordSchema = z.object({
  key: z.string(),
  /** Where the record stands in the journal before the resume. */
  lastStatus: z.enum(['NotSent', 'NoOutcome', 'Unprocessed', 'Unknown']),
  parked: z.boolean().optional(),
  /**
   * What the resume does with it: send it again, or settle it without a call (billed per
   * CloudTrail, not billed per CloudTrail, or the window closed: check CloudTrail).
   */
  disposition: z.enum([
    'resend',
    'billed-per-cloudtrail',
    'not-billed-per-cloudtrail',
    'window-closed',
  ]),
  /** The CloudTrail event behind a billed-per-CloudTrail settlement. */
  eventId: z.string().optional(),
  meteringRecordId: z.string().optional(),
  customer: z.string().optional(),
  licenseArn: z.string().optional(),
  productCode: z.string().optional(),
  dimension: z.string().optional(),
  timestamp: z.string().optional(),
  quantity: z.number().optional(),
});
export type ResumeRecordView = z.infer<typeof resumeRecordSchema>;

export const resumePreviewSchema = z.object({
  submissionId: z.string(),
  operation: meteringOperationSchema,
  /** Every unresolved record and what the resume does with it. */
  records: z.array(resumeRecordSchema),
  /** Records sent again, in this many calls. */
  resend: z.number().int(),
  calls: z.number().int(),
  /** Records settled without a call. */
  settle: z.number().int(),
  /** What the resend bills; null when nothing is sent again. */
  billing: billingPreviewSchema.nullable(),
});
export type ResumePreview = z.infer<typeof resumePreviewSchema>;

export const meteringSubmitChannels = {
  /** Starts a submission on the active connection; answers at once, progress comes as events. */
  'metering:submit': {
    input: submitInputSchema,
    output: z.object({ submissionId: z.string(), total: z.number().int() }),
  },
  /** Stops after the calls in flight; records not sent are reported as NotSent. */
  'metering:cancel': {
    input: z.object({ submissionId: submissionIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** What a resume of this interrupted submission would send, and its billing preview. */
  'metering:resume-preview': {
    input: z.object({ submissionId: submissionIdSchema }).strict(),
    output: resumePreviewSchema,
  },
  /** Resends exactly the unresolved records of an interrupted submission (journal:interrupted). */
  'metering:resume': {
    input: z
      .object({
        submissionId: submissionIdSchema,
        confirmation: billingConfirmationSchema.optional(),
      })
      .strict(),
    output: z.object({
      /** The new submission that resends; null when every record was settled without a call. */
      submissionId: z.string().nullable(),
      resendOf: z.string(),
      total: z.number().int(),
      /** Records settled without a call (billed per CloudTrail, window closed…). */
      settled: z.number().int(),
    }),
  },
  'metering:submission-status': {
    input: z.object({ submissionId: submissionIdSchema }).strict(),
    output: submissionStatusSchema,
  },
} as const satisfies ChannelTable;

export const meteringSubmitEvents = {
  /** Outcomes of one settled call (final or not: Unprocessed/Unknown are retried). */
  'metering:outcomes': z.object({
    submissionId: z.string(),
    outcomes: z.array(recordOutcomeSchema),
  }),
  /** The submission's counters after each call and when it ends (no per-record list). */
  'metering:submission-progress': submissionProgressSchema,
} as const satisfies EventTable;
