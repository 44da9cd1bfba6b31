// The corrections service's AgreementApi port over the real MarketplaceAgreementClient (from the
// one client factory): every call waits its turn in the app's pacer, pages are followed to the
// end, and every failure leaves as an AppError from the one error mapper, with the service's own
// reason (e.g. EXCEEDED_MAXIMUM_ADJUSTMENT_AMOUNT) kept in its details.
import {
  BatchCreateBillingAdjustmentRequestCommand,
  GetAgreementTermsCommand,
  GetBillingAdjustmentRequestCommand,
  ListAgreementInvoiceLineItemsCommand,
  SearchAgreementsCommand,
  type AcceptedTerm,
  type AgreementViewSummary,
  type MarketplaceAgreementClient,
} from '@aws-sdk/client-marketplace-agreement';
import { AppError } from '../../../shared/errors';
import type { Pacer } from '../../services/pacing';
import type {
  AgreementApi,
  AgreementInfo,
  InvoiceInfo,
  UsagePricing,
} from '../../services/corrections/ports';
import { AGREEMENT_REGION } from './clients';
import { mapAwsError } from './error-map';

export type AgreementApiOptions = {
  client: MarketplaceAgreementClient;
  pacer: Pacer;
  /** The pacing lane's account: the seller account the connection reaches. */
  accountId: string;
  profile?: string;
};

/** AWS's own reason and fields of a ValidationException, kept for the service. */
function awsExtras(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { reason?: unknown; fields?: unknown; resourceId?: unknown };
  return {
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
    ...(Array.isArray(e.fields) ? { fields: e.fields as unknown[] } : {}),
    ...(typeof e.resourceId === 'string' ? { resourceId: e.resourceId } : {}),
  };
}

function toAppError(error: unknown, operation: string, profile?: string): AppError {
  const mapped = mapAwsError(error, {
    operation,
    region: AGREEMENT_REGION,
    ...(profile === undefined ? {} : { profile }),
  });
  const extras = awsExtras(error);
  if (Object.keys(extras).length === 0) return mapped;
  const awsMessage =
    typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : '';
  return new AppError(
    mapped.code,
    mapped.code === 'AWS_REJECTED' && awsMessage !== ''
      ? `AWS refused ${operation}: ${awsMessage}`
      : mapped.message,
    {
      ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
      ...(mapped.retryable === undefined ? {} : { retryable: mapped.retryable }),
      details: { ...(mapped.details as Record<string, unknown>), ...extras },
      cause: error,
    },
  );
}

function agreementInfo(summary: AgreementViewSummary): AgreementInfo | undefined {
  if (summary.agreementId === undefined) return undefined;
  const resource = summary.proposalSummary?.resources?.[0];
  return {
    agreementId: summary.agreementId,
    ...(summary.status === undefined ? {} : { status: summary.status }),
    ...(summary.proposalSummary?.offerId === undefined
      ? {}
      : { offerId: summary.proposalSummary.offerId }),
    ...(resource?.id === undefined ? {} : { resourceId: resource.id }),
    ...(resource?.type === undefined ? {} : { resourceType: resource.type }),
    ...(summary.acceptor?.accountId === undefined
      ? {}
      : { acceptorAccountId: summary.acceptor.accountId }),
    licenseArns: (summary.entitlements ?? []).flatMap((e) =>
      e.licenseArn === undefined ? [] : [e.licenseArn],
    ),
    ...(summary.startTime === undefined ? {} : { startTime: summary.startTime.getTime() }),
  };
}

function usagePricingOf(terms: readonly AcceptedTerm[]): UsagePricing | null {
  const usage = terms.find((t) => t.usageBasedPricingTerm !== undefined)?.usageBasedPricingTerm;
  if (!usage) return null;
  return {
    ...(usage.currencyCode === undefined ? {} : { currencyCode: usage.currencyCode }),
    rateCard: (usage.rateCards ?? []).flatMap((card) =>
      (card.rateCard ?? []).flatMap((item) =>
        item.dimensionKey === undefined || item.price === undefined
          ? []
          : [{ dimensionKey: item.dimensionKey, price: item.price }],
      ),
    ),
  };
}

