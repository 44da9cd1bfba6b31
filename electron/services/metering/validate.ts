// Authoritative validation in main: the shared validateRecords, fed with the catalog and the
// journal's index of what this app already sent.
import type { ValidationResult } from '../../../shared/channels/metering';
import {
  validateRecords,
  type BatchValidation,
  type MeteringOperation,
  type Product,
  type RowLabel,
  type UsageRecordDraft,
} from '../../../shared/metering';

/**
 * What this app already sent, by recordKey (shared/metering/keys.ts) → the quantity sent. The
 * journal answers it in the app (wiring/metering-submit.ts); `emptySentIndex` is for callers
 * that have no journal, such as benchmarks.
 */
export type SentRecordsIndex = {
  lookup: (keys: readonly string[]) => Promise<ReadonlyMap<string, number>>;
};

export const emptySentIndex: SentRecordsIndex = { lookup: () => Promise.resolve(new Map()) };

export type ValidateDeps = {
  products: () => Promise<Product[]>;
  sentIndex: SentRecordsIndex;
  now: () => number;
};

/**
 * Validates once without the sent index to learn the keys, asks the index about them, and
 * re-validates only the rows the index knows (duplicates within the set are kept).
 */
export async function validateWithSentIndex(
  drafts: readonly UsageRecordDraft[],
  ctx: {
    catalog: readonly Product[];
    now: number;
    operation?: MeteringOperation;
    sentIndex: SentRecordsIndex;
    /** How messages name a record ("row 3" by default; an import says "line 12"). */
    label?: RowLabel;
  },
): Promise<BatchValidation[]> {
  const base = {
    catalog: ctx.catalog,
    now: ctx.now,
    ...(ctx.operation ? { operation: ctx.operation } : {}),
  };
  const first = validateRecords(drafts, base, ctx.label);
  const keys = [...new Set(first.flatMap((r) => (r.key === null ? [] : [r.key])))];
  if (keys.length === 0) return first;
  const sent = await ctx.sentIndex.lookup(keys);
  if (sent.size === 0) return first;
  // Re-running the whole set keeps the duplicate-in-set issues in the same order.
  return validateRecords(drafts, { ...base, sentIndex: sent }, ctx.label);
}

export function toValidationResult(v: BatchValidation, draft: UsageRecordDraft): ValidationResult {
  return {
    ...(draft.rowId !== undefined ? { rowId: draft.rowId } : {}),
    issues: v.issues,
    record: v.record,
    key: v.key,
    deadlineMs: v.deadlineMs,
  };
}

export function countIssues(results: readonly { issues: readonly { severity: string }[] }[]): {
  errorCount: number;
  warningCount: number;
} {
  let errorCount = 0;
  let warningCount = 0;
  for (const r of results) {
    for (const i of r.issues) {
      if (i.severity === 'error') errorCount += 1;
      else warningCount += 1;
    }
  }
  return { errorCount, warningCount };
}

export function createValidateService(deps: ValidateDeps) {
  return {
    async validate(drafts: UsageRecordDraft[], operation?: MeteringOperation) {
      const catalog = await deps.products();
      const results = await validateWithSentIndex(drafts, {
        catalog,
        now: deps.now(),
        ...(operation ? { operation } : {}),
        sentIndex: deps.sentIndex,
      });
      const out = results.map((r, i) =>
        toValidationResult(r, drafts[i] ?? { dimension: '', quantity: '', timestamp: '' }),
      );
      return { results: out, ...countIssues(out) };
    },
  };
}
export type ValidateService = ReturnType<typeof createValidateService>;
