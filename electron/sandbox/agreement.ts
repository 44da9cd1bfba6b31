// The Marketplace Agreement API (AWS JSON 1.0, X-Amz-Target AWSMPCommerceService_v20200301.<Op>,
// signing name aws-marketplace; AWS-FACTS §0.1): SearchAgreements, GetAgreementTerms,
// ListAgreementInvoiceLineItems, BatchCreateBillingAdjustmentRequest, GetBillingAdjustmentRequest
// and ListBillingAdjustmentRequests, over the seeded agreements and the sandbox's own invoices.
// Input is the JSON body as received; failures throw SandboxApiError with the modelled error
// names, statuses and members, so the real SDK raises its own exception classes.
import { randomUUID } from 'node:crypto';
import { AMOUNT_PATTERN, currencyDigits, formatAmount, parseAmount } from './agreement-decimal';
import {
  type AgreementBilling,
  type SandboxAdjustment,
  type SandboxInvoice,
} from './agreement-billing';
import type { SandboxAgreement } from './agreement-world';
import { SandboxApiError } from './errors';

export const AGREEMENT_TARGET_PREFIX = 'AWSMPCommerceService_v20200301.';

export const AGREEMENT_OPERATIONS = [
  'SearchAgreements',
  'GetAgreementTerms',
  'ListAgreementInvoiceLineItems',
  'BatchCreateBillingAdjustmentRequest',
  'GetBillingAdjustmentRequest',
  'ListBillingAdjustmentRequests',
] as const;
export type AgreementOperation = (typeof AGREEMENT_OPERATIONS)[number];

export function agreementOperationOf(target: string): AgreementOperation | undefined {
  if (!target.startsWith(AGREEMENT_TARGET_PREFIX)) return undefined;
  const name = target.slice(AGREEMENT_TARGET_PREFIX.length);
  return AGREEMENT_OPERATIONS.find((op) => op === name);
}

export type AgreementCallContext = {
  billing: AgreementBilling;
  /** The caller's account (the seller, for the built-in key). */
  callerAccountId: string;
  /** Epoch ms, the sandbox clock. */
  now: number;
};

type Json = Record<string, unknown>;

const AGREEMENT_ID_PATTERN = /^[A-Za-z0-9_/-]{1,64}$/;
const REASON_CODES = new Set([
  'INCORRECT_TERMS_ACCEPTED',
  'INCORRECT_METERING',
  'TEST_ENVIRONMENT_CHARGES',
  'ALTERNATIVE_PROCUREMENT_CHANNEL',
  'UNINTENDED_RENEWAL',
  'BUYER_DISSATISFACTION',
  'OTHER',
]);
const STATUSES = new Set(['PENDING', 'COMPLETED', 'VALIDATION_FAILED']);
/** UNVERIFIED: the model sets no list length; the sandbox takes up to 50 entries per call. */
const MAX_ENTRIES = 50;
// The model (API Reference, BatchCreateBillingAdjustmentRequestEntry): clientToken 1‥64 of
// [a-zA-Z0-9-]+, description up to 500 characters of `.+`; request ids are `ba-[a-zA-Z0-9]+`.
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9-]{1,64}$/;
const DESCRIPTION_MAX = 500;
const PAGE_MAX = 50;

function invalid(reason: string, message: string, field?: string): SandboxApiError {
  return new SandboxApiError('ValidationException', message, 400, {
    reason,
    ...(field === undefined ? {} : { fields: [{ name: field, message }] }),
  });
}

function notFound(resourceType: string, resourceId: string): SandboxApiError {
  return new SandboxApiError(
    'ResourceNotFoundException',
    `${resourceType} ${resourceId} was not found.`,
    404,
    { resourceId, resourceType },
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new SandboxApiError('SerializationException', `Field '${key}' must be a string.`, 400);
  }
  return value;
}

function requiredString(body: Json, key: string, reason: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value === '') throw invalid(reason, `${key} is required.`, key);
  return value;
}

function agreementIdOf(body: Json): string {
  const id = requiredString(body, 'agreementId', 'MISSING_AGREEMENT_ID');
  if (!AGREEMENT_ID_PATTERN.test(id)) {
    throw invalid('INVALID_AGREEMENT_ID', `Agreement id ${id} is not valid.`, 'agreementId');
  }
  return id;
}

