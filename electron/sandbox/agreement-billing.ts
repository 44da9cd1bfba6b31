// The sandbox's billing side of agreements: invoices issued per billing period (a calendar month
// in UTC) from the metering ledger, and billing adjustment requests against them. State lives in
// <data>/agreements.json, rewritten atomically on every change.
//
// Issuing: a period's usage is invoiced once the period has closed, on the 2nd of the next month
// at 00:00 UTC (after AWS's late-record cut-off of 06:00 UTC on the 1st), or at once through the
// admin call close-period. An invoice covers the billed records of one agreement not yet on an
// earlier invoice, so usage accepted after an early close lands on a second invoice.
//
// Adjustments: created PENDING; after `adjustmentDelayMs` they settle as COMPLETED, or as
// VALIDATION_FAILED when the invoice belongs to another agreement. An invoice's maximum
// adjustment amount is its amount less every adjustment against it that has not failed.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currencyDigits, formatAmount, parseAmount, roundTo, times } from './agreement-decimal';
import {
  agreementForUsage,
  worldAgreements,
  type SandboxAgreement,
  type SandboxRateCardItem,
} from './agreement-world';
import { writeFileAtomic, type SandboxState } from './state';

export type InvoicePeriod = { year: number; month: number };

export type InvoiceLine = { dimensionKey: string; quantity: number; price: string; amount: string };

export type SandboxInvoice = {
  invoiceId: string;
  agreementId: string;
  period: InvoicePeriod;
  /** Epoch ms. */
  issuedAt: number;
  currencyCode: string;
  /** Rounded to the currency's minor unit. */
  amount: string;
  lines: InvoiceLine[];
  meteringRecordIds: string[];
};

export type AdjustmentStatus = 'PENDING' | 'COMPLETED' | 'VALIDATION_FAILED';

export type SandboxAdjustment = {
  billingAdjustmentRequestId: string;
  clientToken: string;
  /** The account that asked: client tokens are unique per caller account. */
  callerAccountId: string;
  agreementId: string;
  originalInvoiceId: string;
  adjustmentAmount: string;
  currencyCode: string;
  adjustmentReasonCode: string;
  description?: string;
  /** Epoch ms. */
  createdAt: number;
  settlesAt: number;
  /** What PENDING turns into at settlesAt. */
  outcome: 'COMPLETED' | 'VALIDATION_FAILED';
  statusMessage?: string;
};

/** Test knobs: prices or currency of one agreement replaced (e.g. a price missing). */
export type TermsOverride = { currencyCode?: string; rateCard?: SandboxRateCardItem[] };

type Persisted = {
  invoices: SandboxInvoice[];
  adjustments: SandboxAdjustment[];
  overrides: Record<string, TermsOverride>;
  adjustmentDelayMs: number;
  /** Test knob: new requests fail the later validation with this message (AWS's reasons vary). */
  failAdjustmentsWith: string | null;
};

export const DEFAULT_ADJUSTMENT_DELAY_MS = 2_000;
const FILE = 'agreements.json';

