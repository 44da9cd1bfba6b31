// The audit area as one service over ports: an account's cache database is opened on first use
// (never at app start), syncs run one at a time per app across the connection's regions, and
// every answer comes from the active connection's account's cache. Rows are marked with the
// journal record that sent them; exports and evidence are built here so the renderer only
// downloads files.
import {
  DAY_MS,
  HOUR_MS,
  type AuditAggregateInput,
  type AuditFilter,
  type AuditRow,
  type AuditSort,
  type AuditSyncProgress,
} from '../../../shared/audit';
import {
  AUDIT_EXPORT_MAX_ROWS,
  type AuditExplorerRow,
  type AuditInfo,
  type AuditRegionSync,
  type AuditSyncMode,
  type AuditSyncStatus,
  type AuditUnseen,
} from '../../../shared/channels/audit';
import type { JournalRow } from '../../../shared/channels/journal';
import type { TaskProgress } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Pacer, Sleep } from '../pacing';
import { auditRowsToCsv, auditRowsToJson, buildEvidencePack } from './export';
import {
  createJournalMatcher,
  journalMatchKey,
  rowMatchKey,
  unseenView,
  type JournalMatcher,
} from './journal-match';
import { openAccountCache, type AccountCache } from './account-cache';
import { aggregate as aggregateRows } from './aggregate';
import { createBilledLookup } from './billed';
import type { AuditDbOpener } from './db';
import { queryWindow, rowsOfEvent } from './explorer';
import { recordsParquet } from './records-file';
import type { JournalCallLookup } from './journal-fill';
import { createSqlConsole } from './sql-console';
import type { KeyValueStore } from '../ports';
import type { AuditScope } from './scope';
import { createTrailImporter } from './trail-import';
import { truncatedEventsByRegion } from './truncated';
import { syncSink } from './sink';
import { auditCompleteness, syncAudit, type LookupEventsPort } from './sync';

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

type Running = {
  status: AuditSyncStatus;
  controller: AbortController;
  done: Promise<AuditSyncStatus>;
};

