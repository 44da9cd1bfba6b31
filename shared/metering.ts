// Usage records as Meterdesk handles them, the product catalog, and the one record validator.
// The SAME functions run in the renderer (live, as the user types) and in main (authoritative,
// before anything is sent), so the two sides cannot disagree. Pure: no node:*, no DOM.
//
// Exported API (for the submission engine and the screens):
//   Schemas + types
//     productSchema / Product            a catalog entry: id, name, kind saas|ami|container,
//                                        identityModel legacy|concurrent-agreements, productCode
//                                        (legacy, ami, container; absent for concurrent
//                                        agreements, whose records carry LicenseArn), dimensions.
//     catalogSchema / Catalog            { products: Product[] }
//     usageRecordDraftSchema / UsageRecordDraft
//                                        a record as typed or imported: loose on purpose (quantity
//                                        may still be the raw text) so validateRecord can say what
//                                        is wrong instead of the bridge rejecting it.
//     usageRecordSchema / UsageRecord    a record that passed validateRecord: normalized (int
//                                        quantity, ISO UTC timestamp, product resolved). This is
//                                        what the engine sends.
//     recordIssueSchema / RecordIssue    { field, code, severity error|warning, message, fix }
//     meteringOperationSchema            'BatchMeterUsage' | 'MeterUsage'
//   Validation
//     validateRecord(draft, ctx)         -> { issues, record: UsageRecord | null, key, deadlineMs }
//                                        ctx = { catalog, now, operation?, sentIndex? }; record is
//                                        null when any issue has severity 'error'.
//     validateRecords(drafts, ctx)       validateRecord for each, plus duplicates within the set.
//     recordKey(record)                  the AWS dedup key (product-or-license, customer,
//                                        dimension, UTC hour) — the journal's sent index uses it.
//     operationFor(product)              SaaS -> BatchMeterUsage, AMI/container -> MeterUsage.
//     acceptanceDeadline(tsMs, op)       when AWS stops accepting a record for that timestamp.
//     parseUsageTimestamp / parseQuantity  strict parsers shared by the editor and the CSV import.
//   Planning (the engine uses the same planner as the preview)
//     planBatches(records, catalog)      -> { calls, products, totals }: one product (or license
//                                        set) per call, <= 25 records and < 1 MB per
//                                        BatchMeterUsage call, one record per MeterUsage call.
//     toAwsUsageRecord(record)           the record as the SDK's UsageRecord (Timestamp as Date).
import { z } from 'zod';
import {
  BATCH_MAX_RECORDS,
  BATCH_MAX_REQUEST_BYTES,
  BATCH_WINDOW_MS,
  CUSTOMER_ACCOUNT_ID_PATTERN,
  CUSTOMER_IDENTIFIER_MAX,
  DIMENSION_MAX,
  HOUR_MS,
  INT32_MAX,
  LICENSE_ARN_PATTERN,
  METER_USAGE_WINDOW_MS,
  PRODUCT_CODE_MAX,
  PRODUCT_CODE_PATTERN,
  allocationsViolation,
  batchTimestampViolation,
  customerIdViolation,
  hourOf,
  meterUsageTimestampViolation,
  monthEndCutoff,
  type UsageAllocation,
} from './aws/metering-rules';

// ---------------------------------------------------------------------------------------------
// Catalog

export const meteringOperationSchema = z.enum(['BatchMeterUsage', 'MeterUsage']);
export type MeteringOperation = z.infer<typeof meteringOperationSchema>;

export const productKindSchema = z.enum(['saas', 'ami', 'container']);
export type ProductKind = z.infer<typeof productKindSchema>;

export const identityModelSchema = z.enum(['legacy', 'concurrent-agreements']);
export type IdentityModel = z.infer<typeof identityModelSchema>;

export const dimensionSchema = z.object({
  name: z.string().min(1).max(DIMENSION_MAX),
  description: z.string().max(1000),
});
export type Dimension = z.infer<typeof dimensionSchema>;

export const productSchema = z
  .object({
    /** Stable id inside Meterdesk; records point at it with `productId`. */
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    kind: productKindSchema,
    identityModel: identityModelSchema,
    /** Legacy SaaS, AMI and container products; absent for concurrent agreements. */
    productCode: z.string().min(1).max(PRODUCT_CODE_MAX).regex(PRODUCT_CODE_PATTERN).optional(),
    dimensions: z.array(dimensionSchema).max(1000),
    /** 'sandbox' products come from the built-in sandbox and are read-only. */
    source: z.enum(['user', 'sandbox']),
  })
  .superRefine((product, ctx) => {
    if (product.identityModel === 'concurrent-agreements') {
      if (product.kind !== 'saas') {
        ctx.addIssue({
          code: 'custom',
          path: ['identityModel'],
          message: 'Concurrent agreements apply to SaaS products only.',
        });
      }
      if (product.productCode !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['productCode'],
          message:
            'A concurrent-agreements product has no product code: its records carry a LicenseArn.',
        });
      }
    } else if (product.productCode === undefined) {
      ctx.addIssue({ code: 'custom', path: ['productCode'], message: 'Product code is required.' });
    }
    const names = new Set<string>();
    product.dimensions.forEach((d, i) => {
      if (names.has(d.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dimensions', i, 'name'],
          message: `Dimension "${d.name}" is listed twice.`,
        });
      }
      names.add(d.name);
    });
  });
