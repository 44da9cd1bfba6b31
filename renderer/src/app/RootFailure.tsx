// What the window shows when the app itself cannot render: what broke, a way back (Reload) and
// where the log is, instead of a blank page.
import { CopyValue } from '../components/CopyValue';
import './RootFailure.css';

type RootFailureProps = {
  error: unknown;
  /** React's component stack, when the failure happened while rendering. */
  componentStack?: string | null;
  /** The log the failure was reported to; undefined while reporting, null if that failed. */
  logFile?: string | null;
};

export function RootFailure({ error, componentStack, logFile }: RootFailureProps) {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  return (
    <div className="root-failure" role="alert" aria-labelledby="root-failure-title">
      <h1 id="root-failure-title">Meterdesk could not show this window</h1>
      <p>
        Nothing was sent to AWS by this failure. Work the core had already started (a submission, a
        sync) carries on; the Journal shows its outcome after a reload.
      </p>
      <p>
        What broke: <span className="mono">{message}</span>
      </p>
      <div className="root-failure-actions">
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
      <p className="root-failure-log">
        {logFile === undefined && 'Writing the details to the log…'}
        {logFile === null &&
          'The details could not be written to the log (the core did not answer): copy them below.'}
        {typeof logFile === 'string' && (
          <>
            The details are in the log: <CopyValue value={logFile} label="log file path" />
          </>
        )}
      </p>
      <details>
        <summary>Technical details</summary>
        <pre className="mono">
          {[stack ?? message, componentStack ?? ''].filter((part) => part !== '').join('\n')}
        </pre>
      </details>
    </div>
  );
}
