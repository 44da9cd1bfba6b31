// What the per-record statuses of a submission mean and what to do next (shared/aws/record-status):
// shown under the outcomes when any record came back CustomerNotSubscribed or DuplicateRecord.
import {
  recordStatusExplanations,
  type ExplainedRecordStatus,
} from '../../../../../shared/aws/record-status';

const LABELS: Record<ExplainedRecordStatus, string> = {
  CustomerNotSubscribed: 'Customer not subscribed',
  DuplicateRecord: 'Duplicate',
};

export function RecordStatusNotes({
  counts,
}: {
  counts: Partial<Record<ExplainedRecordStatus, number>>;
}) {
  const shown = (Object.keys(LABELS) as ExplainedRecordStatus[]).filter(
    (status) => (counts[status] ?? 0) > 0,
  );
  if (shown.length === 0) return null;
  return (
    <ul className="submission-notes" aria-label="What these outcomes mean">
      {shown.map((status) => (
        <li key={status}>
          <strong>{LABELS[status]}:</strong> {recordStatusExplanations[status].meaning}{' '}
          <strong>Next step:</strong> {recordStatusExplanations[status].nextStep}
        </li>
      ))}
    </ul>
  );
}
