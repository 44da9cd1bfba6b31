// The app proposes the fix; the user decides. From the hour-by-hour differences, minus what this
// case already sent:
// - under-billed hours AWS still accepts records for → one top-up record for the missing units,
//   in the earliest open hour with nothing billed for the customer and dimension (a second record
//   for an hour already billed would be refused as DuplicateRecord);
// - under-billed hours AWS no longer accepts → not meterable: a summary for a private offer or a
//   manual invoice;
// - over-billed hours whose invoice is issued → one billing adjustment request per invoice:
//   units × price, rounded half up to the currency's minor unit, capped at maxAdjustmentAmount;
// - over-billed hours not yet invoiced → waiting for the invoice.
import type { CaseHour, Proposal, RefundProposal } from '../../../shared/channels/corrections';
import {
  formatMoney,
  minDecimal,
  parseDecimal,
  roundToCurrency,
  timesQuantity,
  type Decimal,
} from '../../../shared/decimal';
import { batchTimestampViolation, INT32_MAX } from '../../../shared/aws/metering-rules';
import { sha256Hex } from '../journal/verify';
import { invoiceForHour, invoiceRef, type UsageIndex } from './hours';
import { billingPeriodOf, describeHours, HOUR_MS, isoHour, periodEnd } from './period';
import type { InvoiceInfo, StoredCase } from './ports';

type Covered = { hour: number; units: number };

/** A top-up record must still be inside AWS's window when it arrives: keep this much margin. */
const TOP_UP_MARGIN_MS = 10 * 60_000;
const WINDOW_HOURS = 25;

export type ProposalInput = {
  stored: StoredCase;
  hours: readonly CaseHour[];
  index: UsageIndex;
  invoices: readonly InvoiceInfo[];
  /** Null when the agreement's terms no longer price the dimension. */
  price: Decimal | null;
  now: number;
};

function customerLabel(stored: StoredCase): string {
  const { name, awsAccountId, customerIdentifier } = stored.customer;
  const id =
    customerIdentifier === undefined ? awsAccountId : `${awsAccountId}, ${customerIdentifier}`;
  return name === undefined ? id : `${name} (${id})`;
}

/** Units this case already sent for each hour: refunds (over) and top-ups (under), failed ones excepted. */
function alreadyCovered(stored: StoredCase): {
  over: Map<number, number>;
  under: Map<number, number>;
} {
  const over = new Map<number, number>();
  const under = new Map<number, number>();
  const add = (map: Map<number, number>, hours: { hour: string; units: number }[]): void => {
    for (const h of hours) {
      const at = Date.parse(h.hour);
      map.set(at, (map.get(at) ?? 0) + h.units);
    }
  };
  for (const entry of stored.entries) {
    if (
      entry.kind === 'refund' &&
      entry.status !== 'VALIDATION_FAILED' &&
      entry.status !== 'REJECTED'
    ) {
      add(over, entry.hours);
    }
    if (entry.kind === 'top-up' && entry.status !== 'failed') add(under, entry.covers);
  }
  return { over, under };
}

type Remaining = { openUnder: Covered[]; closedUnder: Covered[]; over: Covered[] };

function remaining(input: ProposalInput): Remaining {
  const covered = alreadyCovered(input.stored);
  const out: Remaining = { openUnder: [], closedUnder: [], over: [] };
  for (const row of input.hours) {
    if (row.differenceUnits === null || row.differenceUnits === 0) continue;
    const hour = Date.parse(row.hour);
    if (row.differenceUnits > 0) {
      const units = row.differenceUnits - (covered.under.get(hour) ?? 0);
      if (units > 0) (row.windowOpen ? out.openUnder : out.closedUnder).push({ hour, units });
    } else {
      const units = -row.differenceUnits - (covered.over.get(hour) ?? 0);
      if (units > 0) out.over.push({ hour, units });
    }
  }
  return out;
}

const totalUnits = (hours: readonly Covered[]): number => hours.reduce((s, h) => s + h.units, 0);
const toWire = (hours: readonly Covered[]) =>
  hours.map((h) => ({ hour: isoHour(h.hour), units: h.units }));

/** A timestamp inside `hour` that AWS accepts now and still will in TOP_UP_MARGIN_MS. */
function topUpTimestamp(hour: number, now: number): number | undefined {
  const ts = Math.max(hour, Math.min(hour + HOUR_MS / 2, now - 60_000));
  if (ts >= hour + HOUR_MS || ts > now) return undefined;
  return batchTimestampViolation(ts, now + TOP_UP_MARGIN_MS) === null ? ts : undefined;
}

