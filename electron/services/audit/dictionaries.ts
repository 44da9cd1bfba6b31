// The small code tables of the audit cache (customers, dimensions, regions), held in memory as
// well as in the database: records store the codes, filters are matched against the few
// distinct values here and become `code IN (…)` over millions of rows. Codes handed out in a
// write that then fails are taken back, so memory never names a code the database lacks.

/** Who a usage record is for: the customer (either id), the license and the product. */
export type Party = {
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  productCode?: string;
};

export class CodeTable<T> {
  private readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  private committed = 0;

  constructor(private readonly keyOf: (value: T) => string) {}

  /** The code of a value, adding it when new. */
  code(value: T): number {
    const key = this.keyOf(value);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const code = this.values.length;
    this.values.push(value);
    this.index.set(key, code);
    return code;
  }

  /** The code of the value with this key, made by `make` when new (no value built when known). */
  codeOfKey(key: string, make: () => T): number {
    const known = this.index.get(key);
    if (known !== undefined) return known;
    return this.code(make());
  }

  /** Adds a row read back from the database, under its stored code. */
  load(code: number, value: T): void {
    this.values[code] = value;
    this.index.set(this.keyOf(value), code);
    this.committed = Math.max(this.committed, code + 1);
  }

  at(code: number): T | undefined {
    return this.values[code];
  }

  get size(): number {
    return this.values.length;
  }

  /** Codes whose value passes the test. */
  codesWhere(test: (value: T) => boolean): number[] {
    const out: number[] = [];
    this.values.forEach((v, code) => {
      if (test(v)) out.push(code);
    });
    return out;
  }

  /** Entries added since the last commit, to be written with the records that use them. */
  pending(): [number, T][] {
    const out: [number, T][] = [];
    for (let code = this.committed; code < this.values.length; code++) {
      const value = this.values[code];
      if (value !== undefined) out.push([code, value]);
    }
    return out;
  }

  commit(): void {
    this.committed = this.values.length;
  }

  rollback(): void {
    for (let code = this.values.length - 1; code >= this.committed; code--) {
      const value = this.values[code];
      if (value !== undefined) this.index.delete(this.keyOf(value));
    }
    this.values.length = this.committed;
  }
}

/** A party's key from its four fields (absent ones as U+0000). */
export function partyKeyOf(
  customerIdentifier: string | undefined,
  customerAwsAccountId: string | undefined,
  licenseArn: string | undefined,
  productCode: string | undefined,
): string {
  return `${customerIdentifier ?? '\u0000'}\u0001${customerAwsAccountId ?? '\u0000'}\u0001${licenseArn ?? '\u0000'}\u0001${productCode ?? '\u0000'}`;
}

const partyKey = (p: Party): string =>
  partyKeyOf(p.customerIdentifier, p.customerAwsAccountId, p.licenseArn, p.productCode);

export type Dictionaries = {
  parties: CodeTable<Party>;
  dimensions: CodeTable<string>;
  regions: CodeTable<string>;
};

export function createDictionaries(): Dictionaries {
  return {
    parties: new CodeTable<Party>(partyKey),
    dimensions: new CodeTable<string>((v) => v),
    regions: new CodeTable<string>((v) => v),
  };
}

export function commitAll(d: Dictionaries): void {
  d.parties.commit();
  d.dimensions.commit();
  d.regions.commit();
}

export function rollbackAll(d: Dictionaries): void {
  d.parties.rollback();
  d.dimensions.rollback();
  d.regions.rollback();
}

/** The customer as the explorer groups by it: the account id, else the identifier. */
export function customerOf(p: Party): string {
  return p.customerAwsAccountId ?? p.customerIdentifier ?? '';
}
