// The hour-by-hour picture of a case: what Meterdesk sent (journal), what AWS billed per CloudTrail,
// the invoice that covers the hour, and what should have been billed. A record is billed when AWS
// answered Success with a MeteringRecordId; the same id seen again (a replay, or the same record
// in the journal and in CloudTrail) counts once. The case's own top-ups are corrections, not
// usage, so they are shown apart and never compared with what should have been billed.
import type { CaseHour, InvoiceRef } from '../../../shared/channels/corrections';
import type { JournalRow } from '../../../shared/channels/journal';
import { formatMoney, timesQuantity, type Decimal } from '../../../shared/decimal';
import { batchTimestampViolation } from '../../../shared/aws/metering-rules';
import { billedOnce } from '../../../shared/billing';
import { billingPeriodOf, HOUR_MS, hoursOf, isoHour, periodEnd } from './period';
import type { BilledRow, InvoiceInfo, StoredCase } from './ports';

export type CaseSources = {
  journalRows: readonly JournalRow[];
  billedRows: readonly BilledRow[];
  invoices: readonly InvoiceInfo[];
  /** Days the audit cache holds completely; null when it cannot say. */
  completeDays: Set<string> | null;
};

/** Statuses after which a journaled record did not take the hour (nothing was billed by it). */
const NOT_OCCUPYING = new Set(['Rejected', 'CustomerNotSubscribed']);

type HourUsage = {
  /** Billed records (MeteringRecordId → quantity) as each source shows them. */
  journal: Map<string, number>;
  cloudTrail: Map<string, number>;
  /** Billed once (shared/billing.ts): the first Success of each MeteringRecordId. */
  billed: number;
  /** Answers nobody can call billed or not yet (lost, or a Success without an id). */
  unknown: number;
  eventIds: Set<string>;
  /** Something is billed, or may be (in flight), for the customer and dimension. */
  occupied: boolean;
  topUp: number;
};

export type UsageIndex = Map<number, HourUsage>;

function customerIdsOf(stored: StoredCase): Set<string> {
  const ids = new Set([stored.customer.awsAccountId]);
  if (stored.customer.customerIdentifier !== undefined) ids.add(stored.customer.customerIdentifier);
  return ids;
}

/** The same product: by license under concurrent agreements, else by product code. */
function sameProduct(
  stored: StoredCase,
  row: { productCode?: string | undefined; licenseArn?: string | undefined },
): boolean {
  if (stored.product.identityModel === 'concurrent-agreements') {
    return row.licenseArn !== undefined && row.licenseArn === stored.customer.licenseArn;
  }
  return row.productCode === stored.product.productCode && row.licenseArn === undefined;
}

export function journalRowMatches(stored: StoredCase, row: JournalRow): boolean {
  return (
    row.operation === 'BatchMeterUsage' &&
    row.account === stored.connection.accountId &&
    row.region === stored.connection.region &&
    row.dimension === stored.dimension &&
    customerIdsOf(stored).has(row.customer) &&
    sameProduct(stored, row)
  );
}

export function billedRowMatches(stored: StoredCase, row: BilledRow): boolean {
  const ids = customerIdsOf(stored);
  const customer =
    (row.customerAwsAccountId !== undefined && ids.has(row.customerAwsAccountId)) ||
    (row.customerIdentifier !== undefined && ids.has(row.customerIdentifier));
  return customer && row.dimension === stored.dimension && sameProduct(stored, row);
}

function usageAt(index: UsageIndex, hour: number): HourUsage {
  let usage = index.get(hour);
  if (!usage) {
    usage = {
      journal: new Map(),
      cloudTrail: new Map(),
      billed: 0,
      unknown: 0,
      eventIds: new Set(),
      occupied: false,
      topUp: 0,
    };
    index.set(hour, usage);
  }
  return usage;
}

