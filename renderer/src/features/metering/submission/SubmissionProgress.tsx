// Progress and outcome of one metering submission: a determinate bar with rate and time left,
// a Cancel button while it runs, per-record outcomes (problems first) and, when it ends early,
// the reason in plain words with the way forward.
//
// Usage (the preview screen, after `metering:submit` answered):
//   <SubmissionProgress submissionId={id} onDone={(status) => …} />
// Props:
//   submissionId  the id `metering:submit` (or `metering:resume`) returned.
//   onDone        optional; called once when the submission ends (finished, cancelled, stopped).
//   maxRows       optional; outcome rows shown (default 500; the Journal has every one).
import { useEffect, useMemo, useRef, useState } from 'react';
import type {
  OutcomeStatus,
  RecordOutcomeView,
  SubmissionStatus,
} from '../../../../../shared/channels/metering-submit';
import { ErrorPanel, toDisplayableError } from '../../../components/ErrorPanel';
import { formatNumber } from '../../../locale';
import {
  useCancelSubmission,
  useSubmissionLive,
  useSubmissionStatus,
} from '../../../api/metering-submit';
import { RecordStatusNotes } from './RecordStatusNotes';

export type SubmissionProgressProps = {
  submissionId: string;
  onDone?: (status: SubmissionStatus) => void;
  maxRows?: number;
};

const number = { format: formatNumber };

export const outcomeLabels: Record<OutcomeStatus, string> = {
  Success: 'Billed',
  DuplicateRecord: 'Duplicate (first quantity stands)',
  CustomerNotSubscribed: 'Customer not subscribed',
  Rejected: 'Rejected',
  Unprocessed: 'Not processed',
  Unknown: 'Answer lost',
  NotSent: 'Not sent',
  DryRunPassed: 'Dry run passed',
  WindowClosed: 'Window closed; check CloudTrail',
};

/** A parked record is shown as what it is for the user: to be retried later. */
export function outcomeLabel(o: RecordOutcomeView): string {
  return o.parked === true ? 'Unprocessed, retry later' : outcomeLabels[o.status];
}

const problemOrder: Record<OutcomeStatus, number> = {
  Rejected: 0,
  CustomerNotSubscribed: 1,
  DuplicateRecord: 2,
  Unknown: 3,
  Unprocessed: 4,
  NotSent: 5,
  WindowClosed: 6,
  DryRunPassed: 7,
  Success: 8,
};

function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

function stateLine(status: SubmissionStatus): string {
  switch (status.state) {
    case 'running':
      return 'Sending…';
    case 'finished':
      return 'Finished: every record has an answer from AWS.';
    case 'cancelled':
      return 'Cancelled: the calls already on their way were finished; the rest was not sent.';
    case 'stopped':
      return 'Stopped before the next call. Nothing was half-sent: resume it from the Journal once the problem is fixed.';
  }
}

