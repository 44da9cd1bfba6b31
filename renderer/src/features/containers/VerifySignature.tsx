// Verify a RegisterUsage Signature: PS256 against the public key the user has for the key version
// the token names. AWS Marketplace gives one PEM per version (version 1 is the one documented);
// the user may hold several, and the token's own PublicKeyVersion picks which one is used. When
// the token names a version there is no key for, the answer says so plainly.
import { useId, useState } from 'react';
import {
  verifySignatureInputSchema,
  type PublicKeyEntry,
  type RegisterUsageInput,
} from '../../../../shared/channels/containers';
import { decodeJwt, publicKeyVersionOf } from '../../../../shared/jwt';
import { useSandboxPublicKey, useVerifySignature } from '../../api/containers';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { CasingLine, EchoTable } from './EchoTable';

type KeyRow = { version: string; pem: string };

/** The version the pasted token names, read in the renderer only to pick the sandbox key. */
function tokenVersion(signature: string): number | undefined {
  const decoded = decodeJwt(signature);
  return decoded.ok ? publicKeyVersionOf(decoded.value.payload) : undefined;
}

function entriesOf(rows: readonly KeyRow[]): PublicKeyEntry[] {
  return rows
    .filter((row) => row.pem.trim() !== '')
    .map((row) => ({ version: Number(row.version.trim() || Number.NaN), pem: row.pem }));
}

export function VerifySignature({
  isSandbox,
  signature,
  onSignatureChange,
  expected,
}: {
  isSandbox: boolean;
  signature: string;
  onSignatureChange: (value: string) => void;
  expected: RegisterUsageInput | undefined;
}) {
  const id = useId();
  const [rows, setRows] = useState<KeyRow[]>([{ version: '1', pem: '' }]);
  const [checkedWith, setCheckedWith] = useState<RegisterUsageInput | undefined>(undefined);
  const verify = useVerifySignature();
  const sandboxKey = useSandboxPublicKey();
  const keys = verifySignatureInputSchema.shape.publicKeys.safeParse(entriesOf(rows));
  const keysError = keys.success ? undefined : keys.error.issues[0]?.message;
  const sandboxVersion = tokenVersion(signature.trim()) ?? expected?.publicKeyVersion ?? 1;

  const setRow = (index: number, row: Partial<KeyRow>): void => {
    setRows(rows.map((r, i) => (i === index ? { ...r, ...row } : r)));
    verify.reset();
  };
  const fillSandboxKey = (): void =>
    sandboxKey.mutate(sandboxVersion, {
      onSuccess: (key) => {
        const version = String(key.version);
        const at = rows.findIndex((r) => r.version.trim() === version || r.pem.trim() === '');
        const row = { version, pem: key.pem };
        setRows(at === -1 ? [...rows, row] : rows.map((r, i) => (i === at ? row : r)));
        verify.reset();
      },
    });

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Verify the signature</h2>
      <p className="cu-help">
        Checks the PS256 signature (RSA-PSS, SHA-256) in Meterdesk’s main process, with your public
        key for the key version the token names. AWS Marketplace distributes one PEM per version;
        version 1 is the one documented.
      </p>
      <form
        className="cu-stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (!keys.success) return;
          setCheckedWith(expected);
          verify.mutate({
            signature,
            publicKeys: keys.data,
            ...(expected === undefined ? {} : { expected }),
          });
        }}
      >
        <Field label="Signature (JWT)">
          {(control) => (
            <textarea
              {...control}
              className="cu-paste"
              rows={5}
              spellCheck={false}
              value={signature}
              onChange={(event) => {
                onSignatureChange(event.target.value);
                verify.reset();
              }}
            />
          )}
        </Field>
        {rows.map((row, index) => (
          <div key={index} className="cu-row">
            <Field label={`Key version, key ${String(index + 1)}`}>
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  value={row.version}
                  onChange={(event) => setRow(index, { version: event.target.value })}
                />
              )}
            </Field>
            <Field
              label={`Public key (PEM) for version ${row.version.trim() || '?'}`}
              className="cu-field-wide"
            >
              {(control) => (
                <textarea
                  {...control}
                  className="cu-paste"
                  rows={5}
                  spellCheck={false}
                  placeholder="-----BEGIN PUBLIC KEY-----"
                  value={row.pem}
                  onChange={(event) => setRow(index, { pem: event.target.value })}
                />
              )}
            </Field>
            {rows.length > 1 && (
              <button
                type="button"
                onClick={() => setRows(rows.filter((_, i) => i !== index))}
                aria-label={`Remove key ${String(index + 1)}`}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        {rows.some((r) => r.pem.trim() !== '') && keysError !== undefined && (
          <p className="cu-field-error">{keysError}</p>
        )}
        <div className="cu-actions">
          <button
            type="submit"
            className="primary"
            disabled={signature.trim() === '' || !keys.success || verify.isPending}
          >
            Verify signature
          </button>
          <button type="button" onClick={() => setRows([...rows, { version: '', pem: '' }])}>
            Add a key for another version
          </button>
          {isSandbox && (
            <button type="button" disabled={sandboxKey.isPending} onClick={fillSandboxKey}>
              Use the sandbox key (version {String(sandboxVersion)})
            </button>
          )}
        </div>
      </form>
      {sandboxKey.isError && (
        <ErrorPanel title="The sandbox key could not be read." error={sandboxKey.error} />
      )}
      {verify.isError && <ErrorPanel title="The check did not run." error={verify.error} />}
      {verify.data && (
        <div className="cu-stack cu-next" aria-label="Verification result">
          {verify.data.valid ? (
            <div className="cu-notice cu-notice-ok" role="status">
              <p>
                <strong>Signature verified.</strong> It is a PS256 signature of this header and
                payload, made with the private half of your key for version{' '}
                {String(verify.data.keyVersion ?? '')}.
              </p>
            </div>
          ) : (
            <div className="cu-notice cu-notice-warn" role="alert">
              <p>
                <strong>
                  {verify.data.stage === 'no-key'
                    ? `No key for version ${String(verify.data.keyVersion ?? '')}.`
                    : 'Not verified.'}
                </strong>{' '}
                {verify.data.reason}
              </p>
            </div>
          )}
          {verify.data.echo && checkedWith ? (
            <EchoTable echo={verify.data.echo} />
          ) : (
            verify.data.casing && <CasingLine casing={verify.data.casing} />
          )}
        </div>
      )}
    </section>
  );
}
