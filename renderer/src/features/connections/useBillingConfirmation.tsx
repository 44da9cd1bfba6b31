// The confirmation before anything that bills. Main describes what would be billed as a
// BillingPreview (account, region, endpoint, records, calls, totals per dimension); on the
// sandbox nothing is asked; on every other connection the user reads it and types
// "submissions are final", and the answer goes back to main with the preview's digest, which
// main checks against what it is about to send (shared/billing-confirmation.ts).
//
// Usage:
//   const billing = useBillingConfirmation();
//   // a preview in hand (e.g. metering:plan's checks.billing):
//   const answer = await billing.confirm(preview);      // null: cancelled, send nothing
//   if (answer) request('metering:submit', { planId, ...answer });
//   // or any billing channel: main answers CONFIRMATION_REQUIRED with its preview first
//   const result = await billing.run((answer) => request('containers:register-usage', { ...input, ...answer }));
//   return <>{billing.element} ... </>;   // render the element once, anywhere in the screen
import { useId, useRef, useState, type ReactNode } from 'react';
import {
  BILLING_CONFIRMATION_PHRASE,
  billingConfirmationRequired,
  confirmationPhraseMatches,
  previewFromError,
  type BillingConfirmation,
  type BillingPreview,
} from '../../../../shared/billing-confirmation';
import { BridgeError, useAppInfo } from '../../api/queries';
import { formatNumber } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';

export { BILLING_CONFIRMATION_PHRASE };

/** What to send along with the billing call: nothing on the sandbox, the confirmation elsewhere. */
export type BillingAnswer = { confirmation?: BillingConfirmation };

export type BillingConfirmationHook = {
  /** Resolves with what to send along, or null when the user cancelled. */
  confirm: (preview: BillingPreview) => Promise<BillingAnswer | null>;
  /**
   * Sends once; when main asks for the confirmation (CONFIRMATION_REQUIRED with a preview), shows
   * that preview and sends again with the answer. Resolves null when the user cancelled.
   */
  run: <T>(send: (answer: BillingAnswer) => Promise<T>) => Promise<T | null>;
  /** Whether a dialog will show on the active connection (false on the sandbox). */
  required: boolean;
  /** Render once; it is empty until a confirmation is asked for. */
  element: ReactNode;
};

const MAX_ROUNDS = 3;

export function useBillingConfirmation(): BillingConfirmationHook {
  const appInfo = useAppInfo();
  // Until the active connection is known, assume it is real: asking once too often is safe.
  const required = billingConfirmationRequired(appInfo.data?.activeConnection ?? null);
  const [preview, setPreview] = useState<BillingPreview | null>(null);
  const resolver = useRef<((answer: BillingAnswer | null) => void) | null>(null);

  const settle = (answer: BillingAnswer | null): void => {
    resolver.current?.(answer);
    resolver.current = null;
    setPreview(null);
  };

  const confirm = (next: BillingPreview): Promise<BillingAnswer | null> => {
    if (!next.required) return Promise.resolve({});
    // A second request replaces an unanswered one, which counts as cancelled.
    resolver.current?.(null);
    setPreview(next);
    return new Promise((resolve) => {
      resolver.current = resolve;
    });
  };

  async function run<T>(send: (answer: BillingAnswer) => Promise<T>): Promise<T | null> {
    let answer: BillingAnswer = {};
    for (let round = 0; ; round += 1) {
      try {
        return await send(answer);
      } catch (error) {
        const asked =
          error instanceof BridgeError && error.code === 'CONFIRMATION_REQUIRED'
            ? previewFromError(error.details)
            : null;
        if (asked === null || round >= MAX_ROUNDS) throw error;
        const next = await confirm(asked);
        if (next === null) return null;
        answer = next;
      }
    }
  }

  const element = (
    <Dialog
      title="Confirm what will be billed"
      open={preview !== null}
      onCancel={() => settle(null)}
    >
      {preview && (
        <ConfirmForm
          preview={preview}
          onCancel={() => settle(null)}
          onConfirm={(phrase) => settle({ confirmation: { digest: preview.digest, phrase } })}
        />
      )}
    </Dialog>
  );
  return { confirm, run, required, element };
}

/** Rendered only while open, so the phrase starts empty every time. */
function ConfirmForm({
  preview,
  onCancel,
  onConfirm,
}: {
  preview: BillingPreview;
  onCancel: () => void;
  onConfirm: (phrase: string) => void;
}) {
  const [typed, setTyped] = useState('');
  const matches = confirmationPhraseMatches(typed);
  const warningId = useId();
  return (
    <form
      className="billing-confirmation"
      onSubmit={(event) => {
        event.preventDefault();
        if (matches) onConfirm(typed);
      }}
    >
      <p>
        <strong>{preview.action}</strong>
      </p>
      <BillingPreviewFacts preview={preview} />
      <p id={warningId}>
        This is real AWS: what is sent is billed to customers and cannot be taken back. Type{' '}
        <strong>{BILLING_CONFIRMATION_PHRASE}</strong> to go ahead.
      </p>
      <Field label={`Type “${BILLING_CONFIRMATION_PHRASE}”`} describedBy={warningId}>
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
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!matches}>
          Submit
        </button>
      </div>
    </form>
  );
}

/** Who is billed and for what: the facts main bound the confirmation to. */
export function BillingPreviewFacts({ preview }: { preview: BillingPreview }) {
  const { target } = preview;
  return (
    <>
      <dl className="facts billing-target" aria-label="Billed account">
        <div className="facts-row">
          <dt>Connection</dt>
          <dd>{target.connectionName}</dd>
        </div>
        <div className="facts-row">
          <dt>Account</dt>
          <dd className="mono">{target.accountId ?? 'not known'}</dd>
        </div>
        <div className="facts-row">
          <dt>Region</dt>
          <dd className="mono">{target.region}</dd>
        </div>
        <div className="facts-row">
          <dt>Endpoint</dt>
          <dd className="mono">{target.endpoint ?? `AWS default for ${target.region}`}</dd>
        </div>
        <div className="facts-row">
          <dt>Records</dt>
          <dd>{formatNumber(preview.records)}</dd>
        </div>
        <div className="facts-row">
          <dt>Calls</dt>
          <dd>{formatNumber(preview.calls)}</dd>
        </div>
      </dl>
      {preview.totals.length > 0 && (
        <table className="md-totals" aria-label="Totals per dimension">
          <thead>
            <tr>
              <th scope="col">Product</th>
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
            {preview.totals.map((t) => (
              <tr key={`${t.group ?? ''}\n${t.dimension}`}>
                <td className="mono">{t.group ?? ''}</td>
                <td>{t.dimension}</td>
                <td className="md-num">{formatNumber(t.records)}</td>
                <td className="md-num">{formatNumber(t.quantity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.amounts && preview.amounts.length > 0 && (
        <table className="md-totals" aria-label="Amounts">
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col" className="md-num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.amounts.map((a) => (
              <tr key={a.label}>
                <td>{a.label}</td>
                <td className="md-num mono">
                  {a.amount} {a.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
