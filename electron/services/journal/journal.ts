// The write-ahead journal: every AWS metering call is journaled (intent, fsynced) before it
// leaves the process, and its outcome after. Pure over the JournalFile port.
//
// Torn tail: a crash mid-append can leave the file ending in a partial line (no "\n"). open()
// tolerates it and reports it. Nothing is ever rewritten: the next append writes "\n" (to close
// the torn bytes as a line of their own), then a `torn-tail` entry naming each torn line by number
// and SHA-256 and chained to the last GOOD line, then the caller's entry — in one durable write.
// verify() then reports those lines as torn (tolerated), not broken. If that write itself tears,
// the run of torn lines simply grows and the next torn-tail entry names all of them.
// A complete final line that only lost its "\n" is a good line; the next append adds the "\n".
// One writer per file (the app's core): the chain head is read once at open and kept in memory.
// Beside the file, an anchor (./anchor.ts) holds the chain's length and last hash, so a journal
// cut off at a line boundary, deleted or replaced is reported broken too. A broken journal takes
// no appends (JOURNAL_BROKEN, naming the line) until it is archived and a new chain started whose
// first entry names the archived file's hash and line count.
import { AppError } from '../../../shared/errors';
import {
  journalEntrySchema,
  type JournalContext,
  type JournalEntry,
  type JournalLine,
  type JournalOperation,
  type JournalRecord,
  type VerifyReport,
  ZERO_HASH,
} from '../../../shared/journal';
import type { Clock } from '../ports';
import { anchorOf, checkAnchor, type AnchorStore } from './anchor';
import { appendData, stateAfterAppend } from './append-data';
import { findInterrupted } from './interrupted';
import { readableEntries, sha256Hex, verifyText, type JournalState } from './verify';

export { findInterrupted, resendStart } from './interrupted';

/** The journal's only contact with storage. */
export type JournalFile = {
  /** Appends exactly these bytes; the promise resolves only once they are durable (fsynced). */
  append: (data: string) => Promise<void>;
  /** The whole file ('' when it does not exist yet). */
  readAll: () => Promise<string>;
  /** The chain's anchor outside the file (absent: nothing to hold the file against). */
  anchor?: AnchorStore;
  /**
   * Moves the file aside, read-only, under a new name, so the next append starts a new file.
   * Resolves with that name; absent, a broken journal cannot be archived.
   */
  archive?: () => Promise<string>;
  /** The texts of earlier, archived journals, oldest first. */
  readArchives?: () => Promise<string[]>;
};

/** Appending to a journal that does not verify: JOURNAL_BROKEN, naming the line. */
export class JournalBrokenError extends AppError {
  readonly report: VerifyReport;
  constructor(report: VerifyReport) {
    super(
      'JOURNAL_BROKEN',
      `The journal is broken at line ${report.firstBrokenLine ?? '?'}: ${report.reason ?? 'unknown'}. Nothing is sent while it is.`,
      {
        hint: 'Open the Journal: archive the damaged file and start a new journal (the old one is kept, read-only), then resume.',
        details: { line: report.firstBrokenLine, reason: report.reason, lines: report.lines },
      },
    );
    this.name = 'JournalBrokenError';
    this.report = report;
  }
}

/** Entries a caller may append; `torn-tail` and `journal-restarted` are the journal's own. */
export type AppendableEntry = Exclude<JournalEntry, { kind: 'torn-tail' | 'journal-restarted' }>;

/** What archive-and-restart set aside, as the new chain's first entry records it. */
export type ArchivedJournal = {
  file: string;
  sha256: string;
  lines: number;
  bytes: number;
  brokenAtLine: number;
  reason: string;
};

export type UnresolvedRecord = JournalRecord & {
  /** NotSent: planned but no call was attempted; NoOutcome: sent, the answer never journaled. */
  lastStatus: 'NotSent' | 'NoOutcome' | 'Unprocessed' | 'Unknown';
  /** The engine stopped trying it after the allowed attempts ("retry later"). */
  parked?: boolean;
  callId?: string;
  attempt?: number;
  productCode?: string;
};

export type InterruptedSubmission = {
  submissionId: string;
  /** How it ended: cut off (no closing line), cancelled, or finished with parked records. */
  ending: 'interrupted' | 'cancelled' | 'finished';
  operation?: JournalOperation;
  context: JournalContext;
  startedAt?: string;
  resendOf?: string;
  totalRecords?: number;
  /** Exactly the records to send again, in first-journaled order. */
  unresolved: UnresolvedRecord[];
  resolvedCount: number;
  /** Records counted in submission-started but never journaled anywhere (no plan, no intent). */
  unjournaledRecords: number;
};

