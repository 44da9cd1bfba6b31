// MeterUsage for AMI and container products: a dry run (checks permission, meters nothing) or a
// real send, which bills. Both go through the metering submission, so they are journaled before
// they leave; a real send asks for the billing confirmation first (typed on real connections).
import { useId, useState } from 'react';
import type { Product, UsageRecord } from '../../../../shared/metering';
import { meterUsageRecordSchema } from '../../../../shared/channels/containers';
import { useMeterUsageSubmission } from '../../api/containers';
import { useCatalog } from '../../api/metering';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';
import { UsageTimeInput } from '../../components/UsageTimeInput';
import { readUsageTime } from '../../../../shared/metering/parse';
import { useBillingConfirmation } from '../connections/useBillingConfirmation';

type FormState = {
  productId: string;
  dimension: string;
  quantity: string;
  /** ISO 8601 with its zone, as typed or written by the UTC hour picker. */
  time: string;
};

function currentHourUtc(now: number): string {
  return `${new Date(now).toISOString().slice(0, 13)}:00Z`;
}

/** The instant of a usage time that says its zone, as ISO UTC; '' when it cannot be read. */
function usageInstant(text: string): string {
  const reading = readUsageTime(text);
  return reading.kind === 'ok' && reading.zone !== null ? new Date(reading.ms).toISOString() : '';
}

type Parsed = { ok: true; record: UsageRecord } | { ok: false; errors: Record<string, string> };

function parseForm(form: FormState, product: Product | undefined): Parsed {
  const quantity = form.quantity.trim();
  const checked = meterUsageRecordSchema.safeParse({
    productId: form.productId,
    dimension: form.dimension,
    quantity: quantity === '' ? Number.NaN : Number(quantity),
    timestamp: usageInstant(form.time),
  });
  if (!checked.success || !product) {
    const errors: Record<string, string> = {};
    if (!product) errors.productId = 'Choose an AMI or container product';
    for (const issue of checked.success ? [] : checked.error.issues) {
      errors[String(issue.path[0] ?? '')] ??= issue.message;
    }
    return { ok: false, errors };
  }
  return {
    ok: true,
    record: {
      productId: product.id,
      operation: 'MeterUsage',
      ...(product.productCode === undefined ? {} : { productCode: product.productCode }),
      dimension: checked.data.dimension,
      quantity: checked.data.quantity,
      timestamp: new Date(checked.data.timestamp).toISOString(),
    },
  };
}

