// The journal's anchor, kept outside the journal file: how many entries its chain holds and the
// hash of the last one, replaced atomically after every append. Hash links catch an edited or
// removed line inside the file, but not a file cut off at a line boundary, deleted, or replaced
// by an older copy: each of those still verifies on its own. Against the anchor they no longer
// reach the entry last written, and the journal is reported broken at the first line missing.
// The anchor may lag the file by the entry being appended when a crash came between the two
// writes; it is never ahead of it.
import type { JournalState } from './verify';

export type JournalAnchor = {
  /** Entries in the chain (torn lines are not entries). */
  entries: number;
  /** SHA-256 of the last entry's line. */
  head: string;
};

/** Where the anchor is kept: beside the journal, never inside it. */
export type AnchorStore = {
  /** null when none was written yet (a new folder, or one from before anchors). */
  read: () => Promise<JournalAnchor | null>;
  write: (anchor: JournalAnchor) => Promise<void>;
};

export function anchorOf(state: JournalState): JournalAnchor {
  return { entries: state.good.length, head: state.head };
}

function brokenAt(state: JournalState, line: number, reason: string): JournalState {
  return {
    ...state,
    report: {
      ok: false,
      lines: state.report.lines,
      firstBrokenLine: line,
      reason,
      ...(state.report.tornLines ? { tornLines: state.report.tornLines } : {}),
    },
  };
}

/** The verified file held against its anchor: shorter or other than written is broken. */
export function checkAnchor(state: JournalState, anchor: JournalAnchor | null): JournalState {
  if (anchor === null || anchor.entries === 0 || !state.report.ok) return state;
  const reached = state.good[anchor.entries - 1];
  if (reached === undefined) {
    const line = state.report.lines + 1;
    if (state.report.lines === 0) {
      return brokenAt(
        state,
        1,
        `the journal file is empty or missing, but ${anchor.entries} entries were written to it: it was deleted or replaced`,
      );
    }
    return brokenAt(
      state,
      line,
      `the journal holds ${state.good.length} entries where ${anchor.entries} were written: its end was cut off after line ${line - 1}, or it was replaced by an older copy`,
    );
  }
  if (reached.sha256 !== anchor.head) {
    return brokenAt(
      state,
      reached.lineNo,
      `line ${reached.lineNo} is not the entry written there: the journal file was replaced`,
    );
  }
  return state;
}
