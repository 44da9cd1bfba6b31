// What follows Submit. The submission side (helper "metering-submit") owns progress and outcomes;
// this shows that the submission started and where to follow it.
import { formatNumber } from '../../components/DataTable';
import { useFocusOnArrival } from '../../components/useFocusOnArrival';
import { SubmissionBilledOnce } from '../journal/BilledOnce';
import { SubmissionProgress } from './submission/SubmissionProgress';

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
      </section>
      {/* Progress bar, cancel, per-record outcomes (submission side). */}
      <SubmissionProgress submissionId={submissionId} />
    </>
  );
}