export function periodOf(epochMs: number): InvoicePeriod {
  const d = new Date(epochMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** When a period's invoices are issued without a close-period call (epoch ms). */
export function scheduledIssueTime(period: InvoicePeriod): number {
  return Date.UTC(period.year, period.month, 2);
}

const samePeriod = (a: InvoicePeriod, b: InvoicePeriod): boolean =>
  a.year === b.year && a.month === b.month;

export type AgreementBilling = ReturnType<typeof createAgreementBilling>;

export function createAgreementBilling(options: { state: SandboxState; now: () => number }) {
  const { state } = options;
  const path = join(state.dataDir, FILE);
  let data: Persisted = load();
  let cachedWorld: { world: unknown; agreements: SandboxAgreement[] } | undefined;

  function load(): Persisted {
    const empty: Persisted = {
      invoices: [],
      adjustments: [],
      overrides: {},
      adjustmentDelayMs: DEFAULT_ADJUSTMENT_DELAY_MS,
      failAdjustmentsWith: null,
    };
    if (!existsSync(path)) return empty;
    return { ...empty, ...(JSON.parse(readFileSync(path, 'utf8')) as Partial<Persisted>) };
  }

  const save = (): void => writeFileAtomic(path, JSON.stringify(data));

  /** The world's agreements with any test override applied (recomputed when the world changes). */
  function agreements(): SandboxAgreement[] {
    if (cachedWorld?.world !== state.world) {
      cachedWorld = { world: state.world, agreements: worldAgreements(state.world) };
    }
    return cachedWorld.agreements.map((a) => {
      const override = data.overrides[a.agreementId];
      return override ? { ...a, ...override } : a;
    });
  }

  /** Invoices the billed records of `period` not yet invoiced; issued at `issuedAt`. */
  function issue(period: InvoicePeriod, issuedAt: number): SandboxInvoice[] {
    const invoiced = new Set(data.invoices.flatMap((i) => i.meteringRecordIds));
    const all = agreements();
    const byAgreement = new Map<string, { agreement: SandboxAgreement; ids: string[] }>();
    const quantities = new Map<string, Map<string, number>>();
    for (const entry of state.ledger) {
      if (invoiced.has(entry.meteringRecordId)) continue;
      if (!samePeriod(periodOf(Date.parse(entry.hour)), period)) continue;
      const agreement = agreementForUsage(all, entry);
      if (!agreement) continue;
      if (!agreement.rateCard.some((r) => r.dimensionKey === entry.dimension)) continue;
      const group = byAgreement.get(agreement.agreementId) ?? { agreement, ids: [] };
      group.ids.push(entry.meteringRecordId);
      byAgreement.set(agreement.agreementId, group);
      const perDimension = quantities.get(agreement.agreementId) ?? new Map<string, number>();
      perDimension.set(entry.dimension, (perDimension.get(entry.dimension) ?? 0) + entry.quantity);
      quantities.set(agreement.agreementId, perDimension);
    }
    const issued: SandboxInvoice[] = [];
    for (const { agreement, ids } of byAgreement.values()) {
      const digits = currencyDigits(agreement.currencyCode);
      const lines: InvoiceLine[] = [];
      let total = 0n;
      for (const [dimensionKey, quantity] of quantities.get(agreement.agreementId) ?? []) {
        const price = agreement.rateCard.find((r) => r.dimensionKey === dimensionKey)?.price;
        const units = parseAmount(price ?? '');
        if (price === undefined || units === undefined) continue;
        const amount = times(quantity, units);
        total += amount;
        lines.push({ dimensionKey, quantity, price, amount: formatAmount(amount, 8) });
      }
      if (total === 0n) continue;
      issued.push({
        invoiceId: `inv-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        agreementId: agreement.agreementId,
        period,
        issuedAt,
        currencyCode: agreement.currencyCode,
        amount: formatAmount(roundTo(total, digits), digits),
        lines,
        meteringRecordIds: ids,
      });
    }
    if (issued.length > 0) {
      data.invoices.push(...issued);
      save();
    }
    return issued;
  }

  /** Issues every closed period whose scheduled issue time has passed (lazily, on each call). */
  function issueDue(): void {
    const now = options.now();
    const current = periodOf(now);
    const periods = new Map<string, InvoicePeriod>();
    for (const entry of state.ledger) {
      const period = periodOf(Date.parse(entry.hour));
      if (samePeriod(period, current) || scheduledIssueTime(period) > now) continue;
      periods.set(`${period.year}-${period.month}`, period);
    }
    for (const period of periods.values()) issue(period, scheduledIssueTime(period));
  }

  function statusOf(adjustment: SandboxAdjustment): {
    status: AdjustmentStatus;
    updatedAt: number;
  } {
    return options.now() >= adjustment.settlesAt
      ? { status: adjustment.outcome, updatedAt: adjustment.settlesAt }
      : { status: 'PENDING', updatedAt: adjustment.createdAt };
  }

  /** Amount less every adjustment against the invoice that has not failed. */
  function maxAdjustment(invoice: SandboxInvoice): bigint {
    const amount = parseAmount(invoice.amount) ?? 0n;
    const requested = data.adjustments
      .filter((a) => a.originalInvoiceId === invoice.invoiceId && a.outcome !== 'VALIDATION_FAILED')
      .reduce((sum, a) => sum + (parseAmount(a.adjustmentAmount) ?? 0n), 0n);
    const left = amount - requested;
    return left > 0n ? left : 0n;
  }

  return {
    agreements,
    agreement: (agreementId: string) => agreements().find((a) => a.agreementId === agreementId),
    invoices(): readonly SandboxInvoice[] {
      issueDue();
      return data.invoices;
    },
    invoice(invoiceId: string): SandboxInvoice | undefined {
      issueDue();
      return data.invoices.find((i) => i.invoiceId === invoiceId);
    },
    maxAdjustment,
    /** Issues the current period's invoices now. */
    closePeriod(): { period: InvoicePeriod; invoices: SandboxInvoice[] } {
      issueDue();
      const period = periodOf(options.now());
      return { period, invoices: issue(period, options.now()) };
    },
    adjustments: (): readonly SandboxAdjustment[] => data.adjustments,
    adjustmentByToken: (callerAccountId: string, clientToken: string) =>
      data.adjustments.find(
        (a) => a.callerAccountId === callerAccountId && a.clientToken === clientToken,
      ),
    statusOf,
    addAdjustments(adjustments: SandboxAdjustment[]): void {
      if (adjustments.length === 0) return;
      data.adjustments.push(...adjustments);
      save();
    },
    adjustmentDelayMs: () => data.adjustmentDelayMs,
    setAdjustmentDelay(ms: number): void {
      data.adjustmentDelayMs = ms;
      save();
    },
    failAdjustmentsWith: () => data.failAdjustmentsWith,
    setFailAdjustmentsWith(message: string | null): void {
      data.failAdjustmentsWith = message;
      save();
    },
    overrideTerms(agreementId: string, override: TermsOverride | null): void {
      const others = Object.entries(data.overrides).filter(([id]) => id !== agreementId);
      data.overrides = Object.fromEntries(
        override === null ? others : [...others, [agreementId, override]],
      );
      save();
    },
    reset(): void {
      data = {
        invoices: [],
        adjustments: [],
        overrides: {},
        adjustmentDelayMs: DEFAULT_ADJUSTMENT_DELAY_MS,
        failAdjustmentsWith: null,
      };
      save();
    },
  };
}
