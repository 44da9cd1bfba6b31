// Opening a correction case: who (identifier, account id or a known name), which SaaS product
// and dimension, and which whole UTC hours or days. When the customer has several agreements
// that price the dimension, main names them and the form asks which one.
import { useId, useMemo, useState, type SyntheticEvent } from 'react';
import type { CaseView } from '../../../../shared/channels/corrections';
import { allProducts, useCatalog } from '../../api/metering';
import { useKnownCustomers, useOpenCase } from '../../api/corrections';
import { ErrorPanel, toDisplayableError } from '../../components/ErrorPanel';
import { Field } from '../../components/Field';

type Candidate = { agreementId: string; offerId?: string; price?: string; currencyCode?: string };

function candidatesOf(error: unknown): Candidate[] {
  const details = (error as { details?: { candidates?: unknown } } | null)?.details;
  const list = details?.candidates;
  return Array.isArray(list)
    ? list.filter((c): c is Candidate => typeof (c as Candidate).agreementId === 'string')
    : [];
}

const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** A day picker, or ISO text for whole UTC hours. */
function PeriodBound(props: {
  label: string;
  help: string;
  unit: 'days' | 'hours';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={props.label} help={props.help}>
      {(control) => (
        <input
          {...control}
          {...(props.unit === 'days' ? { type: 'date' } : { spellCheck: false })}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function NewCaseForm({ onOpened }: { onOpened: (view: CaseView) => void }) {
  const catalog = useCatalog();
  const products = useMemo(
    () => allProducts(catalog.data).filter((p) => p.kind === 'saas'),
    [catalog.data],
  );
  const [customer, setCustomer] = useState('');
  const [productId, setProductId] = useState('');
  const [dimension, setDimension] = useState('');
  const [unit, setUnit] = useState<'days' | 'hours'>('days');
  const [from, setFrom] = useState(todayUtc);
  const [to, setTo] = useState(todayUtc);
  const [agreementId, setAgreementId] = useState('');
  const known = useKnownCustomers('');
  const open = useOpenCase();
  const listId = useId();
  const product = products.find((p) => p.id === productId) ?? products[0];
  const dimensions = product?.dimensions ?? [];
  const chosenDimension = dimensions.some((d) => d.name === dimension)
    ? dimension
    : (dimensions[0]?.name ?? '');
  const candidates = candidatesOf(open.error);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (!product) return;
    open.mutate(
      {
        customer,
        productId: product.id,
        dimension: chosenDimension,
        from,
        to,
        ...(agreementId === '' ? {} : { agreementId }),
      },
      { onSuccess: (view) => view && onOpened(view) },
    );
  };

  return (
    <form className="corrections-new" aria-label="Open a correction case" onSubmit={submit}>
      <Field label="Customer" help="CustomerIdentifier, 12-digit AWS account id, or name">
        {(control) => (
          <input
            {...control}
            list={listId}
            value={customer}
            autoComplete="off"
            onChange={(e) => setCustomer(e.target.value)}
          />
        )}
      </Field>
      <datalist id={listId}>
        {(known.data?.customers ?? []).map((c) => (
          <option key={c.awsAccountId} value={c.awsAccountId}>
            {c.name ?? c.customerIdentifier ?? c.awsAccountId}
          </option>
        ))}
      </datalist>
      <Field label="Product">
        {(control) => (
          <select
            {...control}
            value={product?.id ?? ''}
            onChange={(e) => {
              setProductId(e.target.value);
              setAgreementId('');
            }}
          >
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Dimension">
        {(control) => (
          <select
            {...control}
            value={chosenDimension}
            onChange={(e) => setDimension(e.target.value)}
          >
            {dimensions.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Period in">
        {(control) => (
          <select
            {...control}
            value={unit}
            onChange={(e) => {
              const next = e.target.value === 'hours' ? 'hours' : 'days';
              setUnit(next);
              const now = new Date().toISOString();
              setFrom(next === 'days' ? now.slice(0, 10) : `${now.slice(0, 11)}00Z`);
              setTo(next === 'days' ? now.slice(0, 10) : `${now.slice(0, 11)}00Z`);
            }}
          >
            <option value="days">Days (UTC)</option>
            <option value="hours">Hours (UTC)</option>
          </select>
        )}
      </Field>
      <PeriodBound
        label="From"
        unit={unit}
        value={from}
        onChange={setFrom}
        help={unit === 'days' ? 'First day (UTC)' : 'First hour, e.g. 2026-11-17T03:00Z'}
      />
      <PeriodBound
        label="To"
        unit={unit}
        value={to}
        onChange={setTo}
        help={unit === 'days' ? 'Last day, included' : 'End hour, not included'}
      />
      {candidates.length > 0 && (
        <Field label="Agreement" help="The customer has several agreements pricing this dimension">
          {(control) => (
            <select
              {...control}
              value={agreementId}
              onChange={(e) => setAgreementId(e.target.value)}
            >
              <option value="">Choose…</option>
              {candidates.map((c) => (
                <option key={c.agreementId} value={c.agreementId}>
                  {c.agreementId}
                  {c.price === undefined ? '' : ` — ${c.price} ${c.currencyCode ?? ''}`}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="corrections-new-actions">
        <button
          type="submit"
          className="primary"
          disabled={open.isPending || !product || customer.trim() === ''}
        >
          {open.isPending ? 'Opening…' : 'Open case'}
        </button>
      </div>
      {open.error && (
        <ErrorPanel title="The case could not be opened" error={toDisplayableError(open.error)} />
      )}
    </form>
  );
}
