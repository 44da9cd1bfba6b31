// Verification of the journal's bytes: the hash chain, the per-line hash and torn tails.
// Pure over the file's text so the app, the CLI and tests share exactly one reading.
import { createHash } from 'node:crypto';
import {
  journalEntrySchema,
  journalEnvelopeSchema,
  tornTailSchema,
  ZERO_HASH,
  type JournalEnvelope,
  type JournalLine,
  type VerifyReport,
} from '../../../shared/journal';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/** Serialises one line: the body, then its own hash spliced in as the last field. */
export function serialiseLine(fields: Record<string, unknown>): string {
  const body = JSON.stringify(fields);
  return `${body.slice(0, -1)},"hash":"${sha256Hex(body)}"}`;
}

export type RawLine = {
  /** 1-based. */
  lineNo: number;
  text: string;
  /** Followed by "\n" in the file. */
  terminated: boolean;
  sha256: string;
  bytes: number;
  envelope?: JournalEnvelope;
  /** Why the line is not intact on its own (absent when intact). */
  problem?: string;
};

function readLine(text: string, lineNo: number, terminated: boolean): RawLine {
  const line: RawLine = {
    lineNo,
    text,
    terminated,
    sha256: sha256Hex(text),
    bytes: new TextEncoder().encode(text).length,
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ...line, problem: `line ${lineNo} is not a complete JSON object` };
  }
  const suffix = HASH_SUFFIX.exec(text);
  const claimed = suffix?.[1];
  if (suffix === null || claimed === undefined) {
    return { ...line, problem: `line ${lineNo} has no hash of its own as its last field` };
  }
  const body = `${text.slice(0, text.length - suffix[0].length)}}`;
  if (sha256Hex(body) !== claimed) {
    return { ...line, problem: `line ${lineNo} does not match its own hash (it was edited)` };
  }
  const envelope = journalEnvelopeSchema.safeParse(parsed);
  if (!envelope.success || envelope.data.hash !== claimed) {
    return { ...line, problem: `line ${lineNo} is not a journal entry (seq, at, prev, kind)` };
  }
  return { ...line, envelope: envelope.data };
}

export function splitLines(text: string): RawLine[] {
  if (text.length === 0) return [];
  const parts = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  // A file ending in "\n" leaves one empty string after the last separator: not a line.
  if (endsWithNewline) parts.pop();
  return parts.map((part, index) =>
    readLine(part, index + 1, endsWithNewline || index < parts.length - 1),
  );
}

export type JournalState = {
  report: VerifyReport;
  /** Lines that verified, in order (torn and broken ones excluded). */
  good: RawLine[];
  /** Hash the next line must carry as `prev`. */
  head: string;
  nextSeq: number;
  /** The torn lines at the end of the file, still to be acknowledged by a torn-tail entry. */
  tornTail: RawLine[];
  /** The file does not end in "\n", so the next write must start a fresh line. */
  needsNewline: boolean;
};

/**
 * Walks the lines once. A line is good when it is intact (valid JSON whose own hash matches) and
 * links to the last good line (`prev`, `seq`). Lines that are not good are held back: they are
 * tolerated only as a torn run — either at the very end with the last one unterminated (a crash
 * mid-append), or followed by a torn-tail entry that names each of them with its SHA-256.
 * Anything else is broken, reported at the first line of the held-back run.
 */
