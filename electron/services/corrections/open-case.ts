// Opening a case: the period, the SaaS product and dimension from the catalog, the customer and
// the agreement that prices the usage, written down as a new case file.
import type { CaseRequest, CaseView } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import type { Product } from '../../../shared/metering';
import { refreshCase } from './case-access';
import { resolveAgreement, resolveCustomer } from './customer';
import { parsePeriod } from './period';
import type { CorrectionsDeps, StoredCase } from './ports';

async function findProduct(
  deps: CorrectionsDeps,
  productId: string,
  dimension: string,
): Promise<Product> {
  const product = (await deps.products()).find((p) => p.id === productId);
  if (!product) {
    throw new AppError('VALIDATION', `Product ${productId} is not in the catalog.`, {
      hint: 'Pick a product from the catalog on the Metering screen.',
    });
  }
  if (product.kind !== 'saas') {
    throw new AppError(
      'VALIDATION',
      `${product.name} is an ${product.kind === 'ami' ? 'AMI' : 'container'} product: its usage is metered from the buyer’s account (MeterUsage), so the seller cannot top it up.`,
      { hint: 'Corrections cover SaaS products (BatchMeterUsage).' },
    );
  }
  if (!product.dimensions.some((d) => d.name === dimension)) {
    throw new AppError('VALIDATION', `${product.name} has no dimension “${dimension}”.`, {
      hint: `Its dimensions: ${product.dimensions.map((d) => d.name).join(', ')} (case-sensitive).`,
    });
  }
  return product;
}

/** `case-YYYYMMDD-` and eight letters or digits of a new id. */
function newCaseId(deps: CorrectionsDeps, at: string): string {
  const suffix = deps
    .newId()
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 8)
    .toLowerCase();
  return `case-${at.slice(0, 10).replace(/-/g, '')}-${suffix}`;
}

export async function openCase(deps: CorrectionsDeps, request: CaseRequest): Promise<CaseView> {
  const connection = await deps.connection();
  const now = deps.now();
  const period = parsePeriod(request, now);
  const product = await findProduct(deps, request.productId, request.dimension);
  const customer = resolveCustomer(request.customer, await deps.customers.known(), product);
  const choice = await resolveAgreement(deps.agreements(), {
    customer,
    product,
    dimension: request.dimension,
    agreementId: request.agreementId,
  });
  const at = new Date(now).toISOString();
  const stored: StoredCase = {
    version: 1,
    caseId: newCaseId(deps, at),
    createdAt: at,
    updatedAt: at,
    request,
    connection,
    customer: {
      ...customer,
      ...(choice.licenseArn === undefined ? {} : { licenseArn: choice.licenseArn }),
    },
    product: {
      productId: product.id,
      name: product.name,
      ...(product.productCode === undefined ? {} : { productCode: product.productCode }),
      identityModel: product.identityModel,
    },
    dimension: request.dimension,
    from: period.from,
    to: period.to,
    agreement: {
      agreementId: choice.agreement.agreementId,
      ...(choice.agreement.offerId === undefined ? {} : { offerId: choice.agreement.offerId }),
      ...(choice.agreement.resourceId === undefined
        ? {}
        : { resourceId: choice.agreement.resourceId }),
      currencyCode: choice.currencyCode,
      price: choice.price,
    },
    correct: {},
    entries: [],
  };
  return refreshCase(deps, stored);
}
