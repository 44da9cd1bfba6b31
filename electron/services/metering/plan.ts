// The preview: validates every record authoritatively (editor rows plus an import's rows),
// plans the calls with the shared planBatches, and keeps the validated plan behind a planId so
// the submission engine sends exactly what was previewed.
import type { PlanOutput } from '../../../shared/channels/metering';
import {
  planBatches,
  type Plan,
  type Product,
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

export type PlanDeps = {
  products: () => Promise<Product[]>;
  sentIndex: SentRecordsIndex;
  imports: ImportSessions;
  now: () => number;
  newId: () => string;
  connection: () => { id: string; name: string; isSandbox: boolean };
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
      });
      const records: UsageRecord[] = [];
      const problems: PlanOutput['problems'] = [];
      let earliest: number | null = null;
      results.forEach((r, i) => {
        if (r.record) records.push(r.record);
        if (r.deadlineMs !== null && (earliest === null || r.deadlineMs < earliest))
          earliest = r.deadlineMs;
        if (r.issues.some((x) => x.severity === 'error') && problems.length < MAX_PROBLEMS) {
          const src = sources[i];
          if (src) problems.push({ ...src, issues: r.issues });
        }
      });
      const counts = countIssues(results);
      const plan = planBatches(records, catalog);
      let planId: string | null = null;
      const connection = deps.connection();
      if (counts.errorCount === 0 && records.length > 0) {
        planId = deps.newId();
        plans.set(planId, {
          planId,
          createdAt: deps.now(),
          connectionId: connection.id,
          records,
          plan,
        });
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
      };
    },
    /** For the submission engine: the records and calls exactly as previewed. */
    get(planId: string): StoredPlan | undefined {
      return plans.get(planId);
    },
  };
}
export type PlanService = ReturnType<typeof createPlanService>;
