// Quantity and allocation rules: whole numbers 0..2147483647 (never rounded), allocations that
// add up exactly to the record's quantity with one tag set each, and a record small enough to fit
// a BatchMeterUsage request (< 1 MB).
import {
  BATCH_MAX_REQUEST_BYTES,
  PRODUCT_CODE_MAX,
  allocationCountViolation,
  allocationSumViolation,
  tagSetsViolation,
  type UsageAllocation,
} from '../../aws/metering-rules';
import type { Allocation, RecordIssue } from '../records';
import { ENVELOPE_BYTES, wireBytes } from '../wire';
import { addIssue, type RecordFacts } from './facts';

export function quantityReadable(facts: RecordFacts, issues: RecordIssue[]): void {
  const q = facts.quantity;
  if (!q.ok) addIssue(issues, 'error', 'quantity', q.code, q.message, q.fix);
}

export function allocationQuantitiesReadable(facts: RecordFacts, issues: RecordIssue[]): void {
  for (const q of facts.allocationQuantities ?? []) {
    if (!q.ok) addIssue(issues, 'error', 'allocations', `allocation-${q.code}`, q.message, q.fix);
  }
}

/** The allocations as the SDK shapes them (the shared AWS rules read this shape). */
export function wireAllocations(allocations: readonly Allocation[]): UsageAllocation[] {
  return allocations.map((a) => {
    const wire: UsageAllocation = { AllocatedUsageQuantity: a.quantity };
    if (a.tags !== undefined) wire.Tags = a.tags.map((t) => ({ Key: t.key, Value: t.value }));
    return wire;
  });
}

export function allocationsAddUp(facts: RecordFacts, issues: RecordIssue[]): void {
  if (facts.allocations === undefined) return;
  const wire = wireAllocations(facts.allocations);
  const shape = allocationCountViolation(wire) ?? tagSetsViolation(wire);
  if (shape) {
    addIssue(
      issues,
      'error',
      'allocations',
      'allocation-invalid',
      shape.message,
      'Give each allocation its own tag set (one untagged allocation at most), 1–2500 allocations.',
    );
    return;
  }
  // The sum is only meaningful against a quantity that could be read.
  const sum = facts.quantity.ok ? allocationSumViolation(facts.quantity.value, wire) : null;
  if (sum) {
    addIssue(
      issues,
      'error',
      'allocations',
      'allocation-sum',
      sum.message,
      "Make the allocated quantities add up exactly to the record's quantity.",
    );
  }
}

/** One record alone must leave room in a BatchMeterUsage request for the envelope. */
export function recordFitsRequest(facts: RecordFacts, issues: RecordIssue[]): void {
  const { operation, allocations, quantity, timestampIso } = facts;
  if (operation !== 'BatchMeterUsage' || allocations === undefined) return;
  if (!quantity.ok || timestampIso === null) return;
  const bytes = wireBytes({
    productId: '',
    ...facts.base,
    operation,
    quantity: quantity.value,
    timestamp: timestampIso,
    allocations,
  });
  if (bytes < BATCH_MAX_REQUEST_BYTES - ENVELOPE_BYTES - PRODUCT_CODE_MAX) return;
  addIssue(
    issues,
    'error',
    'allocations',
    'record-too-large',
    'This record alone is 1 MB or more on the wire; BatchMeterUsage requests must stay under 1 MB.',
    'Use fewer allocations or shorter tags, or split the usage across records for different dimensions.',
  );
}
