// Token-bucket pacer per (account, region, API) with a bucket of one: calls leave at most
// `rate` per second with no bursts, so the app stays just under AWS's limit instead of bouncing
// off it. Waiters are served in arrival order. Time comes in through `now`/`sleep` so tests can
// use fake time; the metering submission engine shares the same instance.
// When AWS throttles anyway (another client shares the quota), the lane's rate is halved; each
// accepted call adds 5 % of the published rate back (additive increase, multiplicative decrease).
import {
  PACING_RATES,
  type PacedApi,
  type Pacer,
  type PacerKey,
  type Sleep,
} from '../../services/pacing';

type Waiter = {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
};

type Lane = {
  /** The published rate (requests/s): never exceeded. */
  max: number;
  /** The rate in force now, lowered by throttles. */
  rate: number;
  last: number;
  queue: Waiter[];
  pumping: boolean;
};

/** The slowest a lane goes after throttles: one call every 10 s still makes progress. */
const MIN_RATE = 0.1;
/** Each accepted call gives back this share of the published rate. */
const INCREASE_SHARE = 0.05;

export type PacerOptions = {
  /** Monotonic milliseconds. */
  now: () => number;
  sleep: Sleep;
  rates?: Partial<Record<PacedApi, number>>;
};

export function createPacer(options: PacerOptions): Pacer & {
  feedback: NonNullable<Pacer['feedback']>;
  /** Calls waiting per key (diagnostics and tests). */
  waiting: (key: PacerKey) => number;
  /** The rate in force for a key (requests/s). */
  rate: (key: PacerKey) => number;
} {
  const rates: Record<PacedApi, number> = { ...PACING_RATES, ...options.rates };
  const lanes = new Map<string, Lane>();

  const laneKey = (key: PacerKey): string => `${key.accountId}\n${key.region}\n${key.api}`;

  function laneFor(key: PacerKey): Lane {
    const id = laneKey(key);
    let lane = lanes.get(id);
    if (!lane) {
      const rate = rates[key.api];
      lane = { max: rate, rate, last: -Infinity, queue: [], pumping: false };
      lanes.set(id, lane);
    }
    return lane;
  }

  async function pump(lane: Lane): Promise<void> {
    if (lane.pumping) return;
    lane.pumping = true;
    try {
      while (lane.queue.length > 0) {
        const wait = lane.last + 1000 / lane.rate - options.now();
        if (wait > 0) {
          // Re-checked after waking: timers may fire a little early or late.
          await options.sleep(wait);
          continue;
        }
        const waiter = lane.queue.shift();
        if (!waiter) break;
        // Spacing is measured from the actual grant, so lateness never turns into a burst.
        lane.last = options.now();
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    } finally {
      lane.pumping = false;
    }
  }

  return {
    acquire(key, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortError(signal));
          return;
        }
        const lane = laneFor(key);
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const at = lane.queue.indexOf(waiter);
            if (at >= 0) lane.queue.splice(at, 1);
            reject(abortError(signal));
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        lane.queue.push(waiter);
        void pump(lane);
      });
    },
    feedback(key, answer) {
      const lane = laneFor(key);
      lane.rate =
        answer === 'throttled'
          ? Math.max(Math.min(MIN_RATE, lane.max), lane.rate / 2)
          : Math.min(lane.max, lane.rate + lane.max * INCREASE_SHARE);
    },
    waiting: (key) => lanes.get(laneKey(key))?.queue.length ?? 0,
    rate: (key) => laneFor(key).rate,
  };
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

/** Real time: a monotonic clock and an abortable timer. */
export const realTime: { now: () => number; sleep: Sleep } = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
