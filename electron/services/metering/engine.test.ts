// The engine over fakes: the intent is durable before every call, calls stay within the pool
// and the pacer, limits hold, backoff is capped, and MeterUsage's own answers map right.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { Pacer } from '../pacing';
import { createJournal, type JournalFile } from '../journal/journal';
import {
  callBytes,
  createSubmissionEngine,
  planCalls,
  type EngineRecord,
  type MeteringApi,
} from './engine';
import { context, freePacer, records, time } from './testing/engine-fakes';

function memoryFile(): JournalFile & { text: () => string } {
  let text = '';
  return {
    append: (data) => {
      text += data;
      return Promise.resolve();
    },
    readAll: () => Promise.resolve(text),
    text: () => text,
  };
}

function echoApi(onCall?: (n: number) => Promise<void> | void): MeteringApi & { calls: number } {
  const api = {
    calls: 0,
    async batchMeterUsage({ records: sent }: { records: Record<string, unknown>[] }) {
      api.calls += 1;
      await onCall?.(api.calls);
      return {
        results: sent.map((record, i) => ({
          record,
          status: 'Success',
          meteringRecordId: `m${api.calls}-${i}`,
        })),
        unprocessed: [],
      };
    },
    meterUsage: () => Promise.resolve({ meteringRecordId: 'm' }),
  };
  return api;
}

describe('submission engine (fakes): journal, concurrency and plan', () => {
  it('journals each call’s intent durably before the call leaves', async () => {
    const file = memoryFile();
    const journal = createJournal(file);
    let checked = 0;
    const api = echoApi(async () => {
      const entries = await journal.entries();
      const intents = entries.filter((e) => e.kind === 'call-intent').length;
      const outcomes = entries.filter((e) => e.kind === 'call-outcome').length;
      // This call's intent is on disk; its outcome is not yet.
      expect(intents).toBeGreaterThan(outcomes);
      checked += 1;
    });
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time, concurrency: 1 });
    const handle = await engine.submit({
      operation: 'BatchMeterUsage',
      records: records(60),
      context,
      pacerKey: { accountId: context.account, region: context.region },
    });
    const result = await handle.done;
    expect(result.counts.success).toBe(60);
    expect(checked).toBe(3);
    const kinds = (await journal.entries()).map((e) => e.kind);
    expect(kinds[0]).toBe('submission-started');
    expect(kinds.at(-1)).toBe('submission-finished');
  });

  it('keeps at most `concurrency` calls in flight and asks the pacer before every call', async () => {
    let inFlight = 0;
    let peak = 0;
    let grants = 0;
    const pacer: Pacer = {
      acquire: () => {
        grants += 1;
        return Promise.resolve();
      },
    };
    const api = echoApi(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight -= 1;
    });
    const engine = createSubmissionEngine({
      api,
      journal: createJournal(memoryFile()),
      pacer,
      time,
      concurrency: 4,
    });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(500),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.counts.success).toBe(500);
    expect(peak).toBe(4);
    expect(grants).toBe(api.calls);
    expect(api.calls).toBe(20);
  });

  it('plans one group per call, ≤ 25 records, < 1 MB', () => {
    const big = records(30, 'big').map((r) => ({
      ...r,
      record: {
        ...r.record,
        UsageAllocations: Array.from({ length: 400 }, () => ({
          AllocatedUsageQuantity: 0,
          Tags: [{ Key: 'k'.repeat(100), Value: 'v'.repeat(200) }],
        })),
      },
    }));
    const calls = planCalls([...records(30, 'a'), ...records(3, 'b'), ...big]);
    for (const call of calls) {
      expect(call.length).toBeLessThanOrEqual(25);
      expect(new Set(call.map((r) => r.productCode)).size).toBe(1);
      expect(callBytes(call, call[0]?.productCode)).toBeLessThan(1_000_000);
    }
    expect(calls.filter((c) => c[0]?.productCode === 'a').map((c) => c.length)).toEqual([25, 5]);
    expect(calls.filter((c) => c[0]?.productCode === 'big').length).toBeGreaterThan(2);
  });

  it('stops (resumable) on an unexplained error instead of guessing', async () => {
    const journal = createJournal(memoryFile());
    const api: MeteringApi = {
      batchMeterUsage: () => Promise.reject(new Error('boom')),
      meterUsage: () => Promise.reject(new Error('boom')),
    };
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time, concurrency: 1 });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(50),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.state).toBe('stopped');
    expect(result.counts.unknown).toBe(25);
    expect(result.counts.notSent).toBe(25);
    const interrupted = await journal.interruptedSubmissions();
    expect(interrupted[0]?.unresolved).toHaveLength(50);
  });
});

