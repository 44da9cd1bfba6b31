// Reading a case: gather its sources (journal, CloudTrail cache, invoices, the agreement's terms),
// build the hour-by-hour table and the proposal, and derive the case's state from what it sent.
import type {
  CaseState,
  CaseSummary,
  CaseView,
  Proposal,
} from '../../../shared/channels/corrections';
import { formatMoney, parseDecimal, sumDecimals, type Decimal } from '../../../shared/decimal';
import { isAppError } from '../../../shared/errors';
import { buildHours, usageIndex, type CaseSources } from './hours';
import { HOUR_MS, isoHour } from './period';
import { propose } from './proposal';
import type { CorrectionsDeps, StoredCase } from './ports';
import { failedTopUpNotes } from './topups';

const DAY_MS = 24 * HOUR_MS;
/** Top-ups look back over AWS's whole 24-hour window, and a little more. */
const LOOKBACK_MS = 26 * HOUR_MS;

export type Gathered = { sources: CaseSources; price: Decimal | null; notes: string[] };

function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) {
    days.push(isoHour(d).slice(0, 10));
  }
  return days;
}

async function cloudTrailSide(
  deps: CorrectionsDeps,
  stored: StoredCase,
  notes: string[],
): Promise<Pick<CaseSources, 'billedRows' | 'completeDays'>> {
  const now = deps.now();
  const from = Math.min(stored.from, now - LOOKBACK_MS);
  const to = Math.max(stored.to, now + HOUR_MS);
  const customerIds = [stored.customer.awsAccountId];
  if (stored.customer.customerIdentifier !== undefined) {
    customerIds.push(stored.customer.customerIdentifier);
  }
  try {
    const billedRows = await deps.audit.billedRows({
      customerIds,
      dimension: stored.dimension,
      from,
      to,
    });
    const completeDays = await deps.audit.completeDays(stored.from, stored.to);
    const days = daysOf(stored.from, stored.to);
    const missing = completeDays === null ? days : days.filter((d) => !completeDays.has(d));
    if (missing.length > 0) {
      notes.push(
        `The CloudTrail cache is not complete for ${String(missing.length)} of the ${String(days.length)} days of this case (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}): records billed outside Meterdesk may be missing. Sync CloudTrail on the Audit screen, then refresh.`,
      );
    }
    return { billedRows, completeDays };
  } catch (error) {
    notes.push(
      `The CloudTrail cache could not be read (${isAppError(error) ? error.message : String(error)}); billed usage comes from the journal only.`,
    );
    return { billedRows: [], completeDays: null };
  }
}

/** Re-reads every source; updates the case's price and currency from the agreement's terms. */
export async function gather(deps: CorrectionsDeps, stored: StoredCase): Promise<Gathered> {
  const notes: string[] = [];
  const api = deps.agreements();
  const [journalRows, invoices, pricing, trail] = await Promise.all([
    deps.journal.rows(),
    api.invoices(stored.agreement.agreementId),
    api.usagePricing(stored.agreement.agreementId),
    cloudTrailSide(deps, stored, notes),
  ]);
  const item = pricing?.rateCard.find((r) => r.dimensionKey === stored.dimension);
  const price = item === undefined ? null : (parseDecimal(item.price) ?? null);
  if (item !== undefined && pricing?.currencyCode !== undefined) {
    if (
      item.price !== stored.agreement.price ||
      pricing.currencyCode !== stored.agreement.currencyCode
    ) {
      notes.push(
        `The agreement's terms changed since the case was opened: ${stored.agreement.price} ${stored.agreement.currencyCode} → ${item.price} ${pricing.currencyCode} per unit.`,
      );
      stored.agreement.price = item.price;
      stored.agreement.currencyCode = pricing.currencyCode;
    }
  }
  return { sources: { journalRows, invoices, ...trail }, price, notes };
}

/** The state a person sees in the case list. */
export function caseState(stored: StoredCase, proposal: Proposal | null): CaseState {
  const entries = stored.entries;
  const inFlight = entries.some((e) =>
    e.kind === 'refund'
      ? e.status === 'sending' || e.status === 'PENDING'
      : e.status === 'running' || e.status === 'interrupted',
  );
  if (inFlight) return 'sent';
  const failed = entries.some((e) =>
    e.kind === 'refund'
      ? e.status === 'VALIDATION_FAILED' || e.status === 'REJECTED'
      : e.status === 'failed',
  );
  const actionable = proposal !== null && (proposal.topUp !== null || proposal.refunds.length > 0);
  if (failed && actionable) return 'failed';
  if (proposal !== null && proposal.waiting.length > 0) return 'waiting-for-invoice';
  // Usage too old to meter is still owed: the case stays open until the seller bills it another way.
  if (entries.length > 0 && !actionable && proposal?.unmeterable == null) return 'completed';
  return 'open';
}

export function summaryOf(
  stored: StoredCase,
  view?: Pick<CaseView, 'state' | 'differenceUnits' | 'differenceAmount'>,
): CaseSummary {
  const fallback = stored.summary;
  return {
    caseId: stored.caseId,
    state: view?.state ?? fallback?.state ?? 'open',
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    customer: stored.customer,
    productName: stored.product.name,
    dimension: stored.dimension,
    from: isoHour(stored.from),
    to: isoHour(stored.to),
    connectionName: stored.connection.name,
    differenceUnits: view?.differenceUnits ?? fallback?.differenceUnits ?? null,
    differenceAmount: view?.differenceAmount ?? fallback?.differenceAmount ?? null,
    currencyCode: stored.agreement.currencyCode,
  };
}

export function buildView(
  deps: Pick<CorrectionsDeps, 'guard' | 'now'>,
  stored: StoredCase,
  gathered: Gathered,
): CaseView {
  const now = deps.now();
  const index = usageIndex(stored, gathered.sources);
  const hours = buildHours(stored, gathered.sources, gathered.price ?? 0n, now, index);
  const proposal = propose({
    stored,
    hours,
    index,
    invoices: gathered.sources.invoices,
    price: gathered.price,
    now,
  });
  const entered = hours.filter((h) => h.differenceUnits !== null);
  const differenceUnits =
    entered.length === 0 ? null : entered.reduce((s, h) => s + (h.differenceUnits ?? 0), 0);
  const differenceAmount =
    entered.length === 0
      ? null
      : formatMoney(
          sumDecimals(entered.map((h) => parseDecimal(h.differenceAmount ?? '0') ?? 0n)),
          stored.agreement.currencyCode,
        );
  const mismatches = hours.filter((h) => h.mismatch !== undefined).length;
  const notes = [...gathered.notes, ...failedTopUpNotes(stored.entries)];
  if (mismatches > 0) {
    notes.push(
      `The journal and CloudTrail disagree about ${String(mismatches)} hour(s); each record is counted once, and the hours say which.`,
    );
  }
  const state = caseState(stored, proposal);
  stored.summary = { state, differenceUnits, differenceAmount };
  return {
    ...summaryOf(stored, { state, differenceUnits, differenceAmount }),
    product: stored.product,
    connection: stored.connection,
    agreement: stored.agreement,
    hours,
    proposal,
    entries: stored.entries,
    interrupted: stored.entries.filter((e) => e.kind === 'refund' && e.status === 'sending').length,
    notes,
    confirmationRequired: deps.guard.required(stored.connection),
    checkedAt: new Date(now).toISOString(),
  };
}
