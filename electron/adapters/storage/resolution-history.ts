// The history of token resolutions: one JSON object per line under the data folder. Entries hold
// a short hash of the token, never the token. Lines that do not parse (a torn last line after a
// crash) are skipped, not fatal: this is a convenience record, not the billing journal.
//
// Bounded: only the newest HISTORY_KEEP entries are kept. Appending is a plain append; once the
// file holds more than HISTORY_COMPACT_AT lines it is rewritten with the newest HISTORY_KEEP
// entries (a temp file renamed over it, so a crash leaves either the old file or the new one).
// The slack between the two numbers keeps the rewrite rare (once per 2,000 appends at most).
// Clearing replaces the file with an empty one the same way.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolutionEntrySchema, type ResolutionEntry } from '../../../shared/channels/customers';
import type { ResolutionHistoryStore } from '../../services/customers/customers';
import { appendPrivateFile, ensurePrivateDir, writePrivateFileAtomic } from '../private-files';

/** At most this many entries are kept (the newest). */
export const HISTORY_KEEP = 10_000;
/** The file is compacted to HISTORY_KEEP entries once it holds more lines than this. */
export const HISTORY_COMPACT_AT = 12_000;

export type ResolutionHistoryOptions = { keep?: number; compactAt?: number };

export function createResolutionHistoryFile(
  path: string,
  options: ResolutionHistoryOptions = {},
): ResolutionHistoryStore {
  const keep = options.keep ?? HISTORY_KEEP;
  const compactAt = Math.max(keep, options.compactAt ?? HISTORY_COMPACT_AT);
  let entries: ResolutionEntry[] | null = null;
  /** Non-empty lines in the file (torn or foreign ones included): what compaction watches. */
  let lines = 0;
  /** The file ends in a torn line without its newline: the next append starts a new line. */
  let torn = false;

  /** Writes the whole file through a temp file and a rename (atomic on one filesystem). */
  function replaceFile(kept: readonly ResolutionEntry[]): void {
    writePrivateFileAtomic(path, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    lines = kept.length;
    torn = false;
  }

  function load(): ResolutionEntry[] {
    if (entries !== null) return entries;
    const loaded: ResolutionEntry[] = [];
    lines = 0;
    torn = false;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      torn = text !== '' && !text.endsWith('\n');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        lines += 1;
        try {
          const parsed = resolutionEntrySchema.safeParse(JSON.parse(line));
          if (parsed.success) loaded.push(parsed.data);
        } catch {
          // A torn or foreign line: skip it.
        }
      }
    }
    entries = loaded.length > keep ? loaded.slice(-keep) : loaded;
    if (lines > compactAt) replaceFile(entries);
    return entries;
  }

  return {
    append(entry) {
      const all = load();
      ensurePrivateDir(dirname(path));
      appendPrivateFile(path, `${torn ? '\n' : ''}${JSON.stringify(entry)}\n`);
      torn = false;
      lines += 1;
      all.push(entry);
      if (all.length > keep) all.splice(0, all.length - keep);
      if (lines > compactAt) replaceFile(all);
    },
    list: () => load(),
    clear() {
      const removed = load().length;
      replaceFile([]);
      entries = [];
      return removed;
    },
  };
}
