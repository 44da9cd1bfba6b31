// The confirmation before anything that can bill. On the sandbox it asks nothing (nothing there
// is real money); on every other connection the user types "submissions are final" first.
//
// Usage (the metering screen, or any other action that bills):
//
//   const billing = useBillingConfirmation();
//   async function submit() {
//     const ok = await billing.confirm({ action: 'Send 25 usage records', details: '3 dimensions, 1,240 units' });
//     if (!ok) return;              // cancelled: send nothing
//     ... send ...
//   }
//   return <>{billing.element} ... </>;   // render the element once, anywhere in the screen
//
// `confirm` resolves true at once on the sandbox; elsewhere it resolves when the user confirms
// (true) or cancels (false). The connection and region named in the dialog are the ones the call
// will go to (the active connection). `required` tells a screen up front whether a dialog will
// show, e.g. to label its button "Review and submit…".
import { useRef, useState, type ReactNode } from 'react';
import {
  BILLING_CONFIRMATION_PHRASE,
  billingConfirmationRequired,
  confirmationPhraseMatches,
} from '../../../../shared/billing-confirmation';
import { useAppInfo } from '../../api/queries';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';

export { BILLING_CONFIRMATION_PHRASE };

export type BillingConfirmationRequest = {
  /** What will be sent, in a few words, e.g. "Submit 25 usage records". */
  action: string;
  /** Optional extra lines: totals per dimension, the customer, the hour. */
  details?: ReactNode;
};

export type BillingConfirmation = {
  /** Resolves true to go ahead, false when cancelled. */
  confirm: (request: BillingConfirmationRequest) => Promise<boolean>;
  /** Whether confirm() will ask (false on the sandbox). */
  required: boolean;
  /** Render once; it is empty until confirm() opens it. */
  element: ReactNode;
};

export function useBillingConfirmation(): BillingConfirmation {
  const appInfo = useAppInfo();
  const connection = appInfo.data?.activeConnection ?? null;
  // Until the active connection is known, assume it is real: asking once too often is safe.
  const required = billingConfirmationRequired(connection);
  const [request, setRequest] = useState<BillingConfirmationRequest | null>(null);
  const [typed, setTyped] = useState('');
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  const settle = (ok: boolean): void => {
    resolver.current?.(ok);
    resolver.current = null;
    setRequest(null);
    setTyped('');
  };

  const confirm = (next: BillingConfirmationRequest): Promise<boolean> => {
    if (!required) return Promise.resolve(true);
    // A second request replaces an unanswered one, which counts as cancelled.
    resolver.current?.(false);
    setTyped('');
    setRequest(next);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  };

  const matches = confirmationPhraseMatches(typed);
  const element = (
    <Dialog
      title="Confirm a billable submission"
      open={request !== null}
      onCancel={() => settle(false)}
    >
      {request && (
        <form
          className="billing-confirmation"
          onSubmit={(event) => {
            event.preventDefault();
            if (matches) settle(true);
          }}
        >
          <p>
            <strong>{request.action}</strong> on{' '}
            <strong>{connection?.name ?? 'the active connection'}</strong>
            {connection?.accountId !== undefined && (
              <>
                {' '}
                (account <span className="mono">{connection.accountId}</span>)
              </>
            )}{' '}
            in <span className="mono">{connection?.region ?? 'its region'}</span>.
          </p>
          {request.details !== undefined && (
            <div className="billing-details">{request.details}</div>
          )}
          <Field
            label={`Type “${BILLING_CONFIRMATION_PHRASE}”`}
            help={
              <>
                This is real AWS: what is sent is billed to customers and cannot be taken back. Type{' '}
                <strong>{BILLING_CONFIRMATION_PHRASE}</strong> to go ahead.
              </>
            }
          >
            {(control) => (
              <input
                {...control}
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
              />
            )}
          </Field>
          <div className="dialog-actions">
            <button type="button" onClick={() => settle(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!matches}>
              Submit
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
  return { confirm, required, element };
}
