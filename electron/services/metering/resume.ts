// Resuming an interrupted submission: exactly its unresolved records, under their original keys
// and wire bytes (AWS's hourly dedup makes resending an already-billed identical record safe),
// grouped as they were so one call still carries one product or license set.
import { AppError } from '../../../shared/errors';
import type { JournalOperation } from '../../../shared/journal';
import type { InterruptedSubmission, Journal } from '../journal/journal';
import type { EngineRecord } from './engine';

export type ResumePlan = {
  interrupted: InterruptedSubmission;
  operation: JournalOperation;
  records: EngineRecord[];
};

type GroupInfo = { productCode?: string; group?: string };

/** key → how it was grouped, from the submission's own `submission-started` entry. */
async function groupsOf(journal: Journal, submissionId: string): Promise<Map<string, GroupInfo>> {
  const map = new Map<string, GroupInfo>();
  for (const entry of await journal.submission(submissionId)) {
    if (entry.kind !== 'submission-started') continue;
    for (const g of entry.groups) {
      const keys = (g as { keys?: unknown }).keys;
      const group = (g as { group?: unknown }).group;
      if (!Array.isArray(keys)) continue;
      for (const key of keys) {
        if (typeof key !== 'string') continue;
        map.set(key, {
          ...(g.productCode === undefined ? {} : { productCode: g.productCode }),
          ...(typeof group === 'string' ? { group } : {}),
        });
      }
    }
  }
  return map;
}

export async function planResume(journal: Journal, submissionId: string): Promise<ResumePlan> {
  const all = await journal.interruptedSubmissions();
  const interrupted = all.find((s) => s.submissionId === submissionId);
  if (!interrupted) {
    throw new AppError(
      'NOT_FOUND',
      `Submission ${submissionId} is not interrupted: it finished, was cancelled, or was already resumed.`,
    );
  }
  if (interrupted.unresolved.length === 0) {
    throw new AppError(
      'CONFLICT',
      `Submission ${submissionId} counts ${interrupted.unjournaledRecords} record(s) the journal never listed, so they cannot be resent from it.`,
      { hint: 'Import those records again and check the Journal for what was billed.' },
    );
  }
  const groups = await groupsOf(journal, submissionId);
  const records = interrupted.unresolved.map((u): EngineRecord => {
    const g = groups.get(u.key) ?? {};
    const productCode = u.productCode ?? g.productCode;
    return {
      key: u.key,
      record: u.record,
      ...(productCode === undefined ? {} : { productCode }),
      ...(g.group === undefined ? {} : { group: g.group }),
    };
  });
  return { interrupted, operation: interrupted.operation ?? 'BatchMeterUsage', records };
}
