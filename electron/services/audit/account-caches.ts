// Each account's cache database, opened once per run on first use (never at app start); a failed
// open is tried again on the next use rather than remembered.
import { AppError } from '../../../shared/errors';
import { openAccountCache, type AccountCache } from './account-cache';
import type { AuditServiceDeps } from './service';

export type AccountCaches = ReturnType<typeof createAccountCaches>;

export function createAccountCaches(deps: AuditServiceDeps) {
  const caches = new Map<string, Promise<AccountCache>>();
  let lastLoadMs: number | null = null;

  async function open(accountId: string): Promise<AccountCache> {
    const started = performance.now();
    const db = await deps.openDb(accountId);
    let cache: AccountCache;
    try {
      cache = await openAccountCache(db, accountId, deps.ingest ? { ingest: deps.ingest } : {});
      await deps.prepare?.(cache);
    } catch (error) {
      await db.close();
      throw new AppError(
        'INTERNAL',
        `The audit cache of account ${accountId} could not be opened.`,
        {
          hint: 'Nothing was removed: files an earlier version kept stay in the audit folder until they are safely moved. Restart Meterdesk to try again; if it keeps failing, send the log to support.',
          details: { reason: error instanceof Error ? error.message : String(error) },
          cause: error,
        },
      );
    }
    const ms = performance.now() - started;
    lastLoadMs = ms;
    const counts = await cache.counts();
    deps.log?.('audit: cache loaded', { accountId, ...counts, ms: Math.round(ms) });
    return cache;
  }

  /** Opens an account's cache once per run (first use of the audit screen). */
  function cacheOf(accountId: string): Promise<AccountCache> {
    let pending = caches.get(accountId);
    if (!pending) {
      pending = open(accountId);
      // A failed open is tried again on the next use rather than remembered.
      pending.catch(() => caches.delete(accountId));
      caches.set(accountId, pending);
    }
    return pending;
  }

  return {
    cacheOf,
    /** How long the last cache took to open, in ms (null before the first). */
    lastLoadMs: () => lastLoadMs,
    async closeAll(): Promise<void> {
      const open = [...caches.values()];
      caches.clear();
      await Promise.allSettled(open.map(async (c) => (await c).close()));
    },
  };
}
