// Moving an audit cache written by earlier versions into the cache database, once, on first use.
// Those versions kept, per account and region, in the same folder:
//   <account>_<region>.events.jsonl   every event ever fetched, one line each: lookup metadata
//                                      and the CloudTrail record verbatim (the evidence)
//   <account>_<region>.snapshot.bin   parsed columns derived from the lines (not needed here)
//   <account>_<region>.sync.json      sync coverage and checkpoint
// Every line is read and stored (deduplicated by event id, parsed like any fetched event), the
// sync bookkeeping is carried over, and only when the database shows every event of a region do
// that region's old files go. A torn last line (a crash mid-append) is skipped and counted.
import { z } from 'zod';
import type { TaskProgress } from '../../../shared/contract';
import type { AccountCache } from './account-cache';
import type { JournalCallLookup } from './journal-fill';
import { appendEvents, BULK_BATCH_EVENTS } from './sink';
import { auditSyncStateSchema, type LookupEvent } from './sync';

/** The older cache's files by plain name, in the cache folder. */
export type LegacyCacheFiles = {
  list: () => Promise<string[]>;
  /** Bytes, or null when the file does not exist. */
  size: (name: string) => Promise<number | null>;
  read: (name: string) => Promise<Uint8Array | null>;
  /** The file in chunks; nothing when it does not exist. */
  stream: (name: string) => AsyncIterable<Uint8Array>;
  remove: (name: string) => Promise<void>;
};

const SAFE_PART = /^[A-Za-z0-9-]+$/;
const EVENTS_SUFFIX = '.events.jsonl';

export function legacyFileNames(accountId: string, region: string) {
  if (!SAFE_PART.test(accountId) || !SAFE_PART.test(region)) {
    throw new Error(`Unusable account or region for a cache file: ${accountId}/${region}`);
  }
  const base = `${accountId}_${region}`;
  return {
    events: `${base}${EVENTS_SUFFIX}`,
    snapshot: `${base}.snapshot.bin`,
    sync: `${base}.sync.json`,
  };
}

const RAW_KEY = ',"cloudTrailEvent":';
const decoder = new TextDecoder();

const lineMetaSchema = z.object({
  eventId: z.string(),
  eventTime: z.number(),
  eventName: z.string().optional(),
  eventSource: z.string().optional(),
  username: z.string().optional(),
  accessKeyId: z.string().optional(),
});

/** One line back to the lookup event; null for a damaged line. */
export function decodeEventLine(line: string): LookupEvent | null {
  // The first occurrence is the real key: inside the JSON strings before it a quote is escaped.
  const at = line.indexOf(RAW_KEY);
  if (at < 0 || !line.endsWith('}')) return null;
  try {
    const meta = lineMetaSchema.parse(JSON.parse(`${line.slice(0, at)}}`));
    let raw = line.slice(at + RAW_KEY.length, -1);
    // A record that was not one-line JSON was kept as a JSON string.
    if (raw.startsWith('"')) {
      const text: unknown = JSON.parse(raw);
      if (typeof text !== 'string') return null;
      raw = text;
    }
    const event: LookupEvent = {
      eventId: meta.eventId,
      eventTime: meta.eventTime,
      cloudTrailEvent: raw,
    };
    if (meta.eventName !== undefined) event.eventName = meta.eventName;
    if (meta.eventSource !== undefined) event.eventSource = meta.eventSource;
    if (meta.username !== undefined) event.username = meta.username;
    if (meta.accessKeyId !== undefined) event.accessKeyId = meta.accessKeyId;
    return event;
  } catch {
    return null;
  }
}

/** Lines of a file read in chunks, with the bytes read so far. */
async function* lines(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ line: Uint8Array; bytes: number; complete: boolean }> {
  let pending = new Uint8Array(0);
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    const data = new Uint8Array(pending.byteLength + chunk.byteLength);
    data.set(pending);
    data.set(chunk, pending.byteLength);
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
      yield { line: data.subarray(start, nl), bytes, complete: true };
      start = nl + 1;
    }
    pending = data.slice(start);
  }
  if (pending.byteLength > 0) yield { line: pending, bytes, complete: false };
}

export type MigrationReport = {
  regions: { region: string; events: number; skippedLines: number }[];
};

export class MigrationNotVerified extends Error {}

/** The regions an older cache holds for this account. */
export async function legacyRegions(files: LegacyCacheFiles, accountId: string): Promise<string[]> {
  const prefix = `${accountId}_`;
  return (await files.list())
    .filter((n) => n.startsWith(prefix) && n.endsWith(EVENTS_SUFFIX))
    .map((n) => n.slice(prefix.length, -EVENTS_SUFFIX.length))
    .filter((r) => SAFE_PART.test(r))
    .sort();
}

