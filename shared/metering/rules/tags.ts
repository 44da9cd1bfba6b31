// Tag rules for cost-allocation tags (AWS-FACTS §1.2, §1.3): 1..5 tags per allocation, keys
// 1..100 and values 1..256 characters of the model's pattern, no key repeated in an allocation,
// and at most 5 distinct keys across a record's allocations.
import {
  allocationTagsViolation,
  distinctTagKeysViolation,
  type RuleViolation,
} from '../../aws/metering-rules';
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';
import { wireAllocations } from './quantity';

const TAG_FIX =
  'Tags: 1–5 per allocation, keys 1–100 and values 1–256 characters of a-z A-Z 0-9 + - = . _ : / @ and space, at most 5 distinct keys per record.';

export function tagsValid(facts: RecordFacts, issues: RecordIssue[]): void {
  if (facts.allocations === undefined) return;
  const wire = wireAllocations(facts.allocations);
  let violation: RuleViolation | null = null;
  for (const allocation of wire) {
    if (allocation.Tags !== undefined) violation = allocationTagsViolation(allocation.Tags);
    if (violation) break;
  }
  violation ??= distinctTagKeysViolation(wire);
  if (violation)
    addIssue(issues, 'error', 'allocations', 'allocation-tag', violation.message, TAG_FIX);
}
