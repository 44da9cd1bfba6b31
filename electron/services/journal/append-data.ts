// What one append writes, as pure data: a "\n" closing torn bytes (if any), a `torn-tail` entry
// naming the torn lines (chained to the last good line), then the caller's entry in the journal's
// own envelope; and the journal's state once those bytes are durable.
import type { JournalEntry } from '../../../shared/journal';
import { serialiseLine, sha256Hex, type JournalState } from './verify';

export type AppendData = {
  /** The bytes to append, in one durable write. */
  data: string;
  /** The caller's entry as written (its last line). */
  line: string;
  /** The sequence number of that line. */
  seq: number;
};

/** The envelope is the journal's: a caller's copy of another line's would break the chain. */
const ENVELOPE = new Set(['seq', 'at', 'prev', 'hash']);

export function appendData(current: JournalState, entry: JournalEntry, at: string): AppendData {
  let head = current.head;
  let seq = current.nextSeq;
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
  const { kind, ...rest } = entry;
  const own = Object.fromEntries(Object.entries(rest).filter(([field]) => !ENVELOPE.has(field)));
  const line = serialiseLine({ seq, at, prev: head, kind, ...own });
  data += `${line}\n`;
  return { data, line, seq };
}

/** The state once `written` is durable and anchored with `head`: torn lines acknowledged. */
export function stateAfterAppend(
  current: JournalState,
  written: AppendData,
  head: string,
): JournalState {
  return {
    ...current,
    head,
    nextSeq: written.seq + 1,
    tornTail: [],
    needsNewline: false,
    // The torn lines (if any) are now acknowledged; the report stays in step with the file.
    report: {
      ok: true,
      lines:
        current.report.lines + written.data.split('\n').length - 1 - (current.needsNewline ? 1 : 0),
      ...(current.report.tornLines ? { tornLines: current.report.tornLines } : {}),
    },
  };
}
