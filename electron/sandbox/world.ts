// The seeded world the sandbox serves: a seller, its Marketplace products, buyer accounts,
// subscriptions/licenses and registration tokens. Everything derives from (seed, now) so a test,
// an e2e run and a benchmark all see the same world for the same seed.
import { createRng, deriveSeed, type Rng } from './prng';
import type {
  IdentityModel,
  SandboxCustomer,
  SandboxDimension,
  SandboxProduct,
  SandboxRegistrationToken,
  SandboxSubscription,
  SandboxWorld,
} from './types';

export const SANDBOX_SELLER_ACCOUNT_ID = '111122223333';
export const SANDBOX_REGION = 'us-east-1';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The AWS model's LicenseArn pattern (AWS-FACTS §1.2); world licenses must match it. */
export const LICENSE_ARN_PATTERN =
  /^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$/;

type ProductTemplate = {
  name: string;
  identityModel: IdentityModel;
  kind: SandboxProduct['kind'];
  dimensions: SandboxDimension[];
};

// Fixed catalogue (names/dimensions are stable so UI tests can refer to them); the product codes
// themselves are seeded.
const PRODUCT_TEMPLATES: ProductTemplate[] = [
  {
    name: 'Lumen Log Analytics',
    identityModel: 'legacy',
    kind: 'saas',
    dimensions: [
      { name: 'ingested_gb', description: 'Log data ingested, per GB' },
      { name: 'retained_gb_month', description: 'Log data retained beyond 30 days, per GB-month' },
      { name: 'active_users', description: 'Named users who signed in during the hour' },
    ],
  },
  {
    name: 'Quillstack Document Signing',
    identityModel: 'legacy',
    kind: 'saas',
    dimensions: [
      { name: 'envelopes_sent', description: 'Signature envelopes sent' },
      { name: 'ApiCalls', description: 'API requests (case-sensitive dimension name)' },
    ],
  },
  {
    name: 'Nimbus Vector Search',
    identityModel: 'concurrent-agreements',
    kind: 'saas',
    dimensions: [
      { name: 'vector_queries', description: 'Similarity queries, per 1,000' },
      { name: 'index_storage_gb', description: 'Vector index storage, per GB-hour' },
      { name: 'embedding_tokens', description: 'Embedding tokens processed, per 1M' },
    ],
  },
  {
    name: 'Orbit Data Pipeline',
    identityModel: 'concurrent-agreements',
    kind: 'saas',
    dimensions: [
      { name: 'pipeline_runs', description: 'Completed pipeline runs' },
      { name: 'rows_processed', description: 'Rows processed, per million' },
    ],
  },
  {
    name: 'Helix Inference Server',
    identityModel: 'legacy',
    kind: 'container',
    dimensions: [
      { name: 'gpu_hours', description: 'GPU-hours consumed by inference pods' },
      { name: 'requests', description: 'Inference requests served, per 1,000' },
    ],
  },
  {
    name: 'Bastion Secure Gateway',
    identityModel: 'legacy',
    kind: 'ami',
    dimensions: [
      { name: 'protected_hosts', description: 'Hosts behind the gateway during the hour' },
      { name: 'sessions', description: 'Interactive sessions brokered' },
    ],
  },
];

const NAME_FIRST = [
  'Blue Harbor',
  'Northwind',
  'Cedar Ridge',
  'Silverline',
  'Redwood',
  'Ironclad',
  'Brightpath',
  'Summit',
  'Kestrel',
  'Lakeshore',
  'Granite Peak',
  'Copperfield',
  'Tidewater',
  'Evergreen',
  'Falconer',
  'Marigold',
  'Oakmont',
  'Pinecrest',
  'Starling',
  'Westgate',
];
const NAME_SECOND = [
  'Logistics',
  'Health',
  'Analytics',
  'Retail Group',
  'Energy',
  'Media',
  'Bank',
  'Insurance',
  'Robotics',
  'Biotech',
  'Travel',
  'Foods',
  'Labs',
  'Capital',
  'Games',
];
const NAME_SUFFIX = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'S.A.', 'Pty Ltd', 'Co.', 'AG'];

