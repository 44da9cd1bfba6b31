// Tag rules for cost-allocation tags (AWS-FACTS §1.2, §1.3): 1..5 tags per allocation, keys
// 1..100 and values 1..256 characters of the model's pattern (its space-to-'=' range admits
// "R&D, EMEA"), no key repeated in an allocation. More than 5 distinct keys across a record is
// only a warning: that limit is an UNVERIFIED reading of the Seller Guide.
import {
  DISTINCT_TAG_KEYS_PER_RECORD_MAX,
  TAG_CHARS_DESCRIPTION,
  allocationTagsViolation,
  tooManyDistinctTagKeys,
  type RuleViolation,
} from '../../aws/metering-rules';
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';
import { wireAllocations } from './quantity';

const TAG_FIX = `Tags: 1–5 per allocation, keys 1–100 and values 1–256 characters, each of ${TAG_CHARS_DESCRIPTION}.`;

export function tagsValid(facts: RecordFacts, issues: RecordIssue[]): void {
  if (facts.allocations === undefined) return;
  const wire = wireAllocations(facts.allocations);
  let violation: RuleViolation | null = null;
  for (const allocation of wire) {
    if (allocation.Tags !== undefined) violation = allocationTagsViolation(allocation.Tags);
    if (violation) break;
  }
  if (violation) {
    addIssue(issues, 'error', 'allocations', 'allocation-tag', violation.message, TAG_FIX);
  }
  const keys = tooManyDistinctTagKeys(wire);
  if (keys !== null) {
    addIssue(
      issues,
      'warning',
      'allocations',
      'allocation-tag-keys',
      `This record's allocations use ${String(keys)} distinct tag keys. The Seller Guide's limit of ${String(DISTINCT_TAG_KEYS_PER_RECORD_MAX)} "across the UsageAllocation list" may mean distinct keys per record; if it does, AWS rejects the whole call with InvalidTagException.`,
      `To be safe, use at most ${String(DISTINCT_TAG_KEYS_PER_RECORD_MAX)} distinct keys per record (for example, split the record across hours or dimensions).`,
    );
  }
}
