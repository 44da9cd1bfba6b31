// Reaching a saved case: one operation per case at a time, loading it, checking it is acted on
// as the connection it was opened on, and refreshing it (every source and status read again,
// what changed saved, the view returned).
import type { CaseView } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import type { CorrectionsDeps, StoredCase } from './ports';
import { refreshTopUps } from './topups';
import { trackRefunds } from './refunds';
import { buildView, gather } from './view';

export type CaseQueue = <T>(caseId: string, run: () => Promise<T>) => Promise<T>;

/**
 * One operation per case at a time (reads included): each works on its own copy of the case
 * file and saves it, so two overlapping ones could otherwise write an older copy last.
 */
export function createCaseQueue(): CaseQueue {
  const queues = new Map<string, Promise<unknown>>();
  return function serial<T>(caseId: string, run: () => Promise<T>): Promise<T> {
    const previous = queues.get(caseId) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(caseId, settled);
    void settled.then(() => {
      if (queues.get(caseId) === settled) queues.delete(caseId);
    });
    return next;
  };
}

export async function loadCase(deps: CorrectionsDeps, caseId: string): Promise<StoredCase> {
  const stored = await deps.cases.get(caseId);
  if (!stored) throw new AppError('NOT_FOUND', `No correction case ${caseId}.`);
  return stored;
}

/** A case talks to AWS as the connection it was opened on. */
export async function assertCaseConnection(
  deps: CorrectionsDeps,
  stored: StoredCase,
): Promise<void> {
  const active = await deps.connection();
  if (active.id !== stored.connection.id || active.accountId !== stored.connection.accountId) {
    throw new AppError(
      'CONFLICT',
      `This case belongs to connection “${stored.connection.name}” (account ${stored.connection.accountId}); the active connection is “${active.name}”.`,
      { hint: `Switch to “${stored.connection.name}” in the top bar, then open the case again.` },
    );
  }
}

/** Loads the case and checks it is acted on as its own connection. */
export async function loadOwnCase(deps: CorrectionsDeps, caseId: string): Promise<StoredCase> {
  const stored = await loadCase(deps, caseId);
  await assertCaseConnection(deps, stored);
  return stored;
}

/** Reads every source and status, saves what changed, and returns the view. */
export async function refreshCase(
  deps: CorrectionsDeps,
  stored: StoredCase,
  notes: string[] = [],
): Promise<CaseView> {
  const before = stored.summary?.state;
  notes.push(...(await trackRefunds(deps, stored)));
  const gathered = await gather(deps, stored);
  refreshTopUps(deps, stored, gathered.sources.journalRows);
  gathered.notes.push(...notes);
  const view = buildView(deps, stored, gathered);
  stored.updatedAt = new Date(deps.now()).toISOString();
  await deps.cases.save(stored);
  // Whoever shows the case list learns that a case moved on (an invoice appeared, a refund
  // completed), whichever reader noticed it.
  if (before !== view.state) deps.onChanged?.(stored.caseId);
  return view;
}
