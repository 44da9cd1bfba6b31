// The list of cases, newest first. A sent case moves on by itself (PENDING → COMPLETED or
// VALIDATION_FAILED, a top-up's answers): those on the active connection are re-read, so the
// list tracks them without each being opened. A case that cannot be read keeps its last state.
import { loadCase, refreshCase, type CaseQueue } from './case-access';
import type { CorrectionsDeps } from './ports';
import { summaryOf } from './view';

export async function listCases(deps: CorrectionsDeps, serial: CaseQueue) {
  const cases = await deps.cases.list();
  const active = await deps.connection().catch(() => null);
  const summaries = await Promise.all(
    cases.map(async (c) => {
      const here =
        active !== null &&
        c.connection.id === active.id &&
        c.connection.accountId === active.accountId;
      if (!here || c.summary?.state !== 'sent') return summaryOf(c);
      try {
        return await serial(c.caseId, async () => {
          const stored = await loadCase(deps, c.caseId);
          await refreshCase(deps, stored);
          return summaryOf(stored);
        });
      } catch {
        return summaryOf(c);
      }
    }),
  );
  return summaries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