export function SubmissionProgress({
  submissionId,
  onDone,
  maxRows = 500,
}: SubmissionProgressProps) {
  const status = useSubmissionStatus(submissionId);
  const live = useSubmissionLive(submissionId);
  const cancel = useCancelSubmission();
  const [problemsOnly, setProblemsOnly] = useState(false);
  const reported = useRef(false);

  const data = status.data;
  const counters = live.progress ?? data;
  useEffect(() => {
    if (data && data.state !== 'running' && !reported.current) {
      reported.current = true;
      onDone?.(data);
    }
  }, [data, onDone]);

  const rows = useMemo(() => {
    const all: RecordOutcomeView[] = data?.outcomes ?? [];
    const chosen = problemsOnly
      ? all.filter((o) => o.status !== 'Success' && o.status !== 'DryRunPassed')
      : all;
    return [...chosen].sort((a, b) => problemOrder[a.status] - problemOrder[b.status]);
  }, [data, problemsOnly]);

  if (status.error) {
    return (
      <ErrorPanel
        title="The submission's status is unavailable"
        error={toDisplayableError(status.error)}
      />
    );
  }
  if (!data || !counters) {
    return (
      <p className="loading" role="status">
        Starting the submission…
      </p>
    );
  }
  const running = counters.state === 'running';
  const percent = counters.total > 0 ? Math.round((counters.done / counters.total) * 100) : 0;
  const c = counters.counts;
  const problems =
    c.rejected +
    c.customerNotSubscribed +
    c.duplicate +
    c.unknown +
    c.unprocessed +
    c.parked +
    c.windowClosed;

  return (
    <section className="panel submission" aria-label="Submission progress and outcomes">
      <h2>
        Submission <span className="mono">{submissionId}</span>
      </h2>
      <p>
        {data.operation}
        {data.dryRun ? ' (dry run)' : ''} on {data.connection.name} · account{' '}
        <span className="mono">{data.connection.account || '—'}</span> · {data.connection.region}
        {data.resendOf !== undefined && (
          <>
            {' '}
            · resends the unresolved records of <span className="mono">{data.resendOf}</span>
          </>
        )}
      </p>
      <div className="submission-bar">
        <progress aria-label="Records answered" max={counters.total} value={counters.done}>
          {percent}%
        </progress>
        <span role="status" aria-live="polite">
          {number.format(counters.done)} of {number.format(counters.total)} records ({percent}%)
          {running &&
            ` · ${counters.ratePerSecond === null ? '—' : number.format(Math.round(counters.ratePerSecond))} records/s · ${formatSeconds(counters.secondsLeft)}`}
        </span>
        {running && (
          <button
            type="button"
            onClick={() => cancel.mutate(submissionId)}
            disabled={cancel.isPending || cancel.data?.cancelled === true}
          >
            {cancel.data?.cancelled === true ? 'Cancelling…' : 'Cancel submission'}
          </button>
        )}
      </div>
      <p className="submission-state" data-state={counters.state}>
        {stateLine({ ...data, state: counters.state })}
      </p>
      {counters.error && (
        <ErrorPanel title="Why it stopped" error={toDisplayableError(counters.error)} />
      )}
      <dl className="facts submission-counts" aria-label="Outcome counts">
        <div className="facts-row">
          <dt>Billed</dt>
          <dd>{number.format(c.success)}</dd>
        </div>
        <div className="facts-row">
          <dt>Duplicate</dt>
          <dd>{number.format(c.duplicate)}</dd>
        </div>
        <div className="facts-row">
          <dt>Not subscribed</dt>
          <dd>{number.format(c.customerNotSubscribed)}</dd>
        </div>
        <div className="facts-row">
          <dt>Rejected</dt>
          <dd>{number.format(c.rejected)}</dd>
        </div>
        <div className="facts-row">
          <dt>Unresolved</dt>
          <dd>{number.format(c.unknown + c.unprocessed)}</dd>
        </div>
        <div className="facts-row">
          <dt>Not sent</dt>
          <dd>{number.format(c.notSent)}</dd>
        </div>
        {c.parked > 0 && (
          <div className="facts-row">
            <dt>Unprocessed, retry later</dt>
            <dd>{number.format(c.parked)}</dd>
          </div>
        )}
        {c.windowClosed > 0 && (
          <div className="facts-row">
            <dt>Window closed; check CloudTrail</dt>
            <dd>{number.format(c.windowClosed)}</dd>
          </div>
        )}
        {data.dryRun && (
          <div className="facts-row">
            <dt>Dry run passed</dt>
            <dd>{number.format(c.dryRunPassed)}</dd>
          </div>
        )}
      </dl>
      <div className="submission-tools">
        <label>
          <input
            type="checkbox"
            checked={problemsOnly}
            onChange={(e) => setProblemsOnly(e.target.checked)}
          />{' '}
          Only records that were not billed ({number.format(problems + c.notSent)})
        </label>{' '}
        <a href={`#/journal?submission=${encodeURIComponent(submissionId)}`}>Open in Journal</a>
      </div>
      <div className="table-scroll">
        <table className="outcomes" aria-label="Record outcomes">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Customer</th>
              <th scope="col">Dimension</th>
              <th scope="col">Hour (UTC)</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col">MeteringRecordId</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, maxRows).map((o) => (
              <tr key={o.key} data-status={o.status}>
                <td>{outcomeLabel(o)}</td>
                <td className="mono">{o.licenseArn ?? o.customer ?? ''}</td>
                <td>{o.dimension ?? ''}</td>
                <td className="mono">{o.timestamp ?? ''}</td>
                <td className="num">{o.quantity === undefined ? '' : number.format(o.quantity)}</td>
                <td className="mono">{o.meteringRecordId ?? ''}</td>
                <td>
                  {o.error
                    ? `${o.error.awsName ?? o.error.code}: ${o.error.message}`
                    : o.attempts > 1
                      ? `${o.attempts} attempts`
                      : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        Showing {number.format(Math.min(rows.length, maxRows))} of {number.format(rows.length)}{' '}
        records{rows.length > maxRows ? '; the Journal lists every one.' : '.'}
      </p>
      <RecordStatusNotes
        counts={{ CustomerNotSubscribed: c.customerNotSubscribed, DuplicateRecord: c.duplicate }}
      />
    </section>
  );
}
