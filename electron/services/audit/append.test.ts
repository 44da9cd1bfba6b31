// Writes one at a time keep the daily rollup equal to the records it sums: new rows are added
// to their groups (new groups inserted), and when a write brings an earlier appearance of a
// stored MeteringRecordId — so a stored row changes from billed to replay — the touched days are
// summed again. Compared with the rollup rebuilt from every record.
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS, type AuditRow } from '../../../shared/audit';
import type { ParsedAuditEvent } from './parse';
import { rebuildDaily } from './rollup';
import { openTestCache, parsedCall, storedEvents, type TestCache } from './testing';

const HOUR = Date.UTC(2026, 6, 1, 22);
const ACCOUNT = '111122223333';

type Rec = { customer: string; hour: number | null; status: AuditRow['status']; mrid?: string };

function event(id: string, minutes: number, records: Rec[]): ParsedAuditEvent {
  return parsedCall(
    id,
    HOUR + minutes * 60_000,
    records.map((r, i) => ({
      usageHour: r.hour,
      usageTime: r.hour === null ? null : r.hour + 60_000,
      customerAwsAccountId: r.customer,
      quantity: 10 + i,
      status: r.status,
      ...(r.mrid === undefined ? {} : { meteringRecordId: r.mrid }),
    })),
    { accountId: ACCOUNT },
  );
}

const ROLLUP = `SELECT usage_day, event_day, party_code, dimension_code, region_code,
  status::VARCHAR AS status, billing::VARCHAR AS billing, sum(records)::BIGINT AS records,
  sum(quantity)::BIGINT AS quantity FROM $daily GROUP BY ALL ORDER BY ALL`;

let t: TestCache | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function rollup(test: TestCache): Promise<unknown[]> {
  return test.cache.db.all(ROLLUP.replace('$daily', test.cache.tables.daily));
}

describe('the daily rollup under writes one at a time', () => {
  it('equals the rollup of every record after adds, new groups, a late earlier send and no hour', async () => {
    t = await openTestCache(ACCOUNT);
    const next = HOUR + HOUR_MS; // the next UTC day
    const writes: ParsedAuditEvent[][] = [
      [
        event('ev-b', 30, [
          { customer: '444455556666', hour: HOUR, status: 'Success', mrid: 'mr-1' },
        ]),
      ],
      [
        event('ev-c', 50, [
          { customer: '444455556666', hour: HOUR, status: 'Success', mrid: 'mr-2' },
          { customer: '777788889999', hour: next, status: 'Success', mrid: 'mr-3' },
          { customer: '777788889999', hour: null, status: 'Unknown' },
        ]),
      ],
      // An earlier send of mr-1 arrives last: the stored row becomes the replay.
      [
        event('ev-a', 10, [
          { customer: '444455556666', hour: HOUR, status: 'Success', mrid: 'mr-1' },
        ]),
      ],
      [
        event('ev-d', 70, [
          { customer: '444455556666', hour: HOUR, status: 'Success', mrid: 'mr-2' },
          { customer: '777788889999', hour: next, status: 'DuplicateRecord' },
          { customer: '777788889999', hour: null, status: 'Unknown' },
        ]),
      ],
    ];
    for (const write of writes) await t.cache.store(storedEvents(write));
    const kept = await rollup(t);
    const test = t;
    await test.cache.db.write((tx) => rebuildDaily(tx, test.cache.tables));
    expect(kept).toEqual(await rollup(test));
    const rows = await test.cache.db.all(
      `SELECT billing::VARCHAR AS billing, sum(records)::BIGINT AS n FROM ${test.cache.tables.daily} GROUP BY ALL ORDER BY ALL`,
    );
    expect(rows).toEqual([
      { billing: 'billed', n: 3 },
      { billing: 'duplicate', n: 1 },
      { billing: 'replay', n: 2 },
      { billing: 'unknown', n: 2 },
    ]);
  });

  it('adds a write’s Failed records to the failures rollup, and nothing for a write without any', async () => {
    t = await openTestCache(ACCOUNT);
    const writes: ParsedAuditEvent[][] = [
      [
        event('ev-f1', 5, [
          { customer: '444455556666', hour: HOUR, status: 'Failed' },
          { customer: '444455556666', hour: HOUR, status: 'Success', mrid: 'mr-9' },
        ]),
      ],
      [
        event('ev-ok', 15, [
          { customer: '777788889999', hour: HOUR, status: 'Success', mrid: 'mr-8' },
        ]),
      ],
      [event('ev-f2', 25, [{ customer: '777788889999', hour: null, status: 'Failed' }])],
    ];
    for (const write of writes) await t.cache.store(storedEvents(write));
    const test = t;
    const failures = () =>
      test.cache.db.all(
        `SELECT usage_day, event_day, party_code, status::VARCHAR AS status, event_seq, records
         FROM ${test.cache.tables.failures} ORDER BY ALL`,
      );
    const kept = await failures();
    expect(kept.map((r) => [r.event_seq, r.records])).toEqual([
      [0, 1],
      [2, 1],
    ]);
    await test.cache.db.write((tx) => rebuildDaily(tx, test.cache.tables));
    expect(kept).toEqual(await failures());
  });
});
