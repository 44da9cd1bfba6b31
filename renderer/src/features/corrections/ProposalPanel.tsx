// The proposed fix, exactly as it would be sent: the top-up record and its hour (with why that
// hour), the refunds per invoice (units × price, rounding and cap said), what waits for an
// invoice, what cannot be metered any more, and what blocks sending. Send asks for the typed
// confirmation on real connections; main checks it again.
import type { CaseView, Proposal } from '../../../../shared/channels/corrections';
import { useSendCase } from '../../api/corrections';
import { CopyValue } from '../../components/CopyValue';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';
import { formatHour, formatMoneyText, formatUnits, monthName } from './format';

function TopUp({ topUp, view }: { topUp: NonNullable<Proposal['topUp']>; view: CaseView }) {
  return (
    <div className="corrections-action">
      <h3>
        Top-up: meter {formatUnits(topUp.units)} missing units (
        {formatMoneyText(topUp.amount, view.agreement.currencyCode)})
      </h3>
      <p>{topUp.explanation}</p>
      <ul>
        {topUp.records.map((r) => (
          <li key={r.hour}>
            {formatHour(r.hour)}: {formatUnits(r.quantity)} units of {view.dimension} (timestamp{' '}
            <span className="mono">{r.timestamp}</span>)
          </li>
        ))}
      </ul>
    </div>
  );
}

function Refunds({ proposal, view }: { proposal: Proposal; view: CaseView }) {
  const currency = view.agreement.currencyCode;
  return (
    <>
      {proposal.refunds.map((r) => (
        <div key={r.invoice.invoiceId} className="corrections-action">
          <h3>
            Refund {formatMoneyText(r.amount, currency)} on invoice{' '}
            <span className="mono">{r.invoice.invoiceId}</span>
          </h3>
          <p>
            {formatUnits(r.units)} units × {view.agreement.price} {currency} ={' '}
            {formatMoneyText(r.value, currency)}, rounded half up to the cent
            {r.capped
              ? `, capped at the invoice’s maximum adjustment amount of ${formatMoneyText(r.invoice.maxAdjustmentAmount, currency)}`
              : ''}
            . Reason INCORRECT_METERING.
          </p>
          <p className="corrections-description">Description: {r.description}</p>
        </div>
      ))}
      {proposal.waiting.map((w) => (
        <div
          key={`${String(w.period.year)}-${String(w.period.month)}`}
          className="corrections-action corrections-waiting"
        >
          <h3>Waiting for the {monthName(w.period)} invoice</h3>
          <p>
            {formatUnits(w.units)} units ({formatMoneyText(w.amount, currency)}) were over-billed in
            a billing period not invoiced yet. The invoice is expected from {w.expectedFrom}; the
            refund is offered as soon as it appears (when the case is opened or refreshed).
          </p>
        </div>
      ))}
    </>
  );
}

export function ProposalPanel({ view }: { view: CaseView }) {
  const billing = useBillingConfirmation();
  const send = useSendCase(billing.run);
  const proposal = view.proposal;
  if (!proposal) {
    return (
      <p className="corrections-empty">
        Enter what should have been billed to see the differences and the proposed fix.
      </p>
    );
  }
  const actionable = proposal.topUp !== null || proposal.refunds.length > 0;
  const nothing =
    !actionable &&
    proposal.unmeterable === null &&
    proposal.waiting.length === 0 &&
    proposal.blockers.length === 0;

  return (
    <section className="corrections-proposal" aria-labelledby="corrections-proposal-title">
      <h2 id="corrections-proposal-title">Proposed fix</h2>
      {nothing && (
        <p>
          {view.entries.length > 0
            ? 'Nothing left to send: what this case sent covers every difference.'
            : 'Nothing to correct: what was billed is what should have been billed.'}
        </p>
      )}
      {proposal.topUp && <TopUp topUp={proposal.topUp} view={view} />}
      <Refunds proposal={proposal} view={view} />
      {proposal.unmeterable && (
        <div className="corrections-action">
          <h3>Cannot be metered: {formatUnits(proposal.unmeterable.units)} units</h3>
          <p>
            This stays open until you bill it another way. The summary for a private offer or a
            manual invoice:
          </p>
          <CopyValue
            value={proposal.unmeterable.summary}
            label="summary for a private offer or manual invoice"
          />
        </div>
      )}
      {proposal.blockers.length > 0 && (
        <div role="alert" className="corrections-blockers">
          {proposal.blockers.map((b) => (
            <p key={b}>{b}</p>
          ))}
        </div>
      )}
      {actionable && (
        <button
          type="button"
          className="primary"
          disabled={send.isPending || proposal.blockers.length > 0}
          onClick={() => send.mutate({ caseId: view.caseId, proposalId: proposal.proposalId })}
        >
          {send.isPending ? 'Sending…' : billing.required ? 'Review and send…' : 'Send corrections'}
        </button>
      )}
      {send.error && <ErrorPanel title="Nothing was sent" error={toDisplayableError(send.error)} />}
      {billing.element}
    </section>
  );
}
