// Planning: the calls a set of validated records becomes (the preview and the engine use the same
// planner), with totals per product and dimension.
import { z } from 'zod';
import { BATCH_MAX_RECORDS, BATCH_MAX_REQUEST_BYTES } from '../aws/metering-rules';
import { meteringOperationSchema, type Product } from './catalog';
import type { UsageRecord } from './records';
import { ENVELOPE_BYTES, utf8Length, wireBytes } from './wire';

export const plannedCallSchema = z.object({
  index: z.number().int(),
  operation: meteringOperationSchema,
  productId: z.string(),
  /** Request-level ProductCode: legacy SaaS and MeterUsage; absent for concurrent agreements. */
  productCode: z.string().optional(),
  /** Positions of the records in the list given to planBatches. */
  recordIndexes: z.array(z.number().int()),
  /** Serialized request size (bytes), always < 1 MB. */
  bytes: z.number().int(),
});
export type PlannedCall = z.infer<typeof plannedCallSchema>;

export const dimensionTotalSchema = z.object({
  dimension: z.string(),
  records: z.number().int(),
  quantity: z.number(),
});
export const productPlanSchema = z.object({
  productId: z.string(),
  productName: z.string(),
  operation: meteringOperationSchema,
  productCode: z.string().optional(),
  calls: z.number().int(),
  records: z.number().int(),
  customers: z.number().int(),
  dimensions: z.array(dimensionTotalSchema),
});
export const planSchema = z.object({
  calls: z.array(plannedCallSchema),
  products: z.array(productPlanSchema),
  totals: z.object({ calls: z.number().int(), records: z.number().int(), quantity: z.number() }),
});
export type Plan = z.infer<typeof planSchema>;

/**
 * Groups validated records into the calls that would be made: MeterUsage one record per call;
 * BatchMeterUsage one product (legacy: its ProductCode; concurrent agreements: its license set)
 * per call, at most 25 records and under 1 MB each. Order within a product is kept.
 */
export function planBatches(records: readonly UsageRecord[], catalog: readonly Product[]): Plan {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const g = `${r.operation}|${r.productId}`;
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  const calls: PlannedCall[] = [];
  const products: Plan['products'] = [];
  let totalQuantity = 0;
  for (const indexes of groups.values()) {
    const first = records[indexes[0] ?? 0];
    if (!first) continue;
    const product = catalog.find((p) => p.id === first.productId);
    const productCode = first.licenseArn === undefined ? first.productCode : undefined;
    const head = ENVELOPE_BYTES + utf8Length(productCode ?? '');
    const callsBefore = calls.length;
    const push = (recordIndexes: number[], bytes: number): void => {
      calls.push({
        index: calls.length,
        operation: first.operation,
        productId: first.productId,
        ...(productCode !== undefined ? { productCode } : {}),
        recordIndexes,
        bytes,
      });
    };
    let current: number[] = [];
    let bytes = head;
    const byDimension = new Map<string, { records: number; quantity: number }>();
    const customers = new Set<string>();
    for (const i of indexes) {
      const r = records[i];
      if (!r) continue;
      const t = byDimension.get(r.dimension) ?? { records: 0, quantity: 0 };
      t.records += 1;
      t.quantity += r.quantity;
      byDimension.set(r.dimension, t);
      totalQuantity += r.quantity;
      customers.add(r.customerIdentifier ?? r.customerAwsAccountId ?? '');
      const size = wireBytes(r) + 1;
      if (r.operation === 'MeterUsage') {
        push([i], head + size);
        continue;
      }
      if (
        current.length > 0 &&
        (current.length >= BATCH_MAX_RECORDS || bytes + size >= BATCH_MAX_REQUEST_BYTES)
      ) {
        push(current, bytes);
        current = [];
        bytes = head;
      }
      current.push(i);
      bytes += size;
    }
    if (current.length > 0) push(current, bytes);
    products.push({
      productId: first.productId,
      productName: product?.name ?? first.productId,
      operation: first.operation,
      ...(productCode !== undefined ? { productCode } : {}),
      calls: calls.length - callsBefore,
      records: indexes.length,
      customers: first.operation === 'MeterUsage' ? 0 : customers.size,
      dimensions: [...byDimension.entries()]
        .map(([dimension, t]) => ({ dimension, records: t.records, quantity: t.quantity }))
        .sort((a, b) => a.dimension.localeCompare(b.dimension)),
    });
  }
  return {
    calls,
    products,
    totals: { calls: calls.length, records: records.length, quantity: totalQuantity },
  };
}
