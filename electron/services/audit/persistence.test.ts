import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditCacheFiles } from '../../adapters/storage/audit-cache-files';
import {
  cacheFileNames,
  createAuditCache,
  decodeEventLine,
  decodeSnapshot,
  encodeEventLine,
  encodeSnapshot,
} from './persistence';
import { createAuditStore } from './store';
import type { LookupEvent } from './sync';
import { meteringEvent, memoryFiles, T0 } from './testing';

const scope = { accountId: '111122223333', region: 'us-east-1' };

const allRows = (store: ReturnType<typeof createAuditStore>) => store.query({ limit: 5000 }).rows;

describe('event lines', () => {
  it('embed the record verbatim and come back unchanged', () => {
    const event = meteringEvent(1);
    const line = encodeEventLine(event, true);
    expect(line).toContain(event.cloudTrailEvent);
    expect(decodeEventLine(line)).toEqual(event);
  });

  it('store a record that is not one-line JSON as a string', () => {
    const event = {
      ...meteringEvent(2),
      cloudTrailEvent: '{\n  "pretty": true, "x": "\\"cloudTrailEvent\\":"\n}',
    };
    const line = encodeEventLine(event, true);
    expect(line).not.toContain('\n');
    expect(decodeEventLine(line)?.cloudTrailEvent).toBe(event.cloudTrailEvent);
    const broken = { ...meteringEvent(3), cloudTrailEvent: '{broken' };
    expect(decodeEventLine(encodeEventLine(broken, false))?.cloudTrailEvent).toBe('{broken');
    expect(decodeEventLine('{"eventId":"x"')).toBeNull();
  });
});

describe('snapshot encoding', () => {
  it('round-trips columns and string tables, including NUL characters', () => {
    const other = createAuditStore();
    other.append([
      {
        eventId: 'a\u0000b',
        eventTime: 1,
        eventName: 'BatchMeterUsage',
        eventSource: 's',
        region: 'r',
        accountId: '1',
        rows: [
          {
            eventId: 'a\u0000b',
            recordIndex: 0,
            eventTime: 1,
            eventName: 'BatchMeterUsage',
            usageHour: null,
            usageTime: null,
            dimension: 'd',
            quantity: 1,
            status: 'Failed',
            errorCode: 'X',
            region: 'r',
            accountId: '1',
          },
        ],
      },
    ]);
    const snap = other.snapshot();
    const back = decodeSnapshot(encodeSnapshot(snap, 123));
    expect(back.jsonlBytes).toBe(123);
    const again = createAuditStore();
    again.appendSnapshot(back.snapshot);
    expect(allRows(again)).toEqual(allRows(other));
  });

  it('refuses damaged bytes', () => {
    const store = createAuditStore();
    const bytes = encodeSnapshot(store.snapshot(), 0);
    expect(() => decodeSnapshot(bytes.slice(0, 5))).toThrow(/unusable/);
    const wrong = bytes.slice();
    wrong[0] = 0;
    expect(() => decodeSnapshot(wrong)).toThrow(/unusable/);
  });
});

