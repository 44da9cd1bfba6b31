// What RegisterUsage answered: the Signature (whole, copyable), the JWT decoded, whether it echoes
// what was sent and in which claim spelling, and what a PublicKeyRotationTimestamp means.
import type { RegisterUsageResult } from '../../../../shared/channels/containers';
import { CopyValue } from '../../components/CopyValue';
import { local, utc } from '../customers/format';
import { EchoTable } from './EchoTable';

export function SignatureResult({ result }: { result: RegisterUsageResult }) {
  return (
    <section className="panel cu-stack" aria-label="RegisterUsage result">
      <div className="cu-card-head">
        <h2>Signature</h2>
        <span className="cu-muted" title={local(result.calledAt)}>
          {result.connectionName} · {utc(result.calledAt)}
        </span>
      </div>
      <CopyValue value={result.signature} label="Signature" />
      {result.rotation && (
        <div className="cu-notice cu-notice-warn" role="note" aria-label="Key rotation">
          <p>
            <strong>PublicKeyRotationTimestamp: </strong>
            <span className="mono">{utc(result.rotation.rotatedAt)}</span>
          </p>
          <p>{result.rotation.explanation}</p>
        </div>
      )}
      {result.decodeError !== undefined && (
        <p className="cu-field-error">The Signature could not be decoded: {result.decodeError}</p>
      )}
      {result.header && result.payload && (
        <div className="cu-two">
          <div>
            <span className="cu-label">JWT header</span>
            <pre className="cu-json mono" aria-label="JWT header" tabIndex={0}>
              {JSON.stringify(result.header, null, 2)}
            </pre>
          </div>
          <div>
            <span className="cu-label">JWT payload</span>
            <pre className="cu-json mono" aria-label="JWT payload" tabIndex={0}>
              {JSON.stringify(result.payload, null, 2)}
            </pre>
          </div>
        </div>
      )}
      {result.echo && (
        <div>
          <span className="cu-label">Does the payload echo what was sent?</span>
          <EchoTable echo={result.echo} />
          {result.echo.issuedAt !== undefined && (
            <p className="cu-help">Issued at (iat): {utc(result.echo.issuedAt)}</p>
          )}
        </div>
      )}
      {result.warnings.map((warning) => (
        <p key={warning} className="cu-field-error">
          {warning}
        </p>
      ))}
    </section>
  );
}
