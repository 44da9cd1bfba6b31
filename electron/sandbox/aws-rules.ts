// The service side of AWS Marketplace Metering's input rules (AWS-FACTS.md §1.2–§1.4), as the
// sandbox enforces them. Written apart from the app's validators (shared/aws/metering-rules.ts)
// on purpose: the sandbox is our model of AWS, and a test of the app against it proves something
// only when each side was written from AWS's documented facts rather than from one shared module.
// The member constraints below are transcribed from the service model's traits.

export const BATCH_MAX_RECORDS = 25;
/** "< 1 MB" per request, read as 1 MiB exclusive. */
export const BATCH_MAX_REQUEST_BYTES = 1_048_576;

const HOUR = 3_600_000;
const INT32_MAX = 2_147_483_647;
/** The model's TagKey/TagValue pattern: ` -=` is a range from space to '='. */
const MODEL_TAG_PATTERN = /^[a-zA-Z0-9+ -=._:/@]+$/;

/** A member's length and pattern traits, as in the Smithy model. */
type MemberTraits = { min: number; max: number; pattern?: RegExp };

const members = {
  productCode: { min: 0, max: 255, pattern: /^[-a-zA-Z0-9/=:_.@]*$/ },
  customerIdentifier: { min: 0, max: 255 },
  customerAWSAccountId: { min: 1, max: 255, pattern: /^[0-9]+$/ },
  dimension: { min: 1, max: 255 },
  clientToken: { min: 1, max: 64 },
  nonce: { min: 0, max: 255 },
  tagKey: { min: 1, max: 100, pattern: MODEL_TAG_PATTERN },
  tagValue: { min: 1, max: 256, pattern: MODEL_TAG_PATTERN },
} satisfies Record<string, MemberTraits>;

const LICENSE_ARN =
  /^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$/;

export type RuleViolation = {
  code:
    | 'ValidationException'
    | 'InvalidTagException'
    | 'InvalidUsageAllocationsException'
    | 'TimestampOutOfBoundsException'
    | 'InvalidLicenseException';
  message: string;
};

export type UsageAllocation = {
  AllocatedUsageQuantity: number;
  Tags?: { Key: string; Value: string }[];
};

/** AWS's request-validation wording for a member that breaks its traits. */
function memberViolation(field: string, value: string, traits: MemberTraits): RuleViolation | null {
  const broken =
    value.length < traits.min
      ? `Member must have length greater than or equal to ${traits.min}`
      : value.length > traits.max
        ? `Member must have length less than or equal to ${traits.max}`
        : traits.pattern !== undefined && !traits.pattern.test(value)
          ? `Member must satisfy regular expression pattern: ${traits.pattern.source}`
          : null;
  return broken === null
    ? null
    : {
        code: 'ValidationException',
        message: `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${broken}`,
      };
}

export function stringLengthViolation(
  field: string,
  value: string,
  min: number,
  max: number,
): RuleViolation | null {
  return memberViolation(field, value, { min, max });
}

export const CLIENT_TOKEN_MAX = members.clientToken.max;
export const NONCE_MAX = members.nonce.max;

export function productCodeViolation(productCode: string): RuleViolation | null {
  return memberViolation('productCode', productCode, members.productCode);
}

export function dimensionViolation(field: string, dimension: string): RuleViolation | null {
  return memberViolation(field, dimension, members.dimension);
}

function isQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT32_MAX;
}

export function quantityViolation(field: string, quantity: unknown): RuleViolation | null {
  if (quantity === undefined || isQuantity(quantity)) return null;
  return {
    code: 'ValidationException',
    message: `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be an integer between 0 and ${INT32_MAX}`,
  };
}

export function licenseArnViolation(licenseArn: string): RuleViolation | null {
  if (LICENSE_ARN.test(licenseArn)) return null;
  return { code: 'InvalidLicenseException', message: `LicenseArn '${licenseArn}' is not valid.` };
}

/** Exactly one of CustomerIdentifier / CustomerAWSAccountId (boto3 changelog 2025-03-25). */
export function customerIdViolation(
  field: string,
  ids: { CustomerIdentifier?: string | undefined; CustomerAWSAccountId?: string | undefined },
): RuleViolation | null {
  const { CustomerIdentifier: identifier, CustomerAWSAccountId: account } = ids;
  if ((identifier === undefined) === (account === undefined)) {
    return {
      code: 'ValidationException',
      message: `Exactly one of CustomerIdentifier or CustomerAWSAccountId must be specified at '${field}'.`,
    };
  }
  return identifier !== undefined
    ? memberViolation(`${field}.customerIdentifier`, identifier, members.customerIdentifier)
    : memberViolation(`${field}.customerAWSAccountId`, account ?? '', members.customerAWSAccountId);
}

