// Which submissions still hold records to send again, read from the journal's lines: the list
// the Journal's "Resume" section shows, and exactly what a resume sends.
import {
  finalRecordStatuses,
  type JournalContext,
  type JournalLine,
  type JournalOperation,
  type JournalRecord,
} from '../../../shared/journal';
import type { AppendableEntry, InterruptedSubmission, UnresolvedRecord } from './journal';
import { journalRecordUsageKey } from './record-usage-key';

type KeyState = {
  record: JournalRecord;
  status: UnresolvedRecord['lastStatus'] | 'Final';
  parked?: boolean;
  callId?: string;
  attempt?: number;
  productCode?: string;
  /** The product its planned group names (for its usage key; a call names it again). */
  plannedProduct?: string;
  /** The journal line (its index) whose outcome made the record final. */
  finalAt?: number;
};

type SubmissionTrack = {
  submissionId: string;
  operation?: JournalOperation;
  context: JournalContext;
  startedAt?: string;
  resendOf?: string;
  totalRecords?: number;
  closed?: 'finished' | 'cancelled';
  /** The index of the submission's first journal line. */
  firstLine: number;
  keys: Map<string, KeyState>;
  calls: Map<string, { keys: string[] }>;
};

type Entry<K extends JournalLine['kind']> = Extract<JournalLine, { kind: K }>;

/** Lines about metering submissions (other kinds, e.g. billing adjustments, live elsewhere). */
type SubmissionLine = Entry<
  | 'submission-started'
  | 'call-intent'
  | 'call-outcome'
  | 'records-parked'
  | 'records-settled'
  | 'submission-finished'
  | 'submission-cancelled'
>;

const SUBMISSION_KINDS: ReadonlySet<string> = new Set<SubmissionLine['kind']>([
  'submission-started',
  'call-intent',
  'call-outcome',
  'records-parked',
  'records-settled',
  'submission-finished',
  'submission-cancelled',
]);

function isSubmissionLine(entry: JournalLine): entry is SubmissionLine {
  return SUBMISSION_KINDS.has(entry.kind);
}

function started(t: SubmissionTrack, entry: Entry<'submission-started'>): void {
  t.operation = entry.operation;
  t.context = entry.context;
  t.startedAt = entry.at;
  t.totalRecords = entry.totalRecords;
  if (entry.resendOf !== undefined) t.resendOf = entry.resendOf;
  const productOf = new Map<string, string>();
  for (const group of entry.groups) {
    const keys = (group as { keys?: unknown }).keys;
    if (group.productCode === undefined || !Array.isArray(keys)) continue;
    for (const key of keys) if (typeof key === 'string') productOf.set(key, group.productCode);
  }
  for (const record of entry.planned ?? []) {
    if (t.keys.has(record.key)) continue;
    const plannedProduct = productOf.get(record.key);
    t.keys.set(record.key, {
      record,
      status: 'NotSent',
      ...(plannedProduct === undefined ? {} : { plannedProduct }),
    });
  }
}

function intent(t: SubmissionTrack, entry: Entry<'call-intent'>): void {
  t.operation ??= entry.operation;
  t.calls.set(entry.callId, { keys: entry.records.map((record) => record.key) });
  for (const record of entry.records) {
    if (t.keys.get(record.key)?.status === 'Final') continue;
    t.keys.set(record.key, {
      record,
      status: 'NoOutcome',
      callId: entry.callId,
      attempt: entry.attempt,
      ...(entry.productCode === undefined ? {} : { productCode: entry.productCode }),
    });
  }
}

function outcome(t: SubmissionTrack, entry: Entry<'call-outcome'>, line: number): void {
  const call = t.calls.get(entry.callId);
  if (call === undefined) return; // an outcome without its intent says nothing to resend
  const results = new Map(entry.results.map((result) => [result.key, result.status]));
  for (const key of call.keys) {
    const keyState = t.keys.get(key);
    if (keyState === undefined || keyState.status === 'Final') continue;
    const status = results.get(key);
    if (status !== undefined && finalRecordStatuses.has(status)) {
      keyState.status = 'Final';
      keyState.finalAt = line;
    } else if (keyState.callId === entry.callId) {
      // A record the outcome does not mention may or may not have been billed.
      keyState.status = status === 'Unprocessed' ? 'Unprocessed' : 'Unknown';
    }
  }
}

function parked(t: SubmissionTrack, entry: Entry<'records-parked'>): void {
  for (const record of entry.records) {
    const keyState = t.keys.get(record.key);
    if (keyState === undefined || keyState.status === 'Final') continue;
    keyState.status = record.status;
    keyState.parked = true;
  }
}

function settled(t: SubmissionTrack, entry: Entry<'records-settled'>): void {
  for (const record of entry.records) {
    const keyState = t.keys.get(record.key);
    if (keyState !== undefined) keyState.status = 'Final';
  }
}

/** Follows one line into its submission's track. */
function follow(t: SubmissionTrack, entry: SubmissionLine, line: number): void {
  switch (entry.kind) {
    case 'submission-started':
      return started(t, entry);
    case 'call-intent':
      return intent(t, entry);
    case 'call-outcome':
      return outcome(t, entry, line);
    case 'records-parked':
      return parked(t, entry);
    case 'records-settled':
      return settled(t, entry);
    case 'submission-finished':
      t.closed = 'finished';
      return;
    case 'submission-cancelled':
      t.closed = 'cancelled';
      return;
  }
}

