// Importing trail log files into a real cache: the files of one import held and stored together
// in one write, a file told imported only once its events are committed, an event in two files
// added once, a retry pair split across files billed once, a failed write telling every file of
// its batch not stored (and storing none), an abandoned import's held files never stored, and
// batches stored as they fill while the next files are read.
import { afterEach, describe, expect, it } from 'vitest';
import type { TrailFileSummary } from '../../../shared/audit';
import type { AuditImportTrailInput } from '../../../shared/channels/audit';
import type { AccountCache } from './account-cache';
import { openTestCache, type TestCache } from './testing';
import { TRAIL_ACCOUNT, trailFile, trailRecord } from './testing/trail-records';
import { createTrailImporter, HOLD_MAX, type HoldLimits } from './trail-importer';

const NOW = Date.UTC(2026, 6, 10, 12);

let t: TestCache | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Fixture = {
  cache: AccountCache;
  importPart: ReturnType<typeof createTrailImporter>;
  /** The events of each write the importer asked of the cache. */
  writes: string[][];
  /** Makes the next write fail. */
  failNext: () => void;
};

async function fixture(limits: Partial<HoldLimits> = {}, clock = () => NOW): Promise<Fixture> {
  t = await openTestCache(TRAIL_ACCOUNT);
  const cache = t.cache;
  const writes: string[][] = [];
  let fail = false;
  const store: AccountCache['store'] = (events, options) => {
    writes.push(events.map((e) => e.parsed.eventId));
    if (fail) {
      fail = false;
      return Promise.reject(new Error('disk full'));
    }
    return cache.store(events, options);
  };
  const counted: AccountCache = { ...cache, store };
  let id = 0;
  const importPart = createTrailImporter({
    cache: () => Promise.resolve(counted),
    now: clock,
    newId: () => `id-${String((id += 1))}`,
    emitChanged: () => undefined,
    holdMax: { ...HOLD_MAX, ...limits },
  });
  return { cache, importPart, writes, failNext: () => (fail = true) };
}

function part(fileName: string, text: string, extra: Partial<AuditImportTrailInput> = {}) {
  return { fileName, text, ...extra };
}

/** Imports the named one-event files as one import; returns every summary told. */
async function importAll(f: Fixture, names: readonly string[]): Promise<TrailFileSummary[]> {
  const reported: TrailFileSummary[] = [];
  let holdId: string | undefined;
  for (const [i, name] of names.entries()) {
    const last = i === names.length - 1;
    const answer = await f.importPart(
      part(`${name}.json`, trailFile(trailRecord(`ev-${name}`)), {
        ...(last ? {} : { hold: true }),
        ...(holdId === undefined ? {} : { holdId }),
      }),
    );
    if (answer.status === 'held') {
      holdId = answer.holdId;
      reported.push(...answer.stored);
    } else if (answer.status === 'done') {
      reported.push(...(answer.stored ?? []), answer.file);
    }
  }
  return reported;
}

const told = (files: readonly TrailFileSummary[]) =>
  files.map((f) => [f.fileName, f.added, f.duplicates, f.notStored ?? null]);