/** Open hours with nothing billed (or in flight) for the customer and dimension, earliest first. */
function emptyOpenHours(input: ProposalInput): { hour: number; timestamp: number }[] {
  const current = Math.floor(input.now / HOUR_MS) * HOUR_MS;
  const found: { hour: number; timestamp: number }[] = [];
  for (let hour = current - WINDOW_HOURS * HOUR_MS; hour <= current; hour += HOUR_MS) {
    if (input.index.get(hour)?.occupied === true) continue;
    const timestamp = topUpTimestamp(hour, input.now);
    if (timestamp !== undefined) found.push({ hour, timestamp });
  }
  return found;
}

function proposeTopUp(input: ProposalInput, price: Decimal, under: Covered[]) {
  const units = totalUnits(under);
  if (units === 0) return { topUp: null, leftOver: [] as Covered[] };
  const slots = emptyOpenHours(input);
  const records: { hour: string; timestamp: string; quantity: number }[] = [];
  let left = units;
  for (const slot of slots) {
    if (left === 0) break;
    const quantity = Math.min(left, INT32_MAX);
    records.push({
      hour: isoHour(slot.hour),
      timestamp: new Date(slot.timestamp).toISOString(),
      quantity,
    });
    left -= quantity;
  }
  if (left > 0 || records.length === 0) return { topUp: null, leftOver: under };
  const { stored } = input;
  const explanation =
    `AWS keeps the first quantity reported for a customer, dimension and hour, and refuses a second record for an hour already billed (DuplicateRecord). ` +
    `So the ${units.toLocaleString('en-US')} missing units go into ${records.map((r) => describeHours([Date.parse(r.hour)])).join(', ')}: ` +
    `the earliest hour AWS still accepts that has nothing billed for ${customerLabel(stored)} and ${stored.dimension}. ` +
    `They are billed in that hour, not in the hours they were used (${describeHours(under.map((u) => u.hour))}).`;
  return {
    topUp: {
      records,
      covers: toWire(under),
      units,
      amount: formatMoney(timesQuantity(units, price), stored.agreement.currencyCode),
      explanation,
    },
    leftOver: [] as Covered[],
  };
}

function unmeterableSummary(input: ProposalInput, price: Decimal, hours: Covered[], why: string) {
  const units = totalUnits(hours);
  const { stored } = input;
  const currency = stored.agreement.currencyCode;
  const amount = formatMoney(timesQuantity(units, price), currency);
  return {
    hours: toWire(hours),
    units,
    amount,
    summary:
      `Under-billed usage that AWS can no longer meter (${why}). Customer: ${customerLabel(stored)}. ` +
      `Product: ${stored.product.name}${stored.product.productCode === undefined ? '' : ` (${stored.product.productCode})`}. ` +
      `Agreement: ${stored.agreement.agreementId}. Dimension: ${stored.dimension}. ` +
      `Hours: ${describeHours(hours.map((h) => h.hour))}. ` +
      `${units.toLocaleString('en-US')} units × ${stored.agreement.price} ${currency} = ${amount} ${currency}. ` +
      `Bill it through a private offer or a manual invoice.`,
  };
}

/** AWS takes a description of at most 500 characters (API Reference, the entry's shape). */
export const DESCRIPTION_MAX = 500;

function refundDescription(stored: StoredCase, hours: Covered[], units: number): string {
  const head =
    `Incorrect metering: ${customerLabel(stored)}, dimension ${stored.dimension}, ` +
    `${units.toLocaleString('en-US')} units over-billed in `;
  const every = `${head}${describeHours(hours.map((h) => h.hour))}.`;
  if (every.length <= DESCRIPTION_MAX) return every;
  // Too many separate hours to list: name the span and the count (the record lists each hour).
  const sorted = hours.map((h) => h.hour).sort((a, b) => a - b);
  const first = describeHours(sorted.slice(0, 1));
  const last = describeHours(sorted.slice(-1));
  return `${head}${String(sorted.length)} hours from ${first} to ${last}.`.slice(
    0,
    DESCRIPTION_MAX,
  );
}