export type Product = z.infer<typeof productSchema>;

export const catalogSchema = z.object({ products: z.array(productSchema).max(500) });
export type Catalog = z.infer<typeof catalogSchema>;

export function operationFor(product: Pick<Product, 'kind'>): MeteringOperation {
  return product.kind === 'saas' ? 'BatchMeterUsage' : 'MeterUsage';
}

// ---------------------------------------------------------------------------------------------
// Records

export const tagDraftSchema = z.object({ key: z.string().max(1000), value: z.string().max(1000) });
export const allocationDraftSchema = z.object({
  quantity: z.union([z.number(), z.string().max(100)]),
  /** Absent = the untagged bucket. */
  tags: z.array(tagDraftSchema).max(50).optional(),
});
export type AllocationDraft = z.infer<typeof allocationDraftSchema>;

export const usageRecordDraftSchema = z.object({
  /** Client-side row id, echoed in results so a row can be matched back. */
  rowId: z.string().max(100).optional(),
  /** Catalog product id; when absent the product is looked up by productCode. */
  productId: z.string().max(200).optional(),
  productCode: z.string().max(1000).optional(),
  customerIdentifier: z.string().max(1000).optional(),
  customerAwsAccountId: z.string().max(1000).optional(),
  licenseArn: z.string().max(3000).optional(),
  dimension: z.string().max(1000),
  /** An integer, or the raw text the user typed (checked, never rounded). */
  quantity: z.union([z.number(), z.string().max(100)]),
  /** ISO 8601; read as UTC when it carries no zone (with a warning). */
  timestamp: z.string().max(100),
  allocations: z.array(allocationDraftSchema).max(2600).optional(),
  /** The user confirmed a dimension that is not in the catalog for this row. */
  acknowledgeUnknownDimension: z.boolean().optional(),
});
export type UsageRecordDraft = z.infer<typeof usageRecordDraftSchema>;

export const tagSchema = z.object({ key: z.string(), value: z.string() });
export const allocationSchema = z.object({
  quantity: z.number().int().min(0).max(INT32_MAX),
  tags: z.array(tagSchema).optional(),
});
export type Allocation = z.infer<typeof allocationSchema>;

