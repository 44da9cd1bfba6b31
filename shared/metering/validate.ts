// The one record validator. It runs in the renderer (live, as the user types) and in main
// (authoritative, before anything is sent), so the two sides cannot disagree. A record is read
// once into facts, then each rule family reports its issues; the record is built only when no
// issue is an error.
import type {
  RecordIssue,
  RecordValidation,
  UsageRecord,
  UsageRecordDraft,
  ValidateContext,
  BatchValidation,
} from './records';
import { customerIdentity } from './rules/customer';
import { alreadySent, markDuplicatesInSet, type RowLabel } from './rules/duplicates';
import { readFacts, type RecordFacts, type Rule } from './rules/facts';
import { dimensionKnown, operationMatchesProduct, productKnown } from './rules/identity';
import {
  allocationQuantitiesReadable,
  allocationsAddUp,
  quantityReadable,
  recordFitsRequest,
} from './rules/quantity';
import { importLineChecked } from './rules/source';
import { tagsValid } from './rules/tags';
import { timestampWindow } from './rules/timestamp';

/** The rules, in the order their issues are listed under a record. */
export const RECORD_RULES: readonly Rule[] = [
  importLineChecked,
  productKnown,
  operationMatchesProduct,
  customerIdentity,
  dimensionKnown,
  quantityReadable,
  timestampWindow,
  allocationQuantitiesReadable,
  tagsValid,
  allocationsAddUp,
  alreadySent,
  recordFitsRequest,
];

export function runRules(facts: RecordFacts, rules: readonly Rule[] = RECORD_RULES): RecordIssue[] {
  const issues: RecordIssue[] = [];
  for (const rule of rules) rule(facts, issues);
  return issues;
}

/** The normalized record the engine sends, when the facts are complete and nothing is an error. */
function buildRecord(facts: RecordFacts, issues: readonly RecordIssue[]): UsageRecord | null {
  const { product, operation, quantity, timestampIso, draft } = facts;
  if (!product || !operation || !quantity.ok || timestampIso === null) return null;
  if (issues.some((i) => i.severity === 'error')) return null;
  const record = facts.base as UsageRecord;
  if (draft.rowId !== undefined) record.rowId = draft.rowId;
  record.productId = product.id;
  record.operation = operation;
  record.quantity = quantity.value;
  record.timestamp = timestampIso;
  if (facts.allocations !== undefined) record.allocations = facts.allocations;
  return record;
}

export function validateRecord(draft: UsageRecordDraft, ctx: ValidateContext): RecordValidation {
  const facts = readFacts(draft, ctx);
  const issues = runRules(facts);
  return {
    issues,
    record: buildRecord(facts, issues),
    key: facts.key,
    deadlineMs: facts.deadlineMs,
    operation: facts.operation,
  };
}

/**
 * validateRecord for each draft, plus duplicates within the set: AWS keeps only the first
 * record per key, so a repeat is flagged (aggregate the rows, or remove the extra ones).
 * `label` names a record in messages (default "row N"; the CSV import says "line N").
 */
export function validateRecords(
  drafts: readonly UsageRecordDraft[],
  ctx: ValidateContext,
  label?: RowLabel,
): BatchValidation[] {
  return markDuplicatesInSet(
    drafts.map((draft) => validateRecord(draft, ctx)),
    label,
  );
}
