// Channels and events of the customers area; shared/contract.ts merges every area's table.
// The registration token goes to main inside `pasted` and never comes back: main answers with
// a short hash of it (first 12 hex of SHA-256), which is also all the history keeps.
import { z } from 'zod';
import { errorCodeSchema } from '../errors';
import type { ChannelTable, EventTable } from './table';

/** Big enough for a HAR file with a few requests; a token itself is a few hundred bytes. */
const MAX_PASTE_CHARS = 2_000_000;
/** Under the browser host's 8 MiB body cap; 5,000 form bodies fit several times over. */
const MAX_BULK_CHARS = 4_000_000;
/** Bulk resolve accepts at most this many tokens per run. */
export const BULK_MAX_TOKENS = 5_000;

export const tokenSourceSchema = z.enum([
  'raw',
  'form-body',
  'url',
  'curl',
  'har',
  'json',
  'log-line',
]);

export const tokenDiagnosisSchema = z.object({
  looksTruncated: z.boolean(),
  looksDoubleDecoded: z.boolean(),
  looksStillEncoded: z.boolean(),
  notes: z.array(z.string()),
});

/** What main extracted from the paste, without the token itself. */
export const extractionSummarySchema = z.object({
  source: tokenSourceSchema,
  steps: z.array(z.string()),
  warnings: z.array(z.string()),
  offerType: z.string().optional(),
  tokenLength: z.number().int().nonnegative(),
  /** First 12 hex digits of the SHA-256 of the token: recognises a repeat, reveals nothing. */
  tokenHash: z.string(),
});
export type ExtractionSummary = z.infer<typeof extractionSummarySchema>;

/** Whichever identities AWS returned (all optional in the ResolveCustomer model). */
export const resolvedCustomerSchema = z.object({
  customerIdentifier: z.string().optional(),
  customerAwsAccountId: z.string().optional(),
  productCode: z.string().optional(),
  licenseArn: z.string().optional(),
});
export type ResolvedCustomer = z.infer<typeof resolvedCustomerSchema>;

export const productMatchSchema = z.object({
  status: z.enum(['matched', 'not-found', 'no-product-code', 'no-catalog']),
  /** Where the product was looked up. */
  source: z.enum(['catalog', 'sandbox']).optional(),
  name: z.string().optional(),
  kind: z.string().optional(),
  note: z.string(),
});
export type ProductMatch = z.infer<typeof productMatchSchema>;

export const resolveFailureKinds = [
  'expired',
  'invalid',
  'access-denied',
  'disabled-api',
  'throttled',
  'credentials',
  'network',
  'aws-unavailable',
  'other',
] as const;
export const resolveFailureKindSchema = z.enum(resolveFailureKinds);
export type ResolveFailureKind = z.infer<typeof resolveFailureKindSchema>;

export const resolveFailureSchema = z.object({
  kind: resolveFailureKindSchema,
  code: errorCodeSchema,
  /** One plain line: what happened. */
  title: z.string(),
  /** Why, in plain words. */
  message: z.string(),
  /** What to do next. */
  nextStep: z.string(),
  retryable: z.boolean(),
  /** For invalid tokens: does it look truncated, double-decoded or still encoded? */
  diagnosis: tokenDiagnosisSchema.optional(),
  /** How an ambiguous answer was read (ExpiredTokenException: status, message, another call). */
  evidence: z.array(z.string()).optional(),
  /** The raw AWS error, for the engineer the user forwards it to. */
  raw: z.unknown(),
});
export type ResolveFailure = z.infer<typeof resolveFailureSchema>;

export const resolutionEntrySchema = z.object({
  id: z.string(),
  /** ISO time of the call. */
  at: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  accountId: z.string().optional(),
  region: z.string(),
  tokenHash: z.string(),
  source: tokenSourceSchema,
  offerType: z.string().optional(),
  outcome: z.enum(['resolved', 'failed']),
  failureKind: resolveFailureKindSchema.optional(),
  failureTitle: z.string().optional(),
  customer: resolvedCustomerSchema.optional(),
  /** Set when the resolution was part of a bulk run. */
  bulkTaskId: z.string().optional(),
});
export type ResolutionEntry = z.infer<typeof resolutionEntrySchema>;

