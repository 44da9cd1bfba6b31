// Seeded CloudTrail history: months of BatchMeterUsage calls (plus a few ResolveCustomer calls)
// so the audit view and the LookupEvents benchmark have realistic volume without a live account.
//
// Speed and memory: only the lookup metadata (id, time, name, key, user) is built eagerly. The
// CloudTrailEvent JSON of each event is built on read from a per-event seed, so 100k events cost
// a few MB and well under a second, and each page of LookupEvents builds only its own 50 records.
import {
  buildCloudTrailJson,
  lookupUsername,
  METERING_EVENT_SOURCE,
  type AccountIdKey,
} from './cloudtrail-record';
import { createRng, deriveSeed, type Rng } from './prng';
import type {
  MeteringCallRecord,
  SandboxIdentity,
  SandboxProduct,
  SandboxSubscription,
  SandboxWorld,
  StoredCloudTrailEvent,
} from './types';
import { isSubscriptionBillable } from './world';

export type HistoryOptions = {
  events: number;
  seed: number;
  /** Epoch ms of the newest event. */
  endTime: number;
  /** Spread, default 90 (CloudTrail's lookup window). */
  days?: number;
};

/** Enough to regenerate a generated history exactly: the store persists this, not the events. */
export type HistoryOrigin = { world: SandboxWorld; options: HistoryOptions };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const origins = new WeakMap<readonly StoredCloudTrailEvent[], HistoryOrigin>();

/** How an array returned by generateHistory was made (undefined for any other array). */
export function historyOrigin(events: readonly StoredCloudTrailEvent[]): HistoryOrigin | undefined {
  return origins.get(events);
}

type HistoryCaller = { identity: SandboxIdentity; sourceIpAddress: string; userAgent: string };

function upperAlnum(rng: Rng, length: number): string {
  return rng
    .alnum(length * 2)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(length, 'X')
    .slice(0, length);
}

/** The seller-side principals that metered in the past (deterministic per world). */
export function historyIdentities(world: SandboxWorld): SandboxIdentity[] {
  const rng = createRng(deriveSeed(world.seed, 'history-identities'));
  const account = world.sellerAccountId;
  const roleId = `AROA${upperAlnum(rng, 17)}`;
  return [
    {
      type: 'AssumedRole',
      accessKeyId: `ASIA${upperAlnum(rng, 16)}`,
      secretAccessKey: rng.alnum(40),
      userName: 'billing-cron',
      arn: `arn:aws:sts::${account}:assumed-role/MarketplaceMeteringRole/billing-cron`,
      accountId: account,
      principalId: `${roleId}:billing-cron`,
    },
    {
      type: 'IAMUser',
      accessKeyId: `AKIA${upperAlnum(rng, 16)}`,
      secretAccessKey: rng.alnum(40),
      userName: 'metering-service',
      arn: `arn:aws:iam::${account}:user/metering-service`,
      accountId: account,
      principalId: `AIDA${upperAlnum(rng, 17)}`,
    },
    {
      type: 'IAMUser',
      accessKeyId: `AKIA${upperAlnum(rng, 16)}`,
      secretAccessKey: rng.alnum(40),
      userName: 'finance-ops',
      arn: `arn:aws:iam::${account}:user/finance-ops`,
      accountId: account,
      principalId: `AIDA${upperAlnum(rng, 17)}`,
    },
    ssoIdentity(rng, account),
    {
      type: 'Root',
      accessKeyId: `AKIA${upperAlnum(rng, 16)}`,
      secretAccessKey: rng.alnum(40),
      userName: 'root',
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      principalId: account,
    },
  ];
}

/**
 * A person signed in through IAM Identity Center: an assumed role named after the permission
 * set (AWSReservedSSO_<set>_<hash>) whose session name is the user, as AWS writes it.
 */
