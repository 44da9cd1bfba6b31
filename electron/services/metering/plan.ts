// The preview: validates every record authoritatively (editor rows plus an import's rows),
// plans the calls with the shared planBatches, and keeps the validated plan behind a planId so
// the submission engine sends exactly what was previewed.
import type { PlanOutput } from '../../../shared/channels/metering';
import type { BillingPreview } from '../../../shared/billing-confirmation';
import type { PlanCloudTrail, PlanFlag } from '../../../shared/channels/metering-submit';
import {
  planBatches,
  type Plan,
  type Product,
  type RecordIssue,
  type UsageRecord,
  type UsageRecordDraft,
} from '../../../shared/metering';
import type { ImportSessions } from './csv-import';
import { countIssues, validateWithSentIndex, type SentRecordsIndex } from './validate';

export type StoredPlan = {
  planId: string;
  createdAt: number;
  /** The connection the preview was made for; submitting elsewhere must be refused. */
  connectionId: string;
  records: UsageRecord[];
  plan: Plan;
};

/** The submission side's checks of a preview (billing preview, records in flight, CloudTrail). */
export type PlanCheckPort = {
  /** Extra issues of valid records by their index in `records`, and the CloudTrail check. */
  records: (records: readonly UsageRecord[]) => Promise<{
    issues: ReadonlyMap<number, RecordIssue[]>;
    cloudTrail: PlanCloudTrail | null;
  }>;
  /** What submitting a plan that can be submitted bills, and where (null: no guard here). */
  billing: (stored: StoredPlan) => Promise<BillingPreview | null>;
};

export const noPlanChecks: PlanCheckPort = {
  records: () => Promise.resolve({ issues: new Map(), cloudTrail: null }),
  billing: () => Promise.resolve(null),
};

/** Warnings that mean "already billed": sending the record again bills nothing more. */
export const ALREADY_BILLED_CODES: ReadonlySet<string> = new Set([
  'already-sent-same',
  'cloudtrail-billed-same',
]);

export type PlanDeps = {
  products: () => Promise<Product[]>;
  sentIndex: SentRecordsIndex;
  imports: ImportSessions;
  now: () => number;
  newId: () => string;
  connection: () => { id: string; name: string; isSandbox: boolean };
  checks?: PlanCheckPort;
};

const KEEP_PLANS = 8;
const MAX_PROBLEMS = 200;

export function createPlanService(deps: PlanDeps) {
  const plans = new Map<string, StoredPlan>();

  return {
    async plan(input: {
      records: UsageRecordDraft[];
      importHandle?: string;
      excludeImportRows?: number[];
    }): Promise<PlanOutput> {
      const catalog = await deps.products();
      const sources: { source: 'editor' | 'import'; index: number; rowId?: string }[] = [];
      /** The file's line of each import record, by its place in the set (messages name it). */
      const lines = new Map<number, number>();
      const drafts: UsageRecordDraft[] = [];
      input.records.forEach((d, i) => {
        drafts.push(d);
        sources.push({
          source: 'editor',
          index: i,
          ...(d.rowId !== undefined ? { rowId: d.rowId } : {}),
        });
      });
      if (input.importHandle !== undefined) {
        const session = deps.imports.get(input.importHandle);
        const excluded = new Set(input.excludeImportRows ?? []);
        // Only the ready rows go; needs-review rows wait until they are fixed in the editor.
        for (const i of session.ready) {
          const row = session.rows[i];
          if (!row || excluded.has(i)) continue;
          drafts.push(row.draft);
          const line = row.lines[0];
          if (line !== undefined) lines.set(drafts.length - 1, line);
          sources.push({
            source: 'import',
            index: i,
            ...(row.draft.rowId !== undefined ? { rowId: row.draft.rowId } : {}),
          });
        }
      }
      const results = await validateWithSentIndex(drafts, {
        catalog,
        now: deps.now(),
        sentIndex: deps.sentIndex,
        label: (i) => {
          const line = lines.get(i);
          return line === undefined ? `record ${String(i + 1)}` : `line ${String(line)}`;
        },
      });
      const checks = deps.checks ?? noPlanChecks;
      const valid = results.flatMap((r, i) => (r.record ? [{ record: r.record, at: i }] : []));
      const found = await checks.records(valid.map((v) => v.record));
      const extra = found.issues;
      const validIndex = new Map(valid.map((v, index) => [v.at, index]));
      const checked = results.map((r, i) => {
        const at = validIndex.get(i);
        const more = at === undefined ? undefined : extra.get(at);
        return more === undefined || more.length === 0
          ? r
          : {
              ...r,
              issues: [...r.issues, ...more],
              record: more.some((x) => x.severity === 'error') ? null : r.record,
            };
      });
      const records: UsageRecord[] = [];
      const problems: PlanOutput['problems'] = [];
      const alreadyBilled: PlanFlag[] = [];
      let earliest: number | null = null;
      checked.forEach((r, i) => {
        if (r.record) records.push(r.record);
        const billed = r.issues.find((x) => ALREADY_BILLED_CODES.has(x.code));
        const src = sources[i];
        if (billed && src && alreadyBilled.length < MAX_PROBLEMS) {
          alreadyBilled.push({ ...src, code: billed.code, message: billed.message });
        }
        if (r.deadlineMs !== null && (earliest === null || r.deadlineMs < earliest))
          earliest = r.deadlineMs;
        if (r.issues.some((x) => x.severity === 'error') && problems.length < MAX_PROBLEMS) {
          const line = lines.get(i);
          if (src)
            problems.push({ ...src, ...(line === undefined ? {} : { line }), issues: r.issues });
        }
      });
      const counts = countIssues(checked);
      const plan = planBatches(records, catalog);
      let planId: string | null = null;
      let stored: StoredPlan | null = null;
      const connection = deps.connection();
      if (counts.errorCount === 0 && records.length > 0) {
        planId = deps.newId();
        stored = { planId, createdAt: deps.now(), connectionId: connection.id, records, plan };
        plans.set(planId, stored);
        while (plans.size > KEEP_PLANS) {
          const oldest = plans.keys().next().value;
          if (oldest === undefined) break;
          plans.delete(oldest);
        }
      }
      return {
        planId,
        plan,
        connection,
        ...counts,
        problems,
        earliestDeadlineMs: earliest,
        checks: {
          billing: stored === null ? null : await checks.billing(stored),
          alreadyBilled,
          cloudTrail: found.cloudTrail,
        },
      };
    },
    /** For the submission engine: the records and calls exactly as previewed. */
    get(planId: string): StoredPlan | undefined {
      return plans.get(planId);
    },
  };
}
export type PlanService = ReturnType<typeof createPlanService>;
