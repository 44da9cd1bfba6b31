// What a draft says once read: the product and operation it resolves to, its customer ids, the
// parsed quantity, time and allocations, and its dedup key. Reading reports nothing; the rule
// families (./identity, ./customer, ./timestamp, ./quantity, ./tags, ./duplicates) look at these
// facts and report issues, so each rule stays small and the parsing happens once per record.
import { hourOf } from '../../aws/metering-rules';
import { findProduct, operationFor, type MeteringOperation, type Product } from '../catalog';
import { acceptanceDeadline, keyWithHour } from '../keys';
import { parseQuantity, readUsageTime, type ParsedQuantity, type UsageTimeReading } from '../parse';
import type {
  Allocation,
  RecordIssue,
  UsageRecord,
  UsageRecordDraft,
  ValidateContext,
} from '../records';

/** The record's fields that do not depend on parsing (the engine's record is built on them). */
export type RecordBase = Omit<UsageRecord, 'productId' | 'quantity' | 'timestamp'>;

export type RecordFacts = {
  draft: UsageRecordDraft;
  ctx: ValidateContext;
  product: Product | undefined;
  operation: MeteringOperation | null;
  customerIdentifier: string | undefined;
  customerAwsAccountId: string | undefined;
  licenseArn: string | undefined;
  concurrentAgreements: boolean;
  quantity: ParsedQuantity;
  timeReading: UsageTimeReading;
  /** The instant, when the time could be read and says its zone (no zone is never guessed). */
  timeMs: number | null;
  /** The instant as ISO UTC. */
  timestampIso: string | null;
  deadlineMs: number | null;
  /** Each allocation's parsed quantity (absent when the draft has no allocations). */
  allocationQuantities: ParsedQuantity[] | undefined;
  /** The allocations, when every allocation quantity could be read. */
  allocations: Allocation[] | undefined;
  base: RecordBase;
  key: string | null;
};

/** A rule family: looks at the facts and appends what is wrong (or worth a warning). */
export type Rule = (facts: RecordFacts, issues: RecordIssue[]) => void;

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function readAllocations(draft: UsageRecordDraft): {
  quantities: ParsedQuantity[] | undefined;
  allocations: Allocation[] | undefined;
} {
  if (draft.allocations === undefined || draft.allocations.length === 0) {
    return { quantities: undefined, allocations: undefined };
  }
  const quantities: ParsedQuantity[] = [];
  const allocations: Allocation[] = [];
  for (const [i, a] of draft.allocations.entries()) {
    const q = parseQuantity(a.quantity, `Allocation ${String(i + 1)} quantity`);
    quantities.push(q);
    if (!q.ok) continue;
    const allocation: Allocation = { quantity: q.value };
    if (a.tags !== undefined) allocation.tags = a.tags.map((t) => ({ key: t.key, value: t.value }));
    allocations.push(allocation);
  }
  const allRead = allocations.length === quantities.length;
  return { quantities, allocations: allRead ? allocations : undefined };
}

function readBase(
  draft: UsageRecordDraft,
  product: Product | undefined,
  operation: MeteringOperation | null,
  ids: { ci: string | undefined; acct: string | undefined; lic: string | undefined },
): RecordBase {
  // Built by assignment, not conditional spreads: this is the hot path of a 100k-row import.
  const base: RecordBase = {
    operation: operation ?? 'BatchMeterUsage',
    dimension: draft.dimension,
  };
  if (product?.productCode !== undefined && product.identityModel !== 'concurrent-agreements') {
    base.productCode = product.productCode;
  }
  if (ids.ci !== undefined) base.customerIdentifier = ids.ci;
  if (ids.acct !== undefined) base.customerAwsAccountId = ids.acct;
  if (ids.lic !== undefined) base.licenseArn = ids.lic;
  return base;
}

export function readFacts(draft: UsageRecordDraft, ctx: ValidateContext): RecordFacts {
  const product = findProduct(ctx.catalog, draft);
  const operation = ctx.operation ?? (product ? operationFor(product) : null);
  const ci = present(draft.customerIdentifier) ? draft.customerIdentifier : undefined;
  const acct = present(draft.customerAwsAccountId) ? draft.customerAwsAccountId : undefined;
  const lic = present(draft.licenseArn) ? draft.licenseArn : undefined;
  const timeReading = readUsageTime(draft.timestamp);
  const timeMs = timeReading.kind === 'ok' && timeReading.zone !== null ? timeReading.ms : null;
  const timestampIso = timeMs === null ? null : new Date(timeMs).toISOString();
  const { quantities, allocations } = readAllocations(draft);
  const base = readBase(draft, product, operation, { ci, acct, lic });
  const keyed =
    operation !== null &&
    timeMs !== null &&
    draft.dimension !== '' &&
    (operation === 'MeterUsage' || ci !== undefined || acct !== undefined);
  return {
    draft,
    ctx,
    product,
    operation,
    customerIdentifier: ci,
    customerAwsAccountId: acct,
    licenseArn: lic,
    concurrentAgreements: product?.identityModel === 'concurrent-agreements',
    quantity: parseQuantity(draft.quantity),
    timeReading,
    timeMs,
    timestampIso,
    deadlineMs: timeMs !== null && operation ? acceptanceDeadline(timeMs, operation) : null,
    allocationQuantities: quantities,
    allocations,
    base,
    key: keyed ? keyWithHour(base, hourOf(timeMs)) : null,
  };
}

/** Appends one issue (module-level, no per-record closures: this runs once per imported row). */
export function addIssue(
  issues: RecordIssue[],
  severity: 'error' | 'warning',
  field: RecordIssue['field'],
  code: string,
  message: string,
  fix: string,
): void {
  issues.push({ field, code, severity, message, fix });
}
