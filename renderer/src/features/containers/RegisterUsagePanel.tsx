// RegisterUsage: call it with a product code, key version and nonce (SignatureResult shows the
// answer), then verify the signature with the user's key for the version the token names
// (VerifySignature).
import { useId, useState } from 'react';
import { registerUsageInputSchema } from '../../../../shared/channels/containers';
import { useRegisterUsage } from '../../api/containers';
import { useSandboxWorld } from '../../api/customers';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';
import { SignatureResult } from './SignatureResult';
import { VerifySignature } from './VerifySignature';

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

export function RegisterUsagePanel({ isSandbox }: { isSandbox: boolean }) {
  const id = useId();
  const [form, setForm] = useState<FormState>({
    productCode: '',
    publicKeyVersion: '1',
    nonce: '',
  });
  const [touched, setTouched] = useState(false);
  const [signature, setSignature] = useState('');
  const billing = useBillingConfirmation();
  const register = useRegisterUsage(billing.run);
  const world = useSandboxWorld(isSandbox);
  const containerProducts = (world.data?.products ?? []).filter((p) => p.kind === 'container');
  const errors = touched ? fieldErrors(form) : {};
  const result = register.data;
  // The echo is judged against what was sent with the signature shown, if it is that one.
  const expected =
    result && result.signature === signature.trim() ? result.request : parseForm(form).data;

  const set = (key: keyof FormState, value: string): void => setForm({ ...form, [key]: value });

  return (
    <>
      <section className="panel" aria-labelledby={`${id}-heading`}>
        {billing.element}
        <h2 id={`${id}-heading`}>RegisterUsage</h2>
        <p className="cu-help">
          A paid container calls RegisterUsage once at start-up; AWS answers with a Signature the
          container can verify with AWS Marketplace’s public key (version 1 is the one documented).
          Should a newer version be published, calls with the old one also return a
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
                  if (answer !== null) setSignature(answer.signature);
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

      {result && <SignatureResult result={result} />}

      <VerifySignature
        isSandbox={isSandbox}
        signature={signature}
        onSignatureChange={setSignature}
        expected={expected}
      />
    </>
  );
}