export function createAgreementApi(options: AgreementApiOptions): AgreementApi {
  const { client, pacer } = options;

  async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    await pacer.acquire({
      accountId: options.accountId,
      region: AGREEMENT_REGION,
      api: 'MarketplaceAgreement',
    });
    try {
      return await send();
    } catch (error) {
      throw toAppError(error, operation, options.profile);
    }
  }

  return {
    async searchAgreements({ acceptorAccountId, licenseArn }) {
      const found: AgreementInfo[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const out = await call('SearchAgreements', () =>
          client.send(
            new SearchAgreementsCommand({
              filters: [
                { name: 'PartyType', values: ['Proposer'] },
                { name: 'AgreementType', values: ['PurchaseAgreement'] },
                { name: 'AcceptorAccountId', values: [acceptorAccountId] },
                ...(licenseArn === undefined ? [] : [{ name: 'LicenseArn', values: [licenseArn] }]),
              ],
              maxResults: 50,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
          ),
        );
        for (const summary of out.agreementViewSummaries ?? []) {
          const info = agreementInfo(summary);
          if (info) found.push(info);
        }
        nextToken = out.nextToken;
      } while (nextToken !== undefined);
      return found;
    },

    async usagePricing(agreementId) {
      const terms: AcceptedTerm[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const out = await call('GetAgreementTerms', () =>
          client.send(
            new GetAgreementTermsCommand({
              agreementId,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
          ),
        );
        terms.push(...(out.acceptedTerms ?? []));
        nextToken = out.nextToken;
      } while (nextToken !== undefined);
      return usagePricingOf(terms);
    },

    async invoices(agreementId) {
      const invoices: InvoiceInfo[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const out = await call('ListAgreementInvoiceLineItems', () =>
          client.send(
            new ListAgreementInvoiceLineItemsCommand({
              agreementId,
              groupBy: 'INVOICE_ID',
              maxResults: 50,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
          ),
        );
        for (const g of out.agreementInvoiceLineItemGroupSummaries ?? []) {
          const money = g.pricingCurrencyAmount;
          if (
            g.invoiceId === undefined ||
            money?.amount === undefined ||
            money.currencyCode === undefined ||
            g.invoiceBillingPeriod?.month === undefined ||
            g.invoiceBillingPeriod.year === undefined
          ) {
            continue;
          }
          invoices.push({
            invoiceId: g.invoiceId,
            agreementId: g.agreementId ?? agreementId,
            invoiceType: g.invoiceType ?? 'INVOICE',
            amount: money.amount,
            // Absent means AWS says nothing is refundable.
            maxAdjustmentAmount: money.maxAdjustmentAmount ?? '0',
            currencyCode: money.currencyCode,
            period: { year: g.invoiceBillingPeriod.year, month: g.invoiceBillingPeriod.month },
            issuedAt: g.issuedTime?.getTime() ?? 0,
          });
        }
        nextToken = out.nextToken;
      } while (nextToken !== undefined);
      return invoices;
    },

    async createAdjustments(entries) {
      const out = await call('BatchCreateBillingAdjustmentRequest', () =>
        client.send(
          new BatchCreateBillingAdjustmentRequestCommand({
            billingAdjustmentRequestEntries: entries.map((e) => ({ ...e })),
          }),
        ),
      );
      return {
        items: (out.items ?? []).flatMap((i) =>
          i.billingAdjustmentRequestId === undefined || i.clientToken === undefined
            ? []
            : [
                {
                  billingAdjustmentRequestId: i.billingAdjustmentRequestId,
                  clientToken: i.clientToken,
                },
              ],
        ),
        errors: (out.errors ?? []).flatMap((e) =>
          e.clientToken === undefined
            ? []
            : [
                {
                  code: e.code ?? 'INTERNAL_FAILURE',
                  message: e.message ?? '',
                  clientToken: e.clientToken,
                },
              ],
        ),
      };
    },

    async adjustment(agreementId, billingAdjustmentRequestId) {
      const out = await call('GetBillingAdjustmentRequest', () =>
        client.send(
          new GetBillingAdjustmentRequestCommand({ agreementId, billingAdjustmentRequestId }),
        ),
      );
      if (out.status === undefined) {
        throw new AppError('INTERNAL', `AWS gave no status for ${billingAdjustmentRequestId}.`);
      }
      return {
        billingAdjustmentRequestId,
        status: out.status,
        ...(out.statusMessage === undefined ? {} : { statusMessage: out.statusMessage }),
      };
    },
  };
}
