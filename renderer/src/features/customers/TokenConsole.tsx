// The token console: one paste box for whatever the support user has (raw token, form body,
// URL, curl, HAR, a quoted token). The extraction runs live here so the user sees what will be
// sent and which normalisation applied; main extracts again, authoritatively, and resolves.
import { useId, useMemo } from 'react';
import { extractRegistrationToken } from '../../../../shared/tokens';
import type { BridgeError } from '../../api/queries';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { sourceLabels } from './format';

type TokenConsoleProps = {
  text: string;
  onTextChange: (text: string) => void;
  onResolve: (pasted: string) => void;
  resolving: boolean;
  connectionName: string | undefined;
  error: BridgeError | null;
};

export function TokenConsole(props: TokenConsoleProps) {
  const { text, onTextChange, onResolve, resolving, connectionName, error } = props;
  const headingId = useId();
  const extraction = useMemo(
    () => (text.trim() === '' ? null : extractRegistrationToken(text)),
    [text],
  );
  const canResolve = extraction?.ok === true && !resolving && connectionName !== undefined;

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Resolve a registration token</h2>
      <form
        className="cu-stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (canResolve) onResolve(text);
        }}
      >
        <Field
          label="Token or request"
          help={
            <>
              Paste the raw token, the form body the buyer’s browser posted (
              <span className="mono">x-amzn-marketplace-token=…</span>), a URL, a curl command or a
              HAR entry. Quotes and whitespace around it are fine.
            </>
          }
        >
          {(control) => (
            <textarea
              {...control}
              className="cu-paste"
              rows={4}
              spellCheck={false}
              autoComplete="off"
              value={text}
              onChange={(event) => onTextChange(event.target.value)}
            />
          )}
        </Field>
        {extraction && !extraction.ok && (
          <p className="cu-field-error" role="status">
            {extraction.reason}
          </p>
        )}
        {extraction?.ok === true && (
          <div className="cu-extraction" aria-label="What was extracted">
            <p>
              <strong>Found in: </strong>
              <span data-testid="token-source">{sourceLabels[extraction.source]}</span>
              {extraction.offerType !== undefined && (
                <>
                  {' '}
                  · offer type <span className="mono">{extraction.offerType}</span>
                </>
              )}{' '}
              · {String(extraction.token.length)} characters
            </p>
            <p className="cu-token" aria-label="Extracted token">
              {extraction.token}
            </p>
            <div>
              <span className="cu-label">Normalisation applied</span>
              <ol className="cu-steps" aria-label="Normalisation applied">
                {extraction.steps.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ol>
            </div>
            {extraction.warnings.length > 0 && (
              <div className="cu-notice cu-notice-warn" role="note" aria-label="Doubts">
                <ul>
                  {extraction.warnings.map((warning) => (
                    <li key={warning}>{warning}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        )}
        <div className="cu-actions">
          <button type="submit" className="primary" disabled={!canResolve}>
            {resolving ? 'Resolving…' : `Resolve with ${connectionName ?? 'the active connection'}`}
          </button>
          <span className="cu-muted">
            The token goes to the main process only; the history keeps a short hash of it.
          </span>
        </div>
      </form>
      {error && (
        <div className="cu-next">
          <ErrorPanel title="The token was not sent." error={error} />
        </div>
      )}
    </section>
  );
}