/** The case's own top-up submissions and the MeteringRecordIds AWS gave their records. */
export function ownTopUps(stored: StoredCase, rows: readonly JournalRow[]) {
  const submissions = new Set(
    stored.entries.flatMap((e) => (e.kind === 'top-up' ? [e.submissionId] : [])),
  );
  const ids = new Set<string>();
  for (const row of rows) {
    if (submissions.has(row.submissionId) && row.meteringRecordId !== undefined) {
      ids.add(row.meteringRecordId);
    }
  }
  return { submissions, ids };
}

/** One record from either source, in the order AWS answered it. */
type Seen = {
  at: number;
  hour: number;
  source: 'journal' | 'cloudTrail';
  status: string;
  meteringRecordId?: string | undefined;
  quantity: number;
  eventId?: string;
};

function seenRecords(stored: StoredCase, sources: CaseSources, index: UsageIndex): Seen[] {
  const own = ownTopUps(stored, sources.journalRows);
  const seen: Seen[] = [];
  for (const row of sources.journalRows) {
    if (!journalRowMatches(stored, row)) continue;
    const hour = Math.floor(Date.parse(row.timestamp) / HOUR_MS) * HOUR_MS;
    if (!Number.isFinite(hour)) continue;
    const usage = usageAt(index, hour);
    if (!NOT_OCCUPYING.has(row.status)) usage.occupied = true;
    if (own.submissions.has(row.submissionId)) {
      if (row.status === 'Success') usage.topUp += row.quantity;
      continue;
    }
    const at = Date.parse(row.at);
    seen.push({
      at,
      hour,
      source: 'journal',
      status: row.status,
      meteringRecordId: row.meteringRecordId,
      quantity: row.quantity,
    });
  }
  for (const row of sources.billedRows) {
    if (row.usageHour === null || !billedRowMatches(stored, row)) continue;
    const usage = usageAt(index, row.usageHour);
    if (row.status === 'Success') usage.occupied = true;
    if (row.meteringRecordId !== undefined && own.ids.has(row.meteringRecordId)) continue;
    seen.push({
      at: row.eventTime,
      hour: row.usageHour,
      source: 'cloudTrail',
      status: row.status,
      meteringRecordId: row.meteringRecordId,
      quantity: row.quantity,
      eventId: row.eventId,
    });
  }
  return seen.sort((a, b) => a.at - b.at);
}

/**
 * Every hour with usage of the case's customer, product and dimension, from both sources,
 * counted with the app's one billed-once definition (shared/billing.ts).
 */
