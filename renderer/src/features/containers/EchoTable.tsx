// Does a RegisterUsage Signature echo what was sent? One row per claim, with the payload key it
// was read from, and a line naming the claims' spelling: AWS documents two (AWS-FACTS §0.1), the
// Seller Guide's PascalCase example and the lowerCamel names of AWS's Java verifier example.
import type { EchoCheckResult } from '../../../../shared/channels/containers';

type Casing = EchoCheckResult['casing'];

const CASING_LINES: Record<Casing, string> = {
  PascalCase:
    'Claims received in PascalCase (ProductCode, PublicKeyVersion, Nonce), as in the Seller Guide’s example payload.',
  lowerCamel:
    'Claims received in lowerCamel (productCode, publicKeyVersion, nonce), as AWS’s Java verifier example reads them. Both forms are accepted.',
  mixed:
    'Claims received in both spellings at once (PascalCase and lowerCamel); each was read from the spelling shown.',
  none: 'The payload carries none of the claims RegisterUsage documents, in either spelling.',
};

/** The one line that says which spelling the claims came in. */
export function CasingLine({ casing }: { casing: Casing }) {
  return (
    <p className="cu-help" aria-label="Claim spelling">
      {CASING_LINES[casing]}
    </p>
  );
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const RESULT_LABELS = {
  match: 'Matches',
  mismatch: 'Does not match',
  missing: 'Missing',
  'not-checked': 'Not checked (no nonce sent)',
} as const;

export function EchoTable({ echo }: { echo: EchoCheckResult }) {
  return (
    <>
      <table className="cu-echo" aria-label="Echo check">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Sent</th>
            <th scope="col">In the payload</th>
            <th scope="col">Received as</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {echo.fields.map((f) => (
            <tr key={f.field}>
              <th scope="row" className="mono">
                {f.field}
              </th>
              <td className="mono">{show(f.expected)}</td>
              <td className="mono">{show(f.actual)}</td>
              <td className="mono">{f.receivedAs ?? '—'}</td>
              <td
                className={
                  f.result === 'match'
                    ? 'cu-outcome-resolved'
                    : f.result === 'not-checked'
                      ? 'cu-muted'
                      : 'cu-outcome-failed'
                }
              >
                {RESULT_LABELS[f.result]}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CasingLine casing={echo.casing} />
    </>
  );
}