export const usageRecordSchema = z.object({
  rowId: z.string().optional(),
  productId: z.string(),
  operation: meteringOperationSchema,
  /** Present for legacy SaaS, AMI and container products; absent with LicenseArn. */
  productCode: z.string().optional(),
  customerIdentifier: z.string().optional(),
  customerAwsAccountId: z.string().optional(),
  licenseArn: z.string().optional(),
  dimension: z.string(),
  quantity: z.number().int().min(0).max(INT32_MAX),
  /** ISO 8601 UTC (`…Z`). */
  timestamp: z.string(),
  allocations: z.array(allocationSchema).optional(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export const issueSeveritySchema = z.enum(['error', 'warning']);
export const issueFieldSchema = z.enum([
  'product',
  'productCode',
  'customer',
  'customerIdentifier',
  'customerAwsAccountId',
  'licenseArn',
  'dimension',
  'quantity',
  'timestamp',
  'allocations',
  'record',
]);
export type IssueField = z.infer<typeof issueFieldSchema>;

export const recordIssueSchema = z.object({
  field: issueFieldSchema,
  /** Stable machine code, e.g. 'timestamp-too-old', 'already-sent-different'. */
  code: z.string(),
  severity: issueSeveritySchema,
  message: z.string(),
  /** How to fix it, in plain words. */
  fix: z.string(),
});
export type RecordIssue = z.infer<typeof recordIssueSchema>;

/** Previously sent quantities by recordKey (from the journal). */
export type SentIndex = ReadonlyMap<string, number>;

export type ValidateContext = {
  catalog: readonly Product[];
  now: number;
  /** Forces an operation; by default it follows the product's kind. */
  operation?: MeteringOperation;
  sentIndex?: SentIndex;
};

export type RecordValidation = {
  issues: RecordIssue[];
  /** The normalized record, or null when an issue is an error. */
  record: UsageRecord | null;
  /** Dedup key when customer, dimension and hour could be read, else null. */
  key: string | null;
  /** End of the acceptance window (epoch ms) when the timestamp could be read. */
  deadlineMs: number | null;
  operation: MeteringOperation | null;
};

// ---------------------------------------------------------------------------------------------
// Parsers

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export type ParsedTimestamp = { ms: number; zoneGiven: boolean };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Strict ISO 8601 (date, or date + time, optional zone). Without a zone it is read as UTC. */
export function parseUsageTimestamp(text: string): ParsedTimestamp | null {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    Number(frac.padEnd(3, '0').slice(0, 3)),
  );
  if (day < 1 || day > daysInMonth(year, month)) return null; // 31 Feb and friends
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, zoneGiven: zone !== undefined };
}

export type ParsedQuantity =
  { ok: true; value: number } | { ok: false; code: string; message: string; fix: string };

/** Whole numbers 0..2147483647 only; never rounds, never reads thousands separators. */
export function parseQuantity(value: number | string, what = 'Quantity'): ParsedQuantity {
  let n: number;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') {
      return {
        ok: false,
        code: 'quantity-missing',
        message: `${what} is empty.`,
        fix: 'Enter a whole number (0 is allowed).',
      };
    }
    if (/^-\d+$/.test(t)) {
      return {
        ok: false,
        code: 'quantity-negative',
        message: `${what} ${t} is negative.`,
        fix: 'Usage cannot be negative. Over-billing is corrected with a refund, not a negative record.',
      };
    }
    if (!/^\d+$/.test(t)) {
      const decimal = /^\d*[.,]\d+$/.test(t) && !/^\d{1,3}(,\d{3})+$/.test(t);
      return {
        ok: false,
        code: decimal ? 'quantity-not-integer' : 'quantity-not-number',
        message: decimal
          ? `${what} ${t} is not a whole number.`
          : `${what} "${t}" is not a number.`,
        fix: decimal
          ? 'AWS takes whole units only. Meterdesk never rounds: enter the whole number you mean to bill.'
          : 'Enter digits only, without thousands separators or units.',
      };
    }
    n = Number(t);
  } else {
    n = value;
  }
  if (!Number.isFinite(n)) {
    return {
      ok: false,
      code: 'quantity-not-number',
      message: `${what} is not a number.`,
      fix: 'Enter a whole number.',
    };
  }
  if (n < 0) {
    return {
      ok: false,
      code: 'quantity-negative',
      message: `${what} ${n} is negative.`,
      fix: 'Usage cannot be negative. Over-billing is corrected with a refund, not a negative record.',
    };
  }
  if (!Number.isInteger(n)) {
    return {
      ok: false,
      code: 'quantity-not-integer',
      message: `${what} ${n} is not a whole number.`,
      fix: 'AWS takes whole units only. Meterdesk never rounds: enter the whole number you mean to bill.',
    };
  }
  if (n > INT32_MAX) {
    return {
      ok: false,
      code: 'quantity-too-large',
      message: `${what} ${n} is above AWS's maximum of ${INT32_MAX.toLocaleString('en-US')}.`,
      fix: 'Split the usage across dimensions or hours, or check the unit of measure.',
    };
  }
  return { ok: true, value: n };
}

