// The Query tab's views that mirror what is not CloudTrail's: this data folder's journal records
// of the account (rewritten only when the journal changed) and the day completeness, brought up
// to date before a statement runs.
import type { JournalRow } from '../../../shared/channels/journal';
import type { AccountCache } from './account-cache';
import type { SqlConsoleDeps } from './sql-console';

async function writeJournal(cache: AccountCache, rows: readonly JournalRow[]): Promise<void> {
  const ms = (iso: string | undefined): number | null => {
    const t = iso === undefined ? NaN : Date.parse(iso);
    return Number.isFinite(t) ? t : null;
  };
  const text = (pick: (r: JournalRow) => string | undefined) => ({
    type: 'VARCHAR' as const,
    values: rows.map((r) => pick(r) ?? null),
  });
  await cache.db.write(async (tx) => {
    await tx.run(`DELETE FROM ${cache.tables.journal}`);
    await tx.append('store', 'journal', [
      text((r) => r.submissionId),
      text((r) => r.key),
      { type: 'BIGINT', values: rows.map((r) => ms(r.at)) },
      text((r) => r.operation),
      text((r) => r.connectionName),
      text((r) => r.account),
      text((r) => r.region),
      text((r) => r.osUser),
      text((r) => r.productCode),
      text((r) => r.customer),
      text((r) => r.licenseArn),
      text((r) => r.dimension),
      { type: 'BIGINT', values: rows.map((r) => ms(r.timestamp)) },
      { type: 'BIGINT', values: rows.map((r) => r.quantity) },
      text((r) => r.status),
      text((r) => r.meteringRecordId),
      text((r) => r.requestId),
      text((r) => r.error),
      { type: 'INTEGER', values: rows.map((r) => r.attempts) },
      text((r) => r.resendOf),
      text((r) => r.resentIn),
    ]);
  });
}

export function createViewMirrors(deps: Pick<SqlConsoleDeps, 'journalOf' | 'completenessOf'>) {
  const journalSeen = new WeakMap<AccountCache, readonly JournalRow[]>();

  async function refreshJournal(cache: AccountCache): Promise<void> {
    const rows = await deps.journalOf(cache.accountId);
    if (journalSeen.get(cache) === rows) return;
    await writeJournal(cache, rows);
    journalSeen.set(cache, rows);
  }

  async function refreshCompleteness(cache: AccountCache, regions: string[]): Promise<void> {
    const days = await deps.completenessOf(cache, regions);
    await cache.db.write(async (tx) => {
      await tx.run(`DELETE FROM ${cache.tables.completeness}`);
      await tx.append('store', 'completeness', [
        { type: 'VARCHAR', values: days.map((d) => d.region) },
        { type: 'VARCHAR', values: days.map((d) => d.day) },
        { type: 'VARCHAR', values: days.map((d) => d.state) },
      ]);
    });
  }

  return async function refreshMirrors(cache: AccountCache, regions: string[]): Promise<void> {
    await refreshJournal(cache);
    await refreshCompleteness(cache, regions);
  };
}