export const resolveResultSchema = z.object({
  entry: resolutionEntrySchema,
  extraction: extractionSummarySchema,
  customer: resolvedCustomerSchema.optional(),
  product: productMatchSchema.optional(),
  failure: resolveFailureSchema.optional(),
  /** Earlier resolutions of the same token (by hash), newest first. */
  previous: z.array(resolutionEntrySchema),
});
export type ResolveResult = z.infer<typeof resolveResultSchema>;

export const bulkRowSchema = z.object({
  /** 1-based line of the pasted list (CSV: data line). */
  line: z.number().int().positive(),
  tokenHash: z.string().optional(),
  outcome: z.enum(['resolved', 'failed', 'skipped', 'duplicate', 'cancelled']),
  customer: resolvedCustomerSchema.optional(),
  failureKind: resolveFailureKindSchema.optional(),
  /** Failure title, skip reason, or "same token as line N". */
  message: z.string().optional(),
  nextStep: z.string().optional(),
  /** ISO time of an earlier resolution of the same token, if any. */
  resolvedBefore: z.string().optional(),
});
export type BulkRow = z.infer<typeof bulkRowSchema>;

export const bulkStatusSchema = z.object({
  taskId: z.string(),
  state: z.enum(['running', 'finished', 'cancelled']),
  /** Tokens that will be sent to AWS (duplicates and unreadable lines excluded). */
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  ratePerSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().nonnegative().nullable(),
  counts: z.object({
    resolved: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
  }),
  /** Rows finished since `from` (completion order); the caller keeps what it already has. */
  rows: z.array(bulkRowSchema),
  /** Pass as `from` next time. */
  nextFrom: z.number().int().nonnegative(),
});
export type BulkStatus = z.infer<typeof bulkStatusSchema>;

export const sandboxWorldSchema = z.object({
  products: z.array(
    z.object({
      productCode: z.string(),
      name: z.string(),
      kind: z.enum(['saas', 'container', 'ami']),
      identityModel: z.string(),
      dimensions: z.array(z.string()),
    }),
  ),
  customers: z.array(
    z.object({
      awsAccountId: z.string(),
      name: z.string(),
      /** Product codes with an active subscription. */
      subscribed: z.array(z.string()),
    }),
  ),
});
export type SandboxWorld = z.infer<typeof sandboxWorldSchema>;

const taskIdSchema = z.string().min(1).max(100);

export const customersChannels = {
  /** Extracts the token (authoritatively, in main) and resolves it with the active connection. */
  'customers:resolve': {
    input: z.object({ pasted: z.string().min(1).max(MAX_PASTE_CHARS) }).strict(),
    output: resolveResultSchema,
  },
  'customers:history': {
    input: z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    output: z.object({
      entries: z.array(resolutionEntrySchema),
      total: z.number().int().nonnegative(),
    }),
  },
  /** Empties the resolution history for good (a repeat is no longer recognised afterwards). */
  'customers:history-clear': {
    input: z
      .object({
        /** The user typed it: the history cannot be brought back. */
        confirm: z.literal('CLEAR'),
      })
      .strict(),
    output: z.object({ removed: z.number().int().nonnegative() }),
  },
  /** Starts a paced bulk resolve of a list (lines or CSV); progress on `task:progress`. */
  'customers:bulk-start': {
    input: z
      .object({
        text: z.string().min(1).max(MAX_BULK_CHARS),
      })
      .strict(),
    output: bulkStatusSchema,
  },
  'customers:bulk-status': {
    input: z
      .object({ taskId: taskIdSchema, from: z.number().int().nonnegative().optional() })
      .strict(),
    output: bulkStatusSchema,
  },
  'customers:bulk-cancel': {
    input: z.object({ taskId: taskIdSchema }).strict(),
    output: bulkStatusSchema,
  },
  /** Sandbox connection only: its products and customers (for practice tokens and forms). */
  'sandbox:world': {
    input: z.object({}).strict(),
    output: sandboxWorldSchema,
  },
  /** Sandbox connection only: a registration token (or an already-expired one) for practice. */
  'sandbox:mint-token': {
    input: z
      .object({
        productCode: z.string().min(1).max(255),
        customerAwsAccountId: z.string().regex(/^\d{1,255}$/, 'Digits only'),
        expired: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      token: z.string(),
      /** The form body the buyer's browser would post (token URL-encoded once). */
      formBody: z.string(),
      expiresAt: z.string(),
    }),
  },
} as const satisfies ChannelTable;

export const customersEvents = {} as const satisfies EventTable;
