// Parsed events as columns (what a worker sends and a write takes) give back exactly the rows
// parsing made, for every kind of record the parser reads (testing/trail-records.ts
// variedEvents), and rows filled in from the journal; each billed candidate knows the batch's
// first row with its MeteringRecordId, also after events are picked out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditStatus } from '../../../shared/audit';
import { fillIngested, parseForScope, type IngestedEvent } from './ingest';
import { decodeParsed, encodeParsed, pickEvents } from './parsed-columns';
import { parsedCall } from './testing';
import { journalCall } from './testing/journal-call';
import { TRAIL_ACCOUNT, variedEvents } from './testing/trail-records';

const scope = { accountId: TRAIL_ACCOUNT, region: 'us-east-1' };
const events = variedEvents();

const parsedAll = (): IngestedEvent[] => events.map((event) => parseForScope(event, scope));

/** A BatchMeterUsage call answered with these ids and statuses. */
const call = (id: string, answers: [string, AuditStatus][]): IngestedEvent => ({
  parsed: parsedCall(
    id,
    Date.UTC(2026, 6, 1, 10, 5),
    answers.map(([mrid, status]) => ({
      meteringRecordId: mrid,
      status,
      quantity: 1,
      usageHour: null,
      usageTime: null,
    })),
  ),
  json: true,
});

describe('parsed events as columns', () => {
  it('give back exactly the events and rows parsing made', () => {
    const parsed = parsedAll();
    // The fixture reaches what it is meant to: every status, a null usage time, a license.
    const rows = parsed.flatMap((p) => p.parsed.rows);
    expect(new Set(rows.map((r) => r.status))).toEqual(
      new Set([
        'Success',
        'DuplicateRecord',
        'CustomerNotSubscribed',
        'Failed',
        'Unknown',
        'Unprocessed',
      ]),
    );
    expect(rows.some((r) => r.usageTime === null)).toBe(true);
    expect(rows.some((r) => r.allocations !== undefined && r.licenseArn === undefined)).toBe(true);
    expect(parsed.some((p) => !p.json)).toBe(true);

    const columns = encodeParsed(parsed);
    expect(columns.rows).toBe(rows.length);
    expect(decodeParsed(columns)).toStrictEqual(parsed);
  });

  it('keep rows filled in from the journal as filled', () => {
    const parsed = parsedAll();
    for (const item of parsed)
      fillIngested(item, (id) => (id === 'req-both-omitted' ? journalCall : undefined));
    const filled = parsed.flatMap((p) => p.parsed.rows).filter((r) => r.filledFrom === 'journal');
    expect(filled).toHaveLength(2);
    expect(decodeParsed(encodeParsed(parsed))).toStrictEqual(parsed);
  });

  it('pick events with their own rows, texts and all', () => {
    const parsed = parsedAll();
    const keep = parsed.map((_, i) => i % 2 === 1);
    const picked = pickEvents(encodeParsed(parsed), keep);
    expect(decodeParsed(picked)).toStrictEqual(parsed.filter((_, i) => keep[i]));
    expect(
      decodeParsed(
        pickEvents(
          encodeParsed(parsed),
          keep.map(() => false),
        ),
      ),
    ).toEqual([]);
  });

  it('are built whole across many events (the arrays grow)', () => {
    const many = Array.from(
      { length: 1_200 },
      (_, i) => parsedAll()[i % events.length] as IngestedEvent,
    );
    const columns = encodeParsed(many);
    expect(columns.recordIndex.length).toBeGreaterThan(1_024);
    expect(decodeParsed(columns)).toStrictEqual(many);
  });

  it('point each billed candidate at the first row with its id, and only billed candidates', () => {
    const batch = [
      call('e1', [
        ['m-1', 'Success'],
        ['m-2', 'DuplicateRecord'],
      ]),
      call('e2', [
        ['m-3', 'Success'],
        ['m-1', 'Success'],
      ]),
      call('e3', [
        ['m-3', 'Success'],
        ['m-2', 'Success'],
        ['m-1', 'Success'],
      ]),
    ];
    // Rows: e1 0–1, e2 2–3, e3 4–6. A DuplicateRecord answer is no billed candidate.
    expect([...encodeParsed(batch).sameId]).toEqual([0, -1, 2, 0, 2, 5, 0]);
    // Without e1, the first rows of m-1 and m-3 are e2's.
    expect([...pickEvents(encodeParsed(batch), [false, true, true]).sameId]).toEqual([
      0, 1, 0, 3, 1,
    ]);
  });

  it('find the first row of every id in a batch of thousands (the id table fills and collides)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.boolean()), {
          minLength: 1_000,
          maxLength: 4_000,
        }),
        (draws) => {
          // Ids drawn from fewer values than rows repeat; a false draw is a DuplicateRecord.
          const answers = draws.map(([n, billed]): [string, AuditStatus] => [
            `mrid-${String(n)}`,
            billed ? 'Success' : 'DuplicateRecord',
          ]);
          const batch = [];
          for (let i = 0; i < answers.length; i += 25) {
            batch.push(call(`e${String(i)}`, answers.slice(i, i + 25)));
          }
          const first = new Map<string, number>();
          const expected = answers.map(([mrid, status], k) => {
            if (status !== 'Success') return -1;
            if (!first.has(mrid)) first.set(mrid, k);
            return first.get(mrid) ?? -1;
          });
          expect([...encodeParsed(batch).sameId]).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