/**
 * Moves an older cache of the account into `cache`, reporting progress in bytes read. Returns
 * null when there is nothing to move.
 */
export async function migrateLegacyCache(
  files: LegacyCacheFiles,
  cache: AccountCache,
  onProgress: (progress: TaskProgress) => void,
  journal?: JournalCallLookup,
): Promise<MigrationReport | null> {
  const regions = await legacyRegions(files, cache.accountId);
  if (regions.length === 0) return null;
  const taskId = `audit-migrate-${cache.accountId}`;
  const sizes = new Map<string, number>();
  for (const region of regions) {
    sizes.set(region, (await files.size(legacyFileNames(cache.accountId, region).events)) ?? 0);
  }
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const started = performance.now();
  let done = 0;
  const report = (finished: boolean, message: string): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : null;
    onProgress({
      taskId,
      kind: 'audit:migrate',
      done: Math.min(done, total),
      total,
      ratePerSecond: rate,
      secondsLeft: rate !== null && rate > 0 ? Math.max(0, (total - done) / rate) : null,
      message,
      finished,
    });
  };
  report(false, 'Moving the audit cache to its new database…');
  const out: MigrationReport = { regions: [] };
  for (const region of regions) {
    const before = done;
    const moved = await migrateRegion(files, cache, region, journal, (bytes) => {
      done = before + bytes;
      report(false, `Moving the audit cache of ${region}…`);
    });
    out.regions.push(moved);
    done = before + (sizes.get(region) ?? 0);
  }
  await cache.finishBulk();
  report(false, 'Sorting the audit cache by customer…');
  await cache.cluster();
  report(true, 'The audit cache is in its new database.');
  return out;
}

async function migrateRegion(
  files: LegacyCacheFiles,
  cache: AccountCache,
  region: string,
  journal: JournalCallLookup | undefined,
  onBytes: (bytes: number) => void,
): Promise<{ region: string; events: number; skippedLines: number }> {
  const names = legacyFileNames(cache.accountId, region);
  const scope = { accountId: cache.accountId, region };
  const ids = new Set<string>();
  let skippedLines = 0;
  let batch: LookupEvent[] = [];
  // One batch is parsed (on a worker, where the app has them) while the one before is stored.
  let storing: Promise<unknown> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (batch.length > 0) {
      const next = appendEvents(cache, scope, batch, {
        bulk: true,
        ...(journal ? { journal } : {}),
      });
      // Awaited in its turn below; a failure before then ends the migration anyway.
      next.catch(() => undefined);
      await storing;
      storing = next;
    }
    batch = [];
  };
  for await (const { line, bytes, complete } of lines(files.stream(names.events))) {
    if (line.byteLength === 0) continue;
    const event = complete ? decodeEventLine(decoder.decode(line)) : null;
    if (!event) {
      skippedLines++;
      continue;
    }
    ids.add(event.eventId);
    batch.push(event);
    if (batch.length >= BULK_BATCH_EVENTS) {
      await flush();
      onBytes(bytes);
    }
  }
  await flush();
  await storing;
  await carrySyncState(files, cache, region, names.sync);
  await verify(cache, region, [...ids]);
  for (const name of [names.events, names.snapshot, names.sync]) await files.remove(name);
  return { region, events: ids.size, skippedLines };
}

async function carrySyncState(
  files: LegacyCacheFiles,
  cache: AccountCache,
  region: string,
  name: string,
): Promise<void> {
  const bytes = await files.read(name);
  if (!bytes) return;
  try {
    const parsed = auditSyncStateSchema.safeParse(JSON.parse(decoder.decode(bytes)));
    // Damaged bookkeeping only costs a re-fetch of what CloudTrail still has.
    if (parsed.success) await cache.writeSyncState(region, parsed.data);
  } catch {
    // As above.
  }
}

/** Every event read is in the database, under this region; else the old files stay. */
async function verify(cache: AccountCache, region: string, ids: readonly string[]): Promise<void> {
  let found = 0;
  for (let i = 0; i < ids.length; i += 10_000) {
    const rows = await cache.db.all(
      `SELECT count(*) AS n FROM ${cache.tables.events}
       WHERE region = $1 AND event_id IN (SELECT unnest($2::VARCHAR[]))`,
      [region, ids.slice(i, i + 10_000)],
    );
    found += Number(rows[0]?.n ?? 0);
  }
  if (found !== ids.length) {
    throw new MigrationNotVerified(
      `Only ${String(found)} of the ${String(ids.length)} cached events of ${region} reached the new audit database.`,
    );
  }
}
