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

/** Several fields of an object read in one pass over its keys (see fieldReader). */
export type FieldReader = (obj: Obj) => unknown[];

/**
 * Reads the named fields of an object, each exactly as `get` finds it (the exact key first, else
 * the first key in the object's order that matches case-insensitively), in one pass over the
 * object's keys: a usage record is read twice per row (request and echo), and `get` scanned the
 * keys again for every field the record leaves out. The names must differ case-insensitively.
 */
export function fieldReader(names: readonly string[]): FieldReader {
  const exact = new Map(names.map((name, i) => [name, i]));
  const folded = new Map(names.map((name, i) => [name.toLowerCase(), i]));
  if (folded.size !== names.length) throw new Error('Field names must differ in more than case.');
  const lengths = new Set(names.map((name) => name.length));
  return (obj) => {
    const out = new Array<unknown>(names.length);
    // Per field: 0 not found, 1 found case-insensitively, 2 found exactly.
    const found = new Uint8Array(names.length);
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      const i = exact.get(key);
      if (i !== undefined) {
        out[i] = obj[key];
        found[i] = 2;
        continue;
      }
      if (!lengths.has(key.length)) continue;
      const j = folded.get(key.toLowerCase());
      if (j !== undefined && found[j] === 0) {
        out[j] = obj[key];
        found[j] = 1;
      }
    }
    return out;
  };
}
