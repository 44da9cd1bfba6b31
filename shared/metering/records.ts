// Usage records as Meterdesk handles them: the draft as typed or imported (loose, so the validator
// can say what is wrong), the normalized record the engine sends, and the issues found on the way.
import { z } from 'zod';
import { INT32_MAX } from '../aws/metering-rules';
import { meteringOperationSchema, type MeteringOperation, type Product } from './catalog';

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
  /**
   * What the CSV import found wrong with the line itself (more cells than columns, a broken
   * quote): its fields may sit in the wrong places, so the record stays an error until the person
   * confirms they checked it against the file.
   */
  importProblem: z
    .object({
      code: z.string().max(100),
      line: z.number().int().optional(),
      message: z.string().max(1000),
    })
    .optional(),
  importProblemChecked: z.boolean().optional(),
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

export type BatchValidation = RecordValidation & {
  /** Index of the first record in the set with the same key, when this one repeats it. */
  duplicateOf: number | null;
};
