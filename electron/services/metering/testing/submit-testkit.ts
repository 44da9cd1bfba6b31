// Test and bench helpers for the submission engine: unique billable records out of the sandbox's
// seeded world, and a check that the sandbox ledger holds exactly the intended records.
// Not shipped in the renderer; imported by tests, the crash child and bench/submit.ts.
import { batchTimestampViolation, HOUR_MS } from '../../../../shared/aws/metering-rules';
import type { AdminState } from '../../../sandbox/testing/sandbox-testkit';
import type { LedgerEntry, SandboxProduct, SandboxSubscription } from '../../../sandbox/types';
import type { EngineRecord } from '../engine';

export type IntendedRecord = EngineRecord & {
  /** product|account|dimension|hour: the dedup bucket the ledger will show. */
  bucket: string;
  quantity: number;
};

export function bucketOf(entry: {
  productCode: string;
  customerAwsAccountId?: string;
  dimension: string;
  hour: string;
}): string {
  return `${entry.productCode}|${entry.customerAwsAccountId ?? ''}|${entry.dimension}|${entry.hour}`;
}

type Source = { product: SandboxProduct; sub: SandboxSubscription };

/** Active, unsuspended subscriptions of SaaS products, active for a day before `now`. */
export function billableSources(state: AdminState, now: number): Source[] {
  const suspended = new Set(state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  const sources: Source[] = [];
  for (const product of state.products) {
    if (product.kind !== 'saas') continue;
    for (const sub of state.subscriptions) {
      if (sub.productCode !== product.productCode || sub.status !== 'active') continue;
      if (suspended.has(sub.customerAwsAccountId) || sub.activatedAt > now - 25 * HOUR_MS) continue;
      if (product.identityModel === 'legacy' && sub.customerIdentifier === undefined) continue;
      if (product.identityModel === 'concurrent-agreements' && sub.licenseArn === undefined) {
        continue;
      }
      sources.push({ product, sub });
    }
  }
  return sources;
}

/**
 * `count` records, each its own dedup bucket (customer × dimension × hour of the last `hours`
 * hours before `now` that AWS still accepts — on the 1st after 06:00 UTC that excludes last
 * month's hours), spread over all SaaS products; keys `r00001`…; order grouped by product.
 */
export function uniqueRecords(
  state: AdminState,
  count: number,
  now: number,
  options: { hours?: number; firstHourAgo?: number; keyPrefix?: string; allowFewer?: boolean } = {},
): IntendedRecord[] {
  const hours = options.hours ?? 22;
  const firstHourAgo = options.firstHourAgo ?? 1;
  const prefix = options.keyPrefix ?? 'r';
  const sources = billableSources(state, now);
  const top = Math.floor(now / HOUR_MS) * HOUR_MS;
  const slots: { source: Source; dimension: string; hourStart: number }[] = [];
  for (const source of sources) {
    for (const dimension of source.product.dimensions) {
      for (let h = firstHourAgo; h < firstHourAgo + hours; h += 1) {
        const hourStart = top - h * HOUR_MS;
        // The earliest minute a record of this hour gets; later minutes are newer.
        if (batchTimestampViolation(hourStart + 60_000, now) !== null) continue;
        slots.push({ source, dimension: dimension.name, hourStart });
      }
    }
  }
  if (slots.length < count && options.allowFewer !== true) {
    throw new Error(`The seeded world has ${slots.length} unique buckets, fewer than ${count}.`);
  }
  return slots.slice(0, count).map((slot, i): IntendedRecord => {
    const { product, sub } = slot.source;
    const quantity = 1 + ((i * 7919) % 5000);
    const timestamp = new Date(slot.hourStart + 60_000 * (1 + (i % 50))).toISOString();
    const legacy = product.identityModel === 'legacy';
    return {
      key: `${prefix}${String(i + 1).padStart(5, '0')}`,
      ...(legacy ? { productCode: product.productCode } : { group: product.productCode }),
      record: {
        Timestamp: timestamp,
        Dimension: slot.dimension,
        Quantity: quantity,
        ...(legacy
          ? { CustomerIdentifier: sub.customerIdentifier }
          : { CustomerAWSAccountId: sub.customerAwsAccountId, LicenseArn: sub.licenseArn }),
      },
      bucket: bucketOf({
        productCode: product.productCode,
        customerAwsAccountId: sub.customerAwsAccountId,
        dimension: slot.dimension,
        hour: new Date(slot.hourStart).toISOString(),
      }),
      quantity,
    };
  });
}

export type LedgerComparison = {
  ok: boolean;
  intended: number;
  billed: number;
  missing: string[];
  unexpected: string[];
  wrongQuantity: string[];
  duplicates: string[];
};

/** The ledger equals the intended records: same buckets, same quantities, nothing twice. */
export function compareLedger(
  ledger: readonly LedgerEntry[],
  intended: readonly IntendedRecord[],
): LedgerComparison {
  const want = new Map(intended.map((r) => [r.bucket, r.quantity]));
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  const unexpected: string[] = [];
  const wrongQuantity: string[] = [];
  for (const entry of ledger) {
    const bucket = bucketOf(entry);
    if (seen.has(bucket)) duplicates.push(bucket);
    seen.set(bucket, entry.quantity);
    const expected = want.get(bucket);
    if (expected === undefined) unexpected.push(bucket);
    else if (expected !== entry.quantity) wrongQuantity.push(bucket);
  }
  const missing = [...want.keys()].filter((bucket) => !seen.has(bucket));
  return {
    ok:
      missing.length === 0 &&
      unexpected.length === 0 &&
      wrongQuantity.length === 0 &&
      duplicates.length === 0 &&
      ledger.length === intended.length,
    intended: intended.length,
    billed: ledger.length,
    missing,
    unexpected,
    wrongQuantity,
    duplicates,
  };
}
