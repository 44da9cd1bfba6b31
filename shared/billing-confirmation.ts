// The rule for actions that bill: on the sandbox nothing is real money, so nothing is asked; on
// every other connection the user types the phrase, and main checks it together with the digest
// of the exact plan the user saw (records, totals, connection, account, region, endpoint).
//
// Protocol, the same for every billing channel (metering:submit, metering:resume,
// containers:register-usage, billing adjustments):
// 1. Main describes what it would bill as a `BillingPreview` (a plan's preview carries one; any
//    billing channel called without a valid confirmation answers CONFIRMATION_REQUIRED with it
//    in `details.billing`).
// 2. The renderer shows the preview and sends the call again with
//    `confirmation: { digest: preview.digest, phrase: <typed> }`.
// 3. Main recomputes the digest from what it is about to send; any difference (other records,
//    another connection, account, region or endpoint) is refused again with a fresh preview.
import { z } from 'zod';

export const BILLING_CONFIRMATION_PHRASE = 'submissions are final';

export function billingConfirmationRequired(
  connection: { isSandbox: boolean } | null | undefined,
): boolean {
  return connection?.isSandbox !== true;
}

/** Surrounding spaces and letter case do not matter; every word does. */
export function confirmationPhraseMatches(typed: string): boolean {
  return typed.trim().replace(/\s+/g, ' ').toLowerCase() === BILLING_CONFIRMATION_PHRASE;
}

/** What the renderer sends back with a billing call on a real connection. */
export const billingConfirmationSchema = z
  .object({
    /** The preview's digest: binds the phrase to the exact plan that was shown. */
    digest: z.string().regex(/^[0-9a-f]{64}$/, 'The digest of the preview that was confirmed'),
    phrase: z.string().max(200),
  })
  .strict();
export type BillingConfirmation = z.infer<typeof billingConfirmationSchema>;

export const billingKindSchema = z.enum([
  'metering-submit',
  'metering-resume',
  'register-usage',
  'billing-adjustment',
]);
export type BillingKind = z.infer<typeof billingKindSchema>;

/** Who is billed: the connection the call goes out on, as main resolves it right now. */
export const billingTargetSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  isSandbox: z.boolean(),
  /** The seller account the call bills from; absent only when AWS could not be asked. */
  accountId: z.string().optional(),
  region: z.string(),
  /** A custom endpoint, when the connection has one (else AWS's own for the region). */
  endpoint: z.string().optional(),
});
export type BillingTarget = z.infer<typeof billingTargetSchema>;

/** One line of totals: per product (or group) and dimension. */
export const billingTotalSchema = z.object({
  group: z.string().optional(),
  dimension: z.string(),
  records: z.number().int().nonnegative(),
  quantity: z.number().nonnegative(),
});
export type BillingTotal = z.infer<typeof billingTotalSchema>;

/** Money amounts (billing adjustments): decimal strings, never rounded. */
export const billingAmountSchema = z.object({
  label: z.string(),
  amount: z.string(),
  currency: z.string(),
});
export type BillingAmount = z.infer<typeof billingAmountSchema>;

export const billingPreviewSchema = z.object({
  kind: billingKindSchema,
  /** In a few words, e.g. "Submit 25 usage records in 1 call". */
  action: z.string(),
  /** False on the sandbox: nothing is asked there. */
  required: z.boolean(),
  digest: z.string(),
  target: billingTargetSchema,
  records: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  totals: z.array(billingTotalSchema),
  amounts: z.array(billingAmountSchema).optional(),
});
export type BillingPreview = z.infer<typeof billingPreviewSchema>;

/** The preview carried by a CONFIRMATION_REQUIRED error, if it carries one. */
export function previewFromError(details: unknown): BillingPreview | null {
  if (typeof details !== 'object' || details === null || !('billing' in details)) return null;
  const parsed = billingPreviewSchema.safeParse(details.billing);
  return parsed.success ? parsed.data : null;
}
