// The Agreement API through the real MarketplaceAgreementClient over HTTP (AWS-FACTS §0.1):
// agreements and their prices, invoices issued from the ledger per billing period, and billing
// adjustment requests with per-entry errors, idempotent client tokens, the synchronous cap and
// the asynchronous VALIDATION_FAILED.
import {
  BatchCreateBillingAdjustmentRequestCommand,
  GetAgreementTermsCommand,
  GetBillingAdjustmentRequestCommand,
  ListAgreementInvoiceLineItemsCommand,
  ListBillingAdjustmentRequestsCommand,
  MarketplaceAgreementServiceException,
  SearchAgreementsCommand,
  ValidationException,
  type AgreementViewSummary,
  type BatchCreateBillingAdjustmentRequestEntry,
  type MarketplaceAgreementClient,
} from '@aws-sdk/client-marketplace-agreement';
import { BatchMeterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pinnedClock, type PinnedClock } from '../testing/time';
import type { SandboxInvoice } from './agreement-billing';
import type { SandboxAgreement } from './agreement-world';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';

const HOUR = 3_600_000;

type AgreementsState = {
  agreements: SandboxAgreement[];
  invoices: SandboxInvoice[];
  adjustments: { billingAdjustmentRequestId: string; status: string }[];
};

let sb: TestSandbox;
let clock: PinnedClock;
let client: MarketplaceAgreementClient;
let fx: Fixtures;

async function expectAgreementError(
  promise: Promise<unknown>,
  name: string,
  status: number,
): Promise<MarketplaceAgreementServiceException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MarketplaceAgreementServiceException);
    const e = error as MarketplaceAgreementServiceException;
    expect(e.name).toBe(name);
    expect(e.$metadata.httpStatusCode).toBe(status);
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

function reasonOf(error: unknown): string | undefined {
  return error instanceof ValidationException ? error.reason : undefined;
}

async function agreementsState(): Promise<AgreementsState> {
  return (await sb.admin<AgreementsState>('GET', '/_sandbox/agreements')).body;
}

/** The agreement behind the legacy fixture subscription, found the way the app finds it. */
async function legacyAgreement(): Promise<AgreementViewSummary> {
  const out = await client.send(
    new SearchAgreementsCommand({
      filters: [
        { name: 'PartyType', values: ['Proposer'] },
        { name: 'AgreementType', values: ['PurchaseAgreement'] },
        { name: 'AcceptorAccountId', values: [fx.legacySub.customerAwsAccountId] },
      ],
    }),
  );
  const state = await agreementsState();
  const wanted = state.agreements.find(
    (a) =>
      a.productCode === fx.legacy.productCode &&
      a.acceptorAccountId === fx.legacySub.customerAwsAccountId,
  );
  const found = out.agreementViewSummaries?.find((a) => a.agreementId === wanted?.agreementId);
  if (!found) throw new Error('the legacy agreement is not in the search results');
  return found;
}

/** Meters `quantities` (per dimension) one hour apart for the legacy fixture customer. */
async function meter(quantities: Record<string, number>, hoursBack = 3): Promise<void> {
  const metering = sb.metering();
  const top = Math.floor(sb.now() / HOUR) * HOUR;
  await metering.send(
    new BatchMeterUsageCommand({
      ProductCode: fx.legacy.productCode,
      UsageRecords: Object.entries(quantities).map(([dimension, quantity]) => ({
        CustomerIdentifier: fx.legacySub.customerIdentifier,
        Dimension: dimension,
        Quantity: quantity,
        Timestamp: new Date(top - hoursBack * HOUR),
      })),
    }),
  );
}

async function closePeriod(): Promise<SandboxInvoice[]> {
  const answer = await sb.admin<{ invoices: SandboxInvoice[] }>('POST', '/_sandbox/close-period');
  expect(answer.status).toBe(200);
  return answer.body.invoices;
}