describe('audit cache', () => {
  it('appends new events only, keeps the raw record reachable and survives a restart', async () => {
    const files = memoryFiles();
    const store = createAuditStore();
    const cache = createAuditCache({ files, store });
    const first = Array.from({ length: 20 }, (_, i) => meteringEvent(i));
    expect(await cache.appendEvents(scope, first)).toBe(20);
    expect(
      await cache.appendEvents(scope, [...first.slice(15), meteringEvent(20), meteringEvent(20)]),
    ).toBe(1);
    expect(store.rowCount()).toBe(63);
    expect(await cache.readRaw('ev-7')).toBe(meteringEvent(7).cloudTrailEvent);
    expect(await cache.readRaw('nope')).toBeNull();
    await cache.saveSnapshot(scope);

    // Restart: a fresh store reads the snapshot, nothing is parsed again.
    const store2 = createAuditStore();
    const cache2 = createAuditCache({ files, store: store2 });
    const [report] = await cache2.load(scope.accountId);
    expect(report).toMatchObject({
      ...scope,
      source: 'snapshot',
      events: 21,
      rows: 63,
      tailEvents: 0,
      skippedLines: 0,
    });
    // Metering record ids load lazily: rows read them one by one, a filter decodes them all.
    expect(allRows(store2)).toEqual(allRows(store));
    const byId = {
      text: [{ column: 'meteringRecordId' as const, op: 'contains' as const, value: 'm-7-' }],
    };
    expect(store2.query({ filter: byId }).total).toBe(3);
    expect(await cache2.appendEvents(scope, [meteringEvent(21)])).toBe(1);
    expect(
      store2.query({
        filter: { text: [{ column: 'meteringRecordId', op: 'equals', value: 'm-21-2' }] },
      }).total,
    ).toBe(1);
    expect(await cache2.readRaw('ev-20')).toBe(meteringEvent(20).cloudTrailEvent);
  });

  it('replays events written after the snapshot (crash before it was rewritten)', async () => {
    const files = memoryFiles();
    const store = createAuditStore();
    const cache = createAuditCache({ files, store });
    await cache.appendEvents(scope, [meteringEvent(1), meteringEvent(2)]);
    await cache.saveSnapshot(scope);
    await cache.appendEvents(scope, [meteringEvent(3)]);

    const store2 = createAuditStore();
    const report = await createAuditCache({ files, store: store2 }).loadScope(scope);
    expect(report).toMatchObject({ source: 'snapshot', events: 3, tailEvents: 1 });
    expect(allRows(store2)).toEqual(allRows(store));
    // …and wrote a fresh snapshot that covers the tail.
    const snap = decodeSnapshot(files.data.get(cacheFileNames(scope).snapshot) ?? new Uint8Array());
    expect(snap.snapshot.eventCount).toBe(3);
  });

  it('rebuilds from the raw events when the snapshot is missing or damaged, skipping torn lines', async () => {
    const files = memoryFiles();
    const store = createAuditStore();
    const cache = createAuditCache({ files, store });
    await cache.appendEvents(scope, [meteringEvent(1), meteringEvent(2)]);
    await cache.saveSnapshot(scope);
    const names = cacheFileNames(scope);
    files.data.set(names.snapshot, new Uint8Array([1, 2, 3]));
    // A crash mid-append leaves half a line.
    await files.append(names.events, new TextEncoder().encode('{"eventId":"ev-9","eventTi'));

    const store2 = createAuditStore();
    const cache2 = createAuditCache({ files, store: store2 });
    const report = await cache2.loadScope(scope);
    expect(report).toMatchObject({ source: 'rebuilt', events: 2, skippedLines: 1 });
    expect(allRows(store2)).toEqual(allRows(store));
    // The next append starts on a fresh line; every event stays readable.
    expect(await cache2.appendEvents(scope, [meteringEvent(4)])).toBe(1);
    expect(await cache2.readRaw('ev-4')).toBe(meteringEvent(4).cloudTrailEvent);
    const store3 = createAuditStore();
    const report3 = await createAuditCache({ files, store: store3 }).loadScope(scope);
    expect(store3.eventCount()).toBe(3);
    expect(report3.skippedLines).toBe(0); // the snapshot covers the damaged line now
  });

  it('keeps accounts and regions apart and clears one', async () => {
    const files = memoryFiles();
    const store = createAuditStore();
    const cache = createAuditCache({ files, store });
    const west = { ...scope, region: 'eu-west-1' };
    await cache.appendEvents(scope, [meteringEvent(1)]);
    await cache.appendEvents(west, [meteringEvent(2, 'eu-west-1')]);
    await cache.appendEvents({ accountId: '999900001111', region: 'us-east-1' }, [
      meteringEvent(3),
    ]);
    await cache.saveSnapshot(scope);
    await cache.saveSnapshot(west);
    await cache.writeSyncState(west, { coverage: [[1, 2]] });
    expect(await cache.readSyncState(west)).toEqual({ coverage: [[1, 2]] });
    expect(await cache.readSyncState(scope)).toEqual({ coverage: [] });

    const store2 = createAuditStore();
    const reports = await createAuditCache({ files, store: store2 }).load(scope.accountId);
    expect(reports.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(store2.eventCount()).toBe(2);

    await cache.clear(west);
    expect(store.has('ev-2')).toBe(false);
    expect(store.has('ev-1')).toBe(true);
    expect([...files.data.keys()].some((n) => n.includes('eu-west-1'))).toBe(false);
    expect(await cache.readSyncState(west)).toEqual({ coverage: [] });
  });

  it('keeps an event whose record cannot be parsed, without rows', async () => {
    const store = createAuditStore();
    const cache = createAuditCache({ files: memoryFiles(), store });
    const bad: LookupEvent = { eventId: 'bad', eventTime: T0, cloudTrailEvent: '{oops' };
    expect(await cache.appendEvents(scope, [bad])).toBe(1);
    expect(store.has('bad')).toBe(true);
    expect(store.rowCount()).toBe(0);
    expect(await cache.readRaw('bad')).toBe('{oops');
  });

  it('rejects names that could leave the cache folder', () => {
    expect(() => cacheFileNames({ accountId: '../x', region: 'us-east-1' })).toThrow();
    expect(() => cacheFileNames({ accountId: '1', region: 'us/east' })).toThrow();
  });
});

describe('audit cache on node:fs', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through real files with atomic replace', async () => {
    dir = await mkdtemp(join(tmpdir(), 'meterdesk-audit-'));
    const files = createAuditCacheFiles(dir);
    const store = createAuditStore();
    const cache = createAuditCache({ files, store });
    await cache.appendEvents(
      scope,
      Array.from({ length: 50 }, (_, i) => meteringEvent(i)),
    );
    await cache.saveSnapshot(scope);
    await cache.appendEvents(scope, [meteringEvent(50)]);
    // A crash during a replace leaves a temp file; it is ignored and cleaned up.
    await writeFile(join(dir, `${cacheFileNames(scope).snapshot}.tmp-abc`), 'junk');

    const store2 = createAuditStore();
    const files2 = createAuditCacheFiles(dir);
    const report = await createAuditCache({ files: files2, store: store2 }).loadScope(scope);
    expect(report).toMatchObject({ source: 'snapshot', events: 51, tailEvents: 1 });
    expect(allRows(store2)).toEqual(allRows(store));
    expect((await files2.list()).sort()).toEqual(
      [cacheFileNames(scope).events, cacheFileNames(scope).snapshot].sort(),
    );
    expect(await createAuditCache({ files: files2, store: store2 }).readRaw('ev-50')).toBe(
      meteringEvent(50).cloudTrailEvent,
    );
  });

  it('implements the port: ranges, streams from an offset, missing files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'meterdesk-audit-'));
    const files = createAuditCacheFiles(dir);
    const enc = new TextEncoder();
    expect(await files.read('a.txt')).toBeNull();
    expect(await files.size('a.txt')).toBeNull();
    expect(await files.readRange('a.txt', 0, 1)).toBeNull();
    await files.append('a.txt', enc.encode('hello '));
    await files.append('a.txt', enc.encode('world'));
    expect(await files.size('a.txt')).toBe(11);
    expect(
      new TextDecoder().decode((await files.readRange('a.txt', 6, 5)) ?? new Uint8Array()),
    ).toBe('world');
    expect(await files.readRange('a.txt', 6, 50)).toBeNull();
    let streamed = '';
    for await (const chunk of files.stream('a.txt', 6)) streamed += new TextDecoder().decode(chunk);
    expect(streamed).toBe('world');
    for await (const chunk of files.stream('missing', 0)) expect(chunk).toBeUndefined();
    await files.replace('a.txt', enc.encode('new'));
    expect(new TextDecoder().decode((await files.read('a.txt')) ?? new Uint8Array())).toBe('new');
    await files.remove('a.txt');
    await files.remove('a.txt');
    expect(await files.list()).toEqual([]);
    await expect(files.read('../etc/passwd')).rejects.toThrow();
  });
});
