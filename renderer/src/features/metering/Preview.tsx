// Preview and confirm: exactly what will be sent (as which calls, per product, totals per
// dimension), checked again by main. The Submit button is the only thing that bills; on real
// connections it first asks for the typed confirmation (useBillingConfirmation). Once this plan
// is submitted, "New submission" takes Submit's place: a plan is sent once.
import { useId, useState } from 'react';
import type { PlanOutput } from '../../api/metering';
import { formatNumber } from '../../components/DataTable';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { useFocusOnArrival } from '../../components/useFocusOnArrival';
import { windowLeft } from './editor-model';

type Props = {
  plan: PlanOutput | null;
  planning: boolean;
  planError: unknown;
  stale: boolean;
  nothingToPreview: boolean;
  now: number;
  onPreview: () => void;
  /** A typed confirmation will be asked before sending (real connections). */
  confirmRequired: boolean;
  submitting: boolean;
  submitError: unknown;
  onSubmit: (options: { dryRun: boolean }) => void;
  /** This plan was submitted (its outcome is shown below the preview). */
  submitted: boolean;
  /** Leaves the submitted preview, so the next records are previewed afresh. */
  onNewSubmission: () => void;
};

export function Preview(props: Props) {
  const id = useId();
  const { plan, now } = props;
  const [dryRun, setDryRun] = useState(false);
  const hasMeterUsage = plan?.plan.calls.some((c) => c.operation === 'MeterUsage') ?? false;
  const canSubmit = plan !== null && plan.planId !== null && !props.stale && !props.submitting;
  const ops = [...new Set(plan?.plan.calls.map((c) => c.operation) ?? [])];
  const summaryRef = useFocusOnArrival<HTMLParagraphElement>(plan);

  return (
    <section className="panel md-preview" aria-labelledby={`${id}-h`}>
      <div className="md-panel-head">
        <h2 id={`${id}-h`}>Preview and submit</h2>
        <span className="md-muted">
          Main checks every record again and groups them into calls exactly as they will be sent.
        </span>
        <div className="md-actions">
          <button
            type="button"
            onClick={props.onPreview}
            disabled={props.planning || props.nothingToPreview}
          >
            {props.planning ? 'Checking…' : 'Preview'}
          </button>
        </div>
      </div>
      {props.planError !== null && props.planError !== undefined && (
        <ErrorPanel title="The preview failed" error={toDisplayableError(props.planError)} />
      )}
      {plan && (
        <div className={props.stale ? 'md-stale' : undefined}>
          {props.stale && (
            <p className="md-note" role="status">
              The records changed since this preview. Preview again before submitting.
            </p>
          )}
          <p
            ref={summaryRef}
            tabIndex={-1}
            className="md-plan-line"
            role="status"
            aria-label="Plan summary"
          >
            <strong>{formatNumber(plan.plan.totals.records)}</strong>{' '}
            {plan.plan.totals.records === 1 ? 'record' : 'records'} in{' '}
            <strong>{formatNumber(plan.plan.totals.calls)}</strong>{' '}
            {plan.plan.totals.calls === 1 ? 'call' : 'calls'}
            {ops.length > 0 ? ` (${ops.join(', ')})` : ''} to{' '}
            <strong>{plan.connection.name}</strong>
            {plan.connection.isSandbox ? ' — the sandbox, nothing is billed' : ''}
            {plan.earliestDeadlineMs !== null && (
              <span className="md-muted">
                {' '}
                · first window closes: {windowLeft(plan.earliestDeadlineMs, now)}
              </span>
            )}
          </p>
          {plan.errorCount > 0 && (
            <div className="md-problems" role="alert">
              <p>
                <strong>
                  {formatNumber(plan.problems.length)}{' '}
                  {plan.problems.length === 1 ? 'record has' : 'records have'} errors
                </strong>{' '}
                — nothing can be submitted until they are fixed or removed.
              </p>
              <ul>
                {plan.problems.slice(0, 20).map((p) => {
                  const first = p.issues.find((i) => i.severity === 'error');
                  return (
                    <li key={`${p.source}-${String(p.index)}`}>
                      {p.source === 'editor'
                        ? `Record ${String(p.index + 1)}`
                        : p.line === undefined
                          ? 'A record of the import'
                          : `Line ${String(p.line)} of the import`}
                      : {first?.message} <span className="md-fix">{first?.fix}</span>
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {plan.plan.products.map((product) => (
            <table
              key={product.productId}
              className="md-totals"
              aria-label={`Totals for ${product.productName}`}
            >
              <caption>
                {product.productName}
                {product.productCode ? (
                  <>
                    {' '}
                    · <span className="mono">{product.productCode}</span>
                  </>
                ) : (
                  ' · license ARNs, no product code'
                )}{' '}
                · {product.operation} · {formatNumber(product.calls)}{' '}
                {product.calls === 1 ? 'call' : 'calls'} · {formatNumber(product.records)} records
                {product.operation === 'BatchMeterUsage'
                  ? ` · ${formatNumber(product.customers)} customers`
                  : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Dimension</th>
                  <th scope="col" className="md-num">
                    Records
                  </th>
                  <th scope="col" className="md-num">
                    Total quantity
                  </th>
                </tr>
              </thead>
              <tbody>
                {product.dimensions.map((d) => (
                  <tr key={d.dimension}>
                    <td>{d.dimension}</td>
                    <td className="md-num">{formatNumber(d.records)}</td>
                    <td className="md-num">{formatNumber(d.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          {plan.planId !== null && (
            <div className="md-confirm">
              {hasMeterUsage && !props.submitted && (
                <label className="md-check">
                  <input
                    type="checkbox"
                    checked={dryRun}
                    onChange={(e) => setDryRun(e.target.checked)}
                  />
                  Dry run (MeterUsage checks permissions only; nothing is metered)
                </label>
              )}
              {props.submitted ? (
                <button type="button" className="primary" onClick={props.onNewSubmission}>
                  New submission
                </button>
              ) : (
                <button
                  type="button"
                  className="primary"
                  disabled={!canSubmit}
                  onClick={() => props.onSubmit({ dryRun: hasMeterUsage && dryRun })}
                >
                  {props.submitting
                    ? 'Submitting…'
                    : `${dryRun && hasMeterUsage ? 'Dry-run' : 'Submit'} ${formatNumber(plan.plan.totals.records)} ${plan.plan.totals.records === 1 ? 'record' : 'records'}${props.confirmRequired && !(dryRun && hasMeterUsage) ? '…' : ''}`}
                </button>
              )}
            </div>
          )}
          {props.submitError !== null && props.submitError !== undefined && (
            <ErrorPanel
              title="The submission did not start"
              error={toDisplayableError(props.submitError)}
            />
          )}
        </div>
      )}
    </section>
  );
}