describe('an import of several trail files', () => {
  it('stores held files in one write with the last, an event in two files added once', async () => {
    const f = await fixture();
    const a = await f.importPart(
      part('a.json', trailFile(trailRecord('ev-1'), trailRecord('ev-2')), { hold: true }),
    );
    expect(a).toEqual({ status: 'held', holdId: 'id-1', stored: [] });
    const b = await f.importPart(
      part('b.json', trailFile(trailRecord('ev-2'), trailRecord('ev-3')), {
        hold: true,
        holdId: 'id-1',
      }),
    );
    expect(b).toEqual({ status: 'held', holdId: 'id-1', stored: [] });
    // Held, not committed: nothing is told imported and nothing is in the cache.
    expect(await f.cache.counts()).toEqual({ events: 0, rows: 0 });
    const c = await f.importPart(
      part('c.json', trailFile(trailRecord('ev-4')), { holdId: 'id-1' }),
    );
    if (c.status !== 'done') throw new Error('expected the last file done');
    expect(told([...(c.stored ?? []), c.file])).toEqual([
      ['a.json', 2, 0, null],
      ['b.json', 1, 1, null],
      ['c.json', 1, 0, null],
    ]);
    expect(f.writes).toEqual([['ev-1', 'ev-2', 'ev-2', 'ev-3', 'ev-4']]);
    expect(await f.cache.counts()).toEqual({ events: 4, rows: 4 });
  });

  it('bills a retry pair split across two files of one write once', async () => {
    const f = await fixture();
    const result = trailRecord('ev-first').responseElements;
    await f.importPart(part('a.json', trailFile(trailRecord('ev-first')), { hold: true }));
    await f.importPart(
      part(
        'b.json',
        trailFile(
          trailRecord('ev-retry', { eventTime: '2026-07-10T11:06:00Z', responseElements: result }),
        ),
        { holdId: 'id-1' },
      ),
    );
    const rows = await f.cache.db.all(
      'SELECT event_id, billing::VARCHAR AS billing FROM usage_records ORDER BY event_id',
    );
    expect(rows).toEqual([
      { event_id: 'ev-first', billing: 'billed' },
      { event_id: 'ev-retry', billing: 'replay' },
    ]);
  });

  it('tells every file of a failed write not stored, stores none, and a second import stores them', async () => {
    const f = await fixture();
    await f.importPart(part('a.json', trailFile(trailRecord('ev-1')), { hold: true }));
    f.failNext();
    const last = await f.importPart(
      part('b.json', trailFile(trailRecord('ev-2')), { holdId: 'id-1' }),
    );
    if (last.status !== 'done') throw new Error('expected the last file done');
    expect(told([...(last.stored ?? []), last.file])).toEqual([
      ['a.json', 0, 0, 'disk full'],
      ['b.json', 0, 0, 'disk full'],
    ]);
    expect(await f.cache.counts()).toEqual({ events: 0, rows: 0 });
    const again = await f.importPart(
      part('a.json', trailFile(trailRecord('ev-1'), trailRecord('ev-2'))),
    );
    expect(again.status === 'done' && told([again.file])).toEqual([['a.json', 2, 0, null]]);
  });

  it('never stores or tells the held files of an abandoned import, and refuses its hold id', async () => {
    const f = await fixture();
    await f.importPart(part('a.json', trailFile(trailRecord('ev-1')), { hold: true }));
    // A new import starts (no hold id): the first one's held file is dropped.
    const other = await f.importPart(part('x.json', trailFile(trailRecord('ev-9'))));
    // Only the new import's file is told: nothing of the abandoned one.
    expect(other.status === 'done' && [other.stored, told([other.file])]).toEqual([
      undefined,
      [['x.json', 1, 0, null]],
    ]);
    expect(f.writes).toEqual([['ev-9']]);
    await expect(
      f.importPart(part('b.json', trailFile(trailRecord('ev-2')), { holdId: 'id-1' })),
    ).rejects.toThrow('This import was interrupted');
    expect(await f.cache.counts()).toEqual({ events: 1, rows: 1 });
  });

  it('stores a batch once it is full while the next files are read, telling each file once', async () => {
    const f = await fixture({ events: 2 });
    const reported = await importAll(f, ['a', 'b', 'c', 'd', 'e']);
    expect(f.writes).toEqual([['ev-a', 'ev-b'], ['ev-c', 'ev-d'], ['ev-e']]);
    expect(told(reported).sort()).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((n) => [`${n}.json`, 1, 0, null]),
    );
    expect(await f.cache.counts()).toEqual({ events: 5, rows: 5 });
  });

  it('stores held files after so many files, or once the first has waited long enough', async () => {
    const byFiles = await fixture({ files: 3 });
    await importAll(byFiles, ['a', 'b', 'c', 'd']);
    expect(byFiles.writes).toEqual([['ev-a', 'ev-b', 'ev-c'], ['ev-d']]);
    await t?.close();
    let now = NOW;
    const byTime = await fixture({ ms: 2_000 }, () => (now += 900));
    await importAll(byTime, ['a', 'b', 'c', 'd', 'e']);
    // Files arrive 0.9 s apart: when d arrives, a has waited 2.7 s, so a to d are stored.
    expect(byTime.writes).toEqual([['ev-a', 'ev-b', 'ev-c', 'ev-d'], ['ev-e']]);
  });

  it('tells a file without events to store at once, holding nothing', async () => {
    const f = await fixture();
    const answer = await f.importPart(part('empty.json', trailFile(), { hold: true }));
    expect(answer.status === 'held' && told(answer.stored)).toEqual([['empty.json', 0, 0, null]]);
    expect(f.writes).toEqual([]);
  });
});
