import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_RETENTION_MS, DAY_MS, type AuditSyncProgress } from '../../../shared/audit';
import { mapAwsError } from '../../adapters/aws/error-map';
import { createPacer } from '../../adapters/aws/pacer';
import { createFakeTime, type FakeTime } from './testing/fake-time';
import {
  auditCompleteness,
  classifyLookupError,
  DEFAULT_LATENCY_MARGIN_MS,
  DEFAULT_OVERLAP_MS,
  syncAudit,
  type AuditSyncOptions,
  type LookupEvent,
  type LookupEventsParams,
  type LookupEventsPort,
} from './sync';
import { meteringEvent, memorySyncSink } from './testing';

const ACCOUNT = '111122223333';
const east = { accountId: ACCOUNT, region: 'us-east-1' };
const west = { accountId: ACCOUNT, region: 'eu-west-1' };
const NOW = Date.UTC(2026, 7, 1, 12);

/** What the lookup port throws: an SDK error as the one AWS error mapper turns it. */
function mapped(error: unknown): Error {
  return mapAwsError(error, { operation: 'LookupEvents', region: 'us-east-1' });
}

function awsError(name: string, status = 400): Error {
  return mapped(
    Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } }),
  );
}

/** A network fault as Node reports it, mapped like every AWS call's failure. */
function networkError(code: string): Error {
  return mapped(Object.assign(new Error(`connect ${code}`), { code }));
}

type Call = { params: LookupEventsParams; at: number };

/** CloudTrail event history in memory: newest first, 1‥50 per page, tokens tied to params. */
function fakeCloudTrail(time: FakeTime) {
  const byRegion = new Map<string, LookupEvent[]>();
  const calls: Call[] = [];
  let fail: ((call: Call, n: number) => Error | undefined) | undefined;
  const port: LookupEventsPort = (params) => {
    const call = { params, at: time.now() };
    calls.push(call);
    const error = fail?.(call, calls.length);
    if (error) return Promise.reject(error);
    const shape = JSON.stringify([
      params.region,
      params.attribute,
      params.startTime,
      params.endTime,
    ]);
    let offset = 0;
    if (params.nextToken !== undefined) {
      const [token, tokenShape] = JSON.parse(params.nextToken) as [number, string];
      if (tokenShape !== shape) return Promise.reject(awsError('InvalidNextTokenException'));
      offset = token;
    }
    const matching = (byRegion.get(params.region) ?? [])
      .filter((e) =>
        params.attribute.key === 'EventName'
          ? e.eventName === params.attribute.value
          : e.eventSource === params.attribute.value,
      )
      .filter(
        (e) =>
          e.eventTime >= (params.startTime ?? -Infinity) &&
          e.eventTime <= (params.endTime ?? Infinity),
      )
      .filter((e) => e.eventTime >= time.now() - CLOUDTRAIL_RETENTION_MS)
      .sort((a, b) => b.eventTime - a.eventTime || a.eventId.localeCompare(b.eventId));
    const page = matching.slice(offset, offset + params.maxResults);
    const next = offset + params.maxResults;
    return Promise.resolve(
      next < matching.length
        ? { events: page, nextToken: JSON.stringify([next, shape]) }
        : { events: page },
    );
  };
  return {
    port,
    calls,
    add(region: string, events: LookupEvent[]) {
      byRegion.set(region, [...(byRegion.get(region) ?? []), ...events]);
    },
    failWith(f: typeof fail) {
      fail = f;
    },
  };
}

/** `count` events spread over the last `days` days before `end`, one per `step` minutes. */
function history(count: number, end: number, prefix = 0, region = 'us-east-1'): LookupEvent[] {
  return Array.from({ length: count }, (_, i) =>
    // meteringEvent(i) is i minutes after its start: undo that.
    meteringEvent(prefix + i, region, 2, end - (count - i) * 7 * 60_000 - (prefix + i) * 60_000),
  );
}

function setup(time: FakeTime) {
  // The engine's own bookkeeping is under test here, not the cache: the sink lives in memory.
  const sink = memorySyncSink();
  const store = {
    eventCount: () => sink.events.size,
    has: (eventId: string) => sink.events.has(eventId),
  };
  const cache = { readSyncState: sink.readState, syncSink: () => sink };
  const cloud = fakeCloudTrail(time);
  const pacer = createPacer(time);
  const progress: AuditSyncProgress[] = [];
  const run = (options: Partial<AuditSyncOptions> = {}) =>
    time.run(
      syncAudit(
        { lookup: cloud.port, pacer, clock: time, sleep: time.sleep, sink: cache.syncSink() },
        { targets: [east], onProgress: (p) => progress.push(p), ...options },
      ),
    );
  return { sink, store, cache, cloud, pacer, progress, run };
}

