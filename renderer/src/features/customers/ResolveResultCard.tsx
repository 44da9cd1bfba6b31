// What ResolveCustomer answered: the identities (each whole and copyable), the product matched
// against the catalog, a link that opens the metering editor prefilled, and earlier
// resolutions of the same token. Failures say what happened and what to do next.
import type {
  ProductMatch,
  ResolveFailure,
  ResolveResult,
} from '../../../../shared/channels/customers';
import type { CatalogView } from '../../../../shared/channels/metering';
import type { Product } from '../../../../shared/metering';
import { meteringLinkFor } from '../../../../shared/customers';
import { CopyValue } from '../../components/CopyValue';
import { Facts, type Fact } from '../../components/Facts';
import { failureLabels, local, sourceLabels, utc } from './format';

type CatalogMatch = {
  name: string;
  detail: string;
  found: boolean;
  /** How the product names its customers, when the catalog says. */
  model?: Product['identityModel'];
};

function matchProduct(
  productCode: string | undefined,
  catalog: CatalogView | undefined,
  fallback: ProductMatch | undefined,
): CatalogMatch | null {
  if (productCode === undefined) return null;
  if (catalog) {
    const all = [...catalog.user, ...catalog.sandbox];
    // Concurrent-agreements products carry no product code in the catalog; sandbox ones keep
    // it in their id.
    const found = all.find(
      (p) => p.productCode === productCode || p.id === `sandbox:${productCode}`,
    );
    if (found) {
      return {
        found: true,
        model: found.identityModel,
        name: found.name,
        detail: `${found.kind === 'saas' ? 'SaaS' : found.kind}, ${found.identityModel === 'legacy' ? 'legacy identifiers' : 'concurrent agreements'} · from the ${found.source === 'sandbox' ? 'Sandbox' : 'product'} catalog`,
      };
    }
    return {
      found: false,
      name: 'Not in the product catalog',
      detail: 'Add the product in Metering before metering this customer.',
    };
  }
  if (fallback?.status === 'matched') {
    return { found: true, name: fallback.name ?? productCode, detail: fallback.note };
  }
  return fallback ? { found: false, name: 'Not matched', detail: fallback.note } : null;
}

export function FailureDetails({ failure }: { failure: ResolveFailure }) {
  const diagnosis = failure.diagnosis;
  return (
    <div className="panel cu-failure" role="alert" aria-label="Resolve failed">
      <div className="cu-card-head">
        <h2>Not resolved</h2>
        <span className="cu-status cu-status-bad">{failureLabels[failure.kind]}</span>
      </div>
      <p className="cu-failure-title">{failure.title}</p>
      <p className="cu-next">{failure.message}</p>
      <p className="cu-next">
        <strong>Next step: </strong>
        {failure.nextStep}
      </p>
      {failure.evidence && failure.evidence.length > 0 && (
        <div>
          <p className="cu-muted">
            AWS uses ExpiredTokenException both for an expired registration token and for the
            seller’s expired credentials. How this one was told apart:
          </p>
          <ul className="cu-steps" aria-label="How this was decided">
            {failure.evidence.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {diagnosis && (
        <div>
          <ul className="cu-checks" aria-label="Token checks">
            {(
              [
                ['Looks truncated (characters missing)', diagnosis.looksTruncated],
                ['Looks double-decoded (a “+” became a space)', diagnosis.looksDoubleDecoded],
                ['Still URL-encoded (%2B, %2F, %3D)', diagnosis.looksStillEncoded],
              ] as const
            ).map(([label, yes]) => (
              <li key={label}>
                <span className={`cu-mark ${yes ? 'cu-mark-yes' : 'cu-mark-no'}`}>
                  {yes ? 'Yes' : 'No'}
                </span>
                <span>{label}</span>
              </li>
            ))}
          </ul>
          {diagnosis.notes.length > 0 && (
            <ul className="cu-steps cu-muted">
              {diagnosis.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <details className="cu-raw">
        <summary>Technical details</summary>
        <pre className="mono" tabIndex={0} aria-label="Raw AWS error">
          {JSON.stringify(failure.raw, null, 2)}
        </pre>
      </details>
    </div>
  );
}

export function ResolveResultCard({
  result,
  catalog,
  customerName,
}: {
  result: ResolveResult;
  catalog: CatalogView | undefined;
  /** The buyer's name, where the customer directory knows it. */
  customerName?: string | undefined;
}) {
  const { customer, extraction, previous } = result;
  const before = previous[0];
  const repeat = before && (
    <div className="cu-notice cu-notice-warn" role="note">
      <p>
        Resolved before at {utc(before.at)} ({before.outcome}
        {before.failureKind ? `: ${failureLabels[before.failureKind].toLowerCase()}` : ''})
        {previous.length > 1 ? `, and ${String(previous.length - 1)} more time(s)` : ''}.
      </p>
      <p>AWS answers a repeat with the same identities until the token expires.</p>
    </div>
  );
  const extractionLine = (
    <p className="cu-muted">
      Main read it from a {sourceLabels[extraction.source].toLowerCase()} ·{' '}
      {String(extraction.tokenLength)} characters · token SHA-256{' '}
      <span className="mono">{extraction.tokenHash}…</span> · {utc(result.entry.at)} ·{' '}
      {result.entry.connectionName} ({result.entry.region})
    </p>
  );

  if (result.failure) {
    return (
      <div className="cu-stack" aria-label="Resolve result">
        {repeat}
        <FailureDetails failure={result.failure} />
        {extractionLine}
      </div>
    );
  }
  if (!customer) return null;

  const facts: Fact[] = [];
  if (customerName !== undefined) facts.push({ label: 'Customer', value: customerName });
  const add = (label: string, value: string | undefined, missing: string): void => {
    facts.push({
      label,
      value:
        value === undefined ? (
          <span className="cu-muted">{missing}</span>
        ) : (
          <CopyValue value={value} label={label} />
        ),
    });
  };
  add('CustomerAWSAccountId', customer.customerAwsAccountId, 'Not returned');
  add('LicenseArn', customer.licenseArn, 'Not returned (legacy integration)');
  add(
    'CustomerIdentifier',
    customer.customerIdentifier,
    'Not returned (new integrations use the account id and LicenseArn)',
  );
  add('ProductCode', customer.productCode, 'Not returned');
  const product = matchProduct(customer.productCode, catalog, result.product);
  if (product) {
    facts.push({
      label: 'Product',
      value: (
        <span>
          <span className={product.found ? undefined : 'cu-outcome-failed'}>{product.name}</span>
          <span className="cu-muted"> · {product.detail}</span>
        </span>
      ),
    });
  }
  if (extraction.offerType !== undefined) {
    facts.push({ label: 'Offer type', value: extraction.offerType });
  }

  return (
    <div className="cu-stack" aria-label="Resolve result">
      {repeat}
      <section className="panel" aria-labelledby="resolved-heading">
        <div className="cu-card-head">
          <h2 id="resolved-heading">Customer resolved</h2>
          <span className="cu-status cu-status-ok">Resolved</span>
          <span className="cu-muted" title={local(result.entry.at)}>
            {utc(result.entry.at)}
          </span>
        </div>
        <Facts facts={facts} />
        <div className="cu-card-foot">
          <a className="cu-link-button" href={meteringLinkFor(customer, product?.model)}>
            Meter usage for this customer
          </a>
          <span className="cu-muted">
            Opens the metering editor with the product and the one identity it meters by.
          </span>
        </div>
      </section>
      {extractionLine}
    </div>
  );
}
