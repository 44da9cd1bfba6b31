// What "billed" means, once, for every figure the app shows (the outcome panel, the Journal,
// audit totals, charts, exports and the evidence pack):
//
// - A record is billed when AWS answered Success with a MeteringRecordId.
// - The same MeteringRecordId seen again — a replay, a resume, a second CloudTrail event — is a
//   replay: shown and counted as a replay, never added to billed totals. AWS answers an
//   identical resend in the same hour with Success and the same id (AWS-FACTS §0.1).
// - DuplicateRecord is never billed; the quantity that stands is the one billed first for the
//   same usage key (customer, dimension, hour, and product or license) — AWS keeps the first.
// - A Success without a MeteringRecordId is not known to be billed (an echo CloudTrail cut
//   short): unknown, never added to billed totals.
// - Not answered (lost, truncated, never journaled) is unknown; refused, failed, unprocessed or
//   never sent is not billed.
//
// The audit database implements the same rules in SQL; electron/testing/billed-once-fixture.ts
// holds the cases both must agree on.
import type { z } from 'zod';
import { HOUR_MS, type BillingKind, type billingTotalsSchema } from './audit';

/** Statuses (journal or CloudTrail) after which nobody knows yet whether AWS billed. */
const UNKNOWN_STATUSES: ReadonlySet<string> = new Set(['Unknown', 'NoOutcome']);

/** The record a usage key is built from; the customer is the identifier, else the account. */
export type UsageKeyFields = {
  accountId: string;
  region: string;
  productCode?: string | undefined;
  licenseArn?: string | undefined;
  customerIdentifier?: string | undefined;
  customerAwsAccountId?: string | undefined;
  dimension: string;
  /** Epoch ms of the usage time (or its hour); null when unknown. */
  usageTime: number | null;
};

/**
 * AWS's dedup key for a record (AWS-FACTS §1.3.4). The identifier is preferred to the account
 * id because an echo can add the account id to a legacy record, never the other way round.
 */
export function usageKey(f: UsageKeyFields): string {
  const hour = f.usageTime === null ? '' : String(Math.floor(f.usageTime / HOUR_MS) * HOUR_MS);
  return [
    f.accountId,
    f.region,
    f.productCode ?? '',
    f.licenseArn ?? '',
    f.customerIdentifier ?? f.customerAwsAccountId ?? '',
    f.dimension,
    hour,
  ].join('\u0001');
}

/** What decides how one record counts. */
export type BillingFacts = {
  status: string;
  meteringRecordId?: string | undefined;
  /** usageKey() of the record. */
  key: string;
  quantity: number;
};

export type BillingView = {
  kind: BillingKind;
  /** DuplicateRecord: the quantity billed first for its key, when that record is known. */
  standingQuantity?: number;
  /** Replay: the position of the billed record it repeats. */
  billedAt?: number;
};

/** How one record counts, given whether its billing identity was billed before it. */
export function billingKindOf(status: string, billedBefore: boolean): BillingKind {
  if (status === 'Success') return billedBefore ? 'replay' : 'billed';
  if (status === 'DuplicateRecord') return 'duplicate';
  return UNKNOWN_STATUSES.has(status) ? 'unknown' : 'not-billed';
}

/**
 * The billed-once view of records given in the order they happened (first answer first; ties
 * broken by event id, then place in the request): the first Success of each MeteringRecordId
 * is billed, later ones are replays; a DuplicateRecord names the quantity billed first for its
 * usage key.
 */
export function billedOnce<T>(
  items: readonly T[],
  facts: (item: T) => BillingFacts,
): BillingView[] {
  const all = items.map(facts);
  const firstId = new Map<string, number>();
  const standing = new Map<string, number>();
  const views = all.map((f, i): BillingView => {
    if (f.status !== 'Success') return { kind: billingKindOf(f.status, false) };
    if (f.meteringRecordId === undefined) return { kind: 'unknown' };
    const before = firstId.get(f.meteringRecordId);
    if (before !== undefined) return { kind: 'replay', billedAt: before };
    firstId.set(f.meteringRecordId, i);
    if (!standing.has(f.key)) standing.set(f.key, f.quantity);
    return { kind: 'billed' };
  });
  all.forEach((f, i) => {
    const view = views[i];
    const stands = standing.get(f.key);
    if (view?.kind === 'duplicate' && stands !== undefined) view.standingQuantity = stands;
  });
  return views;
}

export type BillingTotals = z.infer<typeof billingTotalsSchema>;

export function emptyBillingTotals(): BillingTotals {
  return {
    billedRecords: 0,
    billedQuantity: 0,
    replayRecords: 0,
    duplicateRecords: 0,
    unknownRecords: 0,
    notBilledRecords: 0,
  };
}

/** Adds records of one kind (one by default) to running totals; only billed ones add quantity. */
export function addToTotals(
  totals: BillingTotals,
  kind: BillingKind,
  quantity: number,
  records = 1,
): void {
  switch (kind) {
    case 'billed':
      totals.billedRecords += records;
      totals.billedQuantity += quantity;
      break;
    case 'replay':
      totals.replayRecords += records;
      break;
    case 'duplicate':
      totals.duplicateRecords += records;
      break;
    case 'unknown':
      totals.unknownRecords += records;
      break;
    case 'not-billed':
      totals.notBilledRecords += records;
      break;
  }
}

/** Words for each kind, the same on every screen and in every export. */
export const billingLabels: Record<BillingKind, string> = {
  billed: 'Billed',
  replay: 'Replay (billed before, not again)',
  duplicate: 'DuplicateRecord (not billed; the first quantity stands)',
  'not-billed': 'Not billed',
  unknown: 'Answer unknown',
};
