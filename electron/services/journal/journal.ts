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
import {
  journalEntrySchema,
  type JournalContext,
  type JournalEntry,
  type JournalLine,
  type JournalOperation,
  type JournalRecord,
  type VerifyReport,
} from '../../../shared/journal';
import type { Clock } from '../ports';
import { findInterrupted } from './interrupted';
import { parseGoodLines, serialiseLine, sha256Hex, verifyText, type JournalState } from './verify';

export { findInterrupted, resendStart } from './interrupted';

/** The journal's only contact with storage. */
export type JournalFile = {
  /** Appends exactly these bytes; the promise resolves only once they are durable (fsynced). */
  append: (data: string) => Promise<void>;
  /** The whole file ('' when it does not exist yet). */
  readAll: () => Promise<string>;
};

export class JournalBrokenError extends Error {
  readonly report: VerifyReport;
  constructor(report: VerifyReport) {
    super(
      `The journal is broken at line ${report.firstBrokenLine ?? '?'}: ${report.reason ?? 'unknown'}`,
    );
    this.name = 'JournalBrokenError';
    this.report = report;
  }
}

/** Entries a caller may append; `torn-tail` is the journal's own. */
export type AppendableEntry = Exclude<JournalEntry, { kind: 'torn-tail' }>;

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
};

const systemClock: Clock = { now: () => Date.now() };

export function createJournal(file: JournalFile, clock: Clock = systemClock): Journal {
  let state: JournalState | undefined;
  // Appends run one at a time: each line's `prev` depends on the one before.
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<JournalState> {
    return verifyText(await file.readAll());
  }

  async function open(): Promise<VerifyReport> {
    state = await load();
    return state.report;
  }

  async function appendNow(entry: AppendableEntry): Promise<JournalLine> {
    const current = state ?? (await load());
    state = current;
    if (!current.report.ok) throw new JournalBrokenError(current.report);
    const parsed = journalEntrySchema.parse(entry);
    if (parsed.kind === 'torn-tail')
      throw new Error('torn-tail entries are written by the journal');

    let head = current.head;
    let seq = current.nextSeq;
    const at = new Date(clock.now()).toISOString();
    let data = current.needsNewline ? '\n' : '';
    if (current.tornTail.length > 0) {
      const marker = serialiseLine({
        seq,
        at,
        prev: head,
        kind: 'torn-tail',
        lines: current.tornTail.map((line) => ({
          line: line.lineNo,
          sha256: line.sha256,
          bytes: line.bytes,
        })),
      });
      data += `${marker}\n`;
      head = sha256Hex(marker);
      seq += 1;
    }
    const { kind, ...rest } = parsed;
    const fields = { seq, at, prev: head, kind, ...rest };
    const line = serialiseLine(fields);
    data += `${line}\n`;
    try {
      await file.append(data);
    } catch (error) {
      // The file may now hold part of `data`: re-read before the next append.
      state = undefined;
      throw error;
    }
    state = {
      ...current,
      head: sha256Hex(line),
      nextSeq: seq + 1,
      tornTail: [],
      needsNewline: false,
      // The torn lines (if any) are now acknowledged; the report stays in step with the file.
      report: {
        ok: true,
        lines: current.report.lines + data.split('\n').length - 1 - (current.needsNewline ? 1 : 0),
        ...(current.report.tornLines ? { tornLines: current.report.tornLines } : {}),
      },
    };
    return JSON.parse(line) as JournalLine;
  }

  function append(entry: AppendableEntry): Promise<JournalLine> {
    const result = queue.then(() => appendNow(entry));
    queue = result.catch(() => undefined);
    return result;
  }

  async function entries(): Promise<JournalLine[]> {
    const loaded = await load();
    return parseGoodLines(loaded.good).entries;
  }

  return {
    open,
    append,
    verify: async () => (await load()).report,
    entries,
    submission: async (submissionId) =>
      (await entries()).filter(
        (entry) => 'submissionId' in entry && entry.submissionId === submissionId,
      ),
    interruptedSubmissions: async () => findInterrupted(await entries()),
  };
}