export function usageIndex(stored: StoredCase, sources: CaseSources): UsageIndex {
  const index: UsageIndex = new Map();
  const seen = seenRecords(stored, sources, index);
  const views = billedOnce(seen, (s) => ({
    status: s.status,
    meteringRecordId: s.meteringRecordId,
    // One customer, product and dimension: the hour is the whole usage key.
    key: String(s.hour),
    quantity: s.quantity,
  }));
  seen.forEach((s, i) => {
    const usage = usageAt(index, s.hour);
    const kind = views[i]?.kind;
    if (s.eventId !== undefined && s.status === 'Success') usage.eventIds.add(s.eventId);
    if (kind === 'billed') usage.billed += s.quantity;
    if (kind === 'unknown') usage.unknown += 1;
    if (s.status === 'Success' && s.meteringRecordId !== undefined) {
      const map = s.source === 'journal' ? usage.journal : usage.cloudTrail;
      if (!map.has(s.meteringRecordId)) map.set(s.meteringRecordId, s.quantity);
    }
  });
  return index;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** Billed once per MeteringRecordId across both sources, and where the sources disagree. */
function billedOf(usage: HourUsage | undefined, dayComplete: boolean) {
  if (!usage) return { billed: 0, from: 'none' as const, ids: [], sent: null, trail: null };
  const sent = usage.journal.size > 0 ? sum(usage.journal.values()) : null;
  const trail = usage.cloudTrail.size > 0 ? sum(usage.cloudTrail.values()) : null;
  const from: CaseHour['billedFrom'] =
    sent !== null && trail !== null
      ? 'both'
      : trail !== null
        ? 'cloudtrail'
        : sent !== null
          ? 'journal'
          : 'none';
  const notes: string[] = [];
  for (const [id, quantity] of usage.journal) {
    const other = usage.cloudTrail.get(id);
    if (other !== undefined && other !== quantity) {
      notes.push(
        `Record ${id}: the journal says ${String(quantity)}, CloudTrail ${String(other)}.`,
      );
    } else if (other === undefined && dayComplete) {
      notes.push(
        `Record ${id} is billed per the journal but not in CloudTrail, although the day is synced.`,
      );
    }
  }
  if (usage.unknown > 0) {
    notes.push(
      `${String(usage.unknown)} answer(s) for this hour are unknown (lost, or a Success without a MeteringRecordId): not counted as billed.`,
    );
  }
  return {
    billed: usage.billed,
    from,
    ids: [...new Set([...usage.cloudTrail.keys(), ...usage.journal.keys()])],
    sent,
    trail,
    ...(notes.length === 0 ? {} : { mismatch: notes.join(' ') }),
  };
}

export function invoiceRef(invoice: InvoiceInfo): InvoiceRef {
  return {
    invoiceId: invoice.invoiceId,
    issuedAt: new Date(invoice.issuedAt).toISOString(),
    period: invoice.period,
    amount: invoice.amount,
    maxAdjustmentAmount: invoice.maxAdjustmentAmount,
    currencyCode: invoice.currencyCode,
  };
}

/** The invoice an hour's usage is on: its billing period's first-issued invoice. */
export function invoiceForHour(
  invoices: readonly InvoiceInfo[],
  hour: number,
): InvoiceInfo | undefined {
  const period = billingPeriodOf(hour);
  return invoices
    .filter(
      (i) =>
        i.invoiceType === 'INVOICE' &&
        i.period.year === period.year &&
        i.period.month === period.month,
    )
    .sort((a, b) => a.issuedAt - b.issuedAt)[0];
}

/** AWS still takes a BatchMeterUsage record for some instant of this hour. */
export function hourOpen(hour: number, now: number, marginMs = 0): boolean {
  const latest = Math.min(hour + HOUR_MS - 1, now);
  if (latest < hour) return false;
  return batchTimestampViolation(latest, now + marginMs) === null;
}

export function buildHours(
  stored: StoredCase,
  sources: CaseSources,
  price: Decimal,
  now: number,
  index: UsageIndex = usageIndex(stored, sources),
): CaseHour[] {
  return hoursOf(stored).map((hour): CaseHour => {
    const iso = isoHour(hour);
    const usage = index.get(hour);
    const dayComplete = sources.completeDays?.has(iso.slice(0, 10)) ?? false;
    const billed = billedOf(usage, dayComplete);
    const invoice = invoiceForHour(sources.invoices, hour);
    const correct = stored.correct[iso] ?? null;
    const difference = correct === null ? null : correct - billed.billed;
    return {
      hour: iso,
      sent: billed.sent,
      billedCloudTrail: billed.trail,
      billed: billed.billed,
      topUp: usage?.topUp ?? 0,
      billedFrom: billed.from,
      ...(billed.mismatch === undefined ? {} : { mismatch: billed.mismatch }),
      meteringRecordIds: billed.ids,
      eventIds: [...(usage?.eventIds ?? [])],
      invoice: invoice ? invoiceRef(invoice) : null,
      ...(invoice
        ? {}
        : {
            invoiceExpectedFrom: new Date(periodEnd(billingPeriodOf(hour)))
              .toISOString()
              .slice(0, 10),
          }),
      correct,
      differenceUnits: difference,
      differenceAmount:
        difference === null
          ? null
          : formatMoney(timesQuantity(difference, price), stored.agreement.currencyCode),
      windowOpen: hourOpen(hour, now),
    };
  });
}