/** The UTC hour a timestamp falls in, as ISO: the service's dedup bucket. */
export function hourOf(timestampMs: number): string {
  return new Date(timestampMs - (((timestampMs % HOUR) + HOUR) % HOUR)).toISOString();
}

/**
 * Late records: BatchMeterUsage 24 h (since July 2026) and MeterUsage 6 h; BatchMeterUsage records
 * of month M also close at 06:00 UTC on the 1st of M+1. Future times (beyond SigV4's five minutes
 * of skew) are refused too (UNVERIFIED in AWS's docs).
 */
function outOfBounds(
  timestampMs: number,
  nowMs: number,
  lateLimitMs: number,
  monthCloses: boolean,
): string | null {
  if (!Number.isFinite(timestampMs)) return 'Timestamp is not a valid time.';
  if (timestampMs - nowMs > 5 * 60_000) return 'Timestamp is in the future.';
  if (nowMs - timestampMs >= lateLimitMs) {
    return `Timestamp is more than ${lateLimitMs / HOUR} hours in the past.`;
  }
  if (monthCloses) {
    const at = new Date(timestampMs);
    const closes = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1, 6);
    if (nowMs >= closes) return 'Timestamp belongs to a billing month that has closed.';
  }
  return null;
}

function timestampViolation(reason: string | null, timestampMs: number): RuleViolation | null {
  if (reason === null) return null;
  const shown = Number.isFinite(timestampMs) ? `${new Date(timestampMs).toISOString()}: ` : '';
  return { code: 'TimestampOutOfBoundsException', message: `${shown}${reason}` };
}

export function batchTimestampViolation(timestampMs: number, nowMs: number): RuleViolation | null {
  return timestampViolation(outOfBounds(timestampMs, nowMs, 24 * HOUR, true), timestampMs);
}

export function meterUsageTimestampViolation(
  timestampMs: number,
  nowMs: number,
): RuleViolation | null {
  return timestampViolation(outOfBounds(timestampMs, nowMs, 6 * HOUR, false), timestampMs);
}

/** Order-independent identity of an allocation's tag set; '' is the untagged bucket. */
export function tagSetKey(tags: UsageAllocation['Tags']): string {
  if (tags === undefined) return '';
  return tags
    .map((tag) => `${encodeURIComponent(tag.Key)}=${encodeURIComponent(tag.Value)}`)
    .sort()
    .join('&');
}

function tagsViolation(tags: NonNullable<UsageAllocation['Tags']>): RuleViolation | null {
  if (tags.length < 1 || tags.length > 5) {
    return { code: 'InvalidTagException', message: 'An allocation takes 1 to 5 tags.' };
  }
  for (const tag of tags) {
    const bad =
      memberViolation('tag.key', tag.Key, members.tagKey) ??
      memberViolation('tag.value', tag.Value, members.tagValue);
    if (bad !== null) return { code: 'InvalidTagException', message: bad.message };
  }
  if (new Set(tags.map((tag) => tag.Key)).size !== tags.length) {
    return { code: 'InvalidTagException', message: 'A tag key is repeated in one allocation.' };
  }
  return null;
}

/**
 * UsageAllocations (1..2500): int32 quantities summing to the record's quantity, valid tags,
 * unique tag sets, and at most 5 distinct tag keys across the record (the seller guide's "max
 * tags across the UsageAllocation list – 5", read strictly).
 */
export function allocationsViolation(
  quantity: number,
  allocations: UsageAllocation[],
): RuleViolation | null {
  const invalid = (message: string): RuleViolation => ({
    code: 'InvalidUsageAllocationsException',
    message,
  });
  if (allocations.length < 1 || allocations.length > 2500) {
    return invalid('UsageAllocations must hold 1 to 2500 items.');
  }
  if (!allocations.every((a) => isQuantity(a.AllocatedUsageQuantity))) {
    return invalid(`AllocatedUsageQuantity must be an integer between 0 and ${INT32_MAX}.`);
  }
  for (const allocation of allocations) {
    const bad = allocation.Tags === undefined ? null : tagsViolation(allocation.Tags);
    if (bad !== null) return bad;
  }
  if (new Set(allocations.map((a) => tagSetKey(a.Tags))).size !== allocations.length) {
    return invalid('Each allocation in a record must have a unique tag set.');
  }
  const keys = new Set(allocations.flatMap((a) => (a.Tags ?? []).map((tag) => tag.Key)));
  if (keys.size > 5) {
    return {
      code: 'InvalidTagException',
      message: 'A record may use at most 5 distinct tag keys.',
    };
  }
  const sum = allocations.reduce((total, a) => total + a.AllocatedUsageQuantity, 0);
  if (sum !== quantity) {
    return invalid(
      `The sum of AllocatedUsageQuantity (${sum}) does not equal the usage quantity (${quantity}).`,
    );
  }
  return null;
}
