// Channels and events of the corrections area: a correction case compares, hour by hour, what
// Meterdesk sent, what AWS billed (CloudTrail), what was invoiced and the agreement's price with
// what should have been billed; it proposes top-ups and refunds, sends them behind the billing
// confirmation, tracks them and exports the proof. Every money figure is an exact decimal string.
import { z } from 'zod';
import { billingConfirmationSchema } from '../billing-confirmation';
import { appErrorSchema } from '../errors';
import type { ChannelTable, EventTable } from './table';

/** Plain decimal text, exact (e.g. "12.5", "0.0125", "-3.75"). */
export const moneySchema = z.string().regex(/^-?\d+(\.\d+)?$/);

/** An ISO-8601 UTC hour, e.g. 2026-11-17T05:00:00.000Z. */
export const isoHourSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);

const caseIdSchema = z.string().regex(/^case-[a-z0-9-]{6,60}$/);
const text = (max: number) => z.string().trim().min(1).max(max);

/** A period: a date (whole UTC day) or an ISO date-time with a zone. */
const periodBoundSchema = z
  .string()
  .trim()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'Give a date (2026-11-17) or a date-time with its zone (2026-11-17T05:00Z).',
  );

export const caseRequestSchema = z
  .object({
    /** A CustomerIdentifier, an AWS account id or a customer's name. */
    customer: text(255),
    /** The catalog product (metering:catalog), e.g. "sandbox:<product code>". */
    productId: text(200),
    dimension: text(255),
    /** Start, inclusive. */
    from: periodBoundSchema,
    /** End: a date is inclusive (the whole day), a date-time exclusive. */
    to: periodBoundSchema,
    /** Which agreement, when the customer has several that price the dimension. */
    agreementId: z
      .string()
      .regex(/^[A-Za-z0-9_/-]{1,64}$/)
      .optional(),
  })
  .strict();
export type CaseRequest = z.infer<typeof caseRequestSchema>;

export const caseStateSchema = z.enum([
  'open',
  'waiting-for-invoice',
  'sent',
  'completed',
  'failed',
]);
export type CaseState = z.infer<typeof caseStateSchema>;

export const invoiceRefSchema = z.object({
  invoiceId: z.string(),
  /** ISO time. */
  issuedAt: z.string(),
  period: z.object({ year: z.number().int(), month: z.number().int().min(1).max(12) }),
  amount: moneySchema,
  maxAdjustmentAmount: moneySchema,
  currencyCode: z.string(),
});
export type InvoiceRef = z.infer<typeof invoiceRefSchema>;

export const caseHourSchema = z.object({
  hour: isoHourSchema,
  /** Billed per Meterdesk's journal (AWS answered Success); null when nothing was sent. */
  sent: z.number().int().nullable(),
  /** Billed per CloudTrail, each MeteringRecordId once; null when the cache has no record. */
  billedCloudTrail: z.number().int().nullable(),
  /**
   * Billed usage: every MeteringRecordId seen in the journal or in CloudTrail, each counted once
   * (replays and the same record in both sources are one record).
   */
  billed: z.number().int(),
  /** This case's own top-ups in the hour (not usage, so not compared). */
  topUp: z.number().int(),
  /** Which sources hold the billed records of the hour. */
  billedFrom: z.enum(['both', 'cloudtrail', 'journal', 'none']),
  /** The journal and CloudTrail disagree about this hour. */
  mismatch: z.string().optional(),
  meteringRecordIds: z.array(z.string()),
  eventIds: z.array(z.string()),
  invoice: invoiceRefSchema.nullable(),
  /** The hour's billing period has no invoice yet: when one is expected (ISO date). */
  invoiceExpectedFrom: z.string().optional(),
  /** What should have been billed; null until entered. */
  correct: z.number().int().nullable(),
  /** correct − billed (units); null until `correct` is entered. */
  differenceUnits: z.number().int().nullable(),
  /** differenceUnits × price, exact. */
  differenceAmount: moneySchema.nullable(),
  /** AWS still accepts BatchMeterUsage records for this hour. */
  windowOpen: z.boolean(),
});
export type CaseHour = z.infer<typeof caseHourSchema>;

export const topUpRecordSchema = z.object({
  hour: isoHourSchema,
  /** The usage timestamp sent (inside the hour, inside AWS's window). */
  timestamp: z.string(),
  quantity: z.number().int().positive(),
});

