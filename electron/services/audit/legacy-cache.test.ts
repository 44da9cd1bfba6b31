// Moving the cache earlier versions wrote (JSONL of events + sync bookkeeping per account and
// region) into the cache database: every event and the bookkeeping arrive, progress is reported,
// a torn last line is skipped, and the old files go only once the database shows every event.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../../shared/contract';
import { createLegacyCacheFiles } from '../../adapters/storage/audit-cache-files';
import { queryWindow } from './explorer';
import {
  decodeEventLine,
  legacyFileNames,
  migrateLegacyCache,
  MigrationNotVerified,
} from './legacy-cache';
import { BULK_BATCH_EVENTS } from './sink';
import type { LookupEvent } from './sync';
import { meteringEvent, openTestCache, TEST_ACCOUNT } from './testing';

/**
 * Events of the older cache's us-east-1 file: two writes' worth and some, so the progress bar
 * moves before the file's last chunk is read.
 */
const EAST = 2 * BULK_BATCH_EVENTS + 500;

/** A line as earlier versions wrote it: lookup metadata, then the record verbatim. */
function legacyLine(event: LookupEvent): string {
  const meta = JSON.stringify({
    eventId: event.eventId,
    eventTime: event.eventTime,
    eventName: event.eventName,
    eventSource: event.eventSource,
    username: event.username,
  });
  return `${meta.slice(0, -1)},"cloudTrailEvent":${event.cloudTrailEvent}}`;
}

async function writeLegacy(
  dir: string,
  region: string,
  events: readonly LookupEvent[],
  tail = '',
): Promise<void> {
  const names = legacyFileNames(TEST_ACCOUNT, region);
  await writeFile(join(dir, names.events), `${events.map(legacyLine).join('\n')}\n${tail}`);
  await writeFile(join(dir, names.snapshot), 'MDAUDIT1 derived columns, not needed');
  await writeFile(
    join(dir, names.sync),
    JSON.stringify({ coverage: [[1_000, 2_000]], lastCompleteAt: 2_000 }),
  );
}

describe('moving an older audit cache', () => {
  it('reads the lines earlier versions wrote, including records kept as strings', () => {
    const event = meteringEvent(1);
    expect(decodeEventLine(legacyLine(event))).toEqual({
      eventId: 'ev-1',
      eventTime: event.eventTime,
      eventName: 'BatchMeterUsage',
      eventSource: 'metering-marketplace.amazonaws.com',
      username: 'meter',
      cloudTrailEvent: event.cloudTrailEvent,
    });
    expect(
      decodeEventLine('{"eventId":"x","eventTime":1,"cloudTrailEvent":"{\\n  \\"pretty\\": 1\\n}"}')
        ?.cloudTrailEvent,
    ).toBe('{\n  "pretty": 1\n}');
    expect(decodeEventLine('{"eventId":"x"')).toBeNull();
  });

  it('moves every event and the sync bookkeeping of each region, then removes the old files', async () => {
    const t = await openTestCache();
    const east = Array.from({ length: EAST }, (_, i) => meteringEvent(i));
    const westEvents = [meteringEvent(90_000, 'eu-west-1'), meteringEvent(90_001, 'eu-west-1')];
    // A crash mid-append left half a line at the end of one file.
    await writeLegacy(t.dir, 'us-east-1', east, '{"eventId":"ev-torn","eventTi');
    await writeLegacy(t.dir, 'eu-west-1', westEvents);
    await writeFile(
      join(t.dir, '999900001111_us-east-1.events.jsonl'),
      legacyLine(meteringEvent(5)),
    );

    const progress: TaskProgress[] = [];
    const report = await migrateLegacyCache(createLegacyCacheFiles(t.dir), t.cache, (p) =>
      progress.push(p),
    );
    expect(report?.regions).toEqual([
      { region: 'eu-west-1', events: 2, skippedLines: 0 },
      { region: 'us-east-1', events: EAST, skippedLines: 1 },
    ]);
    expect(await t.cache.counts()).toEqual({ events: EAST + 2, rows: (EAST + 2) * 3 });
    expect((await t.cache.readRaw('ev-7'))?.text).toBe(meteringEvent(7).cloudTrailEvent);
    expect(await t.cache.readSyncState('eu-west-1')).toEqual({
      coverage: [[1_000, 2_000]],
      lastCompleteAt: 2_000,
    });
    const window = await queryWindow(t.cache, { filter: {}, offset: 0, limit: 3 });
    expect(window.total).toBe((EAST + 2) * 3);
    // A determinate progress bar: bytes of the old files, ending finished at the total.
    expect(progress.every((p) => p.kind === 'audit:migrate' && p.total !== null)).toBe(true);
    expect(progress.some((p) => !p.finished && p.done > 0 && p.done < (p.total ?? 0))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ finished: true });
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
    // Old files of this account are gone; another account's stay where they are.
    const left = (await readdir(t.dir)).filter((n) => n.includes('_'));
    expect(left).toEqual(['999900001111_us-east-1.events.jsonl']);
    // Nothing left to move the next time.
    expect(
      await migrateLegacyCache(createLegacyCacheFiles(t.dir), t.cache, () => undefined),
    ).toBeNull();
    await t.close();
  });

  it('keeps the old files of a region whose events the database does not all show', async () => {
    const t = await openTestCache();
    await writeLegacy(t.dir, 'eu-west-1', [meteringEvent(1, 'eu-west-1')]);
    // The same event id under another region cannot be stored twice: that region fails to verify.
    await writeLegacy(t.dir, 'us-east-1', [meteringEvent(1), meteringEvent(2)]);
    await expect(
      migrateLegacyCache(createLegacyCacheFiles(t.dir), t.cache, () => undefined),
    ).rejects.toBeInstanceOf(MigrationNotVerified);
    const left = (await readdir(t.dir)).filter((n) => n.includes('_')).sort();
    expect(left).toEqual(Object.values(legacyFileNames(TEST_ACCOUNT, 'us-east-1')).sort());
    await t.close();
  });
});
