// The billing guard: every channel that bills goes through `requireBillingConfirmation` before
// anything leaves. On the built-in Sandbox it passes at once (nothing there is money); on every
// other connection it requires the typed phrase together with the digest of exactly what is
// about to be sent, recomputed here from the plan and the connection as they are now. A missing,
// wrong or stale confirmation is refused with CONFIRMATION_REQUIRED, carrying a fresh preview
// (`details.billing`) the renderer can show and confirm.
//
// Usage in a channel handler (see shared/billing-confirmation.ts for the protocol):
//   const plan: BillingPlan = { kind: 'billing-adjustment', action: 'Request 2 refunds', target,
//     records: 2, calls: 1, totals: [], amounts: [...], content: theExactRequest };
//   requireBillingConfirmation(plan, input.confirmation);   // throws, or returns the preview
import { createHash } from 'node:crypto';
import {
  billingConfirmationRequired,
  confirmationPhraseMatches,
  type BillingAmount,
  type BillingConfirmation,
  type BillingKind,
  type BillingPreview,
  type BillingTarget,
  type BillingTotal,
} from '../../../shared/billing-confirmation';
import { AppError } from '../../../shared/errors';

/** What a billing channel is about to do, described completely enough to bind a confirmation. */
export type BillingPlan = {
  kind: BillingKind;
  action: string;
  target: BillingTarget;
  records: number;
  calls: number;
  totals: BillingTotal[];
  amounts?: BillingAmount[];
  /** The exact content sent (wire records, request parameters): any change changes the digest. */
  content: unknown;
};

/** JSON with object keys sorted at every level, so equal plans always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

export function billingDigest(plan: BillingPlan): string {
  const { target } = plan;
  return createHash('sha256')
    .update(
      canonical({
        kind: plan.kind,
        target: {
          connectionId: target.connectionId,
          isSandbox: target.isSandbox,
          accountId: target.accountId ?? null,
          region: target.region,
          endpoint: target.endpoint ?? null,
        },
        records: plan.records,
        calls: plan.calls,
        totals: plan.totals,
        amounts: plan.amounts ?? [],
        content: plan.content,
      }),
      'utf8',
    )
    .digest('hex');
}

export function billingPreview(plan: BillingPlan): BillingPreview {
  return {
    kind: plan.kind,
    action: plan.action,
    required: billingConfirmationRequired(plan.target),
    digest: billingDigest(plan),
    target: plan.target,
    records: plan.records,
    calls: plan.calls,
    totals: plan.totals,
    ...(plan.amounts === undefined ? {} : { amounts: plan.amounts }),
  };
}

/**
 * Passes (returning the preview) when the target is the Sandbox, or when the confirmation
 * carries the phrase and this plan's digest; otherwise throws CONFIRMATION_REQUIRED.
 */
export function requireBillingConfirmation(
  plan: BillingPlan,
  confirmation: BillingConfirmation | undefined,
): BillingPreview {
  const preview = billingPreview(plan);
  if (!preview.required) return preview;
  const where = `${plan.target.connectionName} (account ${plan.target.accountId ?? 'unknown'}, ${plan.target.region}${plan.target.endpoint === undefined ? '' : `, ${plan.target.endpoint}`})`;
  if (confirmation === undefined) {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      `${plan.action} on ${where} bills real money and needs the typed confirmation first. Nothing was sent.`,
      {
        hint: 'Review what will be billed and type the confirmation phrase.',
        details: { billing: preview },
      },
    );
  }
  if (!confirmationPhraseMatches(confirmation.phrase)) {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      'The confirmation phrase does not match. Nothing was sent.',
      { hint: 'Type the phrase exactly as shown.', details: { billing: preview } },
    );
  }
  if (confirmation.digest !== preview.digest) {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      `What would be billed is not what was confirmed: the records, totals, connection, account, region or endpoint changed since. Nothing was sent.`,
      { hint: 'Review the new preview and confirm again.', details: { billing: preview } },
    );
  }
  return preview;
}

/** Totals per group and dimension, in first-seen order. */
export function totalsOf(
  lines: readonly { group?: string | undefined; dimension: string; quantity: number }[],
): BillingTotal[] {
  const byKey = new Map<string, BillingTotal>();
  for (const line of lines) {
    const key = `${line.group ?? ''}\n${line.dimension}`;
    const total = byKey.get(key) ?? {
      ...(line.group === undefined ? {} : { group: line.group }),
      dimension: line.dimension,
      records: 0,
      quantity: 0,
    };
    total.records += 1;
    total.quantity += line.quantity;
    byKey.set(key, total);
  }
  return [...byKey.values()];
}