function entry(
  overrides: Partial<BatchCreateBillingAdjustmentRequestEntry> &
    Pick<BatchCreateBillingAdjustmentRequestEntry, 'agreementId' | 'originalInvoiceId'>,
): BatchCreateBillingAdjustmentRequestEntry {
  return {
    adjustmentAmount: '1.00',
    currencyCode: 'USD',
    adjustmentReasonCode: 'INCORRECT_METERING',
    description: 'test refund',
    clientToken: `token-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

beforeEach(async () => {
  clock = pinnedClock();
  sb = await startTestSandbox({ now: clock.now });
  client = sb.agreement();
  fx = fixtures((await sb.admin<AdminState>('GET', '/_sandbox/state')).body);
  await sb.admin('PUT', '/_sandbox/agreement-settings', { adjustmentDelayMs: 200 });
});

afterEach(async () => {
  await sb.close();
});

describe('agreements and terms', () => {
  it('finds the seller’s agreements by acceptor account, with the product and offer', async () => {
    const found = await legacyAgreement();
    expect(found.proposer?.accountId).toBe(sb.sandbox.accountId);
    expect(found.acceptor?.accountId).toBe(fx.legacySub.customerAwsAccountId);
    expect(found.agreementType).toBe('PurchaseAgreement');
    expect(found.status).toBe('ACTIVE');
    expect(found.proposalSummary?.resources?.[0]?.type).toBe('SaaSProduct');
    expect(found.proposalSummary?.resources?.[0]?.id).toMatch(/^prod-/);
    expect(found.startTime).toBeInstanceOf(Date);
  });

  it('finds a concurrent-agreements license’s agreement by LicenseArn', async () => {
    const out = await client.send(
      new SearchAgreementsCommand({
        filters: [
          { name: 'PartyType', values: ['Proposer'] },
          { name: 'AgreementType', values: ['PurchaseAgreement'] },
          { name: 'LicenseArn', values: [fx.caSub.licenseArn] },
        ],
      }),
    );
    expect(out.agreementViewSummaries).toHaveLength(1);
    expect(out.agreementViewSummaries?.[0]?.entitlements?.[0]?.licenseArn).toBe(
      fx.caSub.licenseArn,
    );
  });

  it('refuses a search without PartyType with ValidationException and its reason', async () => {
    const error = await expectAgreementError(
      client.send(
        new SearchAgreementsCommand({
          filters: [{ name: 'AgreementType', values: ['PurchaseAgreement'] }],
        }),
      ),
      'ValidationException',
      400,
    );
    expect(reasonOf(error)).toBe('MISSING_PARTY_TYPE');
  });

  it('prices every dimension of the product in the agreement’s usage-based pricing term', async () => {
    const agreement = await legacyAgreement();
    const out = await client.send(
      new GetAgreementTermsCommand({ agreementId: agreement.agreementId }),
    );
    const usage = out.acceptedTerms?.find((t) => t.usageBasedPricingTerm)?.usageBasedPricingTerm;
    expect(usage?.currencyCode).toBe('USD');
    const rateCard = usage?.rateCards?.[0]?.rateCard ?? [];
    expect(rateCard.map((r) => r.dimensionKey).sort()).toEqual(
      fx.legacy.dimensions.map((d) => d.name).sort(),
    );
    for (const item of rateCard) expect(item.price).toMatch(/^\d+\.\d+$/);
  });

  it('answers ResourceNotFoundException (404) for an unknown agreement', async () => {
    const error = await expectAgreementError(
      client.send(new GetAgreementTermsCommand({ agreementId: 'agmt-doesnotexist' })),
      'ResourceNotFoundException',
      404,
    );
    expect(error.message).toContain('agmt-doesnotexist');
  });
});

describe('invoices', () => {
  it('issues nothing before the period closes, then invoices the ledger at the agreement’s prices', async () => {
    const agreement = await legacyAgreement();
    const [dimA, dimB] = fx.legacy.dimensions.map((d) => d.name);
    if (!dimA || !dimB) throw new Error('the legacy product needs two dimensions');
    await meter({ [dimA]: 7, [dimB]: 3 });
    const list = () =>
      client.send(
        new ListAgreementInvoiceLineItemsCommand({
          agreementId: agreement.agreementId,
          groupBy: 'INVOICE_ID',
        }),
      );
    expect((await list()).agreementInvoiceLineItemGroupSummaries ?? []).toHaveLength(0);

    await closePeriod();
    const summaries = (await list()).agreementInvoiceLineItemGroupSummaries ?? [];
    expect(summaries).toHaveLength(1);
    const invoice = summaries[0];
    const state = await agreementsState();
    const prices = state.agreements.find((a) => a.agreementId === agreement.agreementId)?.rateCard;
    const price = (d: string): number => Number(prices?.find((r) => r.dimensionKey === d)?.price);
    // The seeded prices have at most 4 decimals: cents are exact in integers of 1e-4.
    const expected = Math.round((7 * price(dimA) + 3 * price(dimB)) * 100) / 100;
    expect(invoice?.pricingCurrencyAmount?.amount).toBe(expected.toFixed(2));
    expect(invoice?.pricingCurrencyAmount?.maxAdjustmentAmount).toBe(expected.toFixed(2));
    expect(invoice?.pricingCurrencyAmount?.currencyCode).toBe('USD');
    const now = new Date(sb.now());
    expect(invoice?.invoiceBillingPeriod).toEqual({
      month: now.getUTCMonth() + 1,
      year: now.getUTCFullYear(),
    });
    expect(invoice?.invoiceType).toBe('INVOICE');
    expect(invoice?.issuedTime).toBeInstanceOf(Date);
  });

  it('invoices a closed period by itself on the 2nd of the next month', async () => {
    const agreement = await legacyAgreement();
    const dim = fx.legacy.dimensions[0]?.name ?? '';
    await meter({ [dim]: 5 });
    const now = new Date(sb.now());
    const secondOfNext = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2);
    clock.advance(secondOfNext - sb.now() + HOUR);
    const out = await client.send(
      new ListAgreementInvoiceLineItemsCommand({
        agreementId: agreement.agreementId,
        groupBy: 'INVOICE_ID',
      }),
    );
    const issued = out.agreementInvoiceLineItemGroupSummaries?.[0];
    expect(issued?.issuedTime?.getTime()).toBe(secondOfNext);
  });

  it('refuses a listing without groupBy INVOICE_ID', async () => {
    const agreement = await legacyAgreement();
    await expectAgreementError(
      client.send(
        new ListAgreementInvoiceLineItemsCommand({
          agreementId: agreement.agreementId,
          groupBy: undefined,
        }),
      ),
      'ValidationException',
      400,
    );
  });
});

describe('billing adjustment requests', () => {
  let agreementId: string;
  let invoice: SandboxInvoice;

  beforeEach(async () => {
    agreementId = (await legacyAgreement()).agreementId ?? '';
    const dim = fx.legacy.dimensions[0]?.name ?? '';
    await meter({ [dim]: 4000 });
    const [issued] = await closePeriod();
    if (!issued) throw new Error('no invoice was issued');
    invoice = issued;
  });

  const create = (entries: BatchCreateBillingAdjustmentRequestEntry[]) =>
    client.send(
      new BatchCreateBillingAdjustmentRequestCommand({ billingAdjustmentRequestEntries: entries }),
    );

  const get = (id: string) =>
    client.send(
      new GetBillingAdjustmentRequestCommand({ agreementId, billingAdjustmentRequestId: id }),
    );

  async function settled(id: string): Promise<string | undefined> {
    for (let i = 0; i < 50; i += 1) {
      const status = (await get(id)).status;
      if (status !== 'PENDING') return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'PENDING';
  }

  it('moves a request PENDING → COMPLETED and lowers the invoice’s maximum adjustment', async () => {
    const out = await create([
      entry({ agreementId, originalInvoiceId: invoice.invoiceId, adjustmentAmount: '0.01' }),
    ]);
    expect(out.errors).toEqual([]);
    const id = out.items?.[0]?.billingAdjustmentRequestId ?? '';
    const first = await get(id);
    expect(first.status).toBe('PENDING');
    expect(first.adjustmentAmount).toBe('0.01');
    expect(first.adjustmentReasonCode).toBe('INCORRECT_METERING');
    expect(first.originalInvoiceId).toBe(invoice.invoiceId);
    expect(await settled(id)).toBe('COMPLETED');
    const listed = await client.send(
      new ListAgreementInvoiceLineItemsCommand({ agreementId, groupBy: 'INVOICE_ID' }),
    );
    const amount = Number(invoice.amount);
    expect(
      listed.agreementInvoiceLineItemGroupSummaries?.[0]?.pricingCurrencyAmount
        ?.maxAdjustmentAmount,
    ).toBe((Math.round(amount * 100 - 1) / 100).toFixed(2));
  });

  it('answers a repeated client token with the same request, and never files a second one', async () => {
    const token = 'case-1-entry-1';
    const e = entry({ agreementId, originalInvoiceId: invoice.invoiceId, clientToken: token });
    const first = await create([e]);
    const again = await create([e]);
    expect(again.items?.[0]?.billingAdjustmentRequestId).toBe(
      first.items?.[0]?.billingAdjustmentRequestId,
    );
    expect((await agreementsState()).adjustments).toHaveLength(1);
  });

  it('reports per-entry errors: a reused token with other terms, an unknown invoice, a currency mismatch', async () => {
    await create([
      entry({ agreementId, originalInvoiceId: invoice.invoiceId, clientToken: 'used' }),
    ]);
    const out = await create([
      entry({
        agreementId,
        originalInvoiceId: invoice.invoiceId,
        clientToken: 'used',
        adjustmentAmount: '2.00',
      }),
      entry({ agreementId, originalInvoiceId: 'inv-unknown', clientToken: 'unknown-invoice' }),
      entry({
        agreementId,
        originalInvoiceId: invoice.invoiceId,
        clientToken: 'euro',
        currencyCode: 'EUR',
      }),
      entry({ agreementId, originalInvoiceId: invoice.invoiceId, clientToken: 'fine' }),
    ]);
    const codes = Object.fromEntries(
      (out.errors ?? []).map((e): [string, string] => [e.clientToken ?? '', e.code ?? '']),
    );
    expect(codes).toEqual({
      used: 'CONFLICT_EXCEPTION',
      'unknown-invoice': 'RESOURCE_NOT_FOUND_EXCEPTION',
      euro: 'VALIDATION_EXCEPTION',
    });
    expect(out.items?.map((i) => i.clientToken)).toEqual(['fine']);
  });

  it('refuses an amount above the maximum refundable amount synchronously, filing nothing', async () => {
    const over = (Number(invoice.amount) + 0.01).toFixed(2);
    const error = await expectAgreementError(
      create([
        entry({ agreementId, originalInvoiceId: invoice.invoiceId, clientToken: 'ok-one' }),
        entry({ agreementId, originalInvoiceId: invoice.invoiceId, adjustmentAmount: over }),
      ]),
      'ValidationException',
      400,
    );
    expect(reasonOf(error)).toBe('EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT');
    expect(error.message).toContain(invoice.invoiceId);
    expect((await agreementsState()).adjustments).toHaveLength(0);
  });

  it('refuses a description over 500 characters and a client token outside [a-zA-Z0-9-]', async () => {
    const description = await expectAgreementError(
      create([
        entry({ agreementId, originalInvoiceId: invoice.invoiceId, description: 'x'.repeat(501) }),
      ]),
      'ValidationException',
      400,
    );
    expect(reasonOf(description)).toBe('INVALID_DESCRIPTION');
    for (const clientToken of ['case_1', 'case 1', 'x'.repeat(65)]) {
      const token = await expectAgreementError(
        create([entry({ agreementId, originalInvoiceId: invoice.invoiceId, clientToken })]),
        'ValidationException',
        400,
      );
      expect(reasonOf(token)).toBe('INVALID_CLIENT_TOKEN');
    }
    const ok = await create([
      entry({ agreementId, originalInvoiceId: invoice.invoiceId, description: 'x'.repeat(500) }),
    ]);
    expect(ok.items?.[0]?.billingAdjustmentRequestId).toMatch(/^ba-[a-zA-Z0-9]+$/);
  });

  it('refuses a malformed amount with INVALID_ADJUSTMENT_AMOUNT', async () => {
    for (const adjustmentAmount of ['-1.00', '1.123456789', '1,00', '0']) {
      const error = await expectAgreementError(
        create([entry({ agreementId, originalInvoiceId: invoice.invoiceId, adjustmentAmount })]),
        'ValidationException',
        400,
      );
      expect(reasonOf(error)).toBe('INVALID_ADJUSTMENT_AMOUNT');
    }
  });

  it('fails a request against another agreement’s invoice later, with VALIDATION_FAILED and a message', async () => {
    const state = await agreementsState();
    const other = state.agreements.find(
      (a) => a.agreementId !== agreementId && a.proposerAccountId === sb.sandbox.accountId,
    );
    if (!other) throw new Error('the world has only one agreement');
    const out = await create([
      entry({ agreementId: other.agreementId, originalInvoiceId: invoice.invoiceId }),
    ]);
    const id = out.items?.[0]?.billingAdjustmentRequestId ?? '';
    expect(out.errors).toEqual([]);
    const pending = await client.send(
      new GetBillingAdjustmentRequestCommand({
        agreementId: other.agreementId,
        billingAdjustmentRequestId: id,
      }),
    );
    expect(pending.status).toBe('PENDING');
    expect(pending.statusMessage).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const failed = await client.send(
      new GetBillingAdjustmentRequestCommand({
        agreementId: other.agreementId,
        billingAdjustmentRequestId: id,
      }),
    );
    expect(failed.status).toBe('VALIDATION_FAILED');
    expect(failed.statusMessage).toContain(invoice.invoiceId);
  });

  it('fails new requests later with the message an admin sets, as AWS’s own checks may', async () => {
    await sb.admin('PUT', '/_sandbox/agreement-settings', {
      failAdjustmentsWith: 'Not refundable.',
    });
    const out = await create([entry({ agreementId, originalInvoiceId: invoice.invoiceId })]);
    const id = out.items?.[0]?.billingAdjustmentRequestId ?? '';
    expect(await settled(id)).toBe('VALIDATION_FAILED');
    expect((await get(id)).statusMessage).toBe('Not refundable.');
  });

  it('lists an agreement’s requests by status', async () => {
    const out = await create([entry({ agreementId, originalInvoiceId: invoice.invoiceId })]);
    const id = out.items?.[0]?.billingAdjustmentRequestId;
    const pending = await client.send(
      new ListBillingAdjustmentRequestsCommand({ agreementId, status: 'PENDING' }),
    );
    expect(pending.items?.map((i) => i.billingAdjustmentRequestId)).toEqual([id]);
    expect(pending.items?.[0]?.catalog).toBe('AWSMarketplace');
    await settled(id ?? '');
    const completed = await client.send(
      new ListBillingAdjustmentRequestsCommand({ agreementId, status: 'COMPLETED' }),
    );
    expect(completed.items?.map((i) => i.billingAdjustmentRequestId)).toEqual([id]);
  });

  it('keeps invoices and requests across a restart, and reset clears them', async () => {
    const out = await create([entry({ agreementId, originalInvoiceId: invoice.invoiceId })]);
    const id = out.items?.[0]?.billingAdjustmentRequestId ?? '';
    await sb.close(true);
    sb = await startTestSandbox({ now: clock.now, dataDir: sb.dataDir });
    client = sb.agreement();
    expect((await get(id)).originalInvoiceId).toBe(invoice.invoiceId);
    await sb.admin('POST', '/_sandbox/reset');
    const state = await agreementsState();
    expect(state.invoices).toHaveLength(0);
    expect(state.adjustments).toHaveLength(0);
  });
});
