// The ingest workers parse and pack exactly as the core would in place: the same rows, the
// same packed records, and the same cache contents; batches of imported records (already
// parsed) and batches a worker cannot take are done in place, and the worker failing costs
// nothing but speed (and is reported).
import { afterAll, describe, expect, it } from 'vitest';
import { parseForScope } from '../../services/audit/ingest';
import { decodeParsed } from '../../services/audit/parsed-columns';
import { packsRaw } from '../../services/audit/raw-pack';
import { queryWindow } from '../../services/audit/explorer';
import { appendEvents } from '../../services/audit/sink';
import type { LookupEvent } from '../../services/audit/sync';
import { meteringEvent, openTestCache, TEST_ACCOUNT } from '../../services/audit/testing';
import { TRAIL_ACCOUNT, variedEvents } from '../../services/audit/testing/trail-records';
import { unpackText } from '../storage/text-packer';
import { createWorkerEventIngester } from './ingest-runner';

const entry = { url: new URL('./ingest-worker.ts', import.meta.url), typescript: true };
const scope = { accountId: TRAIL_ACCOUNT, region: 'us-east-1' };

/** Enough events that a batch goes to a worker (small ones are done in place). */
const batch = (): LookupEvent[] =>
  [0, 1, 2].flatMap((copy) =>
    variedEvents().map((e) => ({ ...e, eventId: `${e.eventId}-${String(copy)}` })),
  );

const fallbacks: string[] = [];
const ingester = createWorkerEventIngester(entry, {
  threads: 2,
  onFallback: (reason) => fallbacks.push(reason),
});
afterAll(() => ingester.close());

describe('ingest workers', () => {
  it('parse and pack each batch exactly as in place', async () => {
    const events = batch();
    const answers = await Promise.all([
      ingester.ingest(events, scope),
      ingester.ingest(events.slice(1), scope),
    ]);
    expect(fallbacks).toEqual([]);
    for (const [i, { columns, packed }] of answers.entries()) {
      const sent = events.slice(i);
      expect(decodeParsed(columns)).toStrictEqual(sent.map((e) => parseForScope(e, scope)));
      expect(packed).toHaveLength(sent.length);
      sent.forEach((event, k) => {
        const bytes = packed[k] ?? null;
        if (packsRaw(event.cloudTrailEvent)) {
          expect(bytes && unpackText(bytes)).toBe(event.cloudTrailEvent);
        } else {
          expect(bytes).toBeNull();
        }
      });
      expect(packed.some((bytes) => bytes !== null)).toBe(true);
    }
  });

  it('carry records in any script exactly', async () => {
    const withText = (e: LookupEvent, text: string): LookupEvent => ({
      ...e,
      cloudTrailEvent: text,
    });
    const events = batch().map((e, i) => {
      if (i === 0) {
        // Long enough to be packed, in one-, two-, three- and four-byte UTF-8.
        const record = JSON.parse(e.cloudTrailEvent) as Record<string, unknown>;
        return withText(
          e,
          JSON.stringify({ ...record, userAgent: `Grüße 価格 😀 ${'é価😀x'.repeat(1_500)}` }),
        );
      }
      return withText(e, e.cloudTrailEvent.replaceAll('"users"', '"Grüße 価格 😀"'));
    });
    const { columns, packed } = await ingester.ingest(events, scope);
    expect(decodeParsed(columns)).toStrictEqual(events.map((e) => parseForScope(e, scope)));
    expect(decodeParsed(columns)[1]?.parsed.rows[0]?.dimension).toBe('Grüße 価格 😀');
    expect(packed[0] && unpackText(packed[0])).toBe(events[0]?.cloudTrailEvent);

    // Even a lone surrogate, which UTF-8 could not carry, arrives as it was.
    const lone = events.map((e) => withText(e, e.cloudTrailEvent.replaceAll('Grüße', 'Gr\ud800')));
    expect(lone[1]?.cloudTrailEvent.isWellFormed()).toBe(false);
    const carried = await ingester.ingest(lone, scope);
    expect(decodeParsed(carried.columns)[1]?.parsed.rows[0]?.dimension).toBe('Gr\ud800 価格 😀');
    expect(fallbacks).toEqual([]);
  });

  it('give the same rows for records already parsed (imported files)', async () => {
    const events = batch().map((e) => {
      try {
        return { ...e, parsedRecord: JSON.parse(e.cloudTrailEvent) as unknown };
      } catch {
        return e;
      }
    });
    const { columns } = await ingester.ingest(events, scope);
    expect(decodeParsed(columns)).toStrictEqual(events.map((e) => parseForScope(e, scope)));
  });

  it('fill the same cache as parsing in place', async () => {
    const onWorker = await openTestCache(TEST_ACCOUNT, undefined, { ingest: ingester.ingest });
    const inPlace = await openTestCache(TEST_ACCOUNT);
    const own = { accountId: TEST_ACCOUNT, region: 'us-east-1' };
    // Replays (an event again) and repeats across batches, stored in order.
    const first = Array.from({ length: 30 }, (_, i) => meteringEvent(i, 'us-east-1', 4));
    const second = [
      ...first.slice(20),
      ...Array.from({ length: 15 }, (_, i) => meteringEvent(30 + i)),
    ];
    for (const t of [onWorker, inPlace]) {
      const added = await Promise.all([
        appendEvents(t.cache, own, first, { bulk: true }),
        appendEvents(t.cache, own, second, { bulk: true }),
      ]);
      expect(added).toEqual([30, 15]);
      await t.cache.finishBulk();
    }
    const everything = { filter: {}, offset: 0, limit: 1_000 };
    const stored = await queryWindow(onWorker.cache, everything);
    expect(stored.total).toBe(30 * 4 + 15 * 3);
    expect(stored).toEqual(await queryWindow(inPlace.cache, everything));
    expect(await onWorker.cache.readRaw('ev-7')).toEqual(await inPlace.cache.readRaw('ev-7'));
    await onWorker.close();
    await inPlace.close();
    expect(fallbacks).toEqual([]);
  });

  it('parse in place, and say why, when a worker cannot start', async () => {
    const reasons: string[] = [];
    const broken = createWorkerEventIngester(
      { url: new URL('./no-such-worker.ts', import.meta.url), typescript: true },
      { threads: 1, onFallback: (reason) => reasons.push(reason) },
    );
    const events = batch();
    for (let round = 0; round < 5; round++) {
      const { columns, packed } = await broken.ingest(events, scope);
      expect(decodeParsed(columns)).toStrictEqual(events.map((e) => parseForScope(e, scope)));
      expect(packed.filter((bytes) => bytes !== null)).toHaveLength(3);
    }
    // Tried three times, then not again: each try costs a worker's start.
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/no-such-worker|Cannot find|stopped/);
    expect(reasons[2]).toMatch(/parsing in place from now on/);
    await broken.close();
  });
});
