// AWS Marketplace Metering rules (AWS-FACTS.md §1) as the app's validators apply them before
// anything is sent. The sandbox keeps its own model of the service side (electron/sandbox/
// aws-rules.ts). No node:*, no DOM.

export const INT32_MAX = 2_147_483_647;

export const BATCH_MAX_RECORDS = 25;
/** "< 1 MB" per request; read as 1 MiB, exclusive. */
export const BATCH_MAX_REQUEST_BYTES = 1_048_576;
export const ALLOCATIONS_MIN = 1;
export const ALLOCATIONS_MAX = 2500;
export const TAGS_MIN = 1;
export const TAGS_MAX = 5;
/**
 * The Seller Guide's "max tags across the UsageAllocation list – 5", if it means distinct keys per
 * record. AWS-FACTS marks that reading UNVERIFIED and no primary source states it, so the app
 * warns past it instead of refusing the record.
 */
export const DISTINCT_TAG_KEYS_PER_RECORD_MAX = 5;
export const TAG_KEY_MAX = 100;
export const TAG_VALUE_MAX = 256;
export const DIMENSION_MAX = 255;
export const PRODUCT_CODE_MAX = 255;
export const CUSTOMER_IDENTIFIER_MAX = 255;
export const CUSTOMER_ACCOUNT_ID_MAX = 255;
export const CLIENT_TOKEN_MAX = 64;
export const NONCE_MAX = 255;

export const HOUR_MS = 3_600_000;
export const BATCH_WINDOW_MS = 24 * HOUR_MS;
export const METER_USAGE_WINDOW_MS = 6 * HOUR_MS;
/** Month-end grace: records for month M are accepted until 06:00 UTC on day 1 of M+1. */
export const MONTH_END_CUTOFF_HOUR_UTC = 6;
/**
 * Future timestamps are rejected (UNVERIFIED). A little slack absorbs clock skew between the
 * caller and the service; five minutes matches SigV4's own skew tolerance.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export const PRODUCT_CODE_PATTERN = /^[-a-zA-Z0-9/=:_.@]*$/;
export const CUSTOMER_ACCOUNT_ID_PATTERN = /^[0-9]+$/;
export const LICENSE_ARN_PATTERN =
  /^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$/;
/**
 * The model's TagKey/TagValue pattern `^[a-zA-Z0-9+ -=._:\/@]+$`, as written. Its ` -=` is a range
 * from space (0x20) to '=' (0x3D), so it also admits ! " # $ % & ' ( ) * , ; < (AWS-FACTS §0.1):
 * "R&D, EMEA" is a valid tag value.
 */
export const TAG_CHARS_PATTERN = /^[a-zA-Z0-9+ -=._:/@]+$/;
/** The characters TAG_CHARS_PATTERN admits, for messages. */
export const TAG_CHARS_DESCRIPTION =
  'letters, digits, space and ! " # $ % & \' ( ) * + , - . / : ; < = @ _';

export type MeteringRuleCode =
  | 'ValidationException'
  | 'InvalidTagException'
  | 'InvalidUsageAllocationsException'
  | 'TimestampOutOfBoundsException'
  | 'InvalidLicenseException'
  | 'InvalidCustomerIdentifierException'
  | 'InvalidProductCodeException';

export type RuleViolation = { code: MeteringRuleCode; message: string };

export type Tag = { Key: string; Value: string };
export type UsageAllocation = { AllocatedUsageQuantity: number; Tags?: Tag[] };

export function isInt32Quantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT32_MAX;
}

/** ISO string of the UTC hour a timestamp falls in: the dedup bucket. */
export function hourOf(timestampMs: number): string {
  return new Date(Math.floor(timestampMs / HOUR_MS) * HOUR_MS).toISOString();
}

/** 06:00 UTC on the 1st of the month after the one `timestampMs` falls in. */
export function monthEndCutoff(timestampMs: number): number {
  const d = new Date(timestampMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, MONTH_END_CUTOFF_HOUR_UTC);
}

/** Shared by both operations: a valid time, not in the future, not older than the window. */
function windowViolation(
  timestampMs: number,
  nowMs: number,
  windowMs: number,
  windowLabel: string,
): RuleViolation | null {
  const violation = (message: string): RuleViolation => ({
    code: 'TimestampOutOfBoundsException',
    message,
  });
  if (!Number.isFinite(timestampMs)) return violation('Timestamp is not a valid time.');
  // The ISO text only when there is something to say: this runs once per record of an import.
  const iso = (): string => new Date(timestampMs).toISOString();
  if (timestampMs > nowMs + FUTURE_TOLERANCE_MS)
    return violation(`Timestamp ${iso()} is in the future.`);
  if (nowMs - timestampMs >= windowMs) {
    return violation(`Timestamp ${iso()} is more than ${windowLabel} in the past.`);
  }
  return null;
}