/** Wire timestamps are epoch seconds; returns epoch ms. */
function optionalTime(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SandboxApiError('SerializationException', `Field '${key}' must be a timestamp.`, 400);
  }
  return value * 1000;
}

const seconds = (ms: number): number => ms / 1000;

/** An agreement the caller is a party to, or ResourceNotFoundException. */
function visibleAgreement(ctx: AgreementCallContext, agreementId: string): SandboxAgreement {
  const agreement = ctx.billing.agreement(agreementId);
  if (
    !agreement ||
    (agreement.proposerAccountId !== ctx.callerAccountId &&
      agreement.acceptorAccountId !== ctx.callerAccountId)
  ) {
    throw notFound('Agreement', agreementId);
  }
  return agreement;
}

/** Opaque page tokens: the offset, base64url. */
function page<T>(items: readonly T[], body: Json): { items: T[]; nextToken?: string } {
  const max = body.maxResults ?? PAGE_MAX;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > PAGE_MAX) {
    throw invalid('INVALID_MAX_RESULTS', `maxResults must be 1 to ${PAGE_MAX}.`, 'maxResults');
  }
  const token = optionalString(body, 'nextToken');
  let offset = 0;
  if (token !== undefined) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0 || offset > items.length) {
      throw invalid('INVALID_NEXT_TOKEN', 'nextToken is not valid.', 'nextToken');
    }
  }
  const slice = items.slice(offset, offset + max);
  const next = offset + max;
  return next < items.length
    ? { items: slice, nextToken: Buffer.from(String(next)).toString('base64url') }
    : { items: slice };
}

// ------------------------------------------------------------------------------------------------
// SearchAgreements

const FILTERS: Record<string, (a: SandboxAgreement, value: string) => boolean> = {
  AgreementType: (_a, value) => value === 'PurchaseAgreement',
  AcceptorAccountId: (a, value) => a.acceptorAccountId === value,
  ResourceIdentifier: (a, value) => a.resourceId === value,
  ResourceType: (a, value) => a.resourceType === value,
  OfferId: (a, value) => a.offerId === value,
  Status: (a, value) => a.status === value,
  LicenseArn: (a, value) => a.licenseArn === value,
};

function parseFilters(body: Json): Map<string, string[]> {
  const raw = body.filters ?? [];
  if (!Array.isArray(raw)) throw invalid('INVALID_FILTERS', 'filters must be a list.', 'filters');
  const filters = new Map<string, string[]>();
  for (const item of raw) {
    if (!isObject(item)) throw invalid('INVALID_FILTERS', 'Each filter must be an object.');
    const name = optionalString(item, 'name');
    if (name === undefined) throw invalid('MISSING_FILTER_NAME', 'A filter has no name.');
    if (name !== 'PartyType' && !(name in FILTERS)) {
      throw invalid('INVALID_FILTER_NAME', `Filter ${name} is not supported.`, 'filters');
    }
    const values = item.values;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      values.some((v) => typeof v !== 'string')
    ) {
      throw invalid('MISSING_FILTER_VALUES', `Filter ${name} needs at least one value.`);
    }
    filters.set(name, values as string[]);
  }
  return filters;
}

function agreementSummary(a: SandboxAgreement): Json {
  return {
    agreementId: a.agreementId,
    acceptanceTime: seconds(a.startTime),
    startTime: seconds(a.startTime),
    agreementType: 'PurchaseAgreement',
    acceptor: { accountId: a.acceptorAccountId },
    proposer: { accountId: a.proposerAccountId },
    proposalSummary: {
      resources: [{ id: a.resourceId, type: a.resourceType }],
      offerId: a.offerId,
    },
    status: a.status,
    ...(a.licenseArn === undefined ? {} : { entitlements: [{ licenseArn: a.licenseArn }] }),
  };
}

