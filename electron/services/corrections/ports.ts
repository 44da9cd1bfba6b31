// What the corrections service needs from the world, as ports: the Agreement API, the journal
// (what Meterdesk sent, and the adjustment intents/outcomes), the audit cache (what AWS billed per
// CloudTrail), the catalog, the customer directory, the metering engine for top-ups, the billing
// guard, and the case files. Adapters and the wiring implement them; tests use fakes or the
// sandbox through the real adapters.
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type { CaseEntry, CaseRequest, CaseState } from '../../../shared/channels/corrections';
import type { JournalRow } from '../../../shared/channels/journal';
import type { Product, UsageRecord } from '../../../shared/metering';

// ------------------------------------------------------------------------------------------------
// Agreement API

export type AgreementInfo = {
  agreementId: string;
  status?: string;
  offerId?: string;
  resourceId?: string;
  resourceType?: string;
  acceptorAccountId?: string;
  licenseArns: string[];
  /** Epoch ms. */
  startTime?: number;
};

export type UsagePricing = {
  currencyCode?: string;
  rateCard: { dimensionKey: string; price: string }[];
};

export type InvoiceInfo = {
  invoiceId: string;
  agreementId: string;
  invoiceType: string;
  amount: string;
  maxAdjustmentAmount: string;
  currencyCode: string;
  period: { year: number; month: number };
  /** Epoch ms. */
  issuedAt: number;
};

export type AdjustmentRequest = {
  agreementId: string;
  originalInvoiceId: string;
  adjustmentAmount: string;
  currencyCode: string;
  adjustmentReasonCode: 'INCORRECT_METERING';
  description: string;
  clientToken: string;
};

export type AdjustmentAnswer = {
  items: { billingAdjustmentRequestId: string; clientToken: string }[];
  errors: { code: string; message: string; clientToken: string }[];
};

export type AdjustmentState = {
  billingAdjustmentRequestId: string;
  status: string;
  statusMessage?: string;
};

/** Every failure is an AppError from the one AWS error mapper. */
export type AgreementApi = {
  /** The seller's purchase agreements with this buyer (and license, when given). */
  searchAgreements: (input: {
    acceptorAccountId: string;
    licenseArn?: string;
  }) => Promise<AgreementInfo[]>;
  /** The agreement's usage-based pricing term, or null when it has none. */
  usagePricing: (agreementId: string) => Promise<UsagePricing | null>;
  invoices: (agreementId: string) => Promise<InvoiceInfo[]>;
  createAdjustments: (entries: readonly AdjustmentRequest[]) => Promise<AdjustmentAnswer>;
  adjustment: (agreementId: string, billingAdjustmentRequestId: string) => Promise<AdjustmentState>;
};

// ------------------------------------------------------------------------------------------------
// Journal: adjustments are journaled before they are sent, in the same hash-chained journal as
// metering submissions.

export type JournalScope = { connectionId: string; account: string; region: string };

export type AdjustmentIntent = {
  caseId: string;
  entryId: string;
  request: AdjustmentRequest;
};

export type AdjustmentOutcome = {
  caseId: string;
  entryId: string;
  clientToken: string;
  billingAdjustmentRequestId?: string;
  error?: { code: string; message: string };
};

export type CorrectionsJournal = {
  /** Durable (fsynced) before it resolves: the request may leave only after. */
  intent: (scope: JournalScope, intent: AdjustmentIntent) => Promise<void>;
  outcome: (scope: JournalScope, outcome: AdjustmentOutcome) => Promise<void>;
  /** Intents of this case with no outcome after them (a crash between the two). */
  unanswered: (caseId: string) => Promise<AdjustmentIntent[]>;
  /** The journal's rows (newest first): what Meterdesk sent, including top-ups. */
  rows: () => Promise<readonly JournalRow[]>;
};

// ------------------------------------------------------------------------------------------------
// Audit cache

/** One usage record of a CloudTrail event, as the audit cache keeps it. */
export type BilledRow = {
  eventId: string;
  recordIndex: number;
  /** Epoch ms. */
  eventTime: number;
  /** Epoch ms, the usage hour. */
  usageHour: number | null;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  productCode?: string;
  dimension: string;
  quantity: number;
  status: string;
  meteringRecordId?: string;
};