export function MeterUsagePanel() {
  const id = useId();
  const catalog = useCatalog();
  const billing = useBillingConfirmation();
  const submit = useMeterUsageSubmission();
  // When the panel opened: the default hour and the picker's date until one is chosen.
  const [openedAt] = useState(() => Date.now());
  const [form, setForm] = useState<FormState>(() => ({
    productId: '',
    dimension: '',
    quantity: '1',
    time: currentHourUtc(openedAt),
  }));
  const [touched, setTouched] = useState(false);
  const meterable = [...(catalog.data?.user ?? []), ...(catalog.data?.sandbox ?? [])].filter(
    (p) => p.kind !== 'saas',
  );
  const product = meterable.find((p) => p.id === form.productId) ?? meterable[0];
  const effective = {
    ...form,
    productId: product?.id ?? '',
    dimension: form.dimension || (product?.dimensions[0]?.name ?? ''),
  };
  const parsed = parseForm(effective, product);
  const errors = touched && !parsed.ok ? parsed.errors : {};
  const set = (key: keyof FormState, value: string): void =>
    setForm({ ...effective, [key]: value });

  const send = (dryRun: boolean): void => {
    setTouched(true);
    if (!parsed.ok) return;
    submit.mutate({ record: parsed.record, dryRun, confirm: billing.confirm });
  };

  const outcome = submit.data?.outcomes[0];

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      {billing.element}
      <h2 id={`${id}-heading`}>MeterUsage (AMI and container products)</h2>
      <p className="cu-help">
        A dry run checks that this connection may call MeterUsage for the product and meters
        nothing. Both are journaled before they are sent, like every submission.
      </p>
      <form
        className="cu-stack"
        noValidate
        onSubmit={(event) => {
          // Enter runs the dry run only: nothing bills by accident.
          event.preventDefault();
          send(true);
        }}
      >
        <div className="cu-row">
          <Field label="Product" error={errors.productId} className="cu-field-wide">
            {(control) => (
              <select
                {...control}
                value={effective.productId}
                onChange={(event) =>
                  setForm({ ...form, productId: event.target.value, dimension: '' })
                }
              >
                {meterable.length === 0 && <option value="">No AMI or container product</option>}
                {meterable.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.kind === 'ami' ? 'AMI' : 'container'})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="UsageDimension" error={errors.dimension}>
            {(control) => (
              <select
                {...control}
                className="mono"
                value={effective.dimension}
                onChange={(event) => set('dimension', event.target.value)}
              >
                {(product?.dimensions ?? []).map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="UsageQuantity" error={errors.quantity}>
            {(control) => (
              <input
                {...control}
                inputMode="numeric"
                value={form.quantity}
                onChange={(event) => set('quantity', event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Usage time (UTC)"
            error={
              errors.timestamp === undefined
                ? undefined
                : 'Enter the hour as ISO 8601 with its zone, e.g. 2026-07-20T14:00Z, or pick it.'
            }
          >
            {(control) => (
              <UsageTimeInput
                label="Usage time (UTC)"
                control={control}
                value={form.time}
                now={openedAt}
                onChange={(text) => set('time', text)}
              />
            )}
          </Field>
        </div>
        {product?.productCode !== undefined && (
          <p className="cu-help">
            ProductCode <span className="mono">{product.productCode}</span> · AWS accepts usage up
            to 6 hours old and rounds it down to the hour.
          </p>
        )}
        <div className="cu-actions">
          <button type="submit" className="primary" disabled={submit.isPending}>
            {submit.isPending && submit.variables.dryRun ? 'Checking…' : 'Dry run'}
          </button>
          <button type="button" disabled={submit.isPending} onClick={() => send(false)}>
            {billing.required ? 'Send MeterUsage (bills)…' : 'Send MeterUsage (bills)'}
          </button>
        </div>
      </form>
      {catalog.isError && (
        <ErrorPanel title="The product catalog could not be read." error={catalog.error} />
      )}
      {submit.isError && (
        <div className="cu-next">
          <ErrorPanel title="MeterUsage was not sent." error={submit.error} />
        </div>
      )}
      {submit.data && (
        <div
          className={`cu-notice cu-next ${
            outcome?.status === 'DryRunPassed' || outcome?.status === 'Success'
              ? 'cu-notice-ok'
              : 'cu-notice-warn'
          }`}
          role="status"
          aria-label="MeterUsage result"
        >
          {outcome?.status === 'DryRunPassed' && (
            <p>
              Dry run succeeded: {submit.data.connection.name} may call MeterUsage for this product.
              Nothing was metered.
            </p>
          )}
          {outcome?.status === 'Success' && (
            <p>
              Metered. MeteringRecordId{' '}
              <span className="mono">{outcome.meteringRecordId ?? '(none returned)'}</span>
            </p>
          )}
          {outcome && outcome.status !== 'DryRunPassed' && outcome.status !== 'Success' && (
            <p>
              {outcome.status}
              {outcome.error ? `: ${outcome.error.message}` : ''}
            </p>
          )}
          {submit.data.error && <p>{submit.data.error.message}</p>}
          <p className="cu-muted">
            Journaled as submission <span className="mono">{submit.data.submissionId}</span>.
          </p>
          <details className="cu-raw">
            <summary>Technical details</summary>
            <pre className="mono" tabIndex={0} aria-label="Raw answer">
              {JSON.stringify(submit.data, null, 2)}
            </pre>
          </details>
        </div>
      )}
    </section>
  );
}
