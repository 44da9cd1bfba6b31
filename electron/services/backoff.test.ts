import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoff', () => {
  it('doubles per attempt up to the cap, jittered within the upper half of the ceiling', () => {
    const low = { baseMs: 100, capMs: 1_000, random: () => 0 };
    const high = { ...low, random: () => 0.999_999 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, low))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay(3, high)).toBeCloseTo(400, 0);
    expect(backoffDelay(20, high)).toBeLessThanOrEqual(1_000);
    for (let i = 0; i < 100; i += 1) {
      const d = backoffDelay(4, { baseMs: 100, capMs: 10_000 });
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
