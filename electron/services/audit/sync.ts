// CloudTrail sync engine: fetches metering events with LookupEvents at CloudTrail's own pace,
// every region of a connection in parallel, into the audit cache.
//
// - Paced through the Pacer port (2 req/s per account+region): just under the limit, so
//   throttling is rare; when it happens it is retried with backoff and not reported.
// - Resumable: after every page the events are written first, then a checkpoint (token and the
//   exact parameters the token belongs to), so a cancelled or crashed sync continues there.
// - Incremental and gap-filling: it fetches only what the recorded coverage lacks within
//   CloudTrail's 90 days, reaching back an overlap window for late-arriving events.
import { z } from 'zod';
import {
  METERING_EVENT_SOURCES,
  auditLookupAttributeSchema,
  type AuditCompleteness,
  type AuditLookupAttribute,
  type AuditSyncProgress,
} from '../../../shared/audit';
import { awsErrorDetails } from '../../../shared/aws/aws-error';
import type { Clock } from '../ports';
import type { Pacer, Sleep } from '../pacing';
import { addInterval, completeness } from './coverage';
import type { AuditScope } from './scope';
import { planRanges, rangeAfterPage } from './sync-plan';
import { Cancelled, fetchPage, type PageFetcher } from './sync-page';

export type LookupAttribute = { key: AuditLookupAttribute; value: string };

/** One event as LookupEvents returns it (times in epoch ms). */
export type LookupEvent = {
  eventId: string;
  eventTime: number;
  eventName?: string;
  eventSource?: string;
  username?: string;
  accessKeyId?: string;
  /** The full CloudTrail record, JSON text. */
  cloudTrailEvent: string;
  /** The record already parsed from that text (imported files), so it is not parsed twice. */
  parsedRecord?: unknown;
};

export type LookupEventsParams = {
  region: string;
  attribute: LookupAttribute;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  maxResults: number;
};

/** Fails with the AppError of the one AWS error mapper (adapters/aws/error-map.ts). */
export type LookupEventsPort = (
  params: LookupEventsParams,
) => Promise<{ events: LookupEvent[]; nextToken?: string }>;

const intervalSchema = z.tuple([z.number(), z.number()]);

export const syncCheckpointSchema = z.object({
  attribute: z.object({ key: auditLookupAttributeSchema, value: z.string() }),
  /** The request's parameters: a NextToken is only valid with exactly these. */
  startTime: z.number(),
  endTime: z.number(),
  nextToken: z.string().optional(),
  /** Where coverage of this range ends (its end less the latency margin). */
  coverEnd: z.number(),
  /** Oldest event time received so far in this range. */
  oldestSeen: z.number().optional(),
  pages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
});
export type SyncCheckpoint = z.infer<typeof syncCheckpointSchema>;

export const auditSyncStateSchema = z.object({
  /** Time ranges whose events are all in the cache, merged and sorted. */
  coverage: z.array(intervalSchema),
  checkpoint: syncCheckpointSchema.optional(),
  lastCompleteAt: z.number().optional(),
});
export type AuditSyncState = z.infer<typeof auditSyncStateSchema>;

/** Where the engine keeps events and its bookkeeping (persistence.ts implements it). */
export type AuditSyncSink = {
  readState: (scope: AuditScope) => Promise<AuditSyncState>;
  writeState: (scope: AuditScope, state: AuditSyncState) => Promise<void>;
  /** Stores events not seen before; returns how many were new. */
  appendEvents: (scope: AuditScope, events: readonly LookupEvent[]) => Promise<number>;
  /** Called once when a region's sync stops, however it stops. */
  flush?: (scope: AuditScope) => Promise<void>;
};

export type AuditSyncDeps = {
  lookup: LookupEventsPort;
  pacer: Pacer;
  clock: Clock;
  sleep: Sleep;
  sink: AuditSyncSink;
};

