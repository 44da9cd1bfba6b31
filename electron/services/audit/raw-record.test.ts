// The raw CloudTrail record is kept packed (compressed by the app) when it is long enough to be
// worth it, as text when short, and reads back byte for byte either way, whatever characters it
// holds: through the raw view's read, the Query tab's `events` view, and from a cache written
// before records were packed (schema 2), which opens without rewriting them. Packed records are
// stored without the engine's compression, which could not shrink them.
import { describe, expect, it } from 'vitest';
import { PACK_MIN_CHARS } from './raw-pack';
import { ident } from './schema';
import { appendEvents } from './sink';
import type { LookupEvent } from './sync';
import { meteringEvent, openTestCache, TEST_ACCOUNT } from './testing';

const scope = { accountId: TEST_ACCOUNT, region: 'us-east-1' };

/**
 * An event whose record carries text far from ASCII, as a user agent or an error may, long
 * enough to be packed.
 */
function unusualEvent(i: number): LookupEvent {
  const event = meteringEvent(i);
  const record = JSON.parse(event.cloudTrailEvent) as Record<string, unknown>;
  record.userAgent = `aws-cli/2 Grüße 価格 😀 \u202f\u00a0 "quoted" \\ back\nline ${String(i)}`;
  record.sourceIPAddress = 'metering.example.com '.repeat(PACK_MIN_CHARS / 20);
  // Spacing and key order exactly as received, not as JSON.stringify would make them.
  return { ...event, cloudTrailEvent: JSON.stringify(record, null, i % 3).replace('{', '{ ') };
}

async function viewRaw(
  cache: Awaited<ReturnType<typeof openTestCache>>['cache'],
  id: string,
): Promise<unknown> {
  const result = await cache.db.readOnly(
    `SELECT raw, json_extract_string(raw, '$.eventID') AS id FROM events WHERE event_id = '${id}'`,
    { maxRows: 10, timeoutMs: 10_000 },
  );
  expect(result.rows[0]?.[1]).toBe(id);
  return result.rows[0]?.[0];
}

describe('the raw record', () => {
  it('reads back byte for byte, non-ASCII included, packed in place and on the worker', async () => {
    const t = await openTestCache();
    // A page of a few events is packed in place; a bulk batch goes to the packing worker.
    const few = Array.from({ length: 3 }, (_, i) => unusualEvent(i));
    const many = Array.from({ length: 40 }, (_, i) => unusualEvent(100 + i));
    expect(await appendEvents(t.cache, scope, few)).toBe(3);
    expect(await appendEvents(t.cache, scope, many, { bulk: true })).toBe(40);
    await t.cache.finishBulk();
    for (const event of [...few, ...many]) {
      expect((await t.cache.readRaw(event.eventId))?.text).toBe(event.cloudTrailEvent);
    }
    const sample = many[7] as LookupEvent;
    expect(await viewRaw(t.cache, sample.eventId)).toBe(sample.cloudTrailEvent);
    // Kept packed: no text column, fewer bytes than the text.
    const stored = await t.cache.db.all(
      `SELECT count(raw) AS texts, count(raw_packed) AS packed,
         sum(octet_length(raw_packed)) AS bytes FROM ${t.cache.tables.events}`,
    );
    expect(stored[0]).toMatchObject({ texts: 0, packed: 43 });
    const textBytes = [...few, ...many].reduce(
      (sum, e) => sum + new TextEncoder().encode(e.cloudTrailEvent).length,
      0,
    );
    expect(Number(stored[0]?.bytes)).toBeLessThan(textBytes / 2);
    // Written as they are: DEFLATE bytes leave the engine nothing to compress at a checkpoint.
    const storage = await t.cache.db.all(
      `SELECT DISTINCT compression FROM pragma_storage_info('${t.cache.db.catalog}.store.events')
       WHERE column_name = 'raw_packed' AND segment_type = 'BLOB'`,
    );
    expect(storage).toEqual([{ compression: 'Uncompressed' }]);
    // A short record (a call of a few usage records) stays text, and reads back the same.
    const short = meteringEvent(500);
    expect(short.cloudTrailEvent.length).toBeLessThan(PACK_MIN_CHARS);
    expect(await appendEvents(t.cache, scope, [short])).toBe(1);
    expect((await t.cache.readRaw(short.eventId))?.text).toBe(short.cloudTrailEvent);
    expect(await viewRaw(t.cache, short.eventId)).toBe(short.cloudTrailEvent);
    const kept = await t.cache.db.all(
      `SELECT raw IS NOT NULL AS text, raw_packed IS NOT NULL AS packed
       FROM ${t.cache.tables.events} WHERE event_id = $1`,
      [short.eventId],
    );
    expect(kept).toEqual([{ text: true, packed: false }]);
    await t.close();
  });

  it('of a cache written before records were packed stays readable beside packed ones', async () => {
    const t = await openTestCache();
    const old = [meteringEvent(1), unusualEvent(2)];
    expect(await appendEvents(t.cache, scope, old)).toBe(2);
    // The cache as schema 2 wrote it: the text in `raw`, no packed column.
    const T = t.cache.tables;
    // One statement a transaction: the engine alters no table with changes outstanding.
    for (const sql of [
      `DROP VIEW ${ident(t.cache.db.catalog)}.main.events`,
      `UPDATE ${T.events} SET raw = coalesce(raw, inflate_text(raw_packed))`,
      `ALTER TABLE ${T.events} DROP COLUMN raw_packed`,
      `ALTER TABLE ${T.events} ALTER COLUMN raw SET NOT NULL`,
      `UPDATE ${T.meta} SET value = '2' WHERE key = 'schema_version'`,
    ]) {
      await t.cache.db.write((tx) => tx.run(sql));
    }
    await t.cache.close();

    const again = await openTestCache(TEST_ACCOUNT, t.dir);
    const meta = await again.cache.db.all(
      `SELECT value FROM ${T.meta} WHERE key = 'schema_version'`,
    );
    expect(meta[0]?.value).toBe('3');
    const fresh = unusualEvent(3);
    expect(await appendEvents(again.cache, scope, [fresh])).toBe(1);
    for (const event of [...old, fresh]) {
      expect((await again.cache.readRaw(event.eventId))?.text).toBe(event.cloudTrailEvent);
      expect(await viewRaw(again.cache, event.eventId)).toBe(event.cloudTrailEvent);
    }
    const stored = await again.cache.db.all(
      `SELECT event_id, raw IS NOT NULL AS text, raw_packed IS NOT NULL AS packed
       FROM ${T.events} ORDER BY event_seq`,
    );
    expect(stored).toEqual([
      { event_id: 'ev-1', text: true, packed: false },
      { event_id: 'ev-2', text: true, packed: false },
      { event_id: 'ev-3', text: false, packed: true },
    ]);
    await again.close();
    await t.close();
  });
});