export type Journal = {
  /** Reads and verifies the file; remembers the chain head. Appends open implicitly. */
  open: () => Promise<VerifyReport>;
  /** Appends one entry durably; resolves with the line as written. */
  append: (entry: AppendableEntry) => Promise<JournalLine>;
  /** Re-reads the file and verifies it from the first line. */
  verify: () => Promise<VerifyReport>;
  entries: () => Promise<JournalLine[]>;
  submission: (submissionId: string) => Promise<JournalLine[]>;
  interruptedSubmissions: () => Promise<InterruptedSubmission[]>;
  /**
   * A broken journal only: keeps the file read-only under a new name and starts a new chain
   * whose first entry records the old file's name, SHA-256 and line count.
   */
  archiveAndRestart: () => Promise<ArchivedJournal>;
};

const systemClock: Clock = { now: () => Date.now() };

export function createJournal(file: JournalFile, clock: Clock = systemClock): Journal {
  let state: JournalState | undefined;
  // Appends run one at a time: each line's `prev` depends on the one before.
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<{ text: string; state: JournalState }> {
    const text = await file.readAll();
    const anchor = file.anchor ? await file.anchor.read() : null;
    return { text, state: checkAnchor(verifyText(text), anchor) };
  }

  async function load(): Promise<JournalState> {
    return (await read()).state;
  }

  async function open(): Promise<VerifyReport> {
    state = await load();
    // A folder from before anchors, or a new one: anchor what verifies now.
    if (state.report.ok && file.anchor && state.good.length > 0) {
      await file.anchor.write(anchorOf(state));
    }
    return state.report;
  }

  async function appendNow(entry: AppendableEntry): Promise<JournalLine> {
    const parsed = journalEntrySchema.parse(entry);
    if (parsed.kind === 'torn-tail' || parsed.kind === 'journal-restarted')
      throw new Error(`${parsed.kind} entries are written by the journal`);
    return write(parsed);
  }

  async function write(parsed: JournalEntry): Promise<JournalLine> {
    const current = state ?? (await load());
    state = current;
    if (!current.report.ok) throw new JournalBrokenError(current.report);

    const written = appendData(current, parsed, new Date(clock.now()).toISOString());
    try {
      await file.append(written.data);
    } catch (error) {
      // The file may now hold part of the data: re-read before the next append.
      state = undefined;
      throw error;
    }
    const newHead = sha256Hex(written.line);
    try {
      await file.anchor?.write({ entries: written.seq, head: newHead });
    } catch (error) {
      // The line is in the file; the anchor lags it by one, which reading tolerates.
      state = undefined;
      throw error;
    }
    state = stateAfterAppend(current, written, newHead);
    return JSON.parse(written.line) as JournalLine;
  }

  function queued<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  }

  async function archiveAndRestartNow(): Promise<ArchivedJournal> {
    const { text, state: current } = await read();
    if (current.report.ok) {
      throw new AppError('CONFLICT', 'The journal verifies: there is nothing to archive.');
    }
    if (!file.archive || !file.anchor) {
      throw new AppError('INTERNAL', 'This journal has no place to archive its file.');
    }
    const name = await file.archive();
    const archived: ArchivedJournal = {
      file: name,
      sha256: sha256Hex(text),
      lines: current.report.lines,
      bytes: new TextEncoder().encode(text).length,
      brokenAtLine: current.report.firstBrokenLine ?? 1,
      reason: current.report.reason ?? 'the journal did not verify',
    };
    await file.anchor.write({ entries: 0, head: ZERO_HASH });
    state = verifyText('');
    await write({ kind: 'journal-restarted', archived });
    return archived;
  }

  /** Archived chains first, then this one; each read up to its break, the rest unverified. */
  async function entries(): Promise<JournalLine[]> {
    const archives = file.readArchives ? await file.readArchives() : [];
    const fromArchives = archives.flatMap((text) => readableEntries(text, verifyText(text)));
    const { text, state: current } = await read();
    return [...fromArchives, ...readableEntries(text, current)];
  }

  return {
    open,
    append: (entry) => queued(() => appendNow(entry)),
    archiveAndRestart: () => queued(archiveAndRestartNow),
    verify: async () => (await load()).report,
    entries,
    submission: async (submissionId) =>
      (await entries()).filter(
        (entry) => 'submissionId' in entry && entry.submissionId === submissionId,
      ),
    interruptedSubmissions: async () => findInterrupted(await entries()),
  };
}
