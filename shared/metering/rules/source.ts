// Source rules: what the CSV import could not read with certainty about the line a record came
// from. Its fields may be in the wrong places (an unquoted "1,234" splits a quantity in two), so
// the record is an error until the person says they checked it against the file.
import type { RecordIssue } from '../records';
import { addIssue, type RecordFacts } from './facts';

/** A zone-less time in the file's zone fell in a skipped or repeated hour (daylight saving). */
export const ZONE_UNCLEAR = 'timestamp-zone-unclear';

export function importLineChecked(facts: RecordFacts, issues: RecordIssue[]): void {
  const problem = facts.draft.importProblem;
  if (problem === undefined) return;
  if (problem.code === ZONE_UNCLEAR) {
    // Settled once the person writes the time with its offset.
    if (facts.timeMs !== null) return;
    addIssue(
      issues,
      'error',
      'timestamp',
      problem.code,
      problem.message,
      'Write this time with the offset it was recorded at (e.g. 2026-10-25T02:30+01:00), or in UTC with Z.',
    );
    return;
  }
  const where =
    problem.line === undefined ? 'the file' : `line ${String(problem.line)} of the file`;
  if (facts.draft.importProblemChecked === true) {
    addIssue(
      issues,
      'warning',
      'record',
      `${problem.code}-checked`,
      `${problem.message} You checked this record against ${where}.`,
      'Nothing more to do if every field matches the file.',
    );
    return;
  }
  addIssue(
    issues,
    'error',
    'record',
    problem.code,
    problem.message,
    `Meterdesk does not guess which cell is which: check every field against ${where}, correct it, then confirm. Or fix the file (quote cells that hold the delimiter) and import it again.`,
  );
}
