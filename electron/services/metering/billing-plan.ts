// What a metering submission or resume bills, in the billing guard's terms: the exact wire
// records and their calls, totals per product and dimension, and the connection.
import type { BillingTarget } from '../../../shared/billing-confirmation';
import type { Plan, UsageRecord } from '../../../shared/metering';
import { totalsOf, type BillingPlan } from '../billing/guard';
import type { EngineRecord } from './engine';

const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A previewed plan (metering:plan) as the guard sees it. */
export function submissionBillingPlan(
  target: BillingTarget,
  records: readonly UsageRecord[],
  plan: Plan,
): BillingPlan {
  const totals = plan.products.flatMap((product) =>
    product.dimensions.map((d) => ({
      group: product.productCode ?? product.productName,
      dimension: d.dimension,
      records: d.records,
      quantity: d.quantity,
    })),
  );
  return {
    kind: 'metering-submit',
    action: `Submit ${plural(plan.totals.records, 'usage record', 'usage records')} in ${plural(plan.totals.calls, 'call', 'calls')}`,
    target,
    records: plan.totals.records,
    calls: plan.totals.calls,
    totals,
    content: { records, calls: plan.calls.map((c) => c.recordIndexes) },
  };
}

function wireString(record: EngineRecord['record'], ...fields: string[]): string | undefined {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function wireQuantity(record: EngineRecord['record']): number {
  const value = record.Quantity ?? record.UsageQuantity;
  return typeof value === 'number' ? value : 0;
}

/** Exactly the records a resume will send again, under their original keys and bytes. */
export function resumeBillingPlan(
  target: BillingTarget,
  submissionId: string,
  records: readonly EngineRecord[],
  calls: number,
): BillingPlan {
  return {
    kind: 'metering-resume',
    action: `Resume ${submissionId}: send ${plural(records.length, 'record', 'records')} again in ${plural(calls, 'call', 'calls')}`,
    target,
    records: records.length,
    calls,
    totals: totalsOf(
      records.map((r) => ({
        group: r.productCode ?? r.group ?? wireString(r.record, 'ProductCode'),
        dimension: wireString(r.record, 'Dimension', 'UsageDimension') ?? '',
        quantity: wireQuantity(r.record),
      })),
    ),
    content: { submissionId, records: records.map((r) => ({ key: r.key, record: r.record })) },
  };
}
