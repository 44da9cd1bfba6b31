// Reading loosely shaped JSON from CloudTrail records: keys are matched case-insensitively
// (AWS-FACTS §2.6: customerAWSAccountID vs customerAWSAccountId), and values are taken only
// when they have the expected type.
export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Exact key first (the common case), then a case-insensitive scan of the object's own keys;
 * only keys of the same length can match, so most are passed over without lower-casing.
 */
export function get(obj: Obj, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  let lower: string | undefined;
  // for…in rather than Object.keys: no array made for each key that is absent.
  for (const key in obj) {
    if (key.length !== name.length || !Object.hasOwn(obj, key)) continue;
    lower ??= name.toLowerCase();
    if (key.toLowerCase() === lower) return obj[key];
  }
  return undefined;
}

/** A non-empty string, or a finite number as text; anything else is absent. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function getStr(obj: Obj, name: string): string | undefined {
  return str(get(obj, name));
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * CloudTrail replaces a field bigger than its maximum field size with an object carrying
 * `"omitted": true` (CloudTrail record-contents documentation). Other keys may sit beside it.
 */
export function isOmitted(value: unknown): boolean {
  if (!isObj(value)) return false;
  const flag = get(value, 'omitted');
  return flag === true || flag === 'true';
}
