// Marketplace Metering semantics (AWS-FACTS §1): MeterUsage, BatchMeterUsage, ResolveCustomer,
// RegisterUsage. Input is the JSON 1.1 body as received; failures throw SandboxApiError with the
// modelled error name so the real SDK raises its own exception classes.
import { randomUUID } from 'node:crypto';
import {
  BATCH_MAX_RECORDS,
  BATCH_MAX_REQUEST_BYTES,
  CLIENT_TOKEN_MAX,
  NONCE_MAX,
  allocationsViolation,
  batchTimestampViolation,
  customerIdViolation,
  dimensionViolation,
  hourOf,
  licenseArnViolation,
  meterUsageTimestampViolation,
  productCodeViolation,
  quantityViolation,
  stringLengthViolation,
  tagSetKey,
  type RuleViolation,
  type UsageAllocation,
} from './aws-rules';
import type { SandboxBehaviour } from './behaviour';
import { SandboxApiError } from './errors';
import { lowerCamelClaims, signPs256, type RegisterUsageKeys } from './jwt';
import { dedupKeyOf, type SandboxState } from './state';
import type {
  LedgerEntry,
  SandboxCredential,
  SandboxProduct,
  SandboxSubscription,
  SandboxWorld,
} from './types';
import type { CallerWorkload } from './workload';
import {
  findProduct,
  findRegistrationToken,
  findSubscriptionByCustomerIdentifier,
  findSubscriptionByLicenseArn,
  findSubscriptionsForAccount,
  isSubscriptionBillable,
} from './world';

export type MeteringContext = {
  state: SandboxState;
  keys: RegisterUsageKeys;
  identity: SandboxCredential;
  /** The region the request was signed for (one of the served regions). */
  region: string;
  /** The instance, task or pod calling MeterUsage / RegisterUsage (workload.ts). */
  workload: CallerWorkload;
  behaviour: SandboxBehaviour;
  /** Epoch ms (the sandbox clock, which tests may fake). */
  now: number;
  /** Size of the raw request body, for the < 1 MB rule. */
  requestBytes: number;
  /** Fault injection: true when this BatchMeterUsage record should come back unprocessed. */
  unprocessed: () => boolean;
};

type Json = Record<string, unknown>;

function fail(violation: RuleViolation): never {
  throw new SandboxApiError(violation.code, violation.message, 400);
}