/** 12 digits as a string; every few accounts start with 0 to catch numeric coercion. */
function accountId(rng: Rng, leadingZero: boolean): string {
  let digits = leadingZero ? '0' : String(rng.int(1, 9));
  while (digits.length < 12) digits += String(rng.int(0, 9));
  return digits;
}

function productCode(rng: Rng): string {
  // Real product codes are 25 lowercase alphanumerics.
  return rng.alnum(25).toLowerCase();
}

function licenseArn(rng: Rng, seller: string): string {
  return `arn:aws:license-manager::${seller}:license:l-${rng.hex(32)}`;
}

/** A base64-ish opaque token; some contain '+', '/' and '=' to catch double URL-decoding. */
function registrationToken(rng: Rng, withSpecials: boolean): string {
  const body = rng.alnum(60);
  return withSpecials ? `${body.slice(0, 20)}+${body.slice(20, 40)}/${body.slice(40)}==` : body;
}

/** `region` is the home region: where the seeded CloudTrail history was recorded. */
export function createWorld(
  seed: number,
  now: number,
  region: string = SANDBOX_REGION,
): SandboxWorld {
  const rng = createRng(deriveSeed(seed, 'world'));
  const sellerAccountId = SANDBOX_SELLER_ACCOUNT_ID;

  const usedCodes = new Set<string>();
  const products: SandboxProduct[] = PRODUCT_TEMPLATES.map((template) => {
    let code = productCode(rng);
    while (usedCodes.has(code)) code = productCode(rng);
    usedCodes.add(code);
    return {
      productCode: code,
      name: template.name,
      identityModel: template.identityModel,
      kind: template.kind,
      dimensions: template.dimensions.map((d) => ({ ...d })),
    };
  });

  const customerCount = rng.int(24, 36);
  const usedAccounts = new Set<string>([sellerAccountId]);
  const usedNames = new Set<string>();
  const customers: SandboxCustomer[] = [];
  // Legacy CustomerIdentifier is per buyer and the same across products (AWS-FACTS §1.5).
  const customerIdentifiers = new Map<string, string>();
  for (let i = 0; i < customerCount; i++) {
    let id = accountId(rng, i % 5 === 1);
    while (usedAccounts.has(id)) id = accountId(rng, i % 5 === 1);
    usedAccounts.add(id);
    let name = `${rng.pick(NAME_FIRST)} ${rng.pick(NAME_SECOND)} ${rng.pick(NAME_SUFFIX)}`;
    while (usedNames.has(name)) {
      name = `${rng.pick(NAME_FIRST)} ${rng.pick(NAME_SECOND)} ${rng.pick(NAME_SUFFIX)}`;
    }
    usedNames.add(name);
    customers.push({ awsAccountId: id, name, suspended: false });
    customerIdentifiers.set(id, rng.alnum(11));
  }
  // Exactly two suspended buyers, never the first customer (tests use it as the happy path).
  const suspendedA = rng.int(1, customers.length - 1);
  let suspendedB = rng.int(1, customers.length - 1);
  while (suspendedB === suspendedA) suspendedB = rng.int(1, customers.length - 1);
  for (const index of [suspendedA, suspendedB]) {
    const customer = customers[index];
    if (customer) customer.suspended = true;
  }

  const subscriptions: SandboxSubscription[] = [];
  for (const product of products) {
    customers.forEach((customer, index) => {
      // Customer 0 subscribes to everything so there is always a known-good pair.
      if (index !== 0 && !rng.chance(0.6)) return;
      const activatedAt = recentOrOld(rng, now);
      const status = index !== 0 && rng.chance(0.12) ? 'unsubscribed' : 'active';
      const base = {
        productCode: product.productCode,
        customerAwsAccountId: customer.awsAccountId,
        status,
        activatedAt,
      } as const;
      if (product.kind === 'saas' && product.identityModel === 'legacy') {
        subscriptions.push({
          ...base,
          customerIdentifier: customerIdentifiers.get(customer.awsAccountId) ?? '',
        });
      } else if (product.identityModel === 'concurrent-agreements') {
        subscriptions.push({ ...base, licenseArn: licenseArn(rng, sellerAccountId) });
        // Concurrent agreements: some buyers hold a second license for the same product.
        if (rng.chance(0.15)) {
          subscriptions.push({
            ...base,
            status: 'active',
            licenseArn: licenseArn(rng, sellerAccountId),
            activatedAt: now - rng.int(1, 20) * DAY_MS,
          });
        }
      } else {
        subscriptions.push({ ...base });
      }
    });
  }

  const tokens: SandboxRegistrationToken[] = [];
  const saasProducts = products.filter((p) => p.kind === 'saas');
  saasProducts.forEach((product, index) => {
    const active = subscriptions.filter(
      (s) => s.productCode === product.productCode && s.status === 'active',
    );
    const valid = active[0];
    const other = active[active.length - 1];
    if (valid) {
      tokens.push({
        token: registrationToken(rng, index % 2 === 0),
        productCode: product.productCode,
        customerAwsAccountId: valid.customerAwsAccountId,
        expiresAt: now + 4 * HOUR_MS,
      });
    }
    if (other) {
      tokens.push({
        token: registrationToken(rng, index % 2 === 1),
        productCode: product.productCode,
        customerAwsAccountId: other.customerAwsAccountId,
        expiresAt: now - HOUR_MS,
      });
    }
  });

  return {
    seed,
    sellerAccountId,
    region,
    products,
    customers,
    subscriptions,
    tokens,
  };
}

