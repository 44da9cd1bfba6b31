// What follows Submit: that the submission started and where to follow it, its progress and
// outcomes, and the outcome in totals per dimension (billed counted once, read from the journal).
// The preview shows "New submission" in place of Submit meanwhile (Preview.tsx).
import { formatNumber } from '../../components/DataTable';
import { useFocusOnArrival } from '../../components/useFocusOnArrival';
import { useJournalSubmission } from '../../api/journal';
import { SubmissionBilledOnce } from '../journal/BilledOnce';
import { dimensionTotals } from './submission/dimension-totals';
import { SubmissionProgress } from './submission/SubmissionProgress';

function OutcomeTotals({ submissionId }: { submissionId: string }) {
  const detail = useJournalSubmission(submissionId);
  const rows = detail.data?.rows;
  if (!rows || rows.length === 0) return null;
  const totals = dimensionTotals(rows);
  return (
    <table className="md-totals" aria-label="Outcome per dimension">
      <thead>
        <tr>
          <th scope="col">Dimension</th>
          <th scope="col" className="md-num">
            Records
          </th>
          <th scope="col" className="md-num">
            Billed records
          </th>
          <th scope="col" className="md-num">
            Billed quantity
          </th>
          <th scope="col" className="md-num">
            Not billed or open
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((t) => (
          <tr key={t.dimension}>
            <th scope="row">{t.dimension}</th>
            <td className="md-num">{formatNumber(t.records)}</td>
            <td className="md-num">{formatNumber(t.billedRecords)}</td>
            <td className="md-num">{formatNumber(t.billedQuantity)}</td>
            <td className="md-num">{formatNumber(t.records - t.billedRecords)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SubmitResult({ submissionId, total }: { submissionId: string; total: number }) {
  const ref = useFocusOnArrival<HTMLElement>(submissionId);
  return (
    <>
      <section
        ref={ref}
        tabIndex={-1}
        className="panel md-submitted"
        role="status"
        aria-label="Submission"
      >
        <p>
          Submission <span className="mono">{submissionId}</span> started with {formatNumber(total)}{' '}
          {total === 1 ? 'record' : 'records'}. Every record is journaled before it is sent; follow
          it in the <a href="#/journal">Journal</a>.
        </p>
        <SubmissionBilledOnce submissionId={submissionId} />
        <OutcomeTotals submissionId={submissionId} />
      </section>
      {/* Progress bar, cancel, per-record outcomes (submission side). */}
      <SubmissionProgress submissionId={submissionId} />
    </>
  );
}
