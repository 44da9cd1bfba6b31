// Duplicate rules (AWS-FACTS §1.3.4): AWS keeps the first record per (customer, dimension, hour)
// and answers DuplicateRecord to a different quantity for the same key, so a record that repeats
// a key — already sent by this app, or earlier in the same set — is flagged before sending.
import type { BatchValidation, RecordIssue, RecordValidation } from '../records';
import { addIssue, type RecordFacts } from './facts';

/** The journal's sent index knows this key: same quantity bills nothing, another is refused. */
export function alreadySent(facts: RecordFacts, issues: RecordIssue[]): void {
  const { key, ctx, quantity } = facts;
  if (key === null || !ctx.sentIndex || !quantity.ok) return;
  const sent = ctx.sentIndex.get(key);
  if (sent === undefined) return;
  if (sent !== quantity.value) {
    addIssue(
      issues,
      'error',
      'record',
      'already-sent-different',
      `This customer, dimension and hour was already sent with quantity ${sent.toLocaleString('en-US')}; AWS would answer DuplicateRecord and keep ${sent.toLocaleString('en-US')}.`,
      'Metering again cannot change it. Over-billing is corrected with a refund; under-billing in a later hour or via Seller Operations.',
    );
  } else {
    addIssue(
      issues,
      'warning',
      'record',
      'already-sent-same',
      `This exact record was already sent (quantity ${sent.toLocaleString('en-US')}).`,
      'Sending it again bills nothing extra; you can remove the row.',
    );
  }
}

/** Where a set's records came from, for messages ("row 3", "line 12"). */
export type RowLabel = (index: number) => string;

export const rowNumberLabel: RowLabel = (index) => `row ${String(index + 1)}`;

/**
 * Marks every record whose key an earlier record of the set already has: AWS bills only the
 * first and rejects the other as DuplicateRecord.
 */
export function markDuplicatesInSet(
  results: readonly RecordValidation[],
  label: RowLabel = rowNumberLabel,
): BatchValidation[] {
  const firstByKey = new Map<string, number>();
  return results.map((result, index) => {
    const out = result as BatchValidation;
    out.duplicateOf = null;
    if (result.key === null) return out;
    const first = firstByKey.get(result.key);
    if (first === undefined) {
      firstByKey.set(result.key, index);
      return out;
    }
    out.duplicateOf = first;
    out.issues.push({
      field: 'record',
      code: 'duplicate-in-set',
      severity: 'error',
      message: `Same customer, dimension and hour as ${label(first)}; AWS bills only the first and rejects the other as DuplicateRecord.`,
      fix: 'Aggregate the rows into one record (sum the quantities), or remove the extra row.',
    });
    out.record = null;
    return out;
  });
}
