// What the parts of the audit service share: the active connection with its account's cache and
// regions, the sync sink, and this app's journal matched against CloudTrail rows.
import type { AuditFilter, AuditRow, AuditSort } from '../../../shared/audit';
import type { AuditExplorerRow } from '../../../shared/channels/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import type { AccountCache } from './account-cache';
import type { AccountCaches } from './account-caches';
import { queryWindow } from './explorer';
import { createJournalMatcher, type JournalMatcher } from './journal-match';
import type { AuditServiceDeps, AuditTarget } from './service';
import { syncSink } from './sink';

export type ActiveCache = { target: AuditTarget; cache: AccountCache; regions: string[] };

export type AuditServiceContext = {
  deps: AuditServiceDeps;
  caches: AccountCaches;
  sink: ReturnType<typeof syncSink>;
  /** The active connection, its account's cache, and its regions with those in the cache. */
  active: () => Promise<ActiveCache>;
  /** The journal's matcher, made again only when the journal changed. */
  matcher: () => Promise<JournalMatcher>;
};

export function createServiceContext(
  deps: AuditServiceDeps,
  caches: AccountCaches,
): AuditServiceContext {
  let matcherCache: { rows: readonly JournalRow[]; matcher: JournalMatcher } | null = null;
  return {
    deps,
    caches,
    sink: syncSink(caches.cacheOf, deps.journalCalls),
    async active() {
      const target = await deps.active();
      const cache = await caches.cacheOf(target.accountId);
      const regions = [...new Set([...target.regions, ...(await cache.regions())])].sort();
      return { target, cache, regions };
    },
    async matcher() {
      const rows = await deps.journalRows();
      if (matcherCache?.rows !== rows) matcherCache = { rows, matcher: createJournalMatcher(rows) };
      return matcherCache.matcher;
    },
  };
}

/** Rows marked with the journal record that sent them. */
export function markSent(rows: readonly AuditRow[], m: JournalMatcher): AuditExplorerRow[] {
  return rows.map((row) => {
    const sent = m.match(row);
    return sent ? { ...row, sent } : row;
  });
}

/** Every matching row, sorted, up to `max`. */
export function allRows(
  cache: AccountCache,
  filter: AuditFilter,
  sort: AuditSort | undefined,
  max: number,
) {
  return queryWindow(cache, { filter, sort, offset: 0, limit: max });
}