function usageKeyOf(t: SubmissionTrack, keyState: KeyState): string {
  return journalRecordUsageKey(
    t.context,
    t.operation,
    keyState.productCode ?? keyState.plannedProduct,
    keyState.record.record,
  );
}

/**
 * When each usage was answered for good, by which submission: a record one submission never
 * sent that another one sent afterwards (its resume, or a re-import of the same rows) is not
 * left to send again.
 */
function answeredUsage(tracks: Iterable<SubmissionTrack>): Map<string, [string, number][]> {
  const answered = new Map<string, [string, number][]>();
  for (const t of tracks) {
    for (const keyState of t.keys.values()) {
      if (keyState.finalAt === undefined) continue;
      const key = usageKeyOf(t, keyState);
      answered.set(key, [...(answered.get(key) ?? []), [t.submissionId, keyState.finalAt]]);
    }
  }
  return answered;
}

/** A record this submission never sent that another one answered after it started. */
function sentLater(
  t: SubmissionTrack,
  keyState: KeyState,
  answered: Map<string, [string, number][]>,
): boolean {
  if (keyState.status !== 'NotSent') return false;
  return (answered.get(usageKeyOf(t, keyState)) ?? []).some(
    ([submissionId, line]) => submissionId !== t.submissionId && line > t.firstLine,
  );
}

/** The track's records still to send, or null when nothing is left. */
function resumable(
  t: SubmissionTrack,
  answered: Map<string, [string, number][]>,
): InterruptedSubmission | null {
  const unresolved: UnresolvedRecord[] = [];
  let resolvedCount = 0;
  for (const keyState of t.keys.values()) {
    const status = keyState.status;
    // A finished submission leaves open only the records it parked for later.
    if (
      status === 'Final' ||
      (t.closed === 'finished' && keyState.parked !== true) ||
      sentLater(t, keyState, answered)
    ) {
      resolvedCount += 1;
      continue;
    }
    unresolved.push({
      ...keyState.record,
      lastStatus: status,
      ...(keyState.parked === true ? { parked: true } : {}),
      ...(keyState.callId === undefined ? {} : { callId: keyState.callId }),
      ...(keyState.attempt === undefined ? {} : { attempt: keyState.attempt }),
      ...(keyState.productCode === undefined ? {} : { productCode: keyState.productCode }),
    });
  }
  const unjournaledRecords =
    t.closed === 'finished' ? 0 : Math.max(0, (t.totalRecords ?? 0) - t.keys.size);
  if (unresolved.length === 0 && unjournaledRecords === 0) return null;
  return {
    submissionId: t.submissionId,
    ending: t.closed ?? 'interrupted',
    context: t.context,
    unresolved,
    resolvedCount,
    unjournaledRecords,
    ...(t.operation === undefined ? {} : { operation: t.operation }),
    ...(t.startedAt === undefined ? {} : { startedAt: t.startedAt }),
    ...(t.resendOf === undefined ? {} : { resendOf: t.resendOf }),
    ...(t.totalRecords === undefined ? {} : { totalRecords: t.totalRecords }),
  };
}

/**
 * Submissions not superseded by a resend that still hold records that are not final: cut off
 * (no closing line), cancelled (records never sent), or finished with parked records. A record is
 * final once ANY outcome gave it Success, DuplicateRecord, CustomerNotSubscribed or Rejected
 * (sending it again could bill twice or cannot help), or it was settled without a send (window
 * closed, or per CloudTrail); otherwise it is unresolved when its latest call has no outcome, or
 * came back Unprocessed/Unknown (parked or not), or it was planned and never sent.
 */
export function findInterrupted(entries: readonly JournalLine[]): InterruptedSubmission[] {
  const tracks = new Map<string, SubmissionTrack>();
  entries.forEach((entry, line) => {
    if (!isSubmissionLine(entry)) return;
    let t = tracks.get(entry.submissionId);
    if (t === undefined) {
      t = {
        submissionId: entry.submissionId,
        context: entry.context,
        firstLine: line,
        keys: new Map(),
        calls: new Map(),
      };
      tracks.set(entry.submissionId, t);
    }
    follow(t, entry, line);
  });
  const resent = new Set([...tracks.values()].flatMap((t) => (t.resendOf ? [t.resendOf] : [])));
  const answered = answeredUsage(tracks.values());
  return [...tracks.values()].flatMap((t) => {
    if (resent.has(t.submissionId)) return [];
    const found = resumable(t, answered);
    return found === null ? [] : [found];
  });
}

/**
 * The `submission-started` entry for resuming an interrupted submission: a new submission that
 * names the old one in `resendOf` and plans exactly its unresolved records, under the same keys
 * (and, for MeterUsage, the same ClientToken inside each record, so AWS deduplicates).
 */
export function resendStart(
  interrupted: InterruptedSubmission,
  submissionId: string,
  context: JournalContext,
): Extract<AppendableEntry, { kind: 'submission-started' }> {
  const groups = new Map<string, number>();
  for (const record of interrupted.unresolved) {
    const key = record.productCode ?? '';
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return {
    kind: 'submission-started',
    submissionId,
    operation: interrupted.operation ?? 'BatchMeterUsage',
    context,
    groups: [...groups].map(([productCode, records]) =>
      productCode === '' ? { records } : { productCode, records },
    ),
    totalRecords: interrupted.unresolved.length,
    planned: interrupted.unresolved.map(({ key, record }) => ({ key, record })),
    resendOf: interrupted.submissionId,
  };
}