/** `1.23457E+11`: a spreadsheet turned a long number into scientific notation (digits lost). */
export function looksScientific(text: string): boolean {
  return /^\s*[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$/.test(text);
}

// ---------------------------------------------------------------------------------------------
// Windows and keys

/** When AWS stops accepting a record stamped `timestampMs` (BatchMeterUsage: 24 h or the month-end cut-off, whichever is first; MeterUsage: 6 h). */
export function acceptanceDeadline(timestampMs: number, operation: MeteringOperation): number {
  if (operation === 'MeterUsage') return timestampMs + METER_USAGE_WINDOW_MS;
  return Math.min(timestampMs + BATCH_WINDOW_MS, monthEndCutoff(timestampMs));
}

type KeyParts = Pick<
  UsageRecord,
  | 'operation'
  | 'productCode'
  | 'licenseArn'
  | 'customerIdentifier'
  | 'customerAwsAccountId'
  | 'dimension'
> & { timestamp: string };

/**
 * AWS's dedup key: product (or license) × customer × dimension × UTC hour. MeterUsage is keyed by
 * product × dimension × hour (the signing buyer account is the customer).
 */
export function recordKey(record: KeyParts): string {
  const parsed = parseUsageTimestamp(record.timestamp);
  return keyWithHour(record, parsed ? hourOf(parsed.ms) : record.timestamp);
}

function keyWithHour(record: Omit<KeyParts, 'timestamp'>, hour: string): string {
  const scope =
    record.licenseArn !== undefined ? `lic:${record.licenseArn}` : `pc:${record.productCode ?? ''}`;
  const customer =
    record.operation === 'MeterUsage'
      ? ''
      : record.customerIdentifier !== undefined
        ? `ci:${record.customerIdentifier}`
        : `acct:${record.customerAwsAccountId ?? ''}`;
  const op = record.operation === 'MeterUsage' ? 'mu' : 'bmu';
  return `${op}|${scope}|${customer}|${record.dimension}|${hour}`;
}

// ---------------------------------------------------------------------------------------------
// validateRecord

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

export function findProduct(
  catalog: readonly Product[],
  draft: Pick<UsageRecordDraft, 'productId' | 'productCode'>,
): Product | undefined {
  if (present(draft.productId)) return catalog.find((p) => p.id === draft.productId);
  if (present(draft.productCode)) return catalog.find((p) => p.productCode === draft.productCode);
  return undefined;
}

// Module-level (no per-call closures: validateRecord runs 100,000 times per import).
function addIssue(
  issues: RecordIssue[],
  severity: 'error' | 'warning',
  field: IssueField,
  code: string,
  message: string,
  fix: string,
): void {
  issues.push({ field, code, severity, message, fix });
}

export function validateRecord(draft: UsageRecordDraft, ctx: ValidateContext): RecordValidation {
  const issues: RecordIssue[] = [];

  // Product
  const product = findProduct(ctx.catalog, draft);
  if (!product) {
    if (present(draft.productId) || present(draft.productCode)) {
      addIssue(
        issues,
        'error',
        'product',
        'product-unknown',
        `Product "${draft.productId ?? draft.productCode ?? ''}" is not in the catalog.`,
        'Add the product to the catalog, or pick one of the catalog products.',
      );
    } else {
      addIssue(
        issues,
        'error',
        'product',
        'product-missing',
        'No product is chosen.',
        'Pick the product this usage is for.',
      );
    }
  } else if (
    present(draft.productId) &&
    present(draft.productCode) &&
    product.productCode !== draft.productCode
  ) {
    addIssue(
      issues,
      'error',
      'productCode',
      'product-code-mismatch',
      `Product code ${draft.productCode} does not belong to ${product.name}.`,
      product.productCode
        ? `Use ${product.productCode}, or pick the product that has this code.`
        : `${product.name} uses concurrent agreements and takes no product code: clear it.`,
    );
  }
  if (present(draft.productCode) && !PRODUCT_CODE_PATTERN.test(draft.productCode)) {
    addIssue(
      issues,
      'error',
      'productCode',
      'product-code-format',
      `Product code "${draft.productCode}" has characters AWS does not allow.`,
      'Product codes use letters, digits and - / = : _ . @ only.',
    );
  }

  const operation: MeteringOperation | null =
    ctx.operation ?? (product ? operationFor(product) : null);
  if (product && ctx.operation && ctx.operation !== operationFor(product)) {
    addIssue(
      issues,
      'error',
      'product',
      'operation-mismatch',
      `${product.name} is a ${product.kind.toUpperCase()} product, metered with ${operationFor(product)}, not ${ctx.operation}.`,
      `Submit it with ${operationFor(product)}, or pick a ${ctx.operation === 'MeterUsage' ? 'AMI or container' : 'SaaS'} product.`,
    );
  }

  // Customer
  const ci = present(draft.customerIdentifier) ? draft.customerIdentifier : undefined;
  const acct = present(draft.customerAwsAccountId) ? draft.customerAwsAccountId : undefined;
  const lic = present(draft.licenseArn) ? draft.licenseArn : undefined;
  const ca = product?.identityModel === 'concurrent-agreements';
  if (operation === 'MeterUsage') {
    if (ci !== undefined || acct !== undefined || lic !== undefined) {
      addIssue(
        issues,
        'error',
        'customer',
        'customer-not-allowed',
        'MeterUsage takes no customer: it meters the buyer account whose credentials sign the call.',
        'Clear the customer fields, or meter a SaaS product with BatchMeterUsage.',
      );
    }
  } else {
    const violation = customerIdViolation('usageRecord', {
      CustomerIdentifier: ci,
      CustomerAWSAccountId: acct,
    });
    if (ci === undefined && acct === undefined) {
      addIssue(
        issues,
        'error',
        'customer',
        'customer-missing',
        'No customer is given.',
        ca
          ? "Enter the buyer's AWS account id and license ARN."
          : "Enter the CustomerIdentifier from ResolveCustomer, or the buyer's AWS account id.",
      );
    } else if (ci !== undefined && acct !== undefined) {
      addIssue(
        issues,
        'error',
        'customer',
        'customer-ambiguous',
        'Both a CustomerIdentifier and an AWS account id are given.',
        'AWS takes exactly one of them: clear one.',
      );
    } else if (acct !== undefined) {
      if (looksScientific(acct)) {
        addIssue(
          issues,
          'error',
          'customerAwsAccountId',
          'account-id-scientific',
          `Account id "${acct}" is in scientific notation: a spreadsheet converted it and the original digits are lost.`,
          'Re-export the file with the account id column formatted as Text, or type the 12 digits.',
        );
      } else if (!CUSTOMER_ACCOUNT_ID_PATTERN.test(acct)) {
        addIssue(
          issues,
          'error',
          'customerAwsAccountId',
          'account-id-format',
          `Account id "${acct}" must contain digits only.`,
          'An AWS account id is 12 digits, e.g. 012345678901 — no spaces or dashes.',
        );
      } else if (acct.length !== 12) {
        addIssue(
          issues,
          'warning',
          'customerAwsAccountId',
          'account-id-length',
          `Account id ${acct} has ${acct.length} digits; AWS account ids have 12.`,
          acct.length < 12
            ? 'A spreadsheet may have dropped leading zeros: check the id and pad it to 12 digits.'
            : "Check the id against the buyer's agreement.",
        );
      }
    } else if (violation && ci !== undefined) {
      addIssue(
        issues,
        'error',
        'customerIdentifier',
        'customer-identifier-format',
        violation.message,
        `Use at most ${CUSTOMER_IDENTIFIER_MAX} characters.`,
      );
    }
    if (ci !== undefined && ci !== ci.trim()) {
      addIssue(
        issues,
        'error',
        'customerIdentifier',
        'customer-identifier-spaces',
        'The CustomerIdentifier starts or ends with spaces.',
        'Remove the spaces: identifiers are matched exactly.',
      );
    }
    if (ca) {
      if (ci !== undefined) {
        addIssue(
          issues,
          'error',
          'customerIdentifier',
          'customer-identifier-not-allowed',
          `${product.name} uses concurrent agreements, which do not accept a CustomerIdentifier.`,
          "Use the buyer's AWS account id with their license ARN instead.",
        );
      }
      if (lic === undefined) {
        addIssue(
          issues,
          'error',
          'licenseArn',
          'license-missing',
          `${product.name} uses concurrent agreements: each record needs the buyer's LicenseArn.`,
          "Enter the license ARN from the buyer's agreement (arn:aws:license-manager::…:license:l-…).",
        );
      }
    } else if (lic !== undefined && product) {
      addIssue(
        issues,
        'error',
        'licenseArn',
        'license-not-allowed',
        `${product.name} is metered with a product code; a LicenseArn here would bill the same usage twice.`,
        'Clear the license ARN, or pick the concurrent-agreements product.',
      );
    }
    if (lic !== undefined && !LICENSE_ARN_PATTERN.test(lic)) {
      addIssue(
        issues,
        'error',
        'licenseArn',
        'license-arn-format',
        `"${lic}" is not a valid license ARN.`,
        'It looks like arn:aws:license-manager::123456789012:license:l-0123456789abcdef.',
      );
    }
  }

  // Dimension
  const dimension = draft.dimension;
  if (dimension === '') {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-missing',
      'No dimension is chosen.',
      "Pick one of the product's dimensions.",
    );
  } else if (dimension.length > DIMENSION_MAX) {
    addIssue(
      issues,
      'error',
      'dimension',
      'dimension-too-long',
      `Dimension is ${dimension.length} characters long; AWS allows ${DIMENSION_MAX}.`,
      "Use the dimension's API name as defined on the product.",
    );
  } else if (product) {
    const known = product.dimensions.some((d) => d.name === dimension);
    if (!known) {
      const caseMatch = product.dimensions.find(
        (d) => d.name.toLowerCase() === dimension.toLowerCase(),
      );
      if (caseMatch) {
        addIssue(
          issues,
          'error',
          'dimension',
          'dimension-case',
          `Dimension "${dimension}" differs only in letter case from "${caseMatch.name}"; AWS matches dimensions exactly.`,
          `Use "${caseMatch.name}".`,
        );
      } else if (draft.acknowledgeUnknownDimension === true) {
        addIssue(
          issues,
          'warning',
          'dimension',
          'dimension-unknown-acknowledged',
          `Dimension "${dimension}" is not in the catalog for ${product.name}; you confirmed it anyway.`,
          'If AWS does not know it, the whole call fails with InvalidUsageDimensionException.',
        );
      } else {
        addIssue(
          issues,
          'error',
          'dimension',
          'dimension-unknown',
          `Dimension "${dimension}" is not in the catalog for ${product.name}.`,
          product.dimensions.length > 0
            ? `Pick one of: ${product.dimensions.map((d) => d.name).join(', ')} — or confirm the new dimension for this row.`
            : 'Add the dimension to the product in the catalog, or confirm it for this row.',
        );
      }
    }
  }

  // Quantity
  const q = parseQuantity(draft.quantity);
  if (!q.ok) addIssue(issues, 'error', 'quantity', q.code, q.message, q.fix);

  // Timestamp
  let deadlineMs: number | null = null;
  let tsIso: string | null = null;
  const ts = parseUsageTimestamp(draft.timestamp);
  if (draft.timestamp.trim() === '') {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-missing',
      'No usage hour is given.',
      'Enter the UTC hour the usage happened, e.g. 2026-07-20T14:00Z.',
    );
  } else if (!ts) {
    addIssue(
      issues,
      'error',
      'timestamp',
      'timestamp-invalid',
      `"${draft.timestamp}" is not a date and time Meterdesk can read.`,
      'Use ISO 8601 in UTC, e.g. 2026-07-20T14:00:00Z.',
    );
  } else {
    tsIso = new Date(ts.ms).toISOString();
    if (!ts.zoneGiven) {
      addIssue(
        issues,
        'warning',
        'timestamp',
        'timestamp-no-zone',
        `"${draft.timestamp}" has no time zone; it is read as UTC (${tsIso}).`,
        'Add Z (UTC) to the time to make it explicit.',
      );
    }
    if (operation) {
      deadlineMs = acceptanceDeadline(ts.ms, operation);
      const violation =
        operation === 'MeterUsage'
          ? meterUsageTimestampViolation(ts.ms, ctx.now)
          : batchTimestampViolation(ts.ms, ctx.now);
      if (violation) {
        if (/future/.test(violation.message)) {
          addIssue(
            issues,
            'error',
            'timestamp',
            'timestamp-future',
            `${tsIso} is in the future.`,
            'Usage can only be metered after it happened: check the date and the time zone.',
          );
        } else if (/billing month/.test(violation.message)) {
          addIssue(
            issues,
            'error',
            'timestamp',
            'timestamp-month-closed',
            `The billing month of ${tsIso} closed at ${new Date(monthEndCutoff(ts.ms)).toISOString()} (06:00 UTC on the 1st).`,
            'AWS no longer accepts it. Ask AWS Marketplace Seller Operations about corrections for a closed month.',
          );
        } else {
          const hours = operation === 'MeterUsage' ? 6 : 24;
          addIssue(
            issues,
            'error',
            'timestamp',
            'timestamp-too-old',
            `${tsIso} is more than ${hours} h ago; ${operation} accepts records up to ${hours} h old.`,
            'AWS will reject it (TimestampOutOfBounds) and with it the whole call. Remove the row; late usage cannot be metered.',
          );
        }
      } else if (deadlineMs - ctx.now < HOUR_MS) {
        addIssue(
          issues,
          'warning',
          'timestamp',
          'window-closing',
          `The window for ${tsIso} closes in ${Math.max(1, Math.round((deadlineMs - ctx.now) / 60_000))} min.`,
          'Submit soon: after that AWS rejects the record.',
        );
      }
    }
  }

  // Allocations
  let allocations: Allocation[] | undefined;
  if (draft.allocations !== undefined && draft.allocations.length > 0) {
    const parsed: Allocation[] = [];
    let bad = false;
    for (const [i, a] of draft.allocations.entries()) {
      const aq = parseQuantity(a.quantity, `Allocation ${String(i + 1)} quantity`);
      if (!aq.ok) {
        bad = true;
        addIssue(issues, 'error', 'allocations', `allocation-${aq.code}`, aq.message, aq.fix);
        continue;
      }
      parsed.push({
        quantity: aq.value,
        ...(a.tags !== undefined
          ? { tags: a.tags.map((t) => ({ key: t.key, value: t.value })) }
          : {}),
      });
    }
    if (!bad) {
      const wire: UsageAllocation[] = parsed.map((a) => ({
        AllocatedUsageQuantity: a.quantity,
        ...(a.tags !== undefined
          ? { Tags: a.tags.map((t) => ({ Key: t.key, Value: t.value })) }
          : {}),
      }));
      const violation = allocationsViolation(q.ok ? q.value : Number.NaN, wire);
      if (violation && !(violation.message.startsWith('The sum') && !q.ok)) {
        const code =
          violation.code === 'InvalidTagException'
            ? 'allocation-tag'
            : violation.message.startsWith('The sum')
              ? 'allocation-sum'
              : 'allocation-invalid';
        addIssue(
          issues,
          'error',
          'allocations',
          code,
          violation.message,
          code === 'allocation-sum'
            ? "Make the allocated quantities add up exactly to the record's quantity."
            : code === 'allocation-tag'
              ? 'Tags: 1–5 per allocation, keys 1–100 and values 1–256 characters of a-z A-Z 0-9 + - = . _ : / @ and space, at most 5 distinct keys per record.'
              : 'Give each allocation its own tag set (one untagged allocation at most), 1–2500 allocations.',
        );
      }
      allocations = parsed;
    }
  }

  // Already sent (from the journal)
  // Built by assignment, not conditional spreads: this is the hot path of a 100k-row import.
  const baseRecord: Omit<UsageRecord, 'productId' | 'quantity' | 'timestamp'> = {
    operation: operation ?? 'BatchMeterUsage',
    dimension,
  };
  if (product?.productCode !== undefined && !ca) baseRecord.productCode = product.productCode;
  if (ci !== undefined) baseRecord.customerIdentifier = ci;
  if (acct !== undefined) baseRecord.customerAwsAccountId = acct;
  if (lic !== undefined) baseRecord.licenseArn = lic;
  const key =
    operation &&
    tsIso !== null &&
    dimension !== '' &&
    (operation === 'MeterUsage' || ci !== undefined || acct !== undefined)
      ? keyWithHour(baseRecord, `${tsIso.slice(0, 13)}:00:00.000Z`)
      : null;
  if (key !== null && ctx.sentIndex && q.ok) {
    const sent = ctx.sentIndex.get(key);
    if (sent !== undefined && sent !== q.value) {
      addIssue(
        issues,
        'error',
        'record',
        'already-sent-different',
        `This customer, dimension and hour was already sent with quantity ${sent.toLocaleString('en-US')}; AWS would answer DuplicateRecord and keep ${sent.toLocaleString('en-US')}.`,
        'Metering again cannot change it. Over-billing is corrected with a refund; under-billing in a later hour or via Seller Operations.',
      );
    } else if (sent !== undefined) {
      addIssue(
        issues,
        'warning',
        'record',
        'already-sent-same',
        `This exact record was already sent (quantity ${sent.toLocaleString('en-US')}).`,
        'Sending it again bills nothing extra; you can remove the row.',
      );
    }
  }

  if (
    operation === 'BatchMeterUsage' &&
    allocations !== undefined &&
    q.ok &&
    tsIso !== null &&
    wireBytes({
      productId: '',
      ...baseRecord,
      operation,
      quantity: q.value,
      timestamp: tsIso,
      allocations,
    }) >=
      BATCH_MAX_REQUEST_BYTES - ENVELOPE_BYTES - PRODUCT_CODE_MAX
  ) {
    addIssue(
      issues,
      'error',
      'allocations',
      'record-too-large',
      'This record alone is 1 MB or more on the wire; BatchMeterUsage requests must stay under 1 MB.',
      'Use fewer allocations or shorter tags, or split the usage across records for different dimensions.',
    );
  }

  const hasError = issues.some((i) => i.severity === 'error');
  let record: UsageRecord | null = null;
  if (!hasError && product && operation && q.ok && tsIso !== null) {
    record = baseRecord as UsageRecord;
    if (draft.rowId !== undefined) record.rowId = draft.rowId;
    record.productId = product.id;
    record.operation = operation;
    record.quantity = q.value;
    record.timestamp = tsIso;
    if (allocations !== undefined) record.allocations = allocations;
  }
  return { issues, record, key, deadlineMs, operation };
}

