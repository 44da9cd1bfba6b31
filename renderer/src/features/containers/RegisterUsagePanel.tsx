// RegisterUsage: call it with a product code, key version and nonce; show the Signature (a PS256
// JWT) decoded, whether it echoes what was sent, and what a PublicKeyRotationTimestamp means;
// then verify the signature against a public key the user supplies.
import { useId, useState } from 'react';
import {
  registerUsageInputSchema,
  type EchoCheckResult,
  type RegisterUsageInput,
} from '../../../../shared/channels/containers';
import { useRegisterUsage, useSandboxPublicKey, useVerifySignature } from '../../api/containers';
import { useSandboxWorld } from '../../api/customers';
import { CopyValue } from '../../components/CopyValue';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';
import { local, utc } from '../customers/format';

type FormState = { productCode: string; publicKeyVersion: string; nonce: string };

function parseForm(form: FormState) {
  const version = form.publicKeyVersion.trim();
  return registerUsageInputSchema.safeParse({
    productCode: form.productCode.trim(),
    publicKeyVersion: version === '' ? Number.NaN : Number(version),
    ...(form.nonce === '' ? {} : { nonce: form.nonce }),
  });
}

function fieldErrors(form: FormState): Partial<Record<keyof FormState, string>> {
  const parsed = parseForm(form);
  if (parsed.success) return {};
  const errors: Partial<Record<keyof FormState, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if (key === 'productCode' || key === 'publicKeyVersion' || key === 'nonce') {
      errors[key] ??= issue.message;
    }
  }
  return errors;
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function EchoTable({ echo }: { echo: EchoCheckResult }) {
  return (
    <table className="cu-echo" aria-label="Echo check">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Sent</th>
          <th scope="col">In the payload</th>
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
            <td
              className={
                f.result === 'match'
                  ? 'cu-outcome-resolved'
                  : f.result === 'not-checked'
                    ? 'cu-muted'
                    : 'cu-outcome-failed'
              }
            >
              {f.result === 'match'
                ? 'Matches'
                : f.result === 'mismatch'
                  ? 'Does not match'
                  : f.result === 'missing'
                    ? 'Missing'
                    : 'Not checked (no nonce sent)'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RegisterUsagePanel({ isSandbox }: { isSandbox: boolean }) {
  const id = useId();
  const [form, setForm] = useState<FormState>({
    productCode: '',
    publicKeyVersion: '1',
    nonce: '',
  });
  const [touched, setTouched] = useState(false);
  const [signature, setSignature] = useState('');
  const [pem, setPem] = useState('');
  const [verifiedFor, setVerifiedFor] = useState<RegisterUsageInput | undefined>(undefined);
  const billing = useBillingConfirmation();
  const register = useRegisterUsage(billing.run);
  const verify = useVerifySignature();
  const sandboxKey = useSandboxPublicKey();
  const world = useSandboxWorld(isSandbox);
  const containerProducts = (world.data?.products ?? []).filter((p) => p.kind === 'container');
  const errors = touched ? fieldErrors(form) : {};
  const result = register.data;
  // The echo is judged against what was sent with the signature shown, if it is that one.
  const expected =
    result && result.signature === signature.trim() ? result.request : parseForm(form).data;
  const keyVersion = expected?.publicKeyVersion ?? 1;

  const set = (key: keyof FormState, value: string): void => setForm({ ...form, [key]: value });

  return (
    <>
      <section className="panel" aria-labelledby={`${id}-heading`}>
        {billing.element}
        <h2 id={`${id}-heading`}>RegisterUsage</h2>
        <p className="cu-help">
          A paid container calls RegisterUsage once at start-up; AWS answers with a Signature the
          container can verify. When the key version sent has been superseded, AWS also returns a
          PublicKeyRotationTimestamp: still valid, but time to move to the newer key.
        </p>
        <form
          className="cu-stack"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setTouched(true);
            const parsed = parseForm(form);
            if (parsed.success) {
              register.mutate(parsed.data, {
                onSuccess: (answer) => {
                  if (answer === null) return;
                  setSignature(answer.signature);
                  verify.reset();
                },
              });
            }
          }}
        >
          <div className="cu-row">
            <Field label="ProductCode" error={errors.productCode} className="cu-field-wide">
              {(control) => (
                <>
                  <input
                    {...control}
                    className="mono"
                    value={form.productCode}
                    list={`${id}-products`}
                    onChange={(event) => set('productCode', event.target.value)}
                  />
                  <datalist id={`${id}-products`}>
                    {containerProducts.map((p) => (
                      <option key={p.productCode} value={p.productCode}>
                        {p.name}
                      </option>
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field label="PublicKeyVersion" error={errors.publicKeyVersion}>
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  value={form.publicKeyVersion}
                  onChange={(event) => set('publicKeyVersion', event.target.value)}
                />
              )}
            </Field>
            <Field label="Nonce (optional)" error={errors.nonce}>
              {(control) => (
                <input
                  {...control}
                  className="mono"
                  value={form.nonce}
                  onChange={(event) => set('nonce', event.target.value)}
                />
              )}
            </Field>
          </div>
          {containerProducts.length > 0 && (
            <p className="cu-help">
              Sandbox container products:{' '}
              {containerProducts.map((p) => (
                <button
                  key={p.productCode}
                  type="button"
                  onClick={() => setForm({ ...form, productCode: p.productCode })}
                >
                  Use {p.name}
                </button>
              ))}
            </p>
          )}
          <div className="cu-actions">
            <button type="submit" className="primary" disabled={register.isPending}>
              {register.isPending ? 'Calling…' : 'Call RegisterUsage'}
            </button>
            <button type="button" onClick={() => set('nonce', crypto.randomUUID())}>
              New nonce
            </button>
          </div>
        </form>
        {register.isError && (
          <div className="cu-next">
            <ErrorPanel title="RegisterUsage failed." error={register.error} />
          </div>
        )}
      </section>

      {result && (
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
            <p className="cu-field-error">
              The Signature could not be decoded: {result.decodeError}
            </p>
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
      )}

      <section className="panel" aria-labelledby={`${id}-verify-heading`}>
        <h2 id={`${id}-verify-heading`}>Verify the signature</h2>
        <p className="cu-help">
          Checks the PS256 signature (RSA-PSS, SHA-256) against the public key AWS Marketplace
          publishes for the key version, in Meterdesk’s main process.
        </p>
        <form
          className="cu-stack"
          onSubmit={(event) => {
            event.preventDefault();
            setVerifiedFor(expected);
            verify.mutate({
              signature,
              publicKeyPem: pem,
              ...(expected === undefined ? {} : { expected }),
            });
          }}
        >
          <div className="cu-two">
            <Field label="Signature (JWT)">
              {(control) => (
                <textarea
                  {...control}
                  className="cu-paste"
                  rows={7}
                  spellCheck={false}
                  value={signature}
                  onChange={(event) => setSignature(event.target.value)}
                />
              )}
            </Field>
            <Field label="Public key (PEM)">
              {(control) => (
                <textarea
                  {...control}
                  className="cu-paste"
                  rows={7}
                  spellCheck={false}
                  placeholder="-----BEGIN PUBLIC KEY-----"
                  value={pem}
                  onChange={(event) => setPem(event.target.value)}
                />
              )}
            </Field>
          </div>
          <div className="cu-actions">
            <button
              type="submit"
              className="primary"
              disabled={signature.trim() === '' || pem.trim() === '' || verify.isPending}
            >
              Verify signature
            </button>
            {isSandbox && (
              <button
                type="button"
                disabled={sandboxKey.isPending}
                onClick={() =>
                  sandboxKey.mutate(keyVersion, {
                    onSuccess: (key) => {
                      setPem(key.pem);
                      verify.reset();
                    },
                  })
                }
              >
                Use the sandbox key (version {String(keyVersion)})
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
                  payload, made with the private half of this key.
                </p>
              </div>
            ) : (
              <div className="cu-notice cu-notice-warn" role="alert">
                <p>
                  <strong>Not verified.</strong> {verify.data.reason}
                </p>
              </div>
            )}
            {verify.data.echo && verifiedFor && <EchoTable echo={verify.data.echo} />}
          </div>
        )}
      </section>
    </>
  );
}
