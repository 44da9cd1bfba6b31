// The `audit:import-trail` channel: a log file's parts buffered until the last, then the file
// read (trail-import.ts) and its events stored through the same ingest as a sync. An import of
// many files may ask main to hold each file but the last (`hold`): held files are stored
// together, several files in one write, and one batch is stored while the next files are read.
// A file's summary is told only once its events are committed, so a crash or a failed write
// never leaves a file reported as imported that is not in the cache; importing it again is
// safe, as events already stored are skipped by event id.
import type { TrailFileSummary } from '../../../shared/audit';
import type { AuditImportTrailInput, AuditImportTrailOutput } from '../../../shared/channels/audit';
import { AppError } from '../../../shared/errors';
import { createPartUploads } from '../part-uploads';
import type { AccountCache } from './account-cache';
import type { StoredEvent } from './append';
import type { JournalCallLookup } from './journal-fill';
import { toStoredEvents } from './sink';
import { readTrailEvents } from './trail-import';

/** A file that exceeds this (decompressed) is refused: a trail file is a few MB at most. */
const MAX_TRAIL_FILE_CHARS = 500_000_000;

/**
 * Held files are stored once they hold this many events or characters of record text: large
 * enough that a write's fixed cost is shared by many files, small enough to keep main's memory
 * low (one batch being stored and one filling). Trail files often hold few metering events, so
 * a batch is also stored after this many files or once its first file has waited this long:
 * the progress a window shows never lags far behind what was read.
 */
export const HOLD_MAX = { events: 5_000, chars: 16_000_000, files: 50, ms: 2_000 };

export type HoldLimits = typeof HOLD_MAX;

/** A read file whose events wait to be stored; its summary is completed when they are. */
export type HeldFile = { summary: TrailFileSummary; events: StoredEvent[] };

/**
 * Stores several files' events in one write and completes their summaries: an event new to the
 * cache is counted as added by the first file (in order) that holds it, every other copy as a
 * duplicate. When the write fails, none of the files' events are stored and each says why.
 */
export async function storeTrailFiles(
  cache: Pick<AccountCache, 'store'>,
  files: readonly HeldFile[],
): Promise<void> {
  const newIds = new Set<string>();
  try {
    await cache.store(
      files.flatMap((f) => f.events),
      { newIds },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    for (const { summary } of files) {
      summary.added = 0;
      summary.duplicates = 0;
      summary.notStored = reason;
    }
    return;
  }
  for (const { summary, events } of files) {
    let added = 0;
    for (const event of events) if (newIds.delete(event.parsed.eventId)) added += 1;
    summary.added = added;
    summary.duplicates = summary.meteringEvents - added;
  }
}

export type TrailImporterDeps = {
  /** The active account's cache (throws an AppError when there is none). */
  cache: () => Promise<AccountCache>;
  journal?: () => Promise<JournalCallLookup>;
  now: () => number;
  newId: () => string;
  emitChanged: (version: number) => void;
  /** When held files are stored (HOLD_MAX unless a test says otherwise). */
  holdMax?: HoldLimits;
};

/** One import of several files: the files read and held, the batch being stored, the told. */
type ImportSession = {
  id: string;
  cache: AccountCache;
  filling: HeldFile[];
  events: number;
  chars: number;
  /** When the first file of `filling` arrived. */
  since: number;
  /** The batch being stored (never rejects). */
  storing: Promise<void>;
  /** Files whose summaries are complete but not yet told. */
  finished: TrailFileSummary[];
};

function interrupted(): AppError {
  return new AppError(
    'NOT_FOUND',
    'This import was interrupted; the files it held were not stored.',
    {
      hint: 'Import the files again: events already stored are skipped.',
    },
  );
}

function readHeld(
  part: AuditImportTrailInput,
  text: string,
  cache: AccountCache,
  now: number,
  journal: JournalCallLookup | undefined,
): HeldFile {
  const { summary, byRegion } = readTrailEvents(part.fileName, text, {
    accountId: cache.accountId,
    now,
  });
  const events: StoredEvent[] = [];
  for (const [region, list] of byRegion) {
    const scope = { accountId: cache.accountId, region };
    events.push(...toStoredEvents(list, scope, 'trail-file', journal));
  }
  return { summary, events };
}

export function createTrailImporter(deps: TrailImporterDeps) {
  const uploads = createPartUploads({
    newId: deps.newId,
    maxChars: MAX_TRAIL_FILE_CHARS,
    tooLargeHint: 'A trail log file is a few megabytes; check that this is one.',
  });
  const holdMax = deps.holdMax ?? HOLD_MAX;
  let current: ImportSession | null = null;

  /** The session this file belongs to: the one its hold id names, or a new one. */
  function sessionFor(holdId: string | undefined, cache: AccountCache): ImportSession {
    if (holdId !== undefined) {
      if (current?.id !== holdId || current.cache !== cache) throw interrupted();
      return current;
    }
    // A new import: what an abandoned one still held is dropped, never told as stored.
    current = {
      id: deps.newId(),
      cache,
      filling: [],
      events: 0,
      chars: 0,
      since: Infinity,
      storing: Promise.resolve(),
      finished: [],
    };
    return current;
  }

  /** Starts storing the held files once the batch before them is stored. */
  async function storeHeld(session: ImportSession): Promise<void> {
    await session.storing;
    const files = session.filling;
    session.filling = [];
    session.events = 0;
    session.chars = 0;
    session.since = Infinity;
    if (files.length === 0) return;
    session.storing = storeTrailFiles(session.cache, files).then(() => {
      session.finished.push(...files.map((f) => f.summary));
      // Only a notice to open windows: the files are stored whether or not it goes out.
      try {
        if (files.some((f) => f.summary.added > 0)) deps.emitChanged(session.cache.version());
      } catch {
        // Windows refresh on their next question instead.
      }
    });
  }

  function tell(session: ImportSession): TrailFileSummary[] {
    return session.finished.splice(0);
  }

  return async function importPart(part: AuditImportTrailInput): Promise<AuditImportTrailOutput> {
    if (part.more === true) {
      const { uploadId, chars } = uploads.append(part.uploadId, part.text);
      return { status: 'partial' as const, uploadId, receivedChars: chars };
    }
    const text = uploads.take(part.uploadId, part.text);
    const cache = await deps.cache();
    const session = sessionFor(part.holdId, cache);
    const journal = deps.journal ? await deps.journal() : undefined;
    const now = deps.now();
    const file = readHeld(part, text, cache, now, journal);
    if (file.events.length === 0) {
      session.finished.push(file.summary);
    } else {
      session.filling.push(file);
      session.since = Math.min(session.since, now);
      session.events += file.events.length;
      for (const event of file.events) session.chars += event.raw.length;
    }
    if (part.hold !== true) {
      await storeHeld(session);
      await session.storing;
      if (current === session) current = null;
      const stored = tell(session).filter((s) => s !== file.summary);
      return { status: 'done', file: file.summary, ...(stored.length > 0 ? { stored } : {}) };
    }
    if (
      session.events >= holdMax.events ||
      session.chars >= holdMax.chars ||
      session.filling.length >= holdMax.files ||
      now - session.since >= holdMax.ms
    ) {
      await storeHeld(session);
    }
    return { status: 'held', holdId: session.id, stored: tell(session) };
  };
}