export type AuditSyncOptions = {
  targets: readonly AuditScope[];
  /** EventName=BatchMeterUsage (default) or EventSource=metering-marketplace.amazonaws.com. */
  attribute?: AuditLookupAttribute;
  /** How far back before the covered edge to look again for late arrivals. */
  overlapMs?: number;
  /** Coverage stops this long before the sync time: events may still be on their way. */
  latencyMarginMs?: number;
  maxResults?: number;
  maxThrottleRetries?: number;
  maxTransientRetries?: number;
  signal?: AbortSignal;
  onProgress?: (progress: AuditSyncProgress) => void;
};

export type AuditSyncRegionResult = AuditScope & {
  outcome: 'complete' | 'cancelled' | 'failed';
  pages: number;
  events: number;
  added: number;
  /** Throttled calls that were retried (diagnostics only; they resolved or the sync failed). */
  throttleRetries: number;
  error?: { name: string; message: string };
};

export const DEFAULT_OVERLAP_MS = 30 * 60_000;
/** AWS-FACTS §2.4: about 15 minutes for metering events to appear (UNVERIFIED). */
export const DEFAULT_LATENCY_MARGIN_MS = 15 * 60_000;
export { classifyLookupError, type LookupErrorKind } from './sync-page';

const SOURCE_IN_TEXT = /"eventSource"\s*:\s*"([^"]*)"/;

/** A metering event by its source, from LookupEvents' field or else from the record. */
export function isMeteringEvent(event: LookupEvent): boolean {
  const source = event.eventSource ?? SOURCE_IN_TEXT.exec(event.cloudTrailEvent)?.[1];
  return source !== undefined && (METERING_EVENT_SOURCES as readonly string[]).includes(source);
}

function attributeFor(kind: AuditLookupAttribute): LookupAttribute {
  return kind === 'EventSource'
    ? { key: 'EventSource', value: 'metering-marketplace.amazonaws.com' }
    : { key: 'EventName', value: 'BatchMeterUsage' };
}

export async function syncAudit(
  deps: AuditSyncDeps,
  options: AuditSyncOptions,
): Promise<AuditSyncRegionResult[]> {
  return Promise.all(options.targets.map((target) => syncTarget(deps, options, target)));
}

/**
 * A region's sync as the views follow it, measured in time range covered: LookupEvents never
 * says how many events remain.
 */
function progressReporter(
  options: AuditSyncOptions,
  target: AuditScope,
  result: AuditSyncRegionResult,
  clock: Clock,
  startedAt: number,
  ranges: readonly SyncCheckpoint[],
) {
  const top = (r: SyncCheckpoint): number => r.oldestSeen ?? r.endTime;
  const totalMs = ranges.reduce((sum, r) => sum + Math.max(0, top(r) - r.startTime), 0);
  let doneMs = 0;
  let currentTop = 0;
  return {
    startRange(range: SyncCheckpoint): void {
      currentTop = top(range);
    },
    endRange(range: SyncCheckpoint): void {
      doneMs += Math.max(0, currentTop - range.startTime);
    },
    report(current: SyncCheckpoint | null, finished: boolean): void {
      if (!options.onProgress) return;
      const currentMs = current ? currentTop - top(current) : 0;
      const covered = Math.min(totalMs, doneMs + Math.max(0, currentMs));
      const elapsed = (clock.now() - startedAt) / 1000;
      const fraction =
        finished && result.outcome === 'complete' ? 1 : totalMs > 0 ? covered / totalMs : 1;
      const rate = elapsed > 0 ? covered / elapsed : 0;
      options.onProgress({
        ...target,
        pages: result.pages,
        events: result.events,
        added: result.added,
        eventsPerSecond: elapsed > 0 ? result.events / elapsed : null,
        secondsLeft: finished ? 0 : rate > 0 ? Math.max(0, (totalMs - covered) / rate) : null,
        fraction: Math.min(1, Math.max(0, fraction)),
        finished,
      });
    },
  };
}

/** The AWS error's own name and message, which the service explains once for the user. */
function failureOf(error: unknown): { name: string; message: string } {
  const aws = awsErrorDetails(error);
  const e = error as { name?: unknown; message?: unknown };
  return {
    name: aws.name ?? (typeof e.name === 'string' ? e.name : 'Error'),
    message: aws.message ?? (typeof e.message === 'string' ? e.message : String(error)),
  };
}