/** Most subscriptions are old; some started days ago so activation-period checks have cases. */
function recentOrOld(rng: Rng, now: number): number {
  const hour = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS;
  if (rng.chance(0.15)) return hour(now - rng.int(1, 10) * DAY_MS);
  return hour(now - rng.int(100, 700) * DAY_MS);
}

// --- Look-ups the protocol layer and the history generator share. ---

export function findProduct(world: SandboxWorld, productCode: string): SandboxProduct | undefined {
  return world.products.find((p) => p.productCode === productCode);
}

export function findCustomer(
  world: SandboxWorld,
  awsAccountId: string,
): SandboxCustomer | undefined {
  return world.customers.find((c) => c.awsAccountId === awsAccountId);
}

/** Legacy model: the subscription behind (ProductCode, CustomerIdentifier). */
export function findSubscriptionByCustomerIdentifier(
  world: SandboxWorld,
  productCode: string,
  customerIdentifier: string,
): SandboxSubscription | undefined {
  return world.subscriptions.find(
    (s) => s.productCode === productCode && s.customerIdentifier === customerIdentifier,
  );
}

/** Concurrent-agreements model: the subscription behind a LicenseArn (product included). */
export function findSubscriptionByLicenseArn(
  world: SandboxWorld,
  licenseArn: string,
): SandboxSubscription | undefined {
  return world.subscriptions.find((s) => s.licenseArn === licenseArn);
}

/** Every subscription an account holds for a product (several under concurrent agreements). */
export function findSubscriptionsForAccount(
  world: SandboxWorld,
  productCode: string,
  awsAccountId: string,
): SandboxSubscription[] {
  return world.subscriptions.filter(
    (s) => s.productCode === productCode && s.customerAwsAccountId === awsAccountId,
  );
}

export function findRegistrationToken(
  world: SandboxWorld,
  token: string,
): SandboxRegistrationToken | undefined {
  return world.tokens.find((t) => t.token === token);
}

/** Billable: active subscription and a buyer account that is not suspended. */
export function isSubscriptionBillable(
  world: SandboxWorld,
  subscription: SandboxSubscription,
): boolean {
  if (subscription.status !== 'active') return false;
  const customer = findCustomer(world, subscription.customerAwsAccountId);
  return customer !== undefined && !customer.suspended;
}