export type AuditPort = {
  /** Success rows of these customers and dimension with usage hours in [from, to). */
  billedRows: (query: {
    customerIds: readonly string[];
    dimension: string;
    from: number;
    to: number;
  }) => Promise<BilledRow[]>;
  /** The rows carrying these MeteringRecordIds (the CloudTrail proof of top-ups). */
  rowsByMeteringRecordId: (ids: readonly string[]) => Promise<BilledRow[]>;
  /** The raw CloudTrail records of these events, for the correction record. */
  rawEvents: (eventIds: readonly string[]) => Promise<{ eventId: string; raw: string }[]>;
  /** Days (YYYY-MM-DD) of [from, to) the cache holds completely for the account. */
  completeDays: (from: number, to: number) => Promise<Set<string> | null>;
};

// ------------------------------------------------------------------------------------------------
// Customers, catalog, connection

export type KnownCustomer = {
  awsAccountId?: string;
  customerIdentifier?: string;
  name?: string;
  /** Product codes (legacy) this identity was seen with. */
  productCodes?: string[];
};

export type CustomerDirectory = {
  /** Every customer the app knows for the active connection. */
  known: () => Promise<KnownCustomer[]>;
};

export type ActiveConnection = {
  id: string;
  name: string;
  accountId: string;
  region: string;
  isSandbox: boolean;
};

// ------------------------------------------------------------------------------------------------
// Top-ups go through the metering engine like any submission

export type TopUpSender = {
  /** Validates, journals and sends on the active connection; answers once started. */
  submit: (records: UsageRecord[]) => Promise<{ submissionId: string }>;
  running: (submissionId: string) => boolean;
};

// ------------------------------------------------------------------------------------------------
// The billing guard: sending is money

/** Everything one send (or resume) of a case would bill, for the typed confirmation. */
export type CorrectionsBillingPlan = {
  action: string;
  caseId: string;
  connection: ActiveConnection;
  dimension: string;
  topUps: { hour: string; timestamp: string; quantity: number }[];
  refunds: {
    invoiceId: string;
    amount: string;
    currencyCode: string;
    units: number;
    clientToken?: string;
  }[];
};

export type BillingGuard = {
  /**
   * Throws CONFIRMATION_REQUIRED (with the billing preview) unless the phrase and the digest of
   * exactly this plan come with the call; the Sandbox asks nothing.
   */
  check: (
    plan: CorrectionsBillingPlan,
    confirmation: BillingConfirmation | undefined,
  ) => Promise<void>;
  required: (connection: ActiveConnection) => boolean;
};

// ------------------------------------------------------------------------------------------------
// Case files

export type StoredCase = {
  version: 1;
  caseId: string;
  /** ISO times. */
  createdAt: string;
  updatedAt: string;
  request: CaseRequest;
  connection: ActiveConnection;
  customer: {
    awsAccountId: string;
    customerIdentifier?: string;
    licenseArn?: string;
    name?: string;
  };
  product: {
    productId: string;
    name: string;
    productCode?: string;
    identityModel: 'legacy' | 'concurrent-agreements';
  };
  dimension: string;
  /** Epoch ms, whole hours; `to` exclusive. */
  from: number;
  to: number;
  agreement: {
    agreementId: string;
    offerId?: string;
    resourceId?: string;
    currencyCode: string;
    price: string;
  };
  /** What should have been billed, by ISO hour. */
  correct: Record<string, number>;
  entries: CaseEntry[];
  /** As of the last time the case was read, for the case list. */
  summary?: { state: CaseState; differenceUnits: number | null; differenceAmount: string | null };
};

export type CaseStore = {
  list: () => Promise<StoredCase[]>;
  get: (caseId: string) => Promise<StoredCase | undefined>;
  /** Durable and atomic: a crash leaves the old file or the new one. */
  save: (stored: StoredCase) => Promise<void>;
};

export type CorrectionsDeps = {
  agreements: () => AgreementApi;
  journal: CorrectionsJournal;
  audit: AuditPort;
  customers: CustomerDirectory;
  products: () => Promise<Product[]>;
  /** The active connection, its account asked of AWS if need be; throws when there is none. */
  connection: () => Promise<ActiveConnection>;
  topUps: TopUpSender;
  guard: BillingGuard;
  cases: CaseStore;
  /** Wall clock, epoch ms. */
  now: () => number;
  newId: () => string;
  /** Who runs the app (the OS user), named in the correction record. */
  osUser: string;
  onChanged?: (caseId: string) => void;
};