function searchAgreements(ctx: AgreementCallContext, body: Json): Json {
  const filters = parseFilters(body);
  const party = filters.get('PartyType');
  if (!party) throw invalid('MISSING_PARTY_TYPE', 'The PartyType filter is required.', 'filters');
  if (party.some((p) => p !== 'Proposer' && p !== 'Acceptor')) {
    throw invalid('INVALID_PARTY_TYPE', 'PartyType must be Proposer or Acceptor.', 'filters');
  }
  if (!filters.has('AgreementType')) {
    throw invalid('INVALID_FILTERS', 'The AgreementType filter is required.', 'filters');
  }
  const matches = ctx.billing.agreements().filter((a) => {
    const isParty = party.some((p) =>
      p === 'Proposer'
        ? a.proposerAccountId === ctx.callerAccountId
        : a.acceptorAccountId === ctx.callerAccountId,
    );
    if (!isParty) return false;
    for (const [name, values] of filters) {
      const test = FILTERS[name];
      if (test && !values.some((value) => test(a, value))) return false;
    }
    return true;
  });
  const { items, nextToken } = page(matches, body);
  return {
    agreementViewSummaries: items.map(agreementSummary),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
}

// ------------------------------------------------------------------------------------------------
// GetAgreementTerms

function getAgreementTerms(ctx: AgreementCallContext, body: Json): Json {
  const agreement = visibleAgreement(ctx, agreementIdOf(body));
  return {
    acceptedTerms: [
      {
        legalTerm: {
          type: 'LegalTerm',
          id: `${agreement.termId}-legal`,
          documents: [{ type: 'StandardEula', url: 'https://sandbox.invalid/eula' }],
        },
      },
      {
        usageBasedPricingTerm: {
          type: 'UsageBasedPricingTerm',
          id: agreement.termId,
          currencyCode: agreement.currencyCode,
          rateCards: [{ rateCard: agreement.rateCard.map((r) => ({ ...r })) }],
        },
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------------
// ListAgreementInvoiceLineItems

/** At least the currency's minor digits, more when the value needs them (up to 8). */
function formatMoney(units: bigint, currencyCode: string): string {
  const minimum = currencyDigits(currencyCode);
  for (let digits = minimum; digits < 8; digits += 1) {
    const text = formatAmount(units, digits);
    if (parseAmount(text) === units) return text;
  }
  return formatAmount(units, 8);
}

function invoiceSummary(ctx: AgreementCallContext, invoice: SandboxInvoice): Json {
  return {
    agreementId: invoice.agreementId,
    invoiceId: invoice.invoiceId,
    pricingCurrencyAmount: {
      amount: invoice.amount,
      maxAdjustmentAmount: formatMoney(ctx.billing.maxAdjustment(invoice), invoice.currencyCode),
      currencyCode: invoice.currencyCode,
    },
    invoiceBillingPeriod: { month: invoice.period.month, year: invoice.period.year },
    issuedTime: seconds(invoice.issuedAt),
    invoiceType: 'INVOICE',
    invoicingEntity: { legalName: 'Amazon Web Services, Inc.' },
  };
}

function listInvoiceLineItems(ctx: AgreementCallContext, body: Json): Json {
  const agreement = visibleAgreement(ctx, agreementIdOf(body));
  const groupBy = optionalString(body, 'groupBy');
  if (groupBy !== 'INVOICE_ID') {
    throw invalid('OTHER', 'groupBy is required and must be INVOICE_ID.', 'groupBy');
  }
  const invoiceId = optionalString(body, 'invoiceId');
  const invoiceType = optionalString(body, 'invoiceType');
  const before = optionalTime(body, 'beforeIssuedTime');
  const after = optionalTime(body, 'afterIssuedTime');
  const period = body.invoiceBillingPeriod;
  if (period !== undefined && !isObject(period)) {
    throw invalid('OTHER', 'invoiceBillingPeriod must be {month, year}.', 'invoiceBillingPeriod');
  }
  const matches = ctx.billing
    .invoices()
    .filter(
      (i) =>
        i.agreementId === agreement.agreementId &&
        (invoiceId === undefined || i.invoiceId === invoiceId) &&
        (invoiceType === undefined || invoiceType === 'INVOICE') &&
        (before === undefined || i.issuedAt < before) &&
        (after === undefined || i.issuedAt > after) &&
        (period === undefined ||
          (i.period.month === period.month && i.period.year === period.year)),
    )
    .sort((a, b) => b.issuedAt - a.issuedAt);
  const { items, nextToken } = page(matches, body);
  return {
    agreementInvoiceLineItemGroupSummaries: items.map((i) => invoiceSummary(ctx, i)),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
}

// ------------------------------------------------------------------------------------------------
// BatchCreateBillingAdjustmentRequest

type Entry = {
  agreementId: string;
  originalInvoiceId: string;
  adjustmentAmount: string;
  amount: bigint;
  currencyCode: string;
  adjustmentReasonCode: string;
  description?: string;
  clientToken: string;
};

/** Shape checks; any failure refuses the whole call (ValidationException). */
function parseEntry(raw: unknown, index: number): Entry {
  const at = `billingAdjustmentRequestEntries.${index + 1}`;
  if (!isObject(raw)) throw invalid('OTHER', `${at} must be an object.`, at);
  const agreementId = agreementIdOf(raw);
  const originalInvoiceId = requiredString(raw, 'originalInvoiceId', 'MISSING_INVOICE_ID');
  if (originalInvoiceId.length > 255) {
    throw invalid('MISSING_INVOICE_ID', 'originalInvoiceId is 1 to 255 characters.', at);
  }
  const adjustmentAmount = requiredString(raw, 'adjustmentAmount', 'MISSING_ADJUSTMENT_AMOUNT');
  const amount = AMOUNT_PATTERN.test(adjustmentAmount) ? parseAmount(adjustmentAmount) : undefined;
  if (amount === undefined || amount <= 0n) {
    throw invalid(
      'INVALID_ADJUSTMENT_AMOUNT',
      `Adjustment amount "${adjustmentAmount}" must be a positive decimal with at most 8 decimals.`,
      `${at}.adjustmentAmount`,
    );
  }
  const currencyCode = requiredString(raw, 'currencyCode', 'MISSING_CURRENCY_CODE');
  if (!/^[A-Z]{3}$/.test(currencyCode)) {
    throw invalid('INVALID_CURRENCY_CODE', `${currencyCode} is not a currency code.`, at);
  }
  const adjustmentReasonCode = requiredString(raw, 'adjustmentReasonCode', 'MISSING_REASON_CODE');
  if (!REASON_CODES.has(adjustmentReasonCode)) {
    throw invalid('INVALID_REASON_CODE', `${adjustmentReasonCode} is not a reason code.`, at);
  }
  const description = optionalString(raw, 'description');
  if (
    description !== undefined &&
    (description.length > DESCRIPTION_MAX || !/^.+$/.test(description))
  ) {
    throw invalid(
      'INVALID_DESCRIPTION',
      `description is 1 to ${String(DESCRIPTION_MAX)} characters on one line.`,
      at,
    );
  }
  const clientToken = requiredString(raw, 'clientToken', 'INVALID_CLIENT_TOKEN');
  if (!CLIENT_TOKEN_PATTERN.test(clientToken)) {
    throw invalid(
      'INVALID_CLIENT_TOKEN',
      'clientToken is 1 to 64 letters, digits and hyphens ([a-zA-Z0-9-]+).',
      at,
    );
  }
  return {
    agreementId,
    originalInvoiceId,
    adjustmentAmount,
    amount,
    currencyCode,
    adjustmentReasonCode,
    ...(description === undefined ? {} : { description }),
    clientToken,
  };
}

const fingerprint = (e: {
  agreementId: string;
  originalInvoiceId: string;
  adjustmentAmount: string;
  currencyCode: string;
  adjustmentReasonCode: string;
  description?: string | undefined;
}): string =>
  JSON.stringify([
    e.agreementId,
    e.originalInvoiceId,
    parseAmount(e.adjustmentAmount)?.toString(),
    e.currencyCode,
    e.adjustmentReasonCode,
    e.description ?? '',
  ]);

type EntryError = { code: string; message: string; clientToken: string };
type Decision = { replay: SandboxAdjustment } | { error: EntryError } | { create: SandboxInvoice };

/** What each entry would do, before anything is written. */
function decide(ctx: AgreementCallContext, entry: Entry, tokensInCall: Set<string>): Decision {
  const error = (code: string, message: string): Decision => ({
    error: { code, message, clientToken: entry.clientToken },
  });
  const previous = ctx.billing.adjustmentByToken(ctx.callerAccountId, entry.clientToken);
  if (previous) {
    return fingerprint(previous) === fingerprint(entry)
      ? { replay: previous }
      : error(
          'CONFLICT_EXCEPTION',
          `Client token ${entry.clientToken} was already used with different parameters.`,
        );
  }
  if (tokensInCall.has(entry.clientToken)) {
    return error('CONFLICT_EXCEPTION', `Client token ${entry.clientToken} appears twice.`);
  }
  tokensInCall.add(entry.clientToken);
  const agreement = ctx.billing.agreement(entry.agreementId);
  if (!agreement || agreement.proposerAccountId !== ctx.callerAccountId) {
    return error('RESOURCE_NOT_FOUND_EXCEPTION', `Agreement ${entry.agreementId} was not found.`);
  }
  const invoice = ctx.billing.invoice(entry.originalInvoiceId);
  if (!invoice) {
    return error(
      'RESOURCE_NOT_FOUND_EXCEPTION',
      `Invoice ${entry.originalInvoiceId} was not found.`,
    );
  }
  if (invoice.currencyCode !== entry.currencyCode) {
    return error(
      'VALIDATION_EXCEPTION',
      `Currency ${entry.currencyCode} does not match the invoice currency ${invoice.currencyCode}.`,
    );
  }
  return { create: invoice };
}

/**
 * An amount above the invoice's maximum refundable amount refuses the whole call synchronously
 * (AWS-FACTS §0.1); earlier entries of the same call against the same invoice count first.
 */
function checkCaps(ctx: AgreementCallContext, entries: Entry[], decisions: Decision[]): void {
  const used = new Map<string, bigint>();
  entries.forEach((entry, i) => {
    const decision = decisions[i];
    if (!decision || !('create' in decision)) return;
    const invoice = decision.create;
    const left = ctx.billing.maxAdjustment(invoice) - (used.get(invoice.invoiceId) ?? 0n);
    if (entry.amount > left) {
      throw invalid(
        'EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT',
        `Adjustment amount ${entry.adjustmentAmount} ${entry.currencyCode} exceeds the maximum adjustment amount ${formatMoney(left, invoice.currencyCode)} ${invoice.currencyCode} of invoice ${invoice.invoiceId}.`,
        `billingAdjustmentRequestEntries.${i + 1}.adjustmentAmount`,
      );
    }
    used.set(invoice.invoiceId, (used.get(invoice.invoiceId) ?? 0n) + entry.amount);
  });
}

function batchCreate(ctx: AgreementCallContext, body: Json): Json {
  const raw = body.billingAdjustmentRequestEntries;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalid(
      'MISSING_BILLING_ADJUSTMENT_REQUEST_ENTRY',
      'billingAdjustmentRequestEntries needs at least one entry.',
      'billingAdjustmentRequestEntries',
    );
  }
  if (raw.length > MAX_ENTRIES) {
    throw invalid(
      'BILLING_ADJUSTMENTS_LIMIT_EXCEEDED',
      `At most ${MAX_ENTRIES} entries per call.`,
      'billingAdjustmentRequestEntries',
    );
  }
  const entries = raw.map(parseEntry);
  const tokens = new Set<string>();
  const decisions = entries.map((entry) => decide(ctx, entry, tokens));
  checkCaps(ctx, entries, decisions);

  const items: Json[] = [];
  const errors: EntryError[] = [];
  const created: SandboxAdjustment[] = [];
  entries.forEach((entry, i) => {
    const decision = decisions[i];
    if (!decision) return;
    if ('error' in decision) {
      errors.push(decision.error);
      return;
    }
    if ('replay' in decision) {
      items.push({
        billingAdjustmentRequestId: decision.replay.billingAdjustmentRequestId,
        clientToken: entry.clientToken,
      });
      return;
    }
    const wrongAgreement = decision.create.agreementId !== entry.agreementId;
    const injected = ctx.billing.failAdjustmentsWith();
    const adjustment: SandboxAdjustment = {
      billingAdjustmentRequestId: `ba-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      clientToken: entry.clientToken,
      callerAccountId: ctx.callerAccountId,
      agreementId: entry.agreementId,
      originalInvoiceId: entry.originalInvoiceId,
      adjustmentAmount: entry.adjustmentAmount,
      currencyCode: entry.currencyCode,
      adjustmentReasonCode: entry.adjustmentReasonCode,
      ...(entry.description === undefined ? {} : { description: entry.description }),
      createdAt: ctx.now,
      settlesAt: ctx.now + ctx.billing.adjustmentDelayMs(),
      outcome: wrongAgreement || injected !== null ? 'VALIDATION_FAILED' : 'COMPLETED',
      ...(wrongAgreement
        ? {
            statusMessage: `Invoice ${entry.originalInvoiceId} does not belong to agreement ${entry.agreementId}.`,
          }
        : injected !== null
          ? { statusMessage: injected }
          : {}),
    };
    created.push(adjustment);
    items.push({
      billingAdjustmentRequestId: adjustment.billingAdjustmentRequestId,
      clientToken: entry.clientToken,
    });
  });
  ctx.billing.addAdjustments(created);
  return { items, errors };
}

// ------------------------------------------------------------------------------------------------
// Get / List billing adjustment requests

function adjustmentView(ctx: AgreementCallContext, a: SandboxAdjustment): Json {
  const { status, updatedAt } = ctx.billing.statusOf(a);
  return {
    billingAdjustmentRequestId: a.billingAdjustmentRequestId,
    agreementId: a.agreementId,
    originalInvoiceId: a.originalInvoiceId,
    adjustmentAmount: a.adjustmentAmount,
    currencyCode: a.currencyCode,
    status,
    createdAt: seconds(a.createdAt),
    updatedAt: seconds(updatedAt),
  };
}

function getAdjustment(ctx: AgreementCallContext, body: Json): Json {
  const agreementId = agreementIdOf(body);
  const id = requiredString(body, 'billingAdjustmentRequestId', 'OTHER');
  const found = ctx.billing
    .adjustments()
    .find(
      (a) =>
        a.billingAdjustmentRequestId === id &&
        a.agreementId === agreementId &&
        a.callerAccountId === ctx.callerAccountId,
    );
  if (!found) throw notFound('BillingAdjustmentRequest', id);
  const view = adjustmentView(ctx, found);
  return {
    ...view,
    adjustmentReasonCode: found.adjustmentReasonCode,
    ...(found.description === undefined ? {} : { description: found.description }),
    ...(view.status === 'VALIDATION_FAILED' && found.statusMessage !== undefined
      ? { statusMessage: found.statusMessage }
      : {}),
  };
}

function listAdjustments(ctx: AgreementCallContext, body: Json): Json {
  const agreementId = optionalString(body, 'agreementId');
  if (agreementId !== undefined) visibleAgreement(ctx, agreementId);
  const status = optionalString(body, 'status');
  if (status !== undefined && !STATUSES.has(status)) {
    throw invalid('INVALID_STATUS', `${status} is not a status.`, 'status');
  }
  const after = optionalTime(body, 'createdAfter');
  const before = optionalTime(body, 'createdBefore');
  const matches = ctx.billing
    .adjustments()
    .filter(
      (a) =>
        a.callerAccountId === ctx.callerAccountId &&
        (agreementId === undefined || a.agreementId === agreementId) &&
        (status === undefined || ctx.billing.statusOf(a).status === status) &&
        (after === undefined || a.createdAt > after) &&
        (before === undefined || a.createdAt < before),
    )
    .sort((a, b) => b.createdAt - a.createdAt);
  const { items, nextToken } = page(matches, body);
  return {
    items: items.map((a) => ({
      ...adjustmentView(ctx, a),
      agreementType: 'PurchaseAgreement',
      catalog: 'AWSMarketplace',
    })),
    ...(nextToken === undefined ? {} : { nextToken }),
  };
}

export function agreementCall(
  ctx: AgreementCallContext,
  operation: AgreementOperation,
  body: Json,
): Json {
  switch (operation) {
    case 'SearchAgreements':
      return searchAgreements(ctx, body);
    case 'GetAgreementTerms':
      return getAgreementTerms(ctx, body);
    case 'ListAgreementInvoiceLineItems':
      return listInvoiceLineItems(ctx, body);
    case 'BatchCreateBillingAdjustmentRequest':
      return batchCreate(ctx, body);
    case 'GetBillingAdjustmentRequest':
      return getAdjustment(ctx, body);
    case 'ListBillingAdjustmentRequests':
      return listAdjustments(ctx, body);
  }
}

// ------------------------------------------------------------------------------------------------
// Admin (bearer token): close-period and the agreements' test knobs

/** Handles an admin route of the Agreement API; undefined when the route is not one of these. */
export function agreementAdmin(
  billing: AgreementBilling,
  route: string,
  input: Json,
): { status: number; body: unknown } | undefined {
  switch (route) {
    case 'POST /_sandbox/close-period': {
      const { period, invoices } = billing.closePeriod();
      return { status: 200, body: { period, invoices } };
    }
    case 'GET /_sandbox/agreements':
      return {
        status: 200,
        body: {
          agreements: billing.agreements(),
          invoices: billing.invoices(),
          adjustments: billing.adjustments().map((a) => ({ ...a, ...billing.statusOf(a) })),
          adjustmentDelayMs: billing.adjustmentDelayMs(),
        },
      };
    case 'PUT /_sandbox/agreement-terms':
      return { status: 200, body: overrideTerms(billing, input) };
    case 'PUT /_sandbox/agreement-settings':
      return { status: 200, body: agreementSettings(billing, input) };
    default:
      return undefined;
  }
}

/**
 * `{adjustmentDelayMs?, failAdjustmentsWith?}`: how long requests stay PENDING, and a message
 * that makes new requests fail the later validation (null: they complete).
 */
function agreementSettings(billing: AgreementBilling, input: Json) {
  const delay = input.adjustmentDelayMs;
  if (delay !== undefined) {
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 600_000) {
      throw new Error('adjustmentDelayMs must be an integer from 0 to 600000.');
    }
    billing.setAdjustmentDelay(delay);
  }
  const fail = input.failAdjustmentsWith;
  if (fail !== undefined) {
    if (fail !== null && (typeof fail !== 'string' || fail === '')) {
      throw new Error('failAdjustmentsWith must be a message or null.');
    }
    billing.setFailAdjustmentsWith(fail);
  }
  return {
    adjustmentDelayMs: billing.adjustmentDelayMs(),
    failAdjustmentsWith: billing.failAdjustmentsWith(),
  };
}

/** `{agreementId, currencyCode?, rateCard?}` replaces those terms; `{agreementId, reset: true}` undoes. */
function overrideTerms(billing: AgreementBilling, input: Json): SandboxAgreement {
  const agreementId = input.agreementId;
  if (typeof agreementId !== 'string' || !billing.agreement(agreementId)) {
    throw new Error('agreementId must name an agreement of the world.');
  }
  if (input.reset === true) {
    billing.overrideTerms(agreementId, null);
  } else {
    const { currencyCode, rateCard } = input;
    if (
      currencyCode !== undefined &&
      (typeof currencyCode !== 'string' || !/^[A-Z]{3}$/.test(currencyCode))
    ) {
      throw new Error('currencyCode must be three capital letters.');
    }
    if (
      rateCard !== undefined &&
      (!Array.isArray(rateCard) ||
        !rateCard.every(
          (r) =>
            isObject(r) &&
            typeof r.dimensionKey === 'string' &&
            typeof r.price === 'string' &&
            parseAmount(r.price) !== undefined,
        ))
    ) {
      throw new Error('rateCard must be a list of {dimensionKey, price} with decimal prices.');
    }
    billing.overrideTerms(agreementId, {
      ...(typeof currencyCode === 'string' ? { currencyCode } : {}),
      ...(Array.isArray(rateCard)
        ? { rateCard: rateCard as { dimensionKey: string; price: string }[] }
        : {}),
    });
  }
  const agreement = billing.agreement(agreementId);
  if (!agreement) throw new Error('The agreement disappeared.');
  return agreement;
}