async function syncTarget(
  deps: AuditSyncDeps,
  options: AuditSyncOptions,
  target: AuditScope,
): Promise<AuditSyncRegionResult> {
  const { lookup, pacer, clock, sleep, sink } = deps;
  const attribute = attributeFor(options.attribute ?? 'EventName');
  const result: AuditSyncRegionResult = {
    ...target,
    outcome: 'complete',
    pages: 0,
    events: 0,
    added: 0,
    throttleRetries: 0,
  };
  const fetcher: PageFetcher = {
    lookup,
    pacer,
    sleep,
    target,
    signal: options.signal,
    maxResults: options.maxResults ?? 50,
    maxThrottle: options.maxThrottleRetries ?? 10,
    maxTransient: options.maxTransientRetries ?? 4,
    onThrottleRetry: () => {
      result.throttleRetries++;
    },
  };

  const startedAt = clock.now();
  let state = await sink.readState(target);
  const runNow = clock.now();
  const ranges = planRanges(
    state,
    attribute,
    runNow,
    options.overlapMs ?? DEFAULT_OVERLAP_MS,
    options.latencyMarginMs ?? DEFAULT_LATENCY_MARGIN_MS,
  );
  const progress = progressReporter(options, target, result, clock, startedAt, ranges);

  const save = async (range: SyncCheckpoint | undefined): Promise<void> => {
    state = { ...state };
    if (range) state.checkpoint = range;
    else delete state.checkpoint;
    await sink.writeState(target, state);
  };

  try {
    for (const initial of ranges) {
      let range: SyncCheckpoint = { ...initial };
      progress.startRange(initial);
      for (;;) {
        const page = await fetchPage(fetcher, range);
        if (page === 'invalid-token') {
          // Tokens expire: ask again without one, for what this range has not received yet.
          const rest: SyncCheckpoint = { ...range, endTime: range.oldestSeen ?? range.endTime };
          delete rest.nextToken;
          range = rest;
          continue;
        }
        const kept = page.events.filter(isMeteringEvent);
        result.added += kept.length > 0 ? await sink.appendEvents(target, kept) : 0;
        result.pages++;
        result.events += kept.length;
        range = rangeAfterPage(range, page.events, kept.length);
        const oldest = range.oldestSeen;
        if (page.nextToken !== undefined) {
          range.nextToken = page.nextToken;
          // Newest first: everything after the oldest event seen is in (times are whole seconds,
          // so the oldest second itself may continue on the next page).
          if (oldest !== undefined) {
            state.coverage = addInterval(state.coverage, [oldest + 1, range.coverEnd]);
          }
          await save(range);
          progress.report(range, false);
        } else {
          state.coverage = addInterval(state.coverage, [range.startTime, range.coverEnd]);
          await save(undefined);
          progress.endRange(initial);
          progress.report(null, false);
          break;
        }
      }
    }
    state = { ...state, lastCompleteAt: runNow };
    await sink.writeState(target, state);
  } catch (error) {
    if (error instanceof Cancelled) result.outcome = 'cancelled';
    else {
      result.outcome = 'failed';
      result.error = failureOf(error);
    }
  } finally {
    await sink.flush?.(target);
  }
  progress.report(null, true);
  return result;
}

/** Day states for the given scopes over [from, to], from the recorded coverage. */
export async function auditCompleteness(
  sink: Pick<AuditSyncSink, 'readState'>,
  scopes: readonly AuditScope[],
  range: { from: number; to: number; now: number },
): Promise<AuditCompleteness[]> {
  const out: AuditCompleteness[] = [];
  for (const scope of scopes) {
    const state = await sink.readState(scope);
    out.push(
      ...completeness({
        ...scope,
        coverage: state.coverage,
        now: range.now,
        from: range.from,
        to: range.to,
      }),
    );
  }
  return out;
}
