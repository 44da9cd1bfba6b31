// Test support: a manual clock whose sleeps resolve only when time is advanced, so pacing and
// backoff can be checked to the millisecond without waiting. Not used by the app.
import type { Sleep } from '../../pacing';

type Timer = { at: number; seq: number; resolve: () => void };

export type FakeTime = {
  now: () => number;
  sleep: Sleep;
  /** Moves time forward, firing due timers in order and letting promise chains settle. */
  advance: (ms: number) => Promise<void>;
  /** Advances timer by timer until the promise settles; fails if nothing is left to wait for. */
  run: <T>(promise: Promise<T>, limitMs?: number) => Promise<T>;
  pending: () => number;
};

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function createFakeTime(start = 0): FakeTime {
  let current = start;
  let seq = 0;
  const timers: Timer[] = [];

  const next = (): Timer | undefined => {
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return timers[0];
  };
  const fire = (timer: Timer): void => {
    timers.splice(timers.indexOf(timer), 1);
    current = Math.max(current, timer.at);
    timer.resolve();
  };

  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('aborted'));
        return;
      }
      const timer: Timer = {
        at: current + Math.max(0, ms),
        seq: seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const at = timers.indexOf(timer);
        if (at >= 0) timers.splice(at, 1);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(timer);
    });

  return {
    now: () => current,
    sleep,
    async advance(ms) {
      const target = current + ms;
      for (;;) {
        await settle();
        const timer = next();
        if (!timer || timer.at > target) break;
        fire(timer);
      }
      current = target;
      await settle();
    },
    async run(promise, limitMs = 1e12) {
      const state = { done: false };
      promise.then(
        () => (state.done = true),
        () => (state.done = true),
      );
      const deadline = current + limitMs;
      for (;;) {
        await settle();
        if (state.done) return promise;
        const timer = next();
        if (!timer) throw new Error('Fake time: the promise waits on nothing that time can move.');
        if (timer.at > deadline) throw new Error('Fake time: limit reached.');
        fire(timer);
      }
    },
    pending: () => timers.length,
  };
}
