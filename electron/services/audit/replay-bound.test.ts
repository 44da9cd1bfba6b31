// A write whose records all fall after every stored usage time asks the cache nothing about
// earlier sends (replays.ts StoredUntil), and one that shares some hours with what is stored asks
// only about those; a send of an hour the cache already holds is still found and marked a
// replay: after a reopen, after a load in time order, and in a large batch.
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/audit';
import type { ParsedAuditEvent } from './parse';
import { openTestCache, parsedCall, storedEvents, TEST_ACCOUNT } from './testing';

const H0 = Date.UTC(2026, 6, 1);

/** One call in usage hour `hour`, sent `minute` minutes after it, its records' ids as given. */
function call(id: string, hour: number, minute: number, mrids: string[]): ParsedAuditEvent {
  return parsedCall(
    id,
    H0 + hour * HOUR_MS + minute * 60_000,
    mrids.map((mrid) => ({
      usageHour: H0 + hour * HOUR_MS,
      usageTime: H0 + hour * HOUR_MS,
      customerIdentifier: `c-${mrid}`,
      quantity: 1,
      status: 'Success',
      meteringRecordId: mrid,
    })),
  );
}

async function replayed(cache: Awaited<ReturnType<typeof openTestCache>>['cache']) {
  const rows = await cache.db.all(
    `SELECT event_id, record_index FROM usage_records WHERE billing = 'replay' ORDER BY ALL`,
  );
  return rows.map((r) => `${String(r.event_id)}#${String(r.record_index)}`);
}

describe('replays across writes', () => {
  it('are found after a reopen and after a load in time order, in small and large writes', async () => {
    const t = await openTestCache();
    await t.cache.store(storedEvents([call('a', 0, 5, ['m-a'])]));
    await t.cache.close();
    const again = await openTestCache(TEST_ACCOUNT, t.dir);
    // Hours in order, each write after everything stored, then a re-send of hour 0 beside new ones.
    for (let hour = 1; hour <= 3; hour++) {
      await again.cache.store(
        storedEvents([call(`h${String(hour)}`, hour, 5, [`m-${String(hour)}`])]),
      );
    }
    await again.cache.store(
      storedEvents([call('late', 0, 50, ['m-a']), call('h4', 4, 5, ['m-4'])]),
    );
    // A large write (more ids than are looked up at once) re-sending hour 2's record, and hour
    // 4's, whose usage time is the latest stored: the hour that starts there is still asked.
    const many = Array.from({ length: 6_000 }, (_, i) => `m-big-${String(i)}`);
    await again.cache.store(
      storedEvents([
        call('big', 5, 5, many),
        call('late-2', 2, 40, ['m-2']),
        call('late-4', 4, 45, ['m-4']),
      ]),
      { bulk: true },
    );
    await again.cache.finishBulk();
    expect(await replayed(again.cache)).toEqual(['late#0', 'late-2#0', 'late-4#0']);
    await again.close();
    await t.close();
  });
});