function proposeRefunds(input: ProposalInput, price: Decimal, over: Covered[], blockers: string[]) {
  const { stored } = input;
  const currency = stored.agreement.currencyCode;
  const byInvoice = new Map<string, { invoice: InvoiceInfo; hours: Covered[] }>();
  const waitingByPeriod = new Map<string, Covered[]>();
  for (const h of over) {
    const invoice = invoiceForHour(input.invoices, h.hour);
    if (invoice) {
      const group = byInvoice.get(invoice.invoiceId) ?? { invoice, hours: [] };
      group.hours.push(h);
      byInvoice.set(invoice.invoiceId, group);
    } else {
      const p = billingPeriodOf(h.hour);
      const key = `${p.year}-${p.month}`;
      waitingByPeriod.set(key, [...(waitingByPeriod.get(key) ?? []), h]);
    }
  }
  const refunds: RefundProposal[] = [];
  for (const { invoice, hours } of byInvoice.values()) {
    if (invoice.currencyCode !== currency) {
      blockers.push(
        `Invoice ${invoice.invoiceId} is in ${invoice.currencyCode}, but the agreement prices ${stored.dimension} in ${currency}: the refund cannot be computed, so nothing is sent. Check the agreement's terms and the invoice with AWS Marketplace.`,
      );
      continue;
    }
    const units = totalUnits(hours);
    const value = timesQuantity(units, price);
    const max = parseDecimal(invoice.maxAdjustmentAmount) ?? 0n;
    const wanted = roundToCurrency(value, currency);
    const amount = minDecimal(wanted, max);
    if (amount <= 0n) {
      blockers.push(
        `Invoice ${invoice.invoiceId} has nothing left to refund (its maximum adjustment amount is ${invoice.maxAdjustmentAmount} ${currency}).`,
      );
      continue;
    }
    refunds.push({
      invoice: invoiceRef(invoice),
      hours: toWire(hours),
      units,
      value: formatMoney(value, currency),
      amount: formatMoney(amount, currency),
      capped: amount < wanted,
      description: refundDescription(stored, hours, units),
    });
  }
  const waiting = [...waitingByPeriod.values()].map((hours) => {
    const first = hours[0]?.hour ?? input.now;
    const units = totalUnits(hours);
    return {
      period: billingPeriodOf(first),
      hours: toWire(hours),
      units,
      amount: formatMoney(timesQuantity(units, price), currency),
      expectedFrom: new Date(periodEnd(billingPeriodOf(first))).toISOString().slice(0, 10),
    };
  });
  return { refunds, waiting };
}

export function proposalIdOf(stored: StoredCase, proposal: Omit<Proposal, 'proposalId'>): string {
  const actionable = {
    connection: stored.connection.id,
    topUp: proposal.topUp?.records ?? null,
    refunds: proposal.refunds.map((r) => [r.invoice.invoiceId, r.amount, r.hours]),
    blockers: proposal.blockers,
  };
  return `p-${sha256Hex(JSON.stringify(actionable)).slice(0, 20)}`;
}

export function propose(input: ProposalInput): Proposal | null {
  if (input.hours.every((h) => h.correct === null)) return null;
  const blockers: string[] = [];
  const price = input.price;
  if (price === null) {
    const body = {
      topUp: null,
      unmeterable: null,
      refunds: [],
      waiting: [],
      blockers: [
        `The agreement's pricing terms no longer price ${input.stored.dimension}: nothing can be computed or sent. Check the agreement in AWS Marketplace Management Portal.`,
      ],
    };
    return { proposalId: proposalIdOf(input.stored, body), ...body };
  }
  const rest = remaining(input);
  const { topUp, leftOver } = proposeTopUp(input, price, rest.openUnder);
  const unmeterableHours = [...rest.closedUnder, ...leftOver].sort((a, b) => a.hour - b.hour);
  const unmeterable =
    unmeterableHours.length === 0
      ? null
      : unmeterableSummary(
          input,
          price,
          unmeterableHours,
          leftOver.length > 0
            ? 'every hour AWS still accepts already has usage billed for this customer and dimension'
            : 'its hours are older than BatchMeterUsage accepts: 24 hours, and a month closes at 06:00 UTC on the 1st',
        );
  const { refunds, waiting } = proposeRefunds(input, price, rest.over, blockers);
  const body = { topUp, unmeterable, refunds, waiting, blockers };
  return { proposalId: proposalIdOf(input.stored, body), ...body };
}
