// What the engine's unit tests share: a journal context, a fast clock, a pacer that never waits
// and numbered records for one product.
import type { Pacer } from '../../pacing';
import type { EngineRecord } from '../engine';

export const context = {
  connectionId: 'c',
  connectionName: 'C',
  account: '111122223333',
  region: 'us-east-1',
  osUser: 'u',
};

/** Real elapsed time, with sleeps cut to at most 5 ms so backoff and pacing don't slow tests. */
export const time = {
  now: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5))),
};

export const freePacer: Pacer = { acquire: () => Promise.resolve() };

/** `n` records of product `group`, keyed `<group>-<i>`, with quantity i for customer cust-i. */
export function records(n: number, group = 'p'): EngineRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${group}-${i}`,
    productCode: group,
    record: {
      Timestamp: '2026-11-26T03:00:00.000Z',
      Dimension: 'd',
      Quantity: i,
      CustomerIdentifier: `cust-${i}`,
    },
  }));
}
