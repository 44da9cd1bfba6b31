import { describe, expect, it } from 'vitest';
import { createFakeTime } from '../../services/audit/testing/fake-time';
import type { PacerKey } from '../../services/pacing';
import { createPacer } from './pacer';

const lookup: PacerKey = { accountId: '111122223333', region: 'us-east-1', api: 'LookupEvents' };

describe('pacer', () => {
  it('spaces LookupEvents 500 ms apart with no burst, in arrival order', async () => {
    const time = createFakeTime(1_000);
    const pacer = createPacer(time);
    const granted: { id: number; at: number }[] = [];
    const all = Array.from({ length: 10 }, (_, id) =>
      pacer.acquire(lookup).then(() => granted.push({ id, at: time.now() })),
    );
    await time.run(Promise.all(all));
    expect(granted.map((g) => g.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(granted.map((g) => g.at - 1_000)).toEqual([
      0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500,
    ]);
    // No one-second window ever holds more than 2 grants.
    for (const g of granted) {
      expect(granted.filter((h) => h.at >= g.at && h.at < g.at + 1000).length).toBeLessThanOrEqual(
        2,
      );
    }
  });

  it('takes rates from the table per API and keeps keys independent', async () => {
    const time = createFakeTime();
    const pacer = createPacer(time);
    const times: Record<string, number[]> = { meter: [], lookupA: [], lookupB: [], register: [] };
    const meter: PacerKey = { ...lookup, api: 'BatchMeterUsage' };
    const register: PacerKey = { ...lookup, api: 'RegisterUsage' };
    const otherRegion: PacerKey = { ...lookup, region: 'eu-west-1' };
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      work.push(pacer.acquire(meter).then(() => times.meter?.push(time.now())));
      work.push(pacer.acquire(lookup).then(() => times.lookupA?.push(time.now())));
      work.push(pacer.acquire(otherRegion).then(() => times.lookupB?.push(time.now())));
      work.push(pacer.acquire(register).then(() => times.register?.push(time.now())));
    }
    await time.run(Promise.all(work));
    expect(times.meter).toEqual([0, 100, 200]);
    expect(times.register).toEqual([0, 200, 400]);
    expect(times.lookupA).toEqual([0, 500, 1000]);
    expect(times.lookupB).toEqual([0, 500, 1000]);
  });

  it('never lets a late caller burst: spacing counts from the last grant', async () => {
    const time = createFakeTime();
    const pacer = createPacer(time);
    await time.run(pacer.acquire(lookup));
    await time.advance(5_000); // idle for a while: no credit builds up
    const at: number[] = [];
    await time.run(
      Promise.all([1, 2, 3].map(() => pacer.acquire(lookup).then(() => at.push(time.now())))),
    );
    expect(at).toEqual([5_000, 5_500, 6_000]);
  });

  it('drops an aborted waiter and serves the others on schedule', async () => {
    const time = createFakeTime();
    const pacer = createPacer(time);
    const controller = new AbortController();
    const order: string[] = [];
    const a = pacer.acquire(lookup).then(() => order.push(`a@${time.now()}`));
    const b = pacer.acquire(lookup, controller.signal).then(
      () => order.push('b'),
      (error: unknown) => order.push(`b aborted: ${(error as Error).name}`),
    );
    const c = pacer.acquire(lookup).then(() => order.push(`c@${time.now()}`));
    await time.advance(100);
    controller.abort();
    await time.run(Promise.all([a, b, c]));
    expect(order).toEqual(['a@0', 'b aborted: AbortError', 'c@500']);
    expect(pacer.waiting(lookup)).toBe(0);
    // Already aborted: rejected at once.
    await expect(pacer.acquire(lookup, controller.signal)).rejects.toThrow();
  });

  it('slows down on throttling (halving) and speeds back up additively, never past the published rate', async () => {
    const time = createFakeTime();
    const pacer = createPacer(time);
    const meter: PacerKey = { ...lookup, api: 'BatchMeterUsage' };
    expect(pacer.rate(meter)).toBe(10);
    pacer.feedback(meter, 'throttled');
    pacer.feedback(meter, 'throttled');
    expect(pacer.rate(meter)).toBe(2.5);
    // Spacing follows the lowered rate: 400 ms apart.
    const granted: number[] = [];
    await time.run(
      Promise.all([0, 1, 2].map(() => pacer.acquire(meter).then(() => granted.push(time.now())))),
    );
    expect(granted).toEqual([0, 400, 800]);
    for (let i = 0; i < 5; i++) pacer.feedback(meter, 'accepted');
    expect(pacer.rate(meter)).toBeCloseTo(5, 6);
    for (let i = 0; i < 100; i++) pacer.feedback(meter, 'accepted');
    expect(pacer.rate(meter)).toBe(10);
    // Throttled without end, it still lets one call through every 10 s: slower, never stopped.
    for (let i = 0; i < 50; i++) pacer.feedback(meter, 'throttled');
    expect(pacer.rate(meter)).toBe(0.1);
    // Other lanes are untouched.
    expect(pacer.rate({ ...meter, region: 'eu-west-1' })).toBe(10);
  });
});
