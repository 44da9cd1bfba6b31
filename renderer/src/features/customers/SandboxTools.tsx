// Sandbox tools (Sandbox connection only): mint a registration token for a sandbox customer and
// product, fresh or already expired, to practise with or to train support staff.
import { useId, useState } from 'react';
import { useMintToken, useSandboxWorld } from '../../api/customers';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { utc } from './format';

export function SandboxTools({ onUse }: { onUse: (formBody: string) => void }) {
  const world = useSandboxWorld(true);
  const mint = useMintToken();
  const id = useId();
  const [customerId, setCustomerId] = useState('');
  const [productCode, setProductCode] = useState('');
  const [expired, setExpired] = useState(false);

  if (world.isPending) return <Loading label="Loading the Sandbox’s customers…" />;
  if (world.isError) {
    return <ErrorPanel title="The Sandbox tools are unavailable." error={world.error} />;
  }
  const saas = world.data.products.filter((p) => p.kind === 'saas');
  const customers = world.data.customers.filter((c) =>
    c.subscribed.some((code) => saas.some((p) => p.productCode === code)),
  );
  const customer = customers.find((c) => c.awsAccountId === customerId) ?? customers[0];
  const offered = saas.filter((p) => customer?.subscribed.includes(p.productCode));
  const product = offered.find((p) => p.productCode === productCode) ?? offered[0];

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Sandbox tools</h2>
      <p className="cu-help">
        Mint a practice token as if a Sandbox buyer had clicked “Set up your account”.
      </p>
      <form
        className="cu-stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (customer && product) {
            mint.mutate({
              customerAwsAccountId: customer.awsAccountId,
              productCode: product.productCode,
              expired,
            });
          }
        }}
      >
        <Field
          label="Sandbox customer"
          help={
            customer ? (
              <>
                Account <span className="mono">{customer.awsAccountId}</span>
              </>
            ) : undefined
          }
        >
          {(control) => (
            <select
              {...control}
              value={customer?.awsAccountId ?? ''}
              onChange={(event) => {
                setCustomerId(event.target.value);
                setProductCode('');
              }}
            >
              {customers.map((c) => (
                <option key={c.awsAccountId} value={c.awsAccountId}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Product">
          {(control) => (
            <select
              {...control}
              value={product?.productCode ?? ''}
              onChange={(event) => setProductCode(event.target.value)}
            >
              {offered.map((p) => (
                <option key={p.productCode} value={p.productCode}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="cu-check">
          <input
            type="checkbox"
            checked={expired}
            onChange={(event) => setExpired(event.target.checked)}
          />
          Already expired (to practise the expired case)
        </label>
        <div className="cu-actions">
          <button type="submit" disabled={!customer || !product || mint.isPending}>
            {mint.isPending ? 'Minting…' : 'Mint token'}
          </button>
        </div>
      </form>
      {mint.isError && <ErrorPanel title="No token was minted." error={mint.error} />}
      {mint.data && (
        <div className="cu-stack cu-next">
          <Field label="Form body the buyer’s browser would post">
            {(control) => (
              <textarea
                {...control}
                className="cu-paste"
                readOnly
                rows={4}
                value={mint.data.formBody}
              />
            )}
          </Field>
          <p className="cu-help">
            {expired ? 'Expired at' : 'Expires at'} {utc(mint.data.expiresAt)}.
          </p>
          <div className="cu-actions">
            <button type="button" onClick={() => onUse(mint.data.formBody)}>
              Paste into the token console
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