export function verifyText(text: string): JournalState {
  const lines = splitLines(text);
  const good: RawLine[] = [];
  const tornLines: number[] = [];
  let head = ZERO_HASH;
  let nextSeq = 1;
  let held: RawLine[] = [];

  const state = (report: VerifyReport, tornTail: RawLine[] = []): JournalState => ({
    report,
    good,
    head,
    nextSeq,
    tornTail,
    needsNewline: text.length > 0 && !text.endsWith('\n'),
  });
  const broken = (line: RawLine, reason: string): JournalState =>
    state({
      ok: false,
      lines: lines.length,
      firstBrokenLine: line.lineNo,
      reason,
      ...(tornLines.length ? { tornLines } : {}),
    });
  const unlinkedReason = (line: RawLine, envelope: JournalEnvelope): string => {
    const previous = good.at(-1)?.lineNo;
    if (envelope.prev !== head) {
      return previous === undefined
        ? `line ${line.lineNo} should start the chain but follows a line that is not there (lines were removed or reordered)`
        : `line ${line.lineNo} does not follow line ${previous}: a line was removed, inserted or reordered`;
    }
    return `line ${line.lineNo} has seq ${envelope.seq} where ${nextSeq} was expected`;
  };

  for (const line of lines) {
    const envelope = line.envelope;
    const links = envelope !== undefined && envelope.prev === head && envelope.seq === nextSeq;
    if (!links) {
      if (envelope !== undefined) {
        // An intact line that does not link cannot be part of a torn write.
        const first = held[0];
        return first === undefined
          ? broken(line, unlinkedReason(line, envelope))
          : broken(first, first.problem ?? unlinkedReason(first, envelope));
      }
      held.push(line);
      continue;
    }
    const isTornMarker = envelope.kind === 'torn-tail';
    if (held.length > 0 || isTornMarker) {
      const marker = isTornMarker ? tornTailSchema.safeParse(JSON.parse(line.text)) : undefined;
      const named = marker?.success === true ? marker.data.lines : [];
      const matches =
        named.length === held.length &&
        named.every((entry, index) => {
          const heldLine = held[index];
          return (
            heldLine !== undefined &&
            heldLine.lineNo === entry.line &&
            heldLine.sha256 === entry.sha256 &&
            heldLine.bytes === entry.bytes
          );
        });
      const first = held[0];
      if (!matches) {
        return first === undefined
          ? broken(line, `line ${line.lineNo} acknowledges torn lines that are not there`)
          : broken(first, first.problem ?? `line ${first.lineNo} is broken`);
      }
      tornLines.push(...held.map((heldLine) => heldLine.lineNo));
      held = [];
    }
    good.push(line);
    head = line.sha256;
    nextSeq += 1;
  }

  const last = held.at(-1);
  const first = held[0];
  if (last === undefined || first === undefined) {
    return state({ ok: true, lines: lines.length, ...(tornLines.length ? { tornLines } : {}) });
  }
  if (!last.terminated) {
    const allTorn = [...tornLines, ...held.map((heldLine) => heldLine.lineNo)];
    return state({ ok: true, lines: lines.length, tornTail: true, tornLines: allTorn }, held);
  }
  return broken(first, first.problem ?? `line ${first.lineNo} is broken`);
}

export type ParsedJournal = {
  entries: JournalLine[];
  /** Good lines whose kind this version does not know (written by a newer version) or reject. */
  unrecognisedLines: number[];
};

/** The good lines as typed entries. */
export function parseGoodLines(good: readonly RawLine[]): ParsedJournal {
  const entries: JournalLine[] = [];
  const unrecognisedLines: number[] = [];
  for (const line of good) {
    const raw: unknown = JSON.parse(line.text);
    const envelope = journalEnvelopeSchema.safeParse(raw);
    const entry = journalEntrySchema.safeParse(raw);
    if (envelope.success && entry.success) entries.push({ ...envelope.data, ...entry.data });
    else unrecognisedLines.push(line.lineNo);
  }
  return { entries, unrecognisedLines };
}

/** One line for people: the CLI prints it, the app can show it. */
export function describeReport(report: VerifyReport, path: string): string {
  if (!report.ok) {
    return `journal BROKEN at line ${report.firstBrokenLine ?? '?'} of ${report.lines}: ${report.reason ?? 'unknown'} (${path})`;
  }
  const torn = report.tornTail
    ? `; the last write was torn (line ${report.tornLines?.at(-1) ?? '?'}), tolerated`
    : '';
  const acknowledged =
    !report.tornTail && report.tornLines?.length
      ? `; torn lines ${report.tornLines.join(', ')} acknowledged`
      : '';
  return `journal intact: ${report.lines} line${report.lines === 1 ? '' : 's'}${torn}${acknowledged} (${path})`;
}

/**
 * What the views read: every good line before the break, then the lines from the break on that
 * still read as entries, marked `unverified` (the chain no longer proves them). A submission
 * finished after the break therefore shows as finished, flagged, not as interrupted.
 */
export function readableEntries(text: string, state: JournalState): JournalLine[] {
  const breakAt = state.report.ok ? Infinity : (state.report.firstBrokenLine ?? 1);
  const verified = parseGoodLines(state.good.filter((line) => line.lineNo < breakAt)).entries;
  if (breakAt === Infinity) return verified;
  const unverified = splitLines(text)
    .filter((line) => line.lineNo >= breakAt)
    .flatMap((line): JournalLine[] => {
      let raw: unknown;
      try {
        raw = JSON.parse(line.text);
      } catch {
        return [];
      }
      const envelope = journalEnvelopeSchema.safeParse(raw);
      const entry = journalEntrySchema.safeParse(raw);
      return envelope.success && entry.success
        ? [{ ...envelope.data, ...entry.data, unverified: true }]
        : [];
    });
  return [...verified, ...unverified];
}
