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

/** What main adds to a preview (metering:plan) before anything can be submitted. */
export const planChecksSchema = z.object({
  /** What submitting this plan bills and where; null when the plan cannot be submitted. */
  billing: billingPreviewSchema.nullable(),
});
export type PlanChecks = z.infer<typeof planChecksSchema>;

/** One record a resume would send again, as the resume's own preview lists it. */
export const resumeRecordSchema = z.object({
  key: z.string(),
  /** Where the record stands in the journal before the resume. */
  lastStatus: z.enum(['NotSent', 'NoOutcome', 'Unprocessed', 'Unknown']),
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
  /** Exactly the records the resume sends again. */
  records: z.array(resumeRecordSchema),
  calls: z.number().int(),
  billing: billingPreviewSchema,
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
    output: z.object({ submissionId: z.string(), resendOf: z.string(), total: z.number().int() }),
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