function validationError(message: string): SandboxApiError {
  return new SandboxApiError('ValidationException', message, 400);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function serialization(field: string, expected: string): SandboxApiError {
  return new SandboxApiError(
    'SerializationException',
    `Field '${field}' must be ${expected}.`,
    400,
  );
}

function optionalString(body: Json, key: string, field: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(field, 'a string');
  return value;
}

function requiredString(body: Json, key: string, field: string): string {
  const value = optionalString(body, key, field);
  if (value === undefined) {
    throw validationError(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** Wire timestamps are epoch seconds (fractions allowed); returns epoch ms. */
function requiredTimestamp(body: Json, key: string, field: string): number {
  const value = body[key];
  if (value === undefined || value === null) {
    throw validationError(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw serialization(field, 'a timestamp in epoch seconds');
  }
  return value * 1000;
}

function optionalQuantity(body: Json, key: string, field: string): number {
  const value = body[key];
  if (value === undefined || value === null) return 0;
  const bad = quantityViolation(field, value);
  if (bad) fail(bad);
  return value as number;
}

function parseAllocations(value: unknown, field: string): UsageAllocation[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serialization(field, 'a list');
  return value.map((raw: unknown, i): UsageAllocation => {
    const at = `${field}.${i + 1}`;
    if (!isObject(raw)) throw serialization(at, 'an object');
    const quantity = raw.AllocatedUsageQuantity;
    if (quantity === undefined || quantity === null) {
      throw validationError(
        `1 validation error detected: Value null at '${at}.allocatedUsageQuantity' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (typeof quantity !== 'number')
      throw serialization(`${at}.allocatedUsageQuantity`, 'an integer');
    const tagsRaw = raw.Tags;
    if (tagsRaw === undefined || tagsRaw === null) return { AllocatedUsageQuantity: quantity };
    if (!Array.isArray(tagsRaw)) throw serialization(`${at}.tags`, 'a list');
    const tags = tagsRaw.map((tag: unknown, j) => {
      if (!isObject(tag)) throw serialization(`${at}.tags.${j + 1}`, 'an object');
      return {
        Key: requiredString(tag, 'Key', `${at}.tags.${j + 1}.key`),
        Value: requiredString(tag, 'Value', `${at}.tags.${j + 1}.value`),
      };
    });
    return { AllocatedUsageQuantity: quantity, Tags: tags };
  });
}

function toLedgerAllocations(
  allocations: UsageAllocation[] | undefined,
): LedgerEntry['allocations'] {
  return allocations?.map((a) => ({
    allocatedUsageQuantity: a.AllocatedUsageQuantity,
    ...(a.Tags ? { tags: a.Tags.map((t) => ({ key: t.Key, value: t.Value })) } : {}),
  }));
}

/** Identity of a record's meaning beyond its dedup key: quantity plus how it was allocated. */
function meaningOf(quantity: number, allocations: UsageAllocation[] | undefined): string {
  if (!allocations) return `${quantity}`;
  const parts = allocations
    .map((a) => `${tagSetKey(a.Tags)}=${a.AllocatedUsageQuantity}`)
    .sort()
    .join(';');
  return `${quantity}|${parts}`;
}

function ledgerMeaning(entry: LedgerEntry): string {
  const allocations = entry.allocations?.map((a): UsageAllocation => ({
    AllocatedUsageQuantity: a.allocatedUsageQuantity,
    ...(a.tags ? { Tags: a.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  }));
  return meaningOf(entry.quantity, allocations);
}

function checkDimension(product: SandboxProduct, dimension: string): void {
  // Case-sensitive, per the AWS skill (UNVERIFIED); the strict reading is safer.
  if (!product.dimensions.some((d) => d.name === dimension)) {
    throw new SandboxApiError(
      'InvalidUsageDimensionException',
      `Usage dimension '${dimension}' is not defined for product ${product.productCode}.`,
      400,
    );
  }
}

function invalidProduct(productCode: string, why = 'does not match a published product'): never {
  throw new SandboxApiError(
    'InvalidProductCodeException',
    `Product code ${productCode} ${why}.`,
    400,
  );
}

function invalidLicense(message: string): never {
  throw new SandboxApiError('InvalidLicenseException', message, 400);
}

/** Whether the caller's own account may run (meter/register) this product. */
function isEntitled(world: SandboxWorld, product: SandboxProduct, accountId: string): boolean {
  // The publishing seller may exercise its own product (handy for the app's container tests).
  if (accountId === world.sellerAccountId) return true;
  return findSubscriptionsForAccount(world, product.productCode, accountId).some((s) =>
    isSubscriptionBillable(world, s),
  );
}

// ------------------------------------------------------------------------------------------------
// BatchMeterUsage

type ParsedRecord = {
  raw: Json;
  timestamp: number;
  dimension: string;
  quantity: number;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  allocations?: UsageAllocation[];
};

function parseUsageRecord(raw: unknown, index: number): ParsedRecord {
  const field = `usageRecords.${index + 1}.member`;
  if (!isObject(raw)) throw serialization(field, 'an object');
  const timestamp = requiredTimestamp(raw, 'Timestamp', `${field}.timestamp`);
  const dimension = requiredString(raw, 'Dimension', `${field}.dimension`);
  const dimensionBad = dimensionViolation(`${field}.dimension`, dimension);
  if (dimensionBad) fail(dimensionBad);
  const quantity = optionalQuantity(raw, 'Quantity', `${field}.quantity`);
  const customerIdentifier = optionalString(
    raw,
    'CustomerIdentifier',
    `${field}.customerIdentifier`,
  );
  const customerAwsAccountId = optionalString(
    raw,
    'CustomerAWSAccountId',
    `${field}.customerAWSAccountId`,
  );
  const idBad = customerIdViolation(field, {
    CustomerIdentifier: customerIdentifier,
    CustomerAWSAccountId: customerAwsAccountId,
  });
  if (idBad) fail(idBad);
  const licenseArn = optionalString(raw, 'LicenseArn', `${field}.licenseArn`);
  if (licenseArn !== undefined) {
    const arnBad = licenseArnViolation(licenseArn);
    if (arnBad) fail(arnBad);
  }
  const allocations = parseAllocations(raw.UsageAllocations, `${field}.usageAllocations`);
  if (allocations) {
    const allocBad = allocationsViolation(quantity, allocations);
    if (allocBad) fail(allocBad);
  }
  return {
    raw,
    timestamp,
    dimension,
    quantity,
    ...(customerIdentifier !== undefined ? { customerIdentifier } : {}),
    ...(customerAwsAccountId !== undefined ? { customerAwsAccountId } : {}),
    ...(licenseArn !== undefined ? { licenseArn } : {}),
    ...(allocations ? { allocations } : {}),
  };
}

/** Resolves the batch's single product and, for licensed records, each record's license. */
function resolveBatchProduct(
  world: SandboxWorld,
  productCode: string | undefined,
  records: ParsedRecord[],
): { product: SandboxProduct; licenses: (SandboxSubscription | undefined)[] } {
  if (productCode !== undefined) {
    // Legacy model: ProductCode + CustomerIdentifier or CustomerAWSAccountId.
    const product = findProduct(world, productCode);
    if (!product || product.kind !== 'saas') invalidProduct(productCode);
    if (product.identityModel === 'concurrent-agreements') {
      invalidProduct(
        productCode,
        'uses concurrent agreements: send CustomerAWSAccountId and LicenseArn without ProductCode',
      );
    }
    if (records.some((r) => r.licenseArn !== undefined)) {
      // Sending both would bill twice on AWS during a migration; the sandbox refuses the mix.
      invalidLicense(`LicenseArn cannot be used with ProductCode ${productCode}.`);
    }
    return { product, licenses: records.map(() => undefined) };
  }
  // Concurrent-agreements model: each record's LicenseArn names product and agreement.
  let product: SandboxProduct | undefined;
  const licenses = records.map((record, i) => {
    if (record.licenseArn === undefined) {
      throw new SandboxApiError(
        'InvalidProductCodeException',
        `Record ${i + 1} has no LicenseArn, so ProductCode is required.`,
        400,
      );
    }
    if (record.customerIdentifier !== undefined) {
      throw new SandboxApiError(
        'InvalidCustomerIdentifierException',
        'CustomerIdentifier is not supported with LicenseArn: use CustomerAWSAccountId.',
        400,
      );
    }
    const license = findSubscriptionByLicenseArn(world, record.licenseArn);
    if (!license) invalidLicense(`License ${record.licenseArn} does not exist.`);
    if (license.customerAwsAccountId !== record.customerAwsAccountId) {
      invalidLicense(
        `License ${record.licenseArn} does not belong to customer ${record.customerAwsAccountId ?? ''}.`,
      );
    }
    const licensed = findProduct(world, license.productCode);
    if (!licensed) invalidLicense(`License ${record.licenseArn} is not for a published product.`);
    if (product && product.productCode !== licensed.productCode) {
      // One call, one product (AWS agent-toolkit skill; UNVERIFIED).
      invalidLicense('All records in one call must be licenses of the same product.');
    }
    product = licensed;
    if (record.timestamp < license.activatedAt) {
      invalidLicense(
        `Usage at ${new Date(record.timestamp).toISOString()} is before license ${record.licenseArn} was activated.`,
      );
    }
    return license;
  });
  if (!product) {
    // An empty list without ProductCode: nothing to meter, nothing to resolve.
    throw new SandboxApiError(
      'InvalidProductCodeException',
      'ProductCode is required when no record carries a LicenseArn.',
      400,
    );
  }
  return { product, licenses };
}

export function batchMeterUsage(ctx: MeteringContext, body: Json): Json {
  if (ctx.requestBytes >= BATCH_MAX_REQUEST_BYTES) {
    // The < 1 MB limit; AWS's exact error for it is UNVERIFIED, ValidationException is the norm.
    throw validationError('Request size must be less than 1 MB.');
  }
  const recordsRaw = body.UsageRecords;
  if (recordsRaw === undefined || recordsRaw === null) {
    throw validationError(
      "1 validation error detected: Value null at 'usageRecords' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(recordsRaw)) throw serialization('usageRecords', 'a list');
  if (recordsRaw.length > BATCH_MAX_RECORDS) {
    throw validationError(
      `1 validation error detected: Value at 'usageRecords' failed to satisfy constraint: Member must have length less than or equal to ${BATCH_MAX_RECORDS}`,
    );
  }
  const productCode = optionalString(body, 'ProductCode', 'productCode');
  if (productCode !== undefined) {
    const bad = productCodeViolation(productCode);
    if (bad) fail(bad);
  }
  const records = recordsRaw.map((raw: unknown, i) => parseUsageRecord(raw, i));
  const world = ctx.state.world;
  if (records.length === 0 && productCode !== undefined) {
    const product = findProduct(world, productCode);
    if (!product || product.kind !== 'saas') invalidProduct(productCode);
    // The model allows an empty list (AWS-FACTS §5.5 leaves it open): accept it as a no-op.
    return { Results: [], UnprocessedRecords: [] };
  }
  const { product, licenses } = resolveBatchProduct(world, productCode, records);

  // Whole-call checks: one bad record rejects the batch before anything is billed.
  for (const record of records) checkDimension(product, record.dimension);
  for (const record of records) {
    const bad = batchTimestampViolation(record.timestamp, ctx.now);
    if (bad) fail(bad);
  }
  // An identifier no buyer holds: the whole call fails, unless the knob asks for the per-record
  // reading (CustomerNotSubscribed below, as for an identifier with no subscription).
  const perRecord = ctx.behaviour.unknownCustomerIdentifier === 'per-record';
  for (const record of perRecord ? [] : records) {
    if (
      record.customerIdentifier !== undefined &&
      !world.subscriptions.some((s) => s.customerIdentifier === record.customerIdentifier)
    ) {
      throw new SandboxApiError(
        'InvalidCustomerIdentifierException',
        `Customer identifier ${record.customerIdentifier} does not exist.`,
        400,
      );
    }
  }

  const results: Json[] = [];
  const unprocessed: Json[] = [];
  const billed: LedgerEntry[] = [];
  const inCall = new Map<string, LedgerEntry>();
  records.forEach((record, i) => {
    if (ctx.unprocessed()) {
      unprocessed.push(record.raw);
      return;
    }
    const subscription =
      licenses[i] ??
      (record.customerIdentifier !== undefined
        ? findSubscriptionByCustomerIdentifier(
            world,
            product.productCode,
            record.customerIdentifier,
          )
        : findSubscriptionsForAccount(
            world,
            product.productCode,
            record.customerAwsAccountId ?? '',
          )[0]);
    if (
      !subscription ||
      !isSubscriptionBillable(world, subscription) ||
      record.timestamp < subscription.activatedAt
    ) {
      results.push({ UsageRecord: record.raw, Status: 'CustomerNotSubscribed' });
      return;
    }
    // AWS's answer echoes the buyer's account id beside a CustomerIdentifier that was sent
    // (AWS-FACTS §0.1, the documented sample), as the seeded history's echoes do.
    const echo =
      record.customerIdentifier === undefined
        ? record.raw
        : { ...record.raw, CustomerAWSAccountId: subscription.customerAwsAccountId };
    const entry: LedgerEntry = {
      meteringRecordId: randomUUID(),
      operation: 'BatchMeterUsage',
      productCode: product.productCode,
      ...(record.customerIdentifier !== undefined
        ? { customerIdentifier: record.customerIdentifier }
        : {}),
      // Always the account, so legacy records keyed by either customer id share one dedup bucket.
      customerAwsAccountId: subscription.customerAwsAccountId,
      ...(record.licenseArn !== undefined ? { licenseArn: record.licenseArn } : {}),
      dimension: record.dimension,
      region: ctx.region,
      hour: hourOf(record.timestamp),
      timestamp: record.timestamp,
      quantity: record.quantity,
      ...(record.allocations ? { allocations: toLedgerAllocations(record.allocations) } : {}),
      accessKeyId: ctx.identity.accessKeyId,
      billedAt: ctx.now,
    };
    const key = dedupKeyOf(entry);
    const existing = inCall.get(key) ?? ctx.state.findDuplicate(key);
    if (existing) {
      // CONFLICT (AWS-FACTS §1.3.4): the model says DuplicateRecord only for a *different*
      // quantity; the AWS skill says an identical re-send is DuplicateRecord too. We follow the
      // model: an identical re-send is idempotent, Success with the ORIGINAL MeteringRecordId and
      // nothing billed again; a different quantity (or allocation) is DuplicateRecord and the
      // first quantity stays billed. Callers must treat both as "already recorded".
      if (ledgerMeaning(existing) === meaningOf(record.quantity, record.allocations)) {
        results.push({
          UsageRecord: echo,
          MeteringRecordId: existing.meteringRecordId,
          Status: 'Success',
        });
      } else {
        results.push({ UsageRecord: echo, Status: 'DuplicateRecord' });
      }
      return;
    }
    inCall.set(key, entry);
    billed.push(entry);
    results.push({
      UsageRecord: echo,
      MeteringRecordId: entry.meteringRecordId,
      Status: 'Success',
    });
  });
  ctx.state.bill(billed);
  return { Results: results, UnprocessedRecords: unprocessed };
}

// ------------------------------------------------------------------------------------------------
// MeterUsage

export function meterUsage(ctx: MeteringContext, body: Json): Json {
  const productCode = requiredString(body, 'ProductCode', 'productCode');
  const productBad = productCodeViolation(productCode);
  if (productBad) fail(productBad);
  const timestamp = requiredTimestamp(body, 'Timestamp', 'timestamp');
  const dimension = requiredString(body, 'UsageDimension', 'usageDimension');
  const dimensionBad = dimensionViolation('usageDimension', dimension);
  if (dimensionBad) fail(dimensionBad);
  const quantity = optionalQuantity(body, 'UsageQuantity', 'usageQuantity');
  const allocations = parseAllocations(body.UsageAllocations, 'usageAllocations');
  const clientToken = optionalString(body, 'ClientToken', 'clientToken');
  if (clientToken !== undefined) {
    const bad = stringLengthViolation('clientToken', clientToken, 1, CLIENT_TOKEN_MAX);
    if (bad) fail(bad);
  }
  const dryRun = body.DryRun;
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== 'boolean') {
    throw serialization('dryRun', 'a boolean');
  }
  if (dryRun === true) {
    // Permission check only (a denied dry run is answered earlier, as UnauthorizedException).
    // Unmodelled, so the SDK surfaces it by name; 412 as EC2 answers its DryRunOperation.
    throw new SandboxApiError(
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
      412,
    );
  }

  const fingerprint = JSON.stringify([
    productCode,
    timestamp,
    dimension,
    meaningOf(quantity, allocations),
  ]);
  if (clientToken !== undefined) {
    const previous = ctx.state.findByClientToken(clientToken);
    if (previous) {
      if (previous.requestFingerprint === fingerprint) {
        return { MeteringRecordId: previous.meteringRecordId };
      }
      throw new SandboxApiError(
        'IdempotencyConflictException',
        `ClientToken ${clientToken} was already used with different parameters.`,
        409,
      );
    }
  }

  const world = ctx.state.world;
  const product = findProduct(world, productCode);
  if (!product || product.kind === 'saas') invalidProduct(productCode);
  if (ctx.workload.region !== undefined && ctx.workload.region !== ctx.region) {
    throw new SandboxApiError(
      'InvalidEndpointRegionException',
      `The Metering Service endpoint is in ${ctx.region}, but ${ctx.workload.key} runs in ${ctx.workload.region}: the regions must match.`,
      400,
    );
  }
  checkDimension(product, dimension);
  if (allocations) {
    const bad = allocationsViolation(quantity, allocations);
    if (bad) fail(bad);
  }
  const timeBad = meterUsageTimestampViolation(timestamp, ctx.now);
  if (timeBad) fail(timeBad);
  if (!isEntitled(world, product, ctx.identity.accountId)) {
    throw new SandboxApiError(
      'CustomerNotEntitledException',
      `Account ${ctx.identity.accountId} is not entitled to product ${productCode}.`,
      400,
    );
  }

  const entry: LedgerEntry = {
    meteringRecordId: randomUUID(),
    operation: 'MeterUsage',
    productCode,
    customerAwsAccountId: ctx.identity.accountId,
    dimension,
    region: ctx.region,
    // Non-AgentCore deployments round down to the hour for dedup.
    hour: hourOf(timestamp),
    timestamp,
    quantity,
    ...(allocations ? { allocations: toLedgerAllocations(allocations) } : {}),
    accessKeyId: ctx.identity.accessKeyId,
    workload: ctx.workload.key,
    billedAt: ctx.now,
    ...(clientToken !== undefined ? { clientToken } : {}),
    requestFingerprint: fingerprint,
  };
  const existing = ctx.state.findDuplicate(dedupKeyOf(entry));
  if (existing) {
    if (ledgerMeaning(existing) === meaningOf(quantity, allocations)) {
      return { MeteringRecordId: existing.meteringRecordId };
    }
    throw new SandboxApiError(
      'DuplicateRequestException',
      `Usage for ${dimension} in hour ${entry.hour} was already metered from ${ctx.workload.key} with a different quantity.`,
      400,
    );
  }
  ctx.state.bill([entry]);
  return { MeteringRecordId: entry.meteringRecordId };
}

// ------------------------------------------------------------------------------------------------
// ResolveCustomer

export function resolveCustomer(ctx: MeteringContext, body: Json): Json {
  const token = requiredString(body, 'RegistrationToken', 'registrationToken');
  if (token === '') {
    throw validationError(
      "1 validation error detected: Value at 'registrationToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  const world = ctx.state.world;
  const found = findRegistrationToken(world, token);
  // Only the account that published the product can resolve its tokens.
  if (!found || ctx.identity.accountId !== world.sellerAccountId) {
    throw new SandboxApiError('InvalidTokenException', 'Registration token is invalid.', 400);
  }
  if (ctx.now >= found.expiresAt) {
    throw new SandboxApiError('ExpiredTokenException', 'Registration token has expired.', 400);
  }
  const product = findProduct(world, found.productCode);
  if (!product)
    throw new SandboxApiError('InvalidTokenException', 'Registration token is invalid.', 400);
  // Several agreements may exist under concurrent agreements: the newest active one registers.
  const subscription = findSubscriptionsForAccount(
    world,
    product.productCode,
    found.customerAwsAccountId,
  )
    .filter((s) => s.status === 'active')
    .sort((a, b) => b.activatedAt - a.activatedAt)[0];
  if (product.identityModel === 'concurrent-agreements') {
    return {
      CustomerAWSAccountId: found.customerAwsAccountId,
      ProductCode: product.productCode,
      ...(subscription?.licenseArn !== undefined ? { LicenseArn: subscription.licenseArn } : {}),
    };
  }
  return {
    ...(subscription?.customerIdentifier !== undefined
      ? { CustomerIdentifier: subscription.customerIdentifier }
      : {}),
    CustomerAWSAccountId: found.customerAwsAccountId,
    ProductCode: product.productCode,
  };
}

// ------------------------------------------------------------------------------------------------
// RegisterUsage

export function registerUsage(ctx: MeteringContext, body: Json): Json {
  const productCode = requiredString(body, 'ProductCode', 'productCode');
  const productBad = productCodeViolation(productCode);
  if (productBad) fail(productBad);
  const version = body.PublicKeyVersion;
  if (version === undefined || version === null) {
    throw validationError(
      "1 validation error detected: Value null at 'publicKeyVersion' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw validationError(
      "1 validation error detected: Value at 'publicKeyVersion' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  }
  const nonce = optionalString(body, 'Nonce', 'nonce');
  if (nonce !== undefined) {
    const bad = stringLengthViolation('nonce', nonce, 0, NONCE_MAX);
    if (bad) fail(bad);
  }
  const world = ctx.state.world;
  const product = findProduct(world, productCode);
  if (!product || product.kind !== 'container') invalidProduct(productCode);
  if (ctx.workload.region !== undefined && ctx.workload.region !== ctx.region) {
    throw new SandboxApiError(
      'InvalidRegionException',
      `RegisterUsage must be called in the region ${ctx.workload.key} was launched in (${ctx.workload.region}), not ${ctx.region}.`,
      400,
    );
  }
  if (ctx.workload.kind === 'ec2-instance') {
    throw new SandboxApiError(
      'PlatformNotSupportedException',
      `${ctx.workload.key} is an EC2 instance: AWS Marketplace supports RegisterUsage from Amazon ECS, Amazon EKS and AWS Fargate only.`,
      400,
    );
  }
  const key = ctx.keys.versions.find((k) => k.version === version);
  if (!key) {
    throw new SandboxApiError(
      'InvalidPublicKeyVersionException',
      `Public key version ${version} is not valid.`,
      400,
    );
  }
  if (!isEntitled(world, product, ctx.identity.accountId)) {
    throw new SandboxApiError(
      'CustomerNotEntitledException',
      `Account ${ctx.identity.accountId} is not entitled to product ${productCode}.`,
      400,
    );
  }
  const claims = {
    ProductCode: productCode,
    PublicKeyVersion: version,
    ...(nonce !== undefined ? { Nonce: nonce } : {}),
    iat: Math.floor(ctx.now / 1000),
  };
  const signature = signPs256(
    key.privateKeyPem,
    ctx.behaviour.jwtClaimCasing === 'lowerCamel' ? lowerCamelClaims(claims) : claims,
  );
  return {
    Signature: signature,
    // Only for a superseded key version: the signal to move to the newer key.
    ...(key.rotatedAt !== undefined ? { PublicKeyRotationTimestamp: key.rotatedAt / 1000 } : {}),
  };
}
