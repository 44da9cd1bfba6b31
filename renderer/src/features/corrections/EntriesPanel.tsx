// What the case sent and where each action stands: refunds with their client token, AWS's id and
// status (AWS's message and the next step when one failed), top-ups with their submission and
// what AWS answered per record. Resume resends refunds whose answer was lost, same token.
import type { CaseEntry, CaseView } from '../../../../shared/channels/corrections';
import { useResumeCase } from '../../api/corrections';
import { CopyValue } from '../../components/CopyValue';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';
import { formatHour, formatMoneyText, formatUnits } from './format';

const refundLabels: Record<Extract<CaseEntry, { kind: 'refund' }>['status'], string> = {
  sending: 'Answer unknown — resume',
  PENDING: 'Pending',
  COMPLETED: 'Completed',
  VALIDATION_FAILED: 'Validation failed',
  REJECTED: 'Refused',
};

function Refund({ entry }: { entry: Extract<CaseEntry, { kind: 'refund' }> }) {
  return (
    <li className={`corrections-entry corrections-entry-${entry.status.toLowerCase()}`}>
      <p>
        <strong>Refund {formatMoneyText(entry.amount, entry.currencyCode)}</strong> on invoice{' '}
        <span className="mono">{entry.invoiceId}</span>:{' '}
        <span className="corrections-entry-status">{refundLabels[entry.status]}</span>
      </p>
      <p>
        Client token <CopyValue value={entry.clientToken} label="client token" />
        {entry.billingAdjustmentRequestId !== undefined && (
          <>
            {' '}
            · Billing adjustment request{' '}
            <CopyValue
              value={entry.billingAdjustmentRequestId}
              label="billing adjustment request id"
            />
          </>
        )}
      </p>
      {entry.statusMessage !== undefined && <p>AWS says: {entry.statusMessage}</p>}
      {entry.nextStep !== undefined && <p>Next step: {entry.nextStep}</p>}
      {entry.error && entry.status === 'REJECTED' && (
        <ErrorPanel title="AWS refused this refund" error={toDisplayableError(entry.error)} />
      )}
    </li>
  );
}

function TopUp({ entry }: { entry: Extract<CaseEntry, { kind: 'top-up' }> }) {
  return (
    <li className="corrections-entry">
      <p>
        <strong>Top-up</strong> ({entry.status}) — submission{' '}
        <span className="mono">{entry.submissionId}</span>
      </p>
      <ul>
        {entry.records.map((r) => {
          const outcome = entry.outcomes.find((o) => o.key === r.key);
          return (
            <li key={r.key}>
              {formatHour(r.hour)}: {formatUnits(r.quantity)} units — {outcome?.status ?? 'sending'}
              {outcome?.meteringRecordId !== undefined && (
                <>
                  {' '}
                  <CopyValue value={outcome.meteringRecordId} label="MeteringRecordId" />
                </>
              )}
              {outcome?.error !== undefined && <> ({outcome.error})</>}
            </li>
          );
        })}
      </ul>
      {entry.status === 'interrupted' && (
        <p>Next step: resume this submission from the Journal; its records keep their keys.</p>
      )}
    </li>
  );
}

export function EntriesPanel({ view }: { view: CaseView }) {
  const billing = useBillingConfirmation();
  const resume = useResumeCase(billing.run);
  if (view.entries.length === 0) return null;

  return (
    <section className="corrections-entries" aria-labelledby="corrections-entries-title">
      <h2 id="corrections-entries-title">Sent</h2>
      {view.interrupted > 0 && (
        <div role="status" className="corrections-interrupted">
          <p>
            {view.interrupted} refund(s) were sent but their answer was never recorded. Resuming
            sends them again with the same client token, so AWS cannot file them twice.
          </p>
          <button
            type="button"
            onClick={() => resume.mutate(view.caseId)}
            disabled={resume.isPending}
          >
            Resume
          </button>
        </div>
      )}
      <ul className="corrections-entry-list">
        {view.entries.map((e) =>
          e.kind === 'refund' ? (
            <Refund key={e.entryId} entry={e} />
          ) : (
            <TopUp key={e.entryId} entry={e} />
          ),
        )}
      </ul>
      {resume.error && (
        <ErrorPanel title="Nothing was resent" error={toDisplayableError(resume.error)} />
      )}
      {billing.element}
    </section>
  );
}
