// Usage records inside a BatchMeterUsage CloudTrail record, and pairing each result (or
// unprocessed record) with the request record it answers.
//
// AWS does not promise that results come in request order, and the echo in a result is not a
// byte copy of what was sent (AWS-FACTS §0.1): it may carry customerAWSAccountID next to the
// customerIdentifier that was sent, spell keys in another case, write the quantity as a string,
// or be missing altogether. So results are paired by the record's key — customer, dimension and
// usage hour, AWS's own dedup key — preferring a request record with the same license and
// quantity; results without an echo take the request records left over, in order.
import { HOUR_MS } from '../../../shared/audit';
import { parseUsageTimestamp } from './cloudtrail-time';
import { fieldReader, isObj, str } from './json';

export type UsageRecord = {
  dimension: string;
  usageTime: number | null;
  /** The timestamp as written, for records whose time could not be read. */
  rawTime: string;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  quantity: number;
  /** The record's usageAllocations as compact JSON text, when it had any. */
  allocations?: string;
};

/** What a row takes from its usage record. */
export type UsageFields = Omit<UsageRecord, 'rawTime'>;

/** Whole, non-negative quantities; strings of digits count (some echoes write them so). */
export function quantityOf(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : 0;
}

export function hourOf(usageTime: number | null): number | null {
  return usageTime === null ? null : Math.floor(usageTime / HOUR_MS) * HOUR_MS;
}

const readUsageFields = fieldReader([
  'timestamp',
  'dimension',
  'quantity',
  'customerIdentifier',
  'customerAWSAccountId',
  'licenseArn',
  'usageAllocations',
]);

/** A usage record in CloudTrail's lowerCamel form (any key casing); null when not an object. */
export function readUsageRecord(value: unknown): UsageRecord | null {
  if (!isObj(value)) return null;
  const [
    rawTime,
    dimension,
    quantity,
    customerIdentifier,
    customerAwsAccountId,
    licenseArn,
    allocations,
  ] = readUsageFields(value);
  const record: UsageRecord = {
    dimension: str(dimension) ?? '',
    usageTime: parseUsageTimestamp(rawTime),
    rawTime: typeof rawTime === 'string' ? rawTime : JSON.stringify(rawTime ?? null),
    quantity: quantityOf(quantity),
  };
  const customer = str(customerIdentifier);
  const account = str(customerAwsAccountId);
  const license = str(licenseArn);
  if (customer !== undefined) record.customerIdentifier = customer;
  if (account !== undefined) record.customerAwsAccountId = account;
  if (license !== undefined) record.licenseArn = license;
  if (allocations !== undefined && allocations !== null) {
    record.allocations = JSON.stringify(allocations);
  }
  return record;
}

/** The keys a record can be found by: one per customer field it carries. */
function pairKeys(record: UsageRecord): string[] {
  const hour = hourOf(record.usageTime) ?? record.rawTime;
  const base = `${record.dimension}\u0001${hour}\u0001`;
  const keys: string[] = [];
  if (record.customerIdentifier !== undefined) keys.push(`${base}i:${record.customerIdentifier}`);
  if (record.customerAwsAccountId !== undefined) {
    keys.push(`${base}a:${record.customerAwsAccountId}`);
  }
  if (keys.length === 0) keys.push(`${base}-`);
  return keys;
}

/** Only a license both sides name can tell two records apart. */
function licenseAgrees(request: UsageRecord, echo: UsageRecord): boolean {
  return (
    request.licenseArn === undefined ||
    echo.licenseArn === undefined ||
    request.licenseArn === echo.licenseArn
  );
}

/**
 * The echo names the request's record (the same keys as `pairKeys` builds), with the same
 * quantity and a license that agrees.
 */
function sameRecord(request: UsageRecord, echo: UsageRecord): boolean {
  return (
    request.dimension === echo.dimension &&
    request.customerIdentifier === echo.customerIdentifier &&
    request.customerAwsAccountId === echo.customerAwsAccountId &&
    request.quantity === echo.quantity &&
    (hourOf(request.usageTime) ?? request.rawTime) === (hourOf(echo.usageTime) ?? echo.rawTime) &&
    licenseAgrees(request, echo)
  );
}

/**
 * Every answer echoes the request record in its own place: the pairing below would give each
 * answer that record (earlier ones are taken by their own answers), so it is not searched.
 */
function inRequestOrder(
  requested: readonly (UsageRecord | null)[],
  answers: readonly (UsageRecord | null)[],
): boolean {
  if (answers.length !== requested.length) return false;
  for (let i = 0; i < requested.length; i++) {
    const request = requested[i];
    const echo = answers[i];
    if (!request || !echo || !sameRecord(request, echo)) return false;
  }
  return true;
}

export type Pairing = {
  /** For each request record: the index of the answer paired with it, if any. */
  answerOf: (number | undefined)[];
  /** Answers no request record took (e.g. the request was truncated). */
  unpaired: number[];
};

/**
 * Pairs answers (result echoes; null for a result without one) with request records (null for
 * an unreadable one). Each request record takes at most one answer.
 */
export function pairAnswers(
  requested: readonly (UsageRecord | null)[],
  answers: readonly (UsageRecord | null)[],
): Pairing {
  if (inRequestOrder(requested, answers)) {
    return { answerOf: requested.map((_, i) => i), unpaired: [] };
  }
  const byKey = new Map<string, number[]>();
  requested.forEach((record, i) => {
    if (!record) return;
    for (const key of pairKeys(record)) {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
  });
  const answerOf = new Array<number | undefined>(requested.length);
  const unpaired: number[] = [];
  const echoless: number[] = [];
  answers.forEach((echo, a) => {
    if (!echo) {
      echoless.push(a);
      return;
    }
    // The first free request record under the echo's keys that the license allows, preferring
    // one with the same quantity.
    let first: number | undefined;
    let same: number | undefined;
    for (const key of pairKeys(echo)) {
      for (const i of byKey.get(key) ?? []) {
        const request = requested[i];
        if (answerOf[i] !== undefined || !request || !licenseAgrees(request, echo)) continue;
        first ??= i;
        if (same === undefined && request.quantity === echo.quantity) same = i;
      }
      if (same !== undefined) break;
    }
    const chosen = same ?? first;
    if (chosen === undefined) unpaired.push(a);
    else answerOf[chosen] = a;
  });
  // Results without an echo: the request records nothing else answered, in request order.
  let next = 0;
  for (const a of echoless) {
    while (next < requested.length && (answerOf[next] !== undefined || !requested[next])) next++;
    if (next < requested.length) answerOf[next++] = a;
    else unpaired.push(a);
  }
  return { answerOf, unpaired };
}