function spacing(calls: Call[], region: string): number {
  const times = calls.filter((c) => c.params.region === region).map((c) => c.at);
  let min = Infinity;
  for (let i = 1; i < times.length; i++) min = Math.min(min, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return min;
}

describe('audit sync: pace, progress and faults', () => {
  it('fetches every page at 2 requests/s, records coverage and reports progress', async () => {
    const time = createFakeTime(NOW);
    const { store, cache, cloud, progress, run } = setup(time);
    cloud.add('us-east-1', history(237, NOW));
    const [result] = await run();
    expect(result).toMatchObject({
      ...east,
      outcome: 'complete',
      pages: 5,
      events: 237,
      added: 237,
      throttleRetries: 0,
    });
    expect(store.eventCount()).toBe(237);
    expect(cloud.calls).toHaveLength(5);
    expect(spacing(cloud.calls, 'us-east-1')).toBe(500);
    expect(time.now() - NOW).toBe(2000); // 5 calls: 0, 500, …, 2000 ms
    expect(cloud.calls[0]?.params).toMatchObject({
      attribute: { key: 'EventName', value: 'BatchMeterUsage' },
      startTime: NOW - CLOUDTRAIL_RETENTION_MS,
      endTime: NOW,
      maxResults: 50,
    });
    const state = await cache.readSyncState(east);
    expect(state.checkpoint).toBeUndefined();
    expect(state.coverage).toEqual([
      [NOW - CLOUDTRAIL_RETENTION_MS, NOW - DEFAULT_LATENCY_MARGIN_MS],
    ]);
    const last = progress.at(-1);
    expect(last).toMatchObject({ finished: true, fraction: 1, events: 237, secondsLeft: 0 });
    const middle = progress.find((p) => !p.finished && p.pages === 2);
    expect(middle?.eventsPerSecond).toBeCloseTo(100 / 0.5);
    expect(middle?.secondsLeft).not.toBeNull();
    expect(middle?.fraction).toBeGreaterThan(0);
    expect(middle?.fraction).toBeLessThan(1);
  });

  it('estimates the time left from the share of the range covered so far', async () => {
    const time = createFakeTime(NOW);
    const { cloud, progress, run } = setup(time);
    // 250 events spread evenly over the 90 days: 5 pages, 500 ms apart.
    const step = CLOUDTRAIL_RETENTION_MS / 250;
    cloud.add(
      'us-east-1',
      Array.from({ length: 250 }, (_, i) =>
        meteringEvent(i, 'us-east-1', 1, NOW - (i + 0.5) * step - i * 60_000),
      ),
    );
    await run();
    const second = progress.find((p) => p.pages === 2);
    // 2 of 5 pages in 0.5 s: about 3/2 × 0.5 s to go.
    expect(second?.fraction).toBeCloseTo(0.4, 1);
    expect(second?.secondsLeft).toBeGreaterThan(0.6);
    expect(second?.secondsLeft).toBeLessThan(0.9);
    expect(second?.eventsPerSecond).toBeCloseTo(200);
  });

  it('retries throttling with backoff and does not surface it', async () => {
    const time = createFakeTime(NOW);
    const { store, cloud, run } = setup(time);
    cloud.add('us-east-1', history(120, NOW));
    cloud.failWith((_call, n) =>
      n === 2
        ? awsError('ThrottlingException')
        : n === 3
          ? awsError('SomethingElse', 429)
          : undefined,
    );
    const [result] = await run();
    expect(result).toMatchObject({ outcome: 'complete', events: 120, throttleRetries: 2 });
    expect(result?.error).toBeUndefined();
    expect(store.eventCount()).toBe(120);
    // The app's one backoff with jitter: from the upper half of 500 ms, then of 1,000 ms.
    const at = cloud.calls.map((c) => c.at - NOW);
    expect(at.slice(0, 2)).toEqual([0, 500]);
    const [, second = 0, third = 0, fourth = 0] = at;
    expect(third - second).toBeGreaterThanOrEqual(250);
    expect(third - second).toBeLessThanOrEqual(500);
    expect(fourth - third).toBeGreaterThanOrEqual(500);
    expect(fourth - third).toBeLessThanOrEqual(1000);
  });

  it('retries transient faults a few times, then fails the region keeping its checkpoint', async () => {
    const time = createFakeTime(NOW);
    const { cache, cloud, run } = setup(time);
    cloud.add('us-east-1', history(120, NOW));
    cloud.failWith((_call, n) =>
      n === 2
        ? awsError('InternalFailure', 500)
        : n >= 4
          ? awsError('AccessDeniedException')
          : undefined,
    );
    const [result] = await run();
    expect(result).toMatchObject({
      outcome: 'failed',
      pages: 2,
      error: { name: 'AccessDeniedException' },
    });
    const state = await cache.readSyncState(east);
    expect(state.checkpoint?.nextToken).toBeDefined();
  });
});

describe('audit sync: incremental and resumable', () => {
  it('syncs incrementally: only what is newer than the covered edge, with an overlap', async () => {
    const time = createFakeTime(NOW);
    const { store, cloud, run } = setup(time);
    cloud.add('us-east-1', history(100, NOW));
    await run();
    const firstCalls = cloud.calls.length;
    await time.advance(2 * 3600_000);
    const later = time.now();
    // New events, plus one that arrived late with a time just before the previous sync.
    cloud.add('us-east-1', history(15, later, 1000)); // the last 105 minutes
    cloud.add('us-east-1', [
      meteringEvent(5000, 'us-east-1', 1, NOW - 20 * 60_000 - 5000 * 60_000),
    ]);
    const [result] = await run();
    const calls = cloud.calls.slice(firstCalls);
    expect(calls[0]?.params.startTime).toBe(NOW - DEFAULT_LATENCY_MARGIN_MS - DEFAULT_OVERLAP_MS);
    expect(calls[0]?.params.endTime).toBe(later);
    expect(result?.added).toBe(16);
    expect(result?.events).toBeGreaterThanOrEqual(16);
    expect(result?.events).toBeLessThan(25); // the overlap re-reads a few known events, no more
    expect(store.eventCount()).toBe(116);
  });

  it('resumes from its checkpoint after a cancel, and after a restart', async () => {
    const time = createFakeTime(NOW);
    const { sink, store, cache, cloud, pacer } = setup(time);
    cloud.add('us-east-1', history(500, NOW));
    const controller = new AbortController();
    const deps = {
      lookup: cloud.port,
      pacer,
      clock: time,
      sleep: time.sleep,
      sink: cache.syncSink(),
    };
    const [cancelled] = await time.run(
      syncAudit(deps, {
        targets: [east],
        signal: controller.signal,
        onProgress: (p) => {
          if (p.pages === 3) controller.abort();
        },
      }),
    );
    expect(cancelled).toMatchObject({ outcome: 'cancelled', pages: 3, events: 150 });
    expect(store.eventCount()).toBe(150);
    const state = await cache.readSyncState(east);
    const token = state.checkpoint?.nextToken;
    expect(token).toBeDefined();
    // Partial coverage: from the oldest event received to the end.
    expect(state.coverage).toHaveLength(1);

    // "Restart": a new run of the engine over what the sink kept.
    const store2 = store;
    const cache2 = { readSyncState: sink.readState, syncSink: () => sink };
    expect(store2.eventCount()).toBe(150);
    const before = cloud.calls.length;
    const [resumed] = await time.run(
      syncAudit({ ...deps, sink: cache2.syncSink() }, { targets: [east] }),
    );
    const first = cloud.calls[before]?.params;
    expect(first?.nextToken).toBe(token);
    expect(first?.startTime).toBe(state.checkpoint?.startTime);
    expect(first?.endTime).toBe(state.checkpoint?.endTime);
    expect(resumed).toMatchObject({ outcome: 'complete', added: 350 });
    expect(store2.eventCount()).toBe(500);
    const done = await cache2.readSyncState(east);
    expect(done.checkpoint).toBeUndefined();
  });

  it('starts over without the token when CloudTrail no longer accepts it', async () => {
    const time = createFakeTime(NOW);
    const { store, cloud, run } = setup(time);
    cloud.add('us-east-1', history(160, NOW));
    let expired = false;
    cloud.failWith((call) => {
      if (call.params.nextToken !== undefined && !expired) {
        expired = true;
        return awsError('InvalidNextTokenException');
      }
      return undefined;
    });
    const [result] = await run();
    expect(result?.outcome).toBe('complete');
    expect(store.eventCount()).toBe(160);
    const retry = cloud.calls[2]?.params;
    expect(retry?.nextToken).toBeUndefined();
    expect(retry?.endTime).toBeLessThan(NOW);
  });
});

describe('audit sync: regions, event sources and completeness', () => {
  it('syncs regions in parallel, each paced on its own', async () => {
    const time = createFakeTime(NOW);
    const { store, cloud, run } = setup(time);
    cloud.add('us-east-1', history(250, NOW));
    cloud.add('eu-west-1', history(250, NOW, 10_000, 'eu-west-1'));
    const results = await run({ targets: [east, west] });
    expect(results.map((r) => [r.region, r.outcome, r.added])).toEqual([
      ['us-east-1', 'complete', 250],
      ['eu-west-1', 'complete', 250],
    ]);
    expect(store.eventCount()).toBe(500);
    expect(spacing(cloud.calls, 'us-east-1')).toBe(500);
    expect(spacing(cloud.calls, 'eu-west-1')).toBe(500);
    expect(time.now() - NOW).toBe(2000); // 5 pages each, side by side, not 4.5 s one after the other
  });

  it('keeps only metering events, accepting both source spellings; EventSource mode asks by source', async () => {
    const time = createFakeTime(NOW);
    const { store, cloud, run } = setup(time);
    cloud.add('us-east-1', [
      meteringEvent(1, 'us-east-1', 1, NOW - DAY_MS - 1 * 60_000),
      meteringEvent(2, 'us-east-1', 1, NOW - DAY_MS - 2 * 60_000, {
        eventSource: 'marketplacemetering.amazonaws.com',
      }),
      meteringEvent(3, 'us-east-1', 1, NOW - DAY_MS - 3 * 60_000, {
        eventSource: 'example.amazonaws.com',
      }),
      meteringEvent(4, 'us-east-1', 0, NOW - DAY_MS - 4 * 60_000, { eventName: 'ResolveCustomer' }),
    ]);
    const [byName] = await run();
    expect(byName?.events).toBe(2);
    expect(store.has('ev-1') && store.has('ev-2') && !store.has('ev-3')).toBe(true);

    const time2 = createFakeTime(NOW);
    const second = setup(time2);
    second.cloud.add('us-east-1', [
      meteringEvent(1, 'us-east-1', 1, NOW - DAY_MS - 1 * 60_000),
      meteringEvent(4, 'us-east-1', 0, NOW - DAY_MS - 4 * 60_000, { eventName: 'ResolveCustomer' }),
    ]);
    const [bySource] = await second.run({ attribute: 'EventSource' });
    expect(second.cloud.calls[0]?.params.attribute).toEqual({
      key: 'EventSource',
      value: 'metering-marketplace.amazonaws.com',
    });
    expect(bySource?.events).toBe(2);
    expect(second.store.has('ev-4')).toBe(true); // kept as evidence
  });

  it('reports day completeness from what was covered', async () => {
    const time = createFakeTime(NOW);
    const { cache, cloud, pacer } = setup(time);
    cloud.add('us-east-1', history(400, NOW)); // ~47 hours of events
    const controller = new AbortController();
    await time.run(
      syncAudit(
        { lookup: cloud.port, pacer, clock: time, sleep: time.sleep, sink: cache.syncSink() },
        {
          targets: [east],
          signal: controller.signal,
          onProgress: (p) => {
            if (p.pages === 5) controller.abort();
          },
        },
      ),
    );
    const days = await auditCompleteness(cache.syncSink(), [east], {
      from: NOW - 3 * DAY_MS,
      to: NOW,
      now: time.now(),
    });
    expect(days.map((d) => d.state)).toEqual(['missing', 'missing', 'partial', 'partial']);
    const full = await time.run(
      syncAudit(
        { lookup: cloud.port, pacer, clock: time, sleep: time.sleep, sink: cache.syncSink() },
        { targets: [east] },
      ),
    );
    expect(full[0]?.outcome).toBe('complete');
    const after = await auditCompleteness(cache.syncSink(), [east], {
      from: NOW - 3 * DAY_MS,
      to: NOW,
      now: time.now(),
    });
    expect(after.map((d) => d.state)).toEqual(['complete', 'complete', 'complete', 'partial']);
  });

  it('acts on the one AWS error mapper’s verdict', () => {
    expect(classifyLookupError(awsError('ThrottlingException'))).toBe('throttle');
    expect(classifyLookupError(awsError('Whatever', 429))).toBe('throttle');
    expect(classifyLookupError(awsError('InvalidNextTokenException'))).toBe('invalid-token');
    expect(classifyLookupError(awsError('InternalFailure', 500))).toBe('transient');
    expect(classifyLookupError(awsError('ServiceUnavailableException', 503))).toBe('transient');
    expect(classifyLookupError(awsError('TimeoutError'))).toBe('transient');
    // Every network fault the mapper knows, including the two the sync once missed.
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH']) {
      expect(classifyLookupError(networkError(code))).toBe('transient');
    }
    expect(classifyLookupError(networkError('UND_ERR_SOCKET'))).toBe('transient');
    expect(classifyLookupError(awsError('AccessDeniedException'))).toBe('fatal');
    expect(classifyLookupError(awsError('ExpiredTokenException', 403))).toBe('fatal');
    // Not through the mapper: nothing to go on, so the region stops rather than guessing.
    expect(classifyLookupError(new Error('ThrottlingException'))).toBe('fatal');
    expect(classifyLookupError('nope')).toBe('fatal');
  });
});
