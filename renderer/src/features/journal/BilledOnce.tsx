// What a submission billed, counted once (shared/billing.ts): records AWS answered Success for
// the first time, replays of records billed before (same MeteringRecordId, not billed again),
// and DuplicateRecords (never billed). Read from the journal, so it agrees with the Journal.
//
// Usage: <SubmissionBilledOnce submissionId={id} /> beside a submission's progress.
import { billingLabels } from '../../../../shared/billing';
import { useJournalSubmission, useJournalSync } from '../../api/journal';
import { formatNumber } from '../../components/DataTable';

export function SubmissionBilledOnce({ submissionId }: { submissionId: string }) {
  useJournalSync();
  const detail = useJournalSubmission(submissionId);
  const billing = detail.data?.billing;
  if (!billing) return null;
  return (
    // Inside the submission's own status region, which announces it.
    <p className="md-billed-once">
      {billingLabels.billed}: {formatNumber(billing.billedRecords)}{' '}
      {billing.billedRecords === 1 ? 'record' : 'records'} (quantity{' '}
      {formatNumber(billing.billedQuantity)})
      {billing.replayRecords > 0 &&
        ` · replays of records billed before, not billed again: ${formatNumber(billing.replayRecords)}`}
      {billing.duplicateRecords > 0 &&
        ` · DuplicateRecord, not billed (the first quantity stands): ${formatNumber(billing.duplicateRecords)}`}
    </p>
  );
}
