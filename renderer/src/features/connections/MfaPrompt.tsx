// Asks for an MFA code when main is resolving credentials that need one (a profile with
// mfa_serial). The resolution waits until this answers; Cancel makes it fail with CANCELLED.
import { useId, useState } from 'react';
import { useMfaAnswer, useMfaRequests } from '../../api/connections';
import { Dialog } from '../../components/Dialog';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';

export function MfaPrompt() {
  const pending = useMfaRequests();
  const answer = useMfaAnswer();
  const [code, setCode] = useState('');
  const helpId = useId();
  const request = pending[0];
  const valid = /^\d{6}$/.test(code);

  const send = (cancel: boolean): void => {
    if (!request) return;
    answer.mutate(
      cancel
        ? { requestId: request.requestId, cancel: true }
        : { requestId: request.requestId, code },
      { onSuccess: () => setCode('') },
    );
  };

  return (
    <Dialog title="MFA code needed" open={request !== undefined} onCancel={() => send(true)}>
      {request && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (valid) send(false);
          }}
        >
          <p id={helpId}>
            Connection <strong>{request.connectionName}</strong> needs a code from the MFA device{' '}
            <span className="mono">{request.mfaSerial}</span>.
          </p>
          <Field label="MFA code" describedBy={helpId}>
            {(control) => (
              <input
                {...control}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
              />
            )}
          </Field>
          {answer.isError && <ErrorPanel error={answer.error} />}
          <div className="dialog-actions">
            <button type="button" onClick={() => send(true)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!valid || answer.isPending}>
              Continue
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
