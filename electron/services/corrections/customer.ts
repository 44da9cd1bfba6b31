// Who a case is about and under which agreement: the customer is found by CustomerIdentifier, AWS
// account id or name among the customers the app knows; the agreement is the seller's purchase
// agreement with that account (and license, under concurrent agreements) whose usage-based
// pricing term prices the case's dimension. Every dead end is a clear error, before anything is
// written or sent.
import { AppError } from '../../../shared/errors';
import { parseDecimal } from '../../../shared/decimal';
import type { Product } from '../../../shared/metering';
import type { AgreementApi, AgreementInfo, KnownCustomer } from './ports';

export type ResolvedCustomer = { awsAccountId: string; customerIdentifier?: string; name?: string };

const ACCOUNT_ID = /^\d{12}$/;

function describe(c: KnownCustomer): string {
  const ids = [c.awsAccountId, c.customerIdentifier].filter((v) => v !== undefined).join(', ');
  return c.name === undefined ? ids : `${c.name} (${ids})`;
}

/** The known identity for this product (legacy identifiers are per product). */
function forProduct(known: readonly KnownCustomer[], product: Product, accountId: string) {
  const mine = known.filter((k) => k.awsAccountId === accountId);
  const withIdentifier = mine.find(
    (k) =>
      k.customerIdentifier !== undefined &&
      (k.productCodes === undefined ||
        (product.productCode !== undefined && k.productCodes.includes(product.productCode))),
  );
  const name = mine.find((k) => k.name !== undefined)?.name;
  return {
    awsAccountId: accountId,
    ...(product.identityModel === 'legacy' && withIdentifier?.customerIdentifier !== undefined
      ? { customerIdentifier: withIdentifier.customerIdentifier }
      : {}),
    ...(name === undefined ? {} : { name }),
  };
}

export function resolveCustomer(
  query: string,
  known: readonly KnownCustomer[],
  product: Product,
): ResolvedCustomer {
  const q = query.trim();
  if (ACCOUNT_ID.test(q)) return forProduct(known, product, q);
  const byIdentifier = known.find((k) => k.customerIdentifier === q);
  if (byIdentifier) {
    if (byIdentifier.awsAccountId === undefined) {
      throw new AppError(
        'VALIDATION',
        `Meterdesk knows the customer identifier ${q}, but not the AWS account it belongs to, which the Agreement API needs.`,
        {
          hint: 'Type the customer’s 12-digit AWS account id instead (ResolveCustomer returns it).',
        },
      );
    }
    return { ...forProduct(known, product, byIdentifier.awsAccountId), customerIdentifier: q };
  }
  const lower = q.toLowerCase();
  const named = known.filter((k) => k.name !== undefined && k.awsAccountId !== undefined);
  const exact = named.filter((k) => k.name?.toLowerCase() === lower);
  const matches =
    exact.length > 0 ? exact : named.filter((k) => k.name?.toLowerCase().includes(lower));
  const accounts = [...new Set(matches.map((m) => m.awsAccountId))];
  const [only] = accounts;
  if (accounts.length === 1 && only !== undefined) return forProduct(known, product, only);
  if (accounts.length === 0) {
    throw new AppError('VALIDATION', `No customer matches “${q}”.`, {
      hint: 'Give the customer’s 12-digit AWS account id, its CustomerIdentifier, or a name Meterdesk knows (from ResolveCustomer or the sandbox).',
    });
  }
  throw new AppError('VALIDATION', `${String(accounts.length)} customers match “${q}”.`, {
    hint: 'Give the AWS account id of the one you mean.',
    details: { candidates: matches.slice(0, 20).map(describe) },
  });
}

export type AgreementChoice = {
  agreement: AgreementInfo;
  currencyCode: string;
  price: string;
  licenseArn?: string;
};

function candidateView(a: AgreementInfo) {
  return {
    agreementId: a.agreementId,
    ...(a.status === undefined ? {} : { status: a.status }),
    ...(a.offerId === undefined ? {} : { offerId: a.offerId }),
    ...(a.resourceId === undefined ? {} : { resourceId: a.resourceId }),
    ...(a.startTime === undefined ? {} : { startTime: new Date(a.startTime).toISOString() }),
  };
}

/** The agreement that prices `dimension` for this customer (and license), with its price. */
export async function resolveAgreement(
  api: AgreementApi,
  input: {
    customer: ResolvedCustomer;
    product: Product;
    dimension: string;
    agreementId?: string | undefined;
  },
): Promise<AgreementChoice> {
  const { customer, product, dimension } = input;
  const found = await api.searchAgreements({ acceptorAccountId: customer.awsAccountId });
  const agreements = found.filter(
    (a) =>
      (input.agreementId === undefined || a.agreementId === input.agreementId) &&
      (product.identityModel === 'legacy' ? a.licenseArns.length === 0 : a.licenseArns.length > 0),
  );
  if (agreements.length === 0) {
    throw new AppError(
      'VALIDATION',
      input.agreementId === undefined
        ? `No agreement of this seller with AWS account ${customer.awsAccountId} was found for a ${product.identityModel === 'legacy' ? 'product' : 'licensed product'} like ${product.name}.`
        : `Agreement ${input.agreementId} is not an agreement of this seller with AWS account ${customer.awsAccountId}.`,
      {
        hint: 'Check the customer and the active connection (the seller account that proposed the agreement).',
      },
    );
  }
  const priced: AgreementChoice[] = [];
  for (const agreement of agreements) {
    const pricing = await api.usagePricing(agreement.agreementId);
    const item = pricing?.rateCard.find((r) => r.dimensionKey === dimension);
    if (!pricing || !item) continue;
    if (pricing.currencyCode === undefined || parseDecimal(item.price) === undefined) {
      throw new AppError(
        'VALIDATION',
        `Agreement ${agreement.agreementId} prices ${dimension} as “${item.price}” ${pricing.currencyCode ?? '(no currency)'}, which Meterdesk cannot use as money.`,
      );
    }
    priced.push({
      agreement,
      currencyCode: pricing.currencyCode,
      price: item.price,
      ...(agreement.licenseArns[0] === undefined ? {} : { licenseArn: agreement.licenseArns[0] }),
    });
  }
  const [only] = priced;
  if (priced.length === 1 && only) return only;
  if (priced.length === 0) {
    throw new AppError(
      'VALIDATION',
      `No price for ${dimension}: the usage-based pricing terms of ${agreements.map((a) => a.agreementId).join(', ')} do not list it, so no difference can be turned into money and nothing can be sent.`,
      {
        hint: 'Check the dimension name (it is case-sensitive) and the offer the customer accepted.',
        details: { agreements: agreements.map(candidateView) },
      },
    );
  }
  throw new AppError(
    'VALIDATION',
    `${String(priced.length)} agreements with this customer price ${dimension}: choose one.`,
    {
      hint: 'Pick the agreement the usage was billed under.',
      details: {
        candidates: priced.map((p) => ({
          ...candidateView(p.agreement),
          price: p.price,
          currencyCode: p.currencyCode,
        })),
      },
    },
  );
}