export const coveredHourSchema = z.object({ hour: isoHourSchema, units: z.number().int() });

export const refundProposalSchema = z.object({
  invoice: invoiceRefSchema,
  hours: z.array(coveredHourSchema),
  units: z.number().int().positive(),
  /** units × price, exact. */
  value: moneySchema,
  /** What is asked for: value rounded half up to the currency's minor unit, capped. */
  amount: moneySchema,
  /** The invoice's maximum adjustment amount was lower than the value. */
  capped: z.boolean(),
  description: z.string(),
});
export type RefundProposal = z.infer<typeof refundProposalSchema>;

export const proposalSchema = z.object({
  /** Changes whenever what would be sent changes; corrections:send must name it. */
  proposalId: z.string(),
  topUp: z
    .object({
      records: z.array(topUpRecordSchema).min(1),
      covers: z.array(coveredHourSchema),
      units: z.number().int().positive(),
      amount: moneySchema,
      explanation: z.string(),
    })
    .nullable(),
  /** Under-billed hours AWS no longer accepts records for: not meterable. */
  unmeterable: z
    .object({
      hours: z.array(coveredHourSchema),
      units: z.number().int().positive(),
      amount: moneySchema,
      /** Text for a private offer or a manual invoice. */
      summary: z.string(),
    })
    .nullable(),
  refunds: z.array(refundProposalSchema),
  /** Over-billed hours whose billing period has no invoice yet. */
  waiting: z.array(
    z.object({
      period: z.object({ year: z.number().int(), month: z.number().int() }),
      hours: z.array(coveredHourSchema),
      units: z.number().int().positive(),
      amount: moneySchema,
      expectedFrom: z.string(),
    }),
  ),
  /** Why nothing can be sent yet (each a plain sentence); send refuses while any is present. */
  blockers: z.array(z.string()),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const refundStatusSchema = z.enum([
  /** Journaled; the answer is not known (interrupted): resume sends it again, same clientToken. */
  'sending',
  'PENDING',
  'COMPLETED',
  'VALIDATION_FAILED',
  /** AWS refused the entry when it was filed (per-entry error or a refused call). */
  'REJECTED',
]);
export type RefundStatus = z.infer<typeof refundStatusSchema>;

export const caseEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('refund'),
    entryId: z.string(),
    clientToken: z.string(),
    agreementId: z.string(),
    invoiceId: z.string(),
    amount: moneySchema,
    currencyCode: z.string(),
    description: z.string(),
    hours: z.array(coveredHourSchema),
    status: refundStatusSchema,
    billingAdjustmentRequestId: z.string().optional(),
    statusMessage: z.string().optional(),
    /** What to do next, in plain words, when the refund failed. */
    nextStep: z.string().optional(),
    error: appErrorSchema.optional(),
    sentAt: z.string(),
    updatedAt: z.string(),
  }),
  z.object({
    kind: z.literal('top-up'),
    entryId: z.string(),
    submissionId: z.string(),
    records: z.array(topUpRecordSchema.extend({ key: z.string() })),
    covers: z.array(coveredHourSchema),
    /** running: the submission is sending; billed: every record Success; failed: any refused. */
    status: z.enum(['running', 'billed', 'failed', 'interrupted']),
    outcomes: z.array(
      z.object({
        key: z.string(),
        status: z.string(),
        meteringRecordId: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
    sentAt: z.string(),
    updatedAt: z.string(),
  }),
]);
export type CaseEntry = z.infer<typeof caseEntrySchema>;

export const caseCustomerSchema = z.object({
  awsAccountId: z.string(),
  customerIdentifier: z.string().optional(),
  licenseArn: z.string().optional(),
  name: z.string().optional(),
});

export const caseSummarySchema = z.object({
  caseId: z.string(),
  state: caseStateSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  customer: caseCustomerSchema,
  productName: z.string(),
  dimension: z.string(),
  from: isoHourSchema,
  to: isoHourSchema,
  connectionName: z.string(),
  /** Sum of the case's differences (units and money), once usage is entered. */
  differenceUnits: z.number().int().nullable(),
  differenceAmount: moneySchema.nullable(),
  currencyCode: z.string(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const caseViewSchema = caseSummarySchema.extend({
  product: z.object({
    productId: z.string(),
    name: z.string(),
    productCode: z.string().optional(),
    identityModel: z.enum(['legacy', 'concurrent-agreements']),
  }),
  connection: z.object({
    id: z.string(),
    name: z.string(),
    accountId: z.string(),
    region: z.string(),
    isSandbox: z.boolean(),
  }),
  agreement: z.object({
    agreementId: z.string(),
    offerId: z.string().optional(),
    resourceId: z.string().optional(),
    currencyCode: z.string(),
    /** Price per unit of the case's dimension (agreement terms). */
    price: moneySchema,
  }),
  hours: z.array(caseHourSchema),
  proposal: proposalSchema.nullable(),
  entries: z.array(caseEntrySchema),
  /** Refunds journaled but never answered: corrections:resume sends them again. */
  interrupted: z.number().int().nonnegative(),
  /** Plain sentences about the sources (CloudTrail not synced, a journal/CloudTrail mismatch…). */
  notes: z.array(z.string()),
  /** Whether sending asks for the typed confirmation (every connection but the Sandbox). */
  confirmationRequired: z.boolean(),
  checkedAt: z.string(),
});
export type CaseView = z.infer<typeof caseViewSchema>;

export const usageLineSchema = z.object({
  hour: isoHourSchema,
  quantity: z.number().int().min(0).max(2_147_483_647),
});
export type UsageLine = z.infer<typeof usageLineSchema>;

export const exportFileSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  text: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const correctionsChannels = {
  /** Every case of this data folder, newest first, with its state. */
  'corrections:list': {
    input: z.object({}).strict(),
    output: z.object({ cases: z.array(caseSummarySchema) }),
  },
  /** Customers the app knows (sandbox world, ResolveCustomer history, journal), for the picker. */
  'corrections:customers': {
    input: z.object({ query: z.string().max(255).optional() }).strict(),
    output: z.object({ customers: z.array(caseCustomerSchema) }),
  },
  /** Opens a new case on the active connection: finds the agreement, its price and the hours. */
  'corrections:open': { input: caseRequestSchema, output: caseViewSchema },
  /** A case, re-read from the journal, CloudTrail cache, invoices and adjustment statuses. */
  'corrections:get': {
    input: z.object({ caseId: caseIdSchema }).strict(),
    output: caseViewSchema,
  },
  /** What should have been billed, per hour of the case (replaces earlier values). */
  'corrections:set-usage': {
    input: z.object({ caseId: caseIdSchema, lines: z.array(usageLineSchema).max(2_000) }).strict(),
    output: caseViewSchema,
  },
  /** Reads pasted lines or a CSV of correct usage (hour, quantity); nothing is changed. */
  'corrections:parse-usage': {
    input: z.object({ caseId: caseIdSchema, text: z.string().max(2_000_000) }).strict(),
    output: z.object({
      lines: z.array(usageLineSchema),
      issues: z.array(z.object({ line: z.number().int(), message: z.string() })),
    }),
  },
  /**
   * Sends the proposal the user reviewed (named by proposalId): top-ups through the metering
   * engine, refunds as billing adjustment requests. On every connection but the Sandbox main
   * answers CONFIRMATION_REQUIRED with the billing preview until the call carries the typed
   * phrase and that preview's digest (shared/billing-confirmation.ts).
   */
  'corrections:send': {
    input: z
      .object({
        caseId: caseIdSchema,
        proposalId: z.string().min(1).max(200),
        confirmation: billingConfirmationSchema.optional(),
      })
      .strict(),
    output: caseViewSchema,
  },
  /** Sends again the refunds whose answer was lost, with the same clientToken. */
  'corrections:resume': {
    input: z
      .object({ caseId: caseIdSchema, confirmation: billingConfirmationSchema.optional() })
      .strict(),
    output: caseViewSchema,
  },
  /** The correction record: CSV + JSON, each with its SHA-256, and a manifest. */
  'corrections:export': {
    input: z.object({ caseId: caseIdSchema }).strict(),
    output: z.object({ files: z.array(exportFileSchema) }),
  },
  /** Sandbox connection only: issues the current billing period's invoices now (practice). */
  'corrections:sandbox-close-period': {
    input: z.object({}).strict(),
    output: z.object({
      period: z.object({ year: z.number().int(), month: z.number().int() }),
      invoices: z.number().int().nonnegative(),
    }),
  },
} as const satisfies ChannelTable;

export const correctionsEvents = {
  /** A case changed (sent, a status moved): screens re-read it. */
  'corrections:changed': z.object({ caseId: z.string() }),
} as const satisfies EventTable;
