// The audit area as one service over ports: an account's cache database is opened on first use
// (never at app start), syncs run one at a time per app across the connection's regions, and
// every answer comes from the active connection's account's cache. Rows are marked with the
// journal record that sent them; exports and evidence are built here so the renderer only
// downloads files.
import type { AuditSyncStatus } from '../../../shared/channels/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import type { TaskProgress } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Pacer, Sleep } from '../pacing';
import type { KeyValueStore } from '../ports';
import type { AccountCache } from './account-cache';
import { createAccountCaches } from './account-caches';
import type { EventIngester } from './ingest';
import { createBilledLookup } from './billed';
import { createCacheReads } from './cache-reads';
import type { AuditDbOpener } from './db';
import { evidence, exportRows } from './downloads';
import type { JournalCallLookup } from './journal-fill';
import { createServiceContext, type AuditServiceContext } from './service-context';
import { createSqlConsole } from './sql-console';
import type { LookupEventsPort } from './sync';
import { createSyncRuns } from './sync-runs';
import { createTrailImporter } from './trail-importer';
import { unseen } from './unseen';

/** The active connection as the audit sees it (the account is known, asked for if need be). */
export type AuditTarget = {
  connectionId: string;
  connectionName: string;
  accountId: string;
  regions: readonly string[];
  isSandbox: boolean;
};

export type AuditServiceDeps = {
  /** Opens an account's cache database (created when missing). */
  openDb: AuditDbOpener;
  /** Parses and packs events for the caches (worker threads); absent, in place. */
  ingest?: EventIngester;
  /** Runs once per account after its database opens (e.g. moving an older cache into it). */
  prepare?: (cache: AccountCache) => Promise<void>;
  /** This app's journal calls by request id, to fill in events CloudTrail truncated. */
  journalCalls?: () => Promise<JournalCallLookup>;
  /** Where the Query tab's saved queries are kept. */
  savedQueries: KeyValueStore;
  /** Throws an AppError when there is no usable connection. */
  active: () => Promise<AuditTarget>;
  /** The active connection's name etc. without asking AWS (for the screen's first paint). */
  activeQuick: () => {
    name: string;
    isSandbox: boolean;
    accountId: string | null;
    regions: string[];
  };
  /** LookupEvents for a connection (one SDK client per region) and how to release the clients. */
  lookupFor: (target: AuditTarget) => { lookup: LookupEventsPort; close: () => void };
  /** Plain-language form of a failure (the AWS error map). */
  explain: (error: unknown, region: string) => { code: string; message: string; hint?: string };
  pacer: Pacer;
  /** Wall clock, epoch ms (CloudTrail's window and the journal's grace period are wall time). */
  now: () => number;
  sleep: Sleep;
  /** This data folder's journal, newest first (the same instance is returned until it changes). */
  journalRows: () => Promise<readonly JournalRow[]>;
  emitStatus: (status: AuditSyncStatus) => void;
  emitTask: (progress: TaskProgress) => void;
  emitChanged: (version: number) => void;
  newId: () => string;
  osUser: string;
  /** Test knob: overlap and latency margin of the sync engine (defaults: 30 and 15 minutes). */
  syncTuning?: { overlapMs?: number; latencyMarginMs?: number };
  log?: (message: string, data?: Record<string, unknown>) => void;
};

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: AuditServiceDeps) {
  const caches = createAccountCaches(deps);
  const ctx = createServiceContext(deps, caches);
  const syncs = createSyncRuns(ctx);
  const reads = createCacheReads(ctx, syncs);
  return {
    info: reads.info,
    startSync: syncs.startSync,
    syncStatus: syncs.syncStatus,
    cancelSync: syncs.cancelSync,
    completeness: reads.completeness,
    query: reads.query,
    aggregate: reads.aggregate,
    raw: reads.raw,
    exportRows: (input: Parameters<typeof exportRows>[1]) => exportRows(ctx, input),
    evidence: (input: Parameters<typeof evidence>[1]) => evidence(ctx, input),
    unseen: (graceMinutes: number) => unseen(ctx, graceMinutes),
    clear: (regions: readonly string[] | undefined) => clear(ctx, syncs.running(), regions),
    sql: createSqlConsole({
      context: async () => {
        const { cache, regions } = await ctx.active();
        return { cache, regions };
      },
      journalOf: async (accountId) =>
        (await deps.journalRows()).filter((r) => r.account === accountId),
      completenessOf: reads.cachedDays,
      store: deps.savedQueries,
      now: deps.now,
      newId: deps.newId,
    }),
    /** For the submission side: is a record billed per CloudTrail (services/audit/billed.ts). */
    billed: createBilledLookup(caches.cacheOf),
    importTrail: createTrailImporter({
      cache: async () => (await ctx.active()).cache,
      ...(deps.journalCalls ? { journal: deps.journalCalls } : {}),
      now: deps.now,
      newId: deps.newId,
      emitChanged: deps.emitChanged,
    }),
    async close(): Promise<void> {
      // Stop at the next page; what was fetched is written and the checkpoint resumes it.
      await syncs.stop();
      await caches.closeAll();
    },
  };
}

/** Empties the cache of these regions (all of them by default); never while a sync runs. */
async function clear(
  { deps, active }: AuditServiceContext,
  running: AuditSyncStatus | null,
  regionsIn: readonly string[] | undefined,
) {
  if (running) {
    throw new AppError('CONFLICT', 'A CloudTrail sync is running; cancel it before clearing.');
  }
  const { cache, regions: all } = await active();
  const regions = regionsIn ? [...regionsIn] : all;
  const removedEvents = await cache.clear(regions);
  deps.emitChanged(cache.version());
  return { removedEvents, regions };
}