export function createAuditService(deps: AuditServiceDeps) {
  const caches = new Map<string, Promise<AccountCache>>();
  let lastLoadMs: number | null = null;
  let running: Running | null = null;
  const finished = new Map<string, AuditSyncStatus>();
  let lastSync: AuditSyncStatus | null = null;
  let matcherCache: { rows: readonly JournalRow[]; matcher: JournalMatcher } | null = null;

  /** Opens an account's cache once per run (first use of the audit screen). */
  function cacheOf(accountId: string): Promise<AccountCache> {
    let pending = caches.get(accountId);
    if (!pending) {
      pending = (async () => {
        const started = performance.now();
        const db = await deps.openDb(accountId);
        let cache: AccountCache;
        try {
          cache = await openAccountCache(db, accountId);
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
      })();
      // A failed open is tried again on the next use rather than remembered.
      pending.catch(() => caches.delete(accountId));
      caches.set(accountId, pending);
    }
    return pending;
  }

  const sink = syncSink(cacheOf, deps.journalCalls);
  const importTrail = createTrailImporter({
    cache: async () => (await context()).cache,
    ...(deps.journalCalls ? { journal: deps.journalCalls } : {}),
    now: deps.now,
    newId: deps.newId,
    emitChanged: deps.emitChanged,
  });

  async function context(): Promise<{
    target: AuditTarget;
    cache: AccountCache;
    regions: string[];
  }> {
    const target = await deps.active();
    const cache = await cacheOf(target.accountId);
    const regions = [...new Set([...target.regions, ...(await cache.regions())])].sort();
    return { target, cache, regions };
  }

  async function matcher(): Promise<JournalMatcher> {
    const rows = await deps.journalRows();
    if (matcherCache?.rows !== rows) matcherCache = { rows, matcher: createJournalMatcher(rows) };
    return matcherCache.matcher;
  }

  function mark(rows: readonly AuditRow[], m: JournalMatcher): AuditExplorerRow[] {
    return rows.map((row) => {
      const sent = m.match(row);
      return sent ? { ...row, sent } : row;
    });
  }

  // ----------------------------------------------------------------------------------------------
  // Sync

  function summarize(status: AuditSyncStatus): AuditSyncStatus {
    const regions = status.regions;
    const sum = (pick: (r: AuditRegionSync) => number): number =>
      regions.reduce((s, r) => s + pick(r), 0);
    const rates = regions.map((r) => r.eventsPerSecond).filter((v): v is number => v !== null);
    const lefts = regions
      .filter((r) => r.outcome === 'running')
      .map((r) => r.secondsLeft)
      .filter((v): v is number => v !== null);
    return {
      ...status,
      events: sum((r) => r.events),
      added: sum((r) => r.added),
      pages: sum((r) => r.pages),
      eventsPerSecond: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null,
      secondsLeft: status.state !== 'running' ? 0 : lefts.length > 0 ? Math.max(...lefts) : null,
      fraction: regions.length > 0 ? sum((r) => r.fraction) / regions.length : 1,
    };
  }

  function publish(status: AuditSyncStatus): void {
    deps.emitStatus(status);
    const total = status.regions.length * 1000;
    const done = Math.min(total, Math.round(status.fraction * total));
    deps.emitTask({
      taskId: status.taskId,
      kind: 'audit:sync',
      done,
      total,
      ratePerSecond: status.eventsPerSecond,
      secondsLeft: status.secondsLeft,
      message:
        status.state === 'running'
          ? `${status.events.toLocaleString('en-US')} events read, ${status.added.toLocaleString('en-US')} new`
          : `CloudTrail sync ${status.state}`,
      finished: status.state !== 'running',
    });
  }

  async function startSync(input: { regions?: string[] | undefined; mode: AuditSyncMode }) {
    if (running) {
      throw new AppError('CONFLICT', 'A CloudTrail sync is already running.', {
        hint: 'Wait for it to finish, or cancel it first.',
        details: { taskId: running.status.taskId },
      });
    }
    const { target, cache } = await context();
    const regions = input.regions ?? [...target.regions];
    const unknown = regions.filter((r) => !target.regions.includes(r));
    if (unknown.length > 0) {
      throw new AppError(
        'VALIDATION',
        `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the regions of “${target.connectionName}”.`,
        { hint: 'Add the region to the connection on the Connections screen first.' },
      );
    }
    const taskId = `audit-${deps.newId()}`;
    let status: AuditSyncStatus = summarize({
      taskId,
      mode: input.mode,
      accountId: target.accountId,
      state: 'running',
      startedAt: deps.now(),
      regions: regions.map((region) => ({
        accountId: target.accountId,
        region,
        pages: 0,
        events: 0,
        added: 0,
        eventsPerSecond: null,
        secondsLeft: null,
        fraction: 0,
        finished: false,
        outcome: 'running',
      })),
      events: 0,
      added: 0,
      pages: 0,
      eventsPerSecond: null,
      secondsLeft: null,
      fraction: 0,
    });
    const controller = new AbortController();
    const { lookup, close } = deps.lookupFor(target);
    let lastChanged = 0;
    const changed = (force: boolean): void => {
      const at = deps.now();
      if (!force && at - lastChanged < 1_000) return;
      lastChanged = at;
      deps.emitChanged(cache.version());
    };

    const onProgress = (p: AuditSyncProgress): void => {
      status = summarize({
        ...status,
        regions: status.regions.map((r) =>
          r.region === p.region ? { ...r, ...p, outcome: r.outcome } : r,
        ),
      });
      if (running) running.status = status;
      publish(status);
      if (p.added > 0) changed(false);
    };

    const done = (async (): Promise<AuditSyncStatus> => {
      try {
        const results = await syncAudit(
          {
            lookup,
            pacer: deps.pacer,
            clock: { now: deps.now },
            sleep: deps.sleep,
            sink,
          },
          {
            targets: regions.map((region) => ({ accountId: target.accountId, region })),
            attribute: input.mode === 'all-metering' ? 'EventSource' : 'EventName',
            signal: controller.signal,
            onProgress,
            ...(deps.syncTuning?.overlapMs === undefined
              ? {}
              : { overlapMs: deps.syncTuning.overlapMs }),
            ...(deps.syncTuning?.latencyMarginMs === undefined
              ? {}
              : { latencyMarginMs: deps.syncTuning.latencyMarginMs }),
          },
        );
        const byRegion = new Map(results.map((r) => [r.region, r]));
        const regionsOut = status.regions.map((r): AuditRegionSync => {
          const result = byRegion.get(r.region);
          if (!result) return { ...r, outcome: 'failed', finished: true };
          const out: AuditRegionSync = {
            ...r,
            pages: result.pages,
            events: result.events,
            added: result.added,
            outcome: result.outcome,
            finished: true,
            fraction: result.outcome === 'complete' ? 1 : r.fraction,
            secondsLeft: 0,
          };
          if (result.error) {
            // The engine keeps the SDK error's name and message; explain it once, here.
            const error = Object.assign(new Error(result.error.message), {
              name: result.error.name,
            });
            out.error = deps.explain(error, r.region);
          }
          return out;
        });
        const state: AuditSyncStatus['state'] = regionsOut.some((r) => r.outcome === 'failed')
          ? 'failed'
          : regionsOut.some((r) => r.outcome === 'cancelled')
            ? 'cancelled'
            : 'finished';
        status = summarize({ ...status, regions: regionsOut, state, finishedAt: deps.now() });
        deps.log?.('audit: sync ended', {
          taskId,
          state,
          results: results.map((r) => ({
            region: r.region,
            outcome: r.outcome,
            pages: r.pages,
            added: r.added,
            throttleRetries: r.throttleRetries,
          })),
        });
      } catch (error) {
        const explained = deps.explain(error, regions[0] ?? '');
        status = summarize({
          ...status,
          state: 'failed',
          finishedAt: deps.now(),
          regions: status.regions.map((r) => ({
            ...r,
            outcome: 'failed',
            finished: true,
            error: explained,
          })),
        });
      } finally {
        close();
        running = null;
      }
      finished.set(taskId, status);
      while (finished.size > 20) {
        const oldest = finished.keys().next().value;
        if (oldest === undefined) break;
        finished.delete(oldest);
      }
      lastSync = status;
      publish(status);
      changed(true);
      return status;
    })();
    running = { status, controller, done };
    publish(status);
    return { taskId, status };
  }

  function syncStatus(taskId?: string): AuditSyncStatus | null {
    if (taskId === undefined) return running?.status ?? lastSync;
    if (running?.status.taskId === taskId) return running.status;
    const found = finished.get(taskId);
    if (!found) throw new AppError('NOT_FOUND', `No audit sync ${taskId} in this session.`);
    return found;
  }

  async function cancelSync(taskId: string): Promise<AuditSyncStatus> {
    if (running?.status.taskId === taskId) {
      running.controller.abort();
      return running.done;
    }
    return syncStatus(taskId) ?? Promise.reject(new AppError('NOT_FOUND', 'No such sync.'));
  }

  // ----------------------------------------------------------------------------------------------
  // Reading

  async function info(): Promise<AuditInfo> {
    const quick = deps.activeQuick();
    let accountId: string | null;
    let regions = quick.regions;
    let counts = { events: 0, rows: 0 };
    let version = 0;
    try {
      const ctx = await context();
      accountId = ctx.target.accountId;
      regions = ctx.regions;
      counts = await ctx.cache.counts();
      version = ctx.cache.version();
    } catch (error) {
      // The screen still opens (and says why nothing is there) when the account is unknown.
      if (!(error instanceof AppError)) throw error;
      accountId = null;
    }
    return {
      accountId,
      connectionName: quick.name,
      isSandbox: quick.isSandbox,
      regions,
      events: counts.events,
      rows: counts.rows,
      version,
      loadedInMs: lastLoadMs,
      running: running?.status ?? null,
      lastSync,
    };
  }

  async function completeness(input: { days: number; regions?: string[] | undefined }) {
    const { target, regions: all, cache } = await context();
    const regions = input.regions ?? all;
    const now = deps.now();
    const to = now;
    const from = Math.floor((now - (input.days - 1) * DAY_MS) / DAY_MS) * DAY_MS;
    const scopes: AuditScope[] = regions.map((region) => ({ accountId: target.accountId, region }));
    const days = await auditCompleteness(sink, scopes, { from, to, now });
    return {
      accountId: target.accountId,
      regions,
      from: new Date(from).toISOString().slice(0, 10),
      to: new Date(to).toISOString().slice(0, 10),
      days,
      truncatedEvents: await truncatedEventsByRegion(cache),
    };
  }

  /** Every cached day of these regions, and at least CloudTrail's 90 days. */
  async function cachedDays(cache: AccountCache, regions: string[]) {
    const now = deps.now();
    const rows = await cache.db.all(`SELECT min(event_time) AS oldest FROM ${cache.tables.events}`);
    const oldest = typeof rows[0]?.oldest === 'number' ? rows[0].oldest : now;
    const from = Math.floor(Math.min(oldest, now - 89 * DAY_MS) / DAY_MS) * DAY_MS;
    const scopes = regions.map((region) => ({ accountId: cache.accountId, region }));
    return auditCompleteness(sink, scopes, { from, to: now, now });
  }

  const sql = createSqlConsole({
    context: async () => {
      const { cache, regions } = await context();
      return { cache, regions };
    },
    journalOf: async (accountId) =>
      (await deps.journalRows()).filter((r) => r.account === accountId),
    completenessOf: cachedDays,
    store: deps.savedQueries,
    now: deps.now,
    newId: deps.newId,
  });

  async function query(input: {
    filter: AuditFilter;
    sort?: AuditSort | undefined;
    offset: number;
    limit: number;
    aggregate?: AuditAggregateInput | undefined;
  }) {
    const { cache } = await context();
    const version = cache.version();
    const [window, aggregates, m] = await Promise.all([
      queryWindow(cache, input),
      input.aggregate === undefined
        ? Promise.resolve(undefined)
        : aggregateRows(cache, input.filter, input.aggregate),
      matcher(),
    ]);
    return {
      total: window.total,
      offset: input.offset,
      rows: mark(window.rows, m),
      version,
      ...(aggregates === undefined ? {} : { aggregates }),
    };
  }

  async function aggregate(filter: AuditFilter, input: AuditAggregateInput) {
    const { cache } = await context();
    return aggregateRows(cache, filter, input);
  }

  async function raw(eventId: string) {
    const { cache } = await context();
    const found = await cache.readRaw(eventId);
    if (found === null) {
      throw new AppError('NOT_FOUND', `Event ${eventId} is not in this account’s audit cache.`);
    }
    return {
      eventId,
      text: found.text,
      rows: mark(await rowsOfEvent(cache, eventId), await matcher()),
    };
  }

  /** Every matching row, sorted, up to `max`. */
  function allRows(
    cache: AccountCache,
    filter: AuditFilter,
    sort: AuditSort | undefined,
    max: number,
  ) {
    return queryWindow(cache, { filter, sort, offset: 0, limit: max });
  }

  async function exportRows(input: {
    filter: AuditFilter;
    sort?: AuditSort | undefined;
    format: 'csv' | 'json';
  }) {
    const { target, cache } = await context();
    const { rows, total } = await allRows(cache, input.filter, input.sort, AUDIT_EXPORT_MAX_ROWS);
    const marked = mark(rows, await matcher());
    const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = `meterdesk-audit-${target.accountId}-${stamp}`;
    return input.format === 'csv'
      ? {
          fileName: `${base}.csv`,
          mimeType: 'text/csv;charset=utf-8',
          text: auditRowsToCsv(marked),
          rows: marked.length,
          truncated: total > marked.length,
        }
      : {
          fileName: `${base}.json`,
          mimeType: 'application/json',
          text: auditRowsToJson(marked),
          rows: marked.length,
          truncated: total > marked.length,
        };
  }

  async function evidence(input: {
    eventIds: readonly string[];
    filter?: AuditFilter | undefined;
  }) {
    const { eventIds } = input;
    const { target, cache } = await context();
    const m = await matcher();
    const events: { eventId: string; raw: string; rows: AuditExplorerRow[] }[] = [];
    const missing: string[] = [];
    for (const eventId of [...new Set(eventIds)]) {
      const found = await cache.readRaw(eventId);
      if (found === null) missing.push(eventId);
      else {
        events.push({ eventId, raw: found.text, rows: mark(await rowsOfEvent(cache, eventId), m) });
      }
    }
    if (events.length === 0 && input.filter === undefined) {
      throw new AppError('NOT_FOUND', 'None of the chosen events is in this account’s cache.');
    }
    const records = await recordsParquet(
      cache,
      input.filter === undefined
        ? { eventIds: events.map((e) => e.eventId) }
        : { filter: input.filter },
      AUDIT_EXPORT_MAX_ROWS,
    );
    const createdAt = deps.now();
    const pack = buildEvidencePack({
      createdAt,
      createdBy: deps.osUser,
      connection: { name: target.connectionName, accountId: target.accountId },
      events,
      missing,
      records: { ...records, ...(input.filter === undefined ? {} : { filter: input.filter }) },
    });
    const stamp = new Date(createdAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
    return {
      fileName: `meterdesk-audit-evidence-${target.accountId}-${stamp}.zip`,
      mimeType: 'application/zip',
      base64: Buffer.from(pack.zip).toString('base64'),
      bytes: pack.zip.byteLength,
      files: pack.files,
    };
  }

  /**
   * The journal records CloudTrail shows: by MeteringRecordId (exact), then by record fields
   * (account, region, customer, license, dimension, hour, quantity) for the rest.
   */
  async function seenInCloudTrail(
    cache: AccountCache,
    records: readonly JournalRow[],
  ): Promise<Set<JournalRow>> {
    const seen = new Set<JournalRow>();
    const seenIds = new Set<string>();
    const ids = records.map((r) => r.meteringRecordId).filter((v): v is string => v !== undefined);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const { rows } = await allRows(
        cache,
        { text: [{ column: 'meteringRecordId', op: 'in', values: chunk }] },
        undefined,
        100_000,
      );
      for (const row of rows) if (row.meteringRecordId) seenIds.add(row.meteringRecordId);
    }
    const rest: JournalRow[] = [];
    for (const r of records) {
      if (r.meteringRecordId !== undefined && seenIds.has(r.meteringRecordId)) seen.add(r);
      else rest.push(r);
    }
    const hours = rest.map((r) => Date.parse(r.timestamp)).filter(Number.isFinite);
    const ats = rest.map((r) => Date.parse(r.at)).filter(Number.isFinite);
    if (hours.length === 0 || ats.length === 0) return seen;
    const from = Math.floor(Math.min(...hours) / HOUR_MS) * HOUR_MS;
    const to = Math.floor(Math.max(...hours) / HOUR_MS) * HOUR_MS + HOUR_MS;
    const { rows } = await allRows(
      cache,
      { usageHour: { from, to }, eventTime: { from: Math.min(...ats) - HOUR_MS } },
      undefined,
      500_000,
    );
    const keys = new Set(rows.map(rowMatchKey));
    for (const r of rest) if (keys.has(journalMatchKey(r))) seen.add(r);
    return seen;
  }

  /**
   * Records this app sent that CloudTrail does not show. One answer for every record, recent
   * ones included: a record already in CloudTrail is "seen", never "not expected yet".
   */
  async function unseen(graceMinutes: number) {
    const { target, cache } = await context();
    const m = await matcher();
    const now = deps.now();
    const graceMs = graceMinutes * 60_000;
    const mine = m.answered.filter((r) => r.account === target.accountId);
    const seen = await seenInCloudTrail(cache, mine);
    const due = (r: JournalRow): boolean => now - Date.parse(r.at) >= graceMs;
    const missing = mine.filter((r) => !seen.has(r));
    const records: AuditUnseen[] = missing.filter(due).map(unseenView);
    return {
      graceMinutes,
      checked: mine.filter(due).length,
      seen: seen.size,
      tooRecent: missing.filter((r) => !due(r)).length,
      records,
    };
  }

  async function clear(regionsIn: readonly string[] | undefined) {
    if (running) {
      throw new AppError('CONFLICT', 'A CloudTrail sync is running; cancel it before clearing.');
    }
    const { cache, regions: all } = await context();
    const regions = regionsIn ? [...regionsIn] : all;
    const removedEvents = await cache.clear(regions);
    deps.emitChanged(cache.version());
    return { removedEvents, regions };
  }

  return {
    info,
    startSync,
    syncStatus,
    cancelSync,
    completeness,
    query,
    aggregate,
    raw,
    exportRows,
    evidence,
    unseen,
    clear,
    sql,
    /** For the submission side: is a record billed per CloudTrail (services/audit/billed.ts). */
    billed: createBilledLookup(cacheOf),
    importTrail,
    async close(): Promise<void> {
      if (running) {
        // Stop at the next page; what was fetched is written and the checkpoint resumes it.
        running.controller.abort();
        await running.done.catch(() => undefined);
      }
      const open = [...caches.values()];
      caches.clear();
      await Promise.allSettled(open.map(async (c) => (await c).close()));
    },
  };
}