/** BatchMeterUsage: < 24 h old, not past the month-end cut-off, not in the future. */
export function batchTimestampViolation(timestampMs: number, nowMs: number): RuleViolation | null {
  const outside = windowViolation(timestampMs, nowMs, BATCH_WINDOW_MS, '24 hours');
  if (outside) return outside;
  if (nowMs >= monthEndCutoff(timestampMs)) {
    return {
      code: 'TimestampOutOfBoundsException',
      message: `Timestamp ${new Date(timestampMs).toISOString()} belongs to a billing month closed at ${new Date(monthEndCutoff(timestampMs)).toISOString()}.`,
    };
  }
  return null;
}

/** MeterUsage: up to 6 h in the past, not in the future. */
export function meterUsageTimestampViolation(
  timestampMs: number,
  nowMs: number,
): RuleViolation | null {
  return windowViolation(timestampMs, nowMs, METER_USAGE_WINDOW_MS, '6 hours');
}

function validation(field: string, constraint: string): RuleViolation {
  return {
    code: 'ValidationException',
    message: `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  };
}

export function stringLengthViolation(
  field: string,
  value: string,
  min: number,
  max: number,
): RuleViolation | null {
  if (value.length < min)
    return validation(field, `Member must have length greater than or equal to ${min}`);
  if (value.length > max)
    return validation(field, `Member must have length less than or equal to ${max}`);
  return null;
}

export function productCodeViolation(productCode: string): RuleViolation | null {
  return (
    stringLengthViolation('productCode', productCode, 0, PRODUCT_CODE_MAX) ??
    (PRODUCT_CODE_PATTERN.test(productCode)
      ? null
      : validation('productCode', `Member must satisfy regular expression pattern`))
  );
}

export function dimensionViolation(field: string, dimension: string): RuleViolation | null {
  return stringLengthViolation(field, dimension, 1, DIMENSION_MAX);
}

export function quantityViolation(field: string, quantity: unknown): RuleViolation | null {
  if (quantity === undefined) return null;
  return isInt32Quantity(quantity)
    ? null
    : validation(field, `Member must be an integer between 0 and ${INT32_MAX}`);
}

export function licenseArnViolation(licenseArn: string): RuleViolation | null {
  return LICENSE_ARN_PATTERN.test(licenseArn)
    ? null
    : {
        code: 'InvalidLicenseException',
        message: `LicenseArn '${licenseArn}' is not a valid ARN.`,
      };
}

export type CustomerIds = {
  CustomerIdentifier?: string | undefined;
  CustomerAWSAccountId?: string | undefined;
};

/** A usage record names its customer by exactly one of CustomerIdentifier / CustomerAWSAccountId (2025-03-25). */
export function customerIdViolation(field: string, record: CustomerIds): RuleViolation | null {
  const hasIdentifier = record.CustomerIdentifier !== undefined;
  const hasAccount = record.CustomerAWSAccountId !== undefined;
  if (hasIdentifier === hasAccount) {
    return {
      code: 'ValidationException',
      message: `Exactly one of CustomerIdentifier or CustomerAWSAccountId must be specified at '${field}'.`,
    };
  }
  if (record.CustomerIdentifier !== undefined) {
    return stringLengthViolation(
      `${field}.customerIdentifier`,
      record.CustomerIdentifier,
      0,
      CUSTOMER_IDENTIFIER_MAX,
    );
  }
  const account = record.CustomerAWSAccountId ?? '';
  return (
    stringLengthViolation(`${field}.customerAWSAccountId`, account, 1, CUSTOMER_ACCOUNT_ID_MAX) ??
    (CUSTOMER_ACCOUNT_ID_PATTERN.test(account)
      ? null
      : validation(`${field}.customerAWSAccountId`, 'Member must contain only digits'))
  );
}

export function tagViolation(tag: Tag): RuleViolation | null {
  if (tag.Key.length < 1 || tag.Key.length > TAG_KEY_MAX) {
    return { code: 'InvalidTagException', message: `Tag key must be 1-${TAG_KEY_MAX} characters.` };
  }
  if (tag.Value.length < 1 || tag.Value.length > TAG_VALUE_MAX) {
    return {
      code: 'InvalidTagException',
      message: `Tag value must be 1-${TAG_VALUE_MAX} characters.`,
    };
  }
  if (!TAG_CHARS_PATTERN.test(tag.Key) || !TAG_CHARS_PATTERN.test(tag.Value)) {
    return {
      code: 'InvalidTagException',
      message: `Tag '${tag.Key}' contains characters AWS does not allow in tags (only ${TAG_CHARS_DESCRIPTION}).`,
    };
  }
  return null;
}

/** 1..5 tags on one allocation, each key and value valid, no key repeated. */
export function allocationTagsViolation(tags: readonly Tag[]): RuleViolation | null {
  if (tags.length < TAGS_MIN || tags.length > TAGS_MAX) {
    return {
      code: 'InvalidTagException',
      message: `Each allocation takes ${TAGS_MIN}-${TAGS_MAX} tags.`,
    };
  }
  const keys = new Set<string>();
  for (const tag of tags) {
    const bad = tagViolation(tag);
    if (bad) return bad;
    if (keys.has(tag.Key)) {
      return { code: 'InvalidTagException', message: `Tag key '${tag.Key}' is repeated.` };
    }
    keys.add(tag.Key);
  }
  return null;
}

/** 1..2500 allocations, each quantity an int32. */
export function allocationCountViolation(
  allocations: readonly UsageAllocation[],
): RuleViolation | null {
  if (allocations.length < ALLOCATIONS_MIN || allocations.length > ALLOCATIONS_MAX) {
    return {
      code: 'InvalidUsageAllocationsException',
      message: `UsageAllocations must hold ${ALLOCATIONS_MIN}-${ALLOCATIONS_MAX} items.`,
    };
  }
  if (!allocations.every((a) => isInt32Quantity(a.AllocatedUsageQuantity))) {
    return {
      code: 'InvalidUsageAllocationsException',
      message: `AllocatedUsageQuantity must be an integer between 0 and ${INT32_MAX}.`,
    };
  }
  return null;
}

/** Every allocation of a record has its own tag set (so one untagged bucket at most). */
export function tagSetsViolation(allocations: readonly UsageAllocation[]): RuleViolation | null {
  const tagSets = new Set<string>();
  for (const allocation of allocations) {
    const setKey = tagSetKey(allocation.Tags);
    if (tagSets.has(setKey)) {
      return {
        code: 'InvalidUsageAllocationsException',
        message: 'Each allocation in a record must have a unique tag set.',
      };
    }
    tagSets.add(setKey);
  }
  return null;
}

/** How many distinct tag keys a record's allocations use. */
export function distinctTagKeys(allocations: readonly UsageAllocation[]): number {
  const keys = new Set<string>();
  for (const allocation of allocations) for (const tag of allocation.Tags ?? []) keys.add(tag.Key);
  return keys.size;
}

/** More distinct tag keys than the uncertain per-record reading allows (a warning, not a rule). */
export function tooManyDistinctTagKeys(allocations: readonly UsageAllocation[]): number | null {
  const keys = distinctTagKeys(allocations);
  return keys > DISTINCT_TAG_KEYS_PER_RECORD_MAX ? keys : null;
}

/** The allocated quantities add up to the record's quantity. */
export function allocationSumViolation(
  quantity: number,
  allocations: readonly UsageAllocation[],
): RuleViolation | null {
  let sum = 0;
  for (const allocation of allocations) sum += allocation.AllocatedUsageQuantity;
  if (sum === quantity) return null;
  return {
    code: 'InvalidUsageAllocationsException',
    message: `The sum of AllocatedUsageQuantity (${sum}) does not equal the usage quantity (${quantity}).`,
  };
}

/**
 * Allocation rules: 1..2500 allocations, each quantity int32, 1..5 tags per allocation with unique
 * keys, unique tag sets across allocations (one untagged bucket at most), and the allocated
 * quantities summing to the record's quantity. (Distinct keys per record: tooManyDistinctTagKeys.)
 */
export function allocationsViolation(
  quantity: number,
  allocations: UsageAllocation[],
): RuleViolation | null {
  const countOrQuantity = allocationCountViolation(allocations);
  if (countOrQuantity) return countOrQuantity;
  for (const allocation of allocations) {
    const tags = allocation.Tags === undefined ? null : allocationTagsViolation(allocation.Tags);
    if (tags) return tags;
  }
  return tagSetsViolation(allocations) ?? allocationSumViolation(quantity, allocations);
}

/** Order-independent identity of a tag set; `undefined` is the untagged bucket. */
export function tagSetKey(tags: readonly Tag[] | undefined): string {
  if (!tags) return '';
  return JSON.stringify(
    tags.map((t) => [t.Key, t.Value]).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')),
  );
}
