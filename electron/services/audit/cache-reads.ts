// Reading the active account's cache: what it holds, how complete each day is, a window of rows
// (marked with the journal record that sent them) with their aggregates, and one event's raw text.
import {
  DAY_MS,
  type AuditAggregateInput,
  type AuditFilter,
  type AuditSort,
} from '../../../shared/audit';
import type { AuditInfo, AuditSyncStatus } from '../../../shared/channels/audit';
import { AppError } from '../../../shared/errors';
import type { AccountCache } from './account-cache';
import { aggregate as aggregateRows } from './aggregate';
import { queryWindow, rowsOfEvent } from './explorer';
import type { AuditScope } from './scope';
import { markSent, type AuditServiceContext } from './service-context';
import { auditCompleteness } from './sync';
import { truncatedEventsByRegion } from './truncated';

type SyncState = { running: () => AuditSyncStatus | null; lastSync: () => AuditSyncStatus | null };

export function createCacheReads(ctx: AuditServiceContext, syncs: SyncState) {
  const { deps, active, matcher, sink } = ctx;

  async function info(): Promise<AuditInfo> {
    const quick = deps.activeQuick();
    let accountId: string | null;
    let regions = quick.regions;
    let counts = { events: 0, rows: 0 };
    let version = 0;
    try {
      const current = await active();
      accountId = current.target.accountId;
      regions = current.regions;
      counts = await current.cache.counts();
      version = current.cache.version();
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
      loadedInMs: ctx.caches.lastLoadMs(),
      running: syncs.running(),
      lastSync: syncs.lastSync(),
    };
  }

  async function completeness(input: { days: number; regions?: string[] | undefined }) {
    const { target, regions: all, cache } = await active();
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

  async function query(input: {
    filter: AuditFilter;
    sort?: AuditSort | undefined;
    offset: number;
    limit: number;
    aggregate?: AuditAggregateInput | undefined;
  }) {
    const { cache } = await active();
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
      rows: markSent(window.rows, m),
      version,
      ...(aggregates === undefined ? {} : { aggregates }),
    };
  }

  async function aggregate(filter: AuditFilter, input: AuditAggregateInput) {
    const { cache } = await active();
    return aggregateRows(cache, filter, input);
  }

  async function raw(eventId: string) {
    const { cache } = await active();
    const found = await cache.readRaw(eventId);
    if (found === null) {
      throw new AppError('NOT_FOUND', `Event ${eventId} is not in this account’s audit cache.`);
    }
    return {
      eventId,
      text: found.text,
      rows: markSent(await rowsOfEvent(cache, eventId), await matcher()),
    };
  }

  return { info, completeness, cachedDays, query, aggregate, raw };
}