export type BatchValidation = RecordValidation & {
  /** Index of the first record in the set with the same key, when this one repeats it. */
  duplicateOf: number | null;
};

/**
 * validateRecord for each draft, plus duplicates within the set: AWS keeps only the first
 * record per key, so a repeat is flagged (aggregate the rows, or remove the extra ones).
 */
export function validateRecords(
  drafts: readonly UsageRecordDraft[],
  ctx: ValidateContext,
): BatchValidation[] {
  const firstByKey = new Map<string, number>();
  return drafts.map((draft, index) => {
    const result = validateRecord(draft, ctx);
    let duplicateOf: number | null = null;
    if (result.key !== null) {
      const first = firstByKey.get(result.key);
      if (first === undefined) firstByKey.set(result.key, index);
      else {
        duplicateOf = first;
        result.issues.push({
          field: 'record',
          code: 'duplicate-in-set',
          severity: 'error',
          message: `Same customer, dimension and hour as row ${first + 1}; AWS bills only the first and rejects the other as DuplicateRecord.`,
          fix: 'Aggregate the rows into one record (sum the quantities), or remove the extra row.',
        });
        result.record = null;
      }
    }
    const out = result as BatchValidation;
    out.duplicateOf = duplicateOf;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Planning

export type AwsUsageRecord = {
  Timestamp: Date;
  Dimension: string;
  Quantity: number;
  CustomerIdentifier?: string;
  CustomerAWSAccountId?: string;
  LicenseArn?: string;
  UsageAllocations?: { AllocatedUsageQuantity: number; Tags?: { Key: string; Value: string }[] }[];
};

export function toAwsUsageRecord(record: UsageRecord): AwsUsageRecord {
  return {
    Timestamp: new Date(record.timestamp),
    Dimension: record.dimension,
    Quantity: record.quantity,
    ...(record.customerIdentifier !== undefined
      ? { CustomerIdentifier: record.customerIdentifier }
      : {}),
    ...(record.customerAwsAccountId !== undefined
      ? { CustomerAWSAccountId: record.customerAwsAccountId }
      : {}),
    ...(record.licenseArn !== undefined ? { LicenseArn: record.licenseArn } : {}),
    ...(record.allocations !== undefined
      ? {
          UsageAllocations: record.allocations.map((a) => ({
            AllocatedUsageQuantity: a.quantity,
            ...(a.tags !== undefined
              ? { Tags: a.tags.map((t) => ({ Key: t.key, Value: t.value })) }
              : {}),
          })),
        }
      : {}),
  };
}

/** Bytes of a record as it goes on the wire (JSON, Timestamp as epoch seconds). */
export function wireBytes(record: UsageRecord): number {
  const wire = { ...toAwsUsageRecord(record), Timestamp: Date.parse(record.timestamp) / 1000 };
  return utf8Length(JSON.stringify(wire));
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const plannedCallSchema = z.object({
  index: z.number().int(),
  operation: meteringOperationSchema,
  productId: z.string(),
  /** Request-level ProductCode: legacy SaaS and MeterUsage; absent for concurrent agreements. */
  productCode: z.string().optional(),
  /** Positions of the records in the list given to planBatches. */
  recordIndexes: z.array(z.number().int()),
  /** Serialized request size (bytes), always < 1 MB. */
  bytes: z.number().int(),
});
export type PlannedCall = z.infer<typeof plannedCallSchema>;

export const dimensionTotalSchema = z.object({
  dimension: z.string(),
  records: z.number().int(),
  quantity: z.number(),
});
export const productPlanSchema = z.object({
  productId: z.string(),
  productName: z.string(),
  operation: meteringOperationSchema,
  productCode: z.string().optional(),
  calls: z.number().int(),
  records: z.number().int(),
  customers: z.number().int(),
  dimensions: z.array(dimensionTotalSchema),
});
export const planSchema = z.object({
  calls: z.array(plannedCallSchema),
  products: z.array(productPlanSchema),
  totals: z.object({ calls: z.number().int(), records: z.number().int(), quantity: z.number() }),
});
export type Plan = z.infer<typeof planSchema>;

// Request envelope: {"UsageRecords":[...],"ProductCode":"..."} — a generous constant for the
// braces, the field names and the commas between records.
const ENVELOPE_BYTES = 64;

/**
 * Groups validated records into the calls that would be made: MeterUsage one record per call;
 * BatchMeterUsage one product (legacy: its ProductCode; concurrent agreements: its license set)
 * per call, at most 25 records and under 1 MB each. Order within a product is kept.
 */
export function planBatches(records: readonly UsageRecord[], catalog: readonly Product[]): Plan {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const g = `${r.operation}|${r.productId}`;
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  const calls: PlannedCall[] = [];
  const products: Plan['products'] = [];
  let totalQuantity = 0;
  for (const indexes of groups.values()) {
    const first = records[indexes[0] ?? 0];
    if (!first) continue;
    const product = catalog.find((p) => p.id === first.productId);
    const productCode = first.licenseArn === undefined ? first.productCode : undefined;
    const head = ENVELOPE_BYTES + utf8Length(productCode ?? '');
    const callsBefore = calls.length;
    const push = (recordIndexes: number[], bytes: number): void => {
      calls.push({
        index: calls.length,
        operation: first.operation,
        productId: first.productId,
        ...(productCode !== undefined ? { productCode } : {}),
        recordIndexes,
        bytes,
      });
    };
    let current: number[] = [];
    let bytes = head;
    const byDimension = new Map<string, { records: number; quantity: number }>();
    const customers = new Set<string>();
    for (const i of indexes) {
      const r = records[i];
      if (!r) continue;
      const t = byDimension.get(r.dimension) ?? { records: 0, quantity: 0 };
      t.records += 1;
      t.quantity += r.quantity;
      byDimension.set(r.dimension, t);
      totalQuantity += r.quantity;
      customers.add(r.customerIdentifier ?? r.customerAwsAccountId ?? '');
      const size = wireBytes(r) + 1;
      if (r.operation === 'MeterUsage') {
        push([i], head + size);
        continue;
      }
      if (
        current.length > 0 &&
        (current.length >= BATCH_MAX_RECORDS || bytes + size >= BATCH_MAX_REQUEST_BYTES)
      ) {
        push(current, bytes);
        current = [];
        bytes = head;
      }
      current.push(i);
      bytes += size;
    }
    if (current.length > 0) push(current, bytes);
    products.push({
      productId: first.productId,
      productName: product?.name ?? first.productId,
      operation: first.operation,
      ...(productCode !== undefined ? { productCode } : {}),
      calls: calls.length - callsBefore,
      records: indexes.length,
      customers: first.operation === 'MeterUsage' ? 0 : customers.size,
      dimensions: [...byDimension.entries()]
        .map(([dimension, t]) => ({ dimension, records: t.records, quantity: t.quantity }))
        .sort((a, b) => a.dimension.localeCompare(b.dimension)),
    });
  }
  return {
    calls,
    products,
    totals: { calls: calls.length, records: records.length, quantity: totalQuantity },
  };
}