describe('submission engine (fakes): back-off and MeterUsage', () => {
  it('backs off with capped, jittered delays on throttling', async () => {
    const delays: number[] = [];
    let n = 0;
    const api: MeteringApi = {
      batchMeterUsage: ({ records: sent }) => {
        n += 1;
        if (n <= 6) {
          return Promise.reject(
            new AppError('AWS_THROTTLED', 'slow down', {
              retryable: true,
              details: { aws: { name: 'ThrottlingException' } },
            }),
          );
        }
        return Promise.resolve({
          results: sent.map((record) => ({ record, status: 'Success', meteringRecordId: 'm' })),
          unprocessed: [],
        });
      },
      meterUsage: () => Promise.resolve({ meteringRecordId: 'm' }),
    };
    const engine = createSubmissionEngine({
      api,
      journal: createJournal(memoryFile()),
      pacer: freePacer,
      time: {
        now: () => performance.now(),
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      },
      throttleBaseMs: 500,
      backoffCapMs: 4_000,
      random: () => 1,
    });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(3),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.counts.success).toBe(3);
    // Roughly 500, 1000, 2000, 4000 then capped at 4000 (time passes between scheduling and sleep).
    expect(delays.length).toBe(6);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
    expect(delays[3]).toBeGreaterThan(3_000);
  });

  it('MeterUsage: dry run is not journaled; DuplicateRequest and CustomerNotEntitled are final', async () => {
    const file = memoryFile();
    const journal = createJournal(file);
    const reject = (name: string) =>
      new AppError('AWS_REJECTED', name, { details: { aws: { name } } });
    const seen: string[] = [];
    const api: MeteringApi = {
      batchMeterUsage: () => Promise.reject(new Error('unused')),
      meterUsage: (record, { dryRun }) => {
        seen.push(String(record.UsageDimension));
        if (dryRun) return Promise.reject(reject('DryRunOperation'));
        if (record.UsageDimension === 'dup')
          return Promise.reject(reject('DuplicateRequestException'));
        if (record.UsageDimension === 'cne') {
          return Promise.reject(reject('CustomerNotEntitledException'));
        }
        return Promise.resolve({ meteringRecordId: 'm1' });
      },
    };
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time });
    const mk = (dim: string): EngineRecord => ({
      key: dim,
      record: {
        ProductCode: 'p',
        Timestamp: '2026-11-26T03:00:00Z',
        UsageDimension: dim,
        ClientToken: dim,
      },
    });
    const dry = await (
      await engine.submit({
        operation: 'MeterUsage',
        dryRun: true,
        records: [mk('ok')],
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(dry.outcomes[0]?.status).toBe('DryRunPassed');
    expect(file.text()).toBe('');
    const real = await (
      await engine.submit({
        operation: 'MeterUsage',
        records: [mk('ok'), mk('dup'), mk('cne')],
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(Object.fromEntries(real.outcomes.map((o) => [o.key, o.status]))).toEqual({
      ok: 'Success',
      dup: 'DuplicateRecord',
      cne: 'CustomerNotSubscribed',
    });
    // Each sent once: nothing final is retried.
    expect(seen.filter((d) => d === 'cne')).toHaveLength(1);
    expect(seen.filter((d) => d === 'dup')).toHaveLength(1);
  });
});

describe('submission engine (fakes): parking and slowing down', () => {
  it('parks one stubborn record as "Unprocessed, retry later" after the allowed tries and finishes the rest', async () => {
    const journal = createJournal(memoryFile());
    let sentStubborn = 0;
    const api: MeteringApi = {
      batchMeterUsage: ({ records: sent }) => {
        const stubborn = sent.filter((r) => r.CustomerIdentifier === 'cust-3');
        sentStubborn += stubborn.length;
        return Promise.resolve({
          results: sent
            .filter((r) => r.CustomerIdentifier !== 'cust-3')
            .map((record) => ({ record, status: 'Success', meteringRecordId: 'm' })),
          unprocessed: stubborn,
        });
      },
      meterUsage: () => Promise.reject(new Error('unused')),
    };
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time, maxAttempts: 8 });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(200),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.state).toBe('finished');
    expect(result.counts).toMatchObject({ success: 199, parked: 1, notSent: 0, unprocessed: 0 });
    expect(sentStubborn).toBe(8);
    expect(result.outcomes.find((o) => o.key === 'p-3')).toMatchObject({
      status: 'Unprocessed',
      parked: true,
    });
    const entries = await journal.entries();
    expect(entries.filter((e) => e.kind === 'records-parked')).toHaveLength(1);
    expect(entries.at(-1)?.kind).toBe('submission-finished');
    // Left for later: a resume sends exactly the parked record again.
    const [later] = await journal.interruptedSubmissions();
    expect(later?.unresolved.map((r) => [r.key, r.parked])).toEqual([['p-3', true]]);
  });

  it('answers throttling by slowing the pacer down, not by stopping', async () => {
    const feedback: string[] = [];
    const pacer: Pacer = {
      acquire: () => Promise.resolve(),
      feedback: (_key, answer) => feedback.push(answer),
    };
    let n = 0;
    const api: MeteringApi = {
      batchMeterUsage: ({ records: sent }) => {
        n += 1;
        if (n <= 12) {
          return Promise.reject(
            new AppError('AWS_THROTTLED', 'slow down', {
              retryable: true,
              details: { aws: { name: 'ThrottlingException' } },
            }),
          );
        }
        return Promise.resolve({
          results: sent.map((record) => ({ record, status: 'Success', meteringRecordId: 'm' })),
          unprocessed: [],
        });
      },
      meterUsage: () => Promise.reject(new Error('unused')),
    };
    const engine = createSubmissionEngine({
      api,
      journal: createJournal(memoryFile()),
      pacer,
      time,
      maxAttempts: 8,
      throttleBaseMs: 1,
      backoffCapMs: 2,
    });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(3),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.state).toBe('finished');
    expect(result.counts.success).toBe(3);
    expect(feedback.filter((f) => f === 'throttled')).toHaveLength(12);
    expect(feedback.at(-1)).toBe('accepted');
  });
});

