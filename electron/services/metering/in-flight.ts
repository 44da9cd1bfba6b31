// One record, one sender at a time: while a submission runs, the AWS dedup keys of its records
// (product or license, customer, dimension, hour) are held here. A second submission holding any
// of them is refused before it journals anything, naming the one that is running, and a preview
// made meanwhile flags those records.
import { AppError } from '../../../shared/errors';

export type InFlightLock = {
  /** Takes every key for `holder`, or throws RECORDS_IN_FLIGHT naming who holds one already. */
  take: (holder: string, keys: readonly string[]) => void;
  release: (holder: string) => void;
  /** Who is sending this key right now. */
  holder: (key: string) => string | undefined;
  /** Moves the keys to another holder (a submission id known only once it started). */
  rename: (from: string, to: string) => void;
};

export function createInFlightLock(): InFlightLock {
  const byKey = new Map<string, string>();
  const byHolder = new Map<string, string[]>();
  return {
    take(holder, keys) {
      const busy = keys.map((key) => ({ key, by: byKey.get(key) })).filter((k) => k.by);
      const first = busy[0];
      if (first?.by !== undefined) {
        throw new AppError(
          'RECORDS_IN_FLIGHT',
          `${busy.length.toLocaleString('en-US')} of these records ${busy.length === 1 ? 'is' : 'are'} being sent right now by submission ${first.by}; nothing was sent.`,
          {
            hint: 'Wait for that submission to finish (its records then show as already billed), then preview again.',
            details: { submissionId: first.by, keys: busy.slice(0, 20).map((k) => k.key) },
          },
        );
      }
      for (const key of keys) byKey.set(key, holder);
      byHolder.set(holder, [...(byHolder.get(holder) ?? []), ...keys]);
    },
    release(holder) {
      for (const key of byHolder.get(holder) ?? []) {
        if (byKey.get(key) === holder) byKey.delete(key);
      }
      byHolder.delete(holder);
    },
    holder: (key) => byKey.get(key),
    rename(from, to) {
      const keys = byHolder.get(from) ?? [];
      for (const key of keys) if (byKey.get(key) === from) byKey.set(key, to);
      byHolder.delete(from);
      byHolder.set(to, keys);
    },
  };
}
