// The journal lines a test writes for a submission: started with its planned records, then a
// call's intent and AWS's answer to it.
import type { JournalContext, RecordResult } from '../../../../shared/journal';
import type { createJournal } from '../journal';

type Journal = ReturnType<typeof createJournal>;
export type PlannedRecord = { key: string; record: Record<string, unknown> };

/** `submission-started` for one product (`prod1`); `keys: false` leaves the group's keys out. */
export async function startSubmission(
  journal: Journal,
  context: JournalContext,
  submissionId: string,
  planned: readonly PlannedRecord[],
  options: { keys?: boolean } = {},
): Promise<void> {
  const keys = options.keys === false ? {} : { keys: planned.map((p) => p.key) };
  await journal.append({
    kind: 'submission-started',
    submissionId,
    operation: 'BatchMeterUsage',
    context,
    groups: [{ productCode: 'prod1', records: planned.length, ...keys }],
    totalRecords: planned.length,
    planned: [...planned],
  });
}

/** A first attempt of call `<submissionId>.<n>` with these records, and its answer. */
export async function answeredCall(
  journal: Journal,
  context: JournalContext,
  call: {
    submissionId: string;
    n?: number;
    requestId: string;
    records: readonly PlannedRecord[];
    results: RecordResult[];
  },
): Promise<void> {
  const callId = `${call.submissionId}.${String(call.n ?? 1)}`;
  await journal.append({
    kind: 'call-intent',
    submissionId: call.submissionId,
    callId,
    context,
    attempt: 1,
    operation: 'BatchMeterUsage',
    productCode: 'prod1',
    records: [...call.records],
  });
  await journal.append({
    kind: 'call-outcome',
    submissionId: call.submissionId,
    callId,
    context,
    requestId: call.requestId,
    results: call.results,
  });
}
