// The Marketplace agreements behind the seeded world: one purchase agreement per subscription
// (per license under concurrent agreements), proposed by the seller, accepted by the buyer, with a
// usage-based pricing term that prices every dimension of the product. Everything derives from
// the world's seed, so a test, an e2e run and the docs see the same agreement ids and prices.
import { createRng, deriveSeed } from './prng';
import type { SandboxProduct, SandboxSubscription, SandboxWorld } from './types';

export type SandboxRateCardItem = { dimensionKey: string; price: string };

export type SandboxAgreement = {
  agreementId: string;
  productCode: string;
  /** The product's Marketplace id (prod-…): what SearchAgreements calls ResourceIdentifier. */
  resourceId: string;
  resourceType: 'SaaSProduct' | 'ContainerProduct' | 'AmiProduct';
  offerId: string;
  proposerAccountId: string;
  acceptorAccountId: string;
  /** Concurrent-agreements products: the license the agreement grants. */
  licenseArn?: string;
  status: 'ACTIVE' | 'CANCELLED';
  /** Epoch ms. */
  startTime: number;
  termId: string;
  currencyCode: string;
  rateCard: SandboxRateCardItem[];
};

/** Per-unit prices the seeded offers use: a few decimals each, so money checks are exact. */
const PRICES = ['0.01', '0.0125', '0.05', '0.10', '0.25', '0.40', '1.00', '1.50', '2.75', '0.004'];

const RESOURCE_TYPES: Record<SandboxProduct['kind'], SandboxAgreement['resourceType']> = {
  saas: 'SaaSProduct',
  container: 'ContainerProduct',
  ami: 'AmiProduct',
};

/** The product's Marketplace id, derived from its code (stable for a seed). */
export function productIdOf(seed: number, productCode: string): string {
  return `prod-${createRng(deriveSeed(seed, `product-id|${productCode}`))
    .alnum(13)
    .toLowerCase()}`;
}

/** The public offer's price per dimension: the same for every buyer of the product. */
export function publicRateCard(seed: number, product: SandboxProduct): SandboxRateCardItem[] {
  const rng = createRng(deriveSeed(seed, `prices|${product.productCode}`));
  return product.dimensions.map((d) => ({ dimensionKey: d.name, price: rng.pick(PRICES) }));
}

function agreementOf(
  world: SandboxWorld,
  product: SandboxProduct,
  subscription: SandboxSubscription,
): SandboxAgreement {
  const identity = `${subscription.productCode}|${subscription.customerAwsAccountId}|${subscription.licenseArn ?? ''}`;
  const rng = createRng(deriveSeed(world.seed, `agreement|${identity}`));
  return {
    agreementId: `agmt-${rng.alnum(26).toLowerCase()}`,
    productCode: product.productCode,
    resourceId: productIdOf(world.seed, product.productCode),
    resourceType: RESOURCE_TYPES[product.kind],
    offerId: `offer-${createRng(deriveSeed(world.seed, `offer|${product.productCode}`))
      .alnum(13)
      .toLowerCase()}`,
    proposerAccountId: world.sellerAccountId,
    acceptorAccountId: subscription.customerAwsAccountId,
    ...(subscription.licenseArn === undefined ? {} : { licenseArn: subscription.licenseArn }),
    status: subscription.status === 'active' ? 'ACTIVE' : 'CANCELLED',
    startTime: subscription.activatedAt,
    termId: `term-${rng.alnum(20).toLowerCase()}`,
    currencyCode: 'USD',
    rateCard: publicRateCard(world.seed, product),
  };
}

/** Every agreement of the world, in subscription order. */
export function worldAgreements(world: SandboxWorld): SandboxAgreement[] {
  const products = new Map(world.products.map((p) => [p.productCode, p]));
  const agreements: SandboxAgreement[] = [];
  for (const subscription of world.subscriptions) {
    const product = products.get(subscription.productCode);
    if (product) agreements.push(agreementOf(world, product, subscription));
  }
  return agreements;
}

/**
 * The agreement a billed record belongs to: by license under concurrent agreements, else the
 * (product, buyer account) pair.
 */
export function agreementForUsage(
  agreements: readonly SandboxAgreement[],
  usage: { productCode: string; customerAwsAccountId?: string; licenseArn?: string },
): SandboxAgreement | undefined {
  if (usage.licenseArn !== undefined) {
    return agreements.find((a) => a.licenseArn === usage.licenseArn);
  }
  return agreements.find(
    (a) =>
      a.productCode === usage.productCode &&
      a.acceptorAccountId === usage.customerAwsAccountId &&
      a.licenseArn === undefined,
  );
}