describe('submission engine (fakes): lost answers and closed windows', () => {
  it('parks records whose answers keep getting lost, as Unknown, and goes on', async () => {
    const journal = createJournal(memoryFile());
    const api: MeteringApi = {
      batchMeterUsage: ({ records: sent }) =>
        sent.some((r) => r.CustomerIdentifier === 'cust-0')
          ? Promise.reject(new AppError('AWS_UNAVAILABLE', '503', { retryable: true }))
          : Promise.resolve({
              results: sent.map((record) => ({ record, status: 'Success', meteringRecordId: 'm' })),
              unprocessed: [],
            }),
      meterUsage: () => Promise.reject(new Error('unused')),
    };
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time, maxAttempts: 3 });
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: records(50),
        context,
        pacerKey: { accountId: context.account, region: context.region },
      })
    ).done;
    expect(result.state).toBe('finished');
    // The first call's 25 records may have been billed: parked as Unknown, resent on resume.
    expect(result.counts).toMatchObject({ success: 25, parked: 25 });
    expect(result.outcomes.filter((o) => o.parked).every((o) => o.status === 'Unknown')).toBe(true);
  });

  it('never sends a record whose window closed: settled as WindowClosed without a call', async () => {
    const journal = createJournal(memoryFile());
    const api = echoApi();
    const engine = createSubmissionEngine({ api, journal, pacer: freePacer, time });
    const all = records(30);
    const result = await (
      await engine.submit({
        operation: 'BatchMeterUsage',
        records: all,
        context,
        pacerKey: { accountId: context.account, region: context.region },
        windowClosed: (r) => Number(r.record.Quantity) < 25,
      })
    ).done;
    // The first call holds 25 closed records: it is never made.
    expect(api.calls).toBe(1);
    expect(result.counts).toMatchObject({ success: 5, windowClosed: 25 });
    const settled = (await journal.entries()).filter((e) => e.kind === 'records-settled');
    expect(settled).toHaveLength(1);
    expect(await journal.interruptedSubmissions()).toEqual([]);
  });
});