function ssoIdentity(rng: Rng, account: string): SandboxIdentity {
  const role = `AWSReservedSSO_BillingAdmin_${rng.hex(16)}`;
  const roleId = `AROA${upperAlnum(rng, 17)}`;
  const person = 'alice@example.com';
  return {
    type: 'AssumedRole',
    accessKeyId: `ASIA${upperAlnum(rng, 16)}`,
    secretAccessKey: rng.alnum(40),
    userName: person,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${person}`,
    accountId: account,
    principalId: `${roleId}:${person}`,
  };
}

function callers(world: SandboxWorld): HistoryCaller[] {
  const [role, service, finance, sso, root] = historyIdentities(world);
  if (!role || !service || !finance || !sso || !root) throw new Error('history identities missing');
  const console =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
  return [
    {
      identity: role,
      sourceIpAddress: '203.0.113.24',
      userAgent:
        'aws-sdk-java/1.12.772 Linux/5.10.225-213.878.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS java/17.0.12 vendor/Amazon.com_Inc.',
    },
    {
      identity: service,
      sourceIpAddress: '198.51.100.7',
      userAgent:
        'aws-sdk-js/3.1138.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.19.0 api/marketplace-metering#3.1138.0',
    },
    {
      identity: finance,
      sourceIpAddress: '192.0.2.145',
      userAgent:
        'Meterdesk/0.1.0 aws-sdk-js/3.1138.0 ua/2.1 os/darwin#24.1.0 lang/js md/nodejs#20.19.0 api/marketplace-metering#3.1138.0',
    },
    {
      identity: sso,
      sourceIpAddress: '192.0.2.201',
      userAgent:
        'aws-cli/2.22.35 md/awscrt#0.23.8 ua/2.1 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.8',
    },
    { identity: root, sourceIpAddress: '192.0.2.17', userAgent: console },
  ];
}

/** Who made a seeded call: mostly the metering service's role, rarely a person or root. */
function pickCaller(who: readonly HistoryCaller[], roll: number): HistoryCaller {
  const shares = [0.66, 0.9, 0.96, 0.99];
  const at = shares.findIndex((share) => roll < share);
  const caller = who[at < 0 ? shares.length : at] ?? who[0];
  if (!caller) throw new Error('no history caller');
  return caller;
}

const hex8 = (rng: Rng): string =>
  Math.floor(rng.next() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');

/** A v4-shaped UUID from the seeded stream (fast path: 4 draws, not 32). */
function uuid(rng: Rng): string {
  const h = hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

type ProductContext = {
  product: SandboxProduct;
  subscriptions: SandboxSubscription[];
  accountIdKey: AccountIdKey;
};

export function generateHistory(
  world: SandboxWorld,
  options: HistoryOptions,
): StoredCloudTrailEvent[] {
  const count = Math.max(0, Math.floor(options.events));
  const days = options.days ?? 90;
  // Snapshot so later changes to the live world can't change what regeneration produces.
  const snapshot = JSON.parse(JSON.stringify(world)) as SandboxWorld;
  const who = callers(snapshot);
  const saas = snapshot.products.filter((p) => p.kind === 'saas');
  let caCount = 0;
  const contexts: ProductContext[] = saas.map((product) => {
    // The second concurrent-agreements product writes the other account-id casing (see
    // cloudtrail-record.ts) so consumers meet both spellings.
    const alternate = product.identityModel === 'concurrent-agreements' && caCount++ === 1;
    return {
      product,
      subscriptions: snapshot.subscriptions.filter((s) => s.productCode === product.productCode),
      accountIdKey: alternate ? 'customerAWSAccountId' : 'customerAWSAccountID',
    };
  });

  // Every parameter feeds the stream, so two generations (e.g. the admin API called twice with
  // one seed) never mint the same event ids.
  const salt = `history:${snapshot.seed}:${count}:${options.endTime}:${days}`;
  const rng = createRng(deriveSeed(options.seed, salt));
  // Stay an hour inside the window so the oldest event is still visible a while later.
  const span = Math.max(0, days * DAY_MS - HOUR_MS);
  const start = options.endTime - span;
  const step = count > 0 ? span / count : 0;
  const detailBase = deriveSeed(options.seed, `${salt}:detail`);
  const events: StoredCloudTrailEvent[] = new Array<StoredCloudTrailEvent>(count);

  let lastBatch: BatchRecipe | null = null;
  for (let i = 0; i < count; i++) {
    const time = Math.floor((start + (i + rng.next() * 0.9) * step) / 1000) * 1000;
    const resolve = contexts.length === 0 || rng.chance(0.01);
    const caller = pickCaller(who, rng.next());
    const eventId = uuid(rng);
    const detailSeed = (detailBase ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
    const variant = rng.next();
    const context = contexts[i % Math.max(1, contexts.length)];
    let recipe: Recipe;
    if (resolve || !context) {
      recipe = { kind: 'resolve', caller, time, detailSeed };
    } else if (lastBatch && variant < RETRY_SHARE) {
      // An identical retry of the previous call: same records, same answer, same ids.
      recipe = { kind: 'retry', of: lastBatch, time, detailSeed };
    } else if (variant < RETRY_SHARE + DENIED_SHARE) {
      recipe = { kind: 'denied', caller, time, detailSeed };
    } else {
      const large = context.product.identityModel !== 'legacy' && variant > 1 - LARGE_SHARE;
      lastBatch = { kind: 'batch', context, caller, time, detailSeed, large };
      recipe = lastBatch;
    }
    const build = (): string =>
      buildCloudTrailJson(callOf(snapshot, contexts, recipe), eventId, {
        accountIdKey: recipeContext(recipe)?.accountIdKey ?? 'customerAWSAccountID',
      });
    const signer = recipe.kind === 'retry' ? recipe.of.caller : recipe.caller;
    events[i] = {
      eventId,
      eventName: recipe.kind === 'resolve' ? 'ResolveCustomer' : 'BatchMeterUsage',
      eventSource: METERING_EVENT_SOURCE,
      eventTime: time,
      readOnly: 'false',
      accessKeyId: signer.identity.accessKeyId,
      username: lookupUsername(signer.identity),
      resources: [],
      // An own enumerable getter: JSON.stringify and spreads still see a plain string field.
      get cloudTrailEvent(): string {
        return build();
      },
    };
  }
  // Generated oldest first; the store wants no particular order, consumers expect newest first.
  events.reverse();
  origins.set(events, { world: snapshot, options: { ...options, days } });
  return events;
}

/** Shares of seeded BatchMeterUsage events: identical retries, AccessDenied, huge batches. */
const RETRY_SHARE = 0.02;
const DENIED_SHARE = 0.005;
const LARGE_SHARE = 0.003;

type BatchRecipe = {
  kind: 'batch';
  context: ProductContext;
  caller: HistoryCaller;
  time: number;
  detailSeed: number;
  /** Many allocations per record: a request and response over CloudTrail's field size. */
  large: boolean;
};

/** How one seeded event is built on read (its JSON is made lazily from this). */
type Recipe =
  | BatchRecipe
  | { kind: 'retry'; of: BatchRecipe; time: number; detailSeed: number }
  | { kind: 'denied'; caller: HistoryCaller; time: number; detailSeed: number }
  | { kind: 'resolve'; caller: HistoryCaller; time: number; detailSeed: number };

function recipeContext(recipe: Recipe): ProductContext | undefined {
  if (recipe.kind === 'batch') return recipe.context;
  return recipe.kind === 'retry' ? recipe.of.context : undefined;
}

function callOf(
  world: SandboxWorld,
  contexts: ProductContext[],
  recipe: Recipe,
): MeteringCallRecord {
  const detail = createRng(recipe.detailSeed);
  switch (recipe.kind) {
    case 'resolve':
      return resolveCall(world, contexts, detail, recipe.caller, recipe.time);
    case 'denied':
      return deniedCall(world, detail, recipe.caller, recipe.time);
    case 'batch':
      return batchCall(world, recipe, createRng(recipe.detailSeed));
    case 'retry': {
      // Rebuilt from the original's seed, so the records and MeteringRecordIds are the same;
      // only the time and the request id are the retry's own.
      const original = batchCall(world, recipe.of, createRng(recipe.of.detailSeed));
      return { ...original, time: recipe.time, requestId: uuid(detail) };
    }
  }
}

/** A caller without aws-marketplace:BatchMeterUsage: refused before the request was read. */
function deniedCall(
  world: SandboxWorld,
  detail: Rng,
  caller: HistoryCaller,
  time: number,
): MeteringCallRecord {
  return {
    ...baseCall(caller, detail, time, world.region),
    operation: 'BatchMeterUsage',
    request: {},
    error: {
      code: 'AccessDenied',
      message: `User: ${caller.identity.arn} is not authorized to perform: aws-marketplace:BatchMeterUsage because no identity-based policy allows the aws-marketplace:BatchMeterUsage action`,
    },
  };
}

function baseCall(
  caller: HistoryCaller,
  detail: Rng,
  time: number,
  region: string,
): Omit<MeteringCallRecord, 'operation' | 'request'> {
  return {
    identity: caller.identity,
    region,
    time,
    sourceIpAddress: caller.sourceIpAddress,
    userAgent: caller.userAgent,
    requestId: uuid(detail),
  };
}

function batchCall(world: SandboxWorld, recipe: BatchRecipe, detail: Rng): MeteringCallRecord {
  const { context, caller, time } = recipe;
  const { product } = context;
  const legacy = product.identityModel === 'legacy';
  // Usage of the previous full hour, metered some minutes into the next one.
  const usageHour = Math.floor(time / HOUR_MS) * HOUR_MS - HOUR_MS;
  const eligible = context.subscriptions.filter((s) => s.activatedAt <= usageHour);
  const pairs: [SandboxSubscription, string][] = [];
  for (const sub of eligible.length > 0 ? eligible : context.subscriptions) {
    for (const d of product.dimensions) pairs.push([sub, d.name]);
  }
  const n = Math.min(25, pairs.length, detail.int(1, 25));
  // Partial Fisher-Yates: n distinct (customer, dimension) pairs, like one aggregated hour.
  for (let k = 0; k < n; k++) {
    const j = detail.int(k, pairs.length - 1);
    const tmp = pairs[k];
    const other = pairs[j];
    if (tmp && other) {
      pairs[k] = other;
      pairs[j] = tmp;
    }
  }
  const records: Record<string, unknown>[] = pairs.slice(0, n).map(([sub, dimension]) => {
    const quantity = detail.chance(0.1) ? 0 : detail.int(1, 5000);
    const record: Record<string, unknown> = {
      Timestamp: usageHour / 1000,
      Dimension: dimension,
      Quantity: quantity,
    };
    if (legacy) {
      record.CustomerIdentifier = sub.customerIdentifier;
    } else {
      record.CustomerAWSAccountId = sub.customerAwsAccountId;
      record.LicenseArn = sub.licenseArn;
      if (recipe.large) {
        record.Quantity = LARGE_ALLOCATIONS;
        record.UsageAllocations = Array.from({ length: LARGE_ALLOCATIONS }, (_, k) => ({
          AllocatedUsageQuantity: 1,
          Tags: [{ Key: 'cost-center', Value: `cc-${String(k).padStart(4, '0')}` }],
        }));
      } else if (quantity > 1 && detail.chance(0.2)) {
        const first = detail.int(1, quantity - 1);
        record.UsageAllocations = [
          { AllocatedUsageQuantity: first, Tags: [{ Key: 'team', Value: 'search' }] },
          { AllocatedUsageQuantity: quantity - first, Tags: [{ Key: 'team', Value: 'ads' }] },
        ];
      }
    }
    return record;
  });
  const request: Record<string, unknown> = { UsageRecords: records };
  if (legacy) request.ProductCode = product.productCode;
  const base = baseCall(caller, detail, time, world.region);

  const outcome = detail.next();
  const victim = records[detail.int(0, Math.max(0, records.length - 1))];
  if (outcome < 0.015 && victim) {
    victim.Timestamp = (usageHour - detail.int(25, 72) * HOUR_MS) / 1000;
    return {
      ...base,
      operation: 'BatchMeterUsage',
      request,
      error: {
        code: 'TimestampOutOfBoundsException',
        message: 'The timestamp value passed in the UsageRecord is out of allowed range.',
      },
    };
  }
  if (outcome < 0.025 && victim) {
    victim.Dimension = String(victim.Dimension).toUpperCase();
    return {
      ...base,
      operation: 'BatchMeterUsage',
      request,
      error: {
        code: 'InvalidUsageDimensionException',
        message:
          'The usage dimension does not match one of the UsageDimensions associated with products.',
      },
    };
  }

  const results: Record<string, unknown>[] = [];
  const unprocessed: Record<string, unknown>[] = [];
  records.forEach((record, index) => {
    const [sub] = pairs[index] ?? [];
    if (detail.chance(0.005)) {
      unprocessed.push(record);
      return;
    }
    let status = 'Success';
    if (!sub || !isSubscriptionBillable(world, sub)) status = 'CustomerNotSubscribed';
    else if (detail.chance(0.02)) status = 'DuplicateRecord';
    const result: Record<string, unknown> = { UsageRecord: enrichedEcho(record, sub) };
    if (status === 'Success') result.MeteringRecordId = uuid(detail);
    result.Status = status;
    results.push(result);
  });
  return {
    ...base,
    operation: 'BatchMeterUsage',
    request,
    response: { Results: results, UnprocessedRecords: unprocessed },
  };
}

/** Allocations per record of a seeded oversized batch: 25 × 200 is well past 100 KB. */
const LARGE_ALLOCATIONS = 200;

/**
 * AWS's echo of a record carries the buyer's account id next to what was sent (AWS-FACTS §0.1,
 * the documented sample): customerAWSAccountID beside a customerIdentifier, and, for LicenseArn
 * records, the documented spelling beside the customerAWSAccountId a client may have sent.
 */
function enrichedEcho(
  record: Record<string, unknown>,
  sub: SandboxSubscription | undefined,
): Record<string, unknown> {
  if (!sub) return record;
  // Spelled as CloudTrail shows it once converted (cloudtrail-record.ts lowers the first letter).
  return { ...record, CustomerAWSAccountID: sub.customerAwsAccountId };
}

function resolveCall(
  world: SandboxWorld,
  contexts: ProductContext[],
  detail: Rng,
  caller: HistoryCaller,
  time: number,
): MeteringCallRecord {
  const base = baseCall(caller, detail, time, world.region);
  const request = { RegistrationToken: detail.alnum(48) };
  const context = contexts.length > 0 ? detail.pick(contexts) : undefined;
  const sub =
    context && context.subscriptions.length > 0 ? detail.pick(context.subscriptions) : undefined;
  const failure = detail.next();
  if (!context || !sub || failure < 0.15) {
    const expired = failure < 0.1;
    return {
      ...base,
      operation: 'ResolveCustomer',
      request,
      error: expired
        ? { code: 'ExpiredTokenException', message: 'Registration token has expired.' }
        : { code: 'InvalidTokenException', message: 'Registration token is invalid.' },
    };
  }
  const response: Record<string, unknown> =
    context.product.identityModel === 'legacy'
      ? {
          CustomerIdentifier: sub.customerIdentifier,
          CustomerAWSAccountId: sub.customerAwsAccountId,
          ProductCode: sub.productCode,
        }
      : {
          CustomerAWSAccountId: sub.customerAwsAccountId,
          ProductCode: sub.productCode,
          LicenseArn: sub.licenseArn,
        };
  return { ...base, operation: 'ResolveCustomer', request, response };
}
