// The corrections service: open a case, read it hour by hour, take what should have been billed,
// propose the fix, send it behind the billing guard (journaled first, idempotent client tokens),
// track it to COMPLETED or VALIDATION_FAILED, and export the proof. Pure over its ports.
import type { BillingConfirmation } from '../../../shared/billing-confirmation';
import type { CaseRequest, CaseView, UsageLine } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import type { Product } from '../../../shared/metering';
import { resolveAgreement, resolveCustomer } from './customer';
import { hoursOf, isoHour, parsePeriod } from './period';
import type { CorrectionsBillingPlan, CorrectionsDeps, KnownCustomer, StoredCase } from './ports';
import { correctionRecord } from './record';
import {
  assertNoRefundsInFlight,
  fileRefunds,
  planRefunds,
  trackRefunds,
  unansweredRefunds,
  type RefundEntry,
} from './refunds';
import { planTopUp, refreshTopUps, sendTopUp } from './topups';
import { parseUsageText } from './usage-input';
import { buildView, gather, summaryOf } from './view';

export type CorrectionsService = ReturnType<typeof createCorrectionsService>;

export function createCorrectionsService(deps: CorrectionsDeps) {
  /**
   * One operation per case at a time (reads included): each works on its own copy of the case
   * file and saves it, so two overlapping ones could otherwise write an older copy last.
   */
  const queues = new Map<string, Promise<unknown>>();
  function serial<T>(caseId: string, run: () => Promise<T>): Promise<T> {
    const previous = queues.get(caseId) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(caseId, settled);
    void settled.then(() => {
      if (queues.get(caseId) === settled) queues.delete(caseId);
    });
    return next;
  }

  async function load(caseId: string): Promise<StoredCase> {
    const stored = await deps.cases.get(caseId);
    if (!stored) throw new AppError('NOT_FOUND', `No correction case ${caseId}.`);
    return stored;
  }

  /** A case talks to AWS as the connection it was opened on. */
  async function assertConnection(stored: StoredCase): Promise<void> {
    const active = await deps.connection();
    if (active.id !== stored.connection.id || active.accountId !== stored.connection.accountId) {
      throw new AppError(
        'CONFLICT',
        `This case belongs to connection “${stored.connection.name}” (account ${stored.connection.accountId}); the active connection is “${active.name}”.`,
        { hint: `Switch to “${stored.connection.name}” in the top bar, then open the case again.` },
      );
    }
  }

  async function findProduct(productId: string, dimension: string): Promise<Product> {
    const product = (await deps.products()).find((p) => p.id === productId);
    if (!product) {
      throw new AppError('VALIDATION', `Product ${productId} is not in the catalog.`, {
        hint: 'Pick a product from the catalog on the Metering screen.',
      });
    }
    if (product.kind !== 'saas') {
      throw new AppError(
        'VALIDATION',
        `${product.name} is an ${product.kind === 'ami' ? 'AMI' : 'container'} product: its usage is metered from the buyer’s account (MeterUsage), so the seller cannot top it up.`,
        { hint: 'Corrections cover SaaS products (BatchMeterUsage).' },
      );
    }
    if (!product.dimensions.some((d) => d.name === dimension)) {
      throw new AppError('VALIDATION', `${product.name} has no dimension “${dimension}”.`, {
        hint: `Its dimensions: ${product.dimensions.map((d) => d.name).join(', ')} (case-sensitive).`,
      });
    }
    return product;
  }

  /** Reads every source and status, saves what changed, and returns the view. */
  async function refresh(stored: StoredCase, notes: string[] = []): Promise<CaseView> {
    const before = stored.summary?.state;
    notes.push(...(await trackRefunds(deps, stored)));
    const gathered = await gather(deps, stored);
    refreshTopUps(deps, stored, gathered.sources.journalRows);
    gathered.notes.push(...notes);
    const view = buildView(deps, stored, gathered);
    stored.updatedAt = new Date(deps.now()).toISOString();
    await deps.cases.save(stored);
    // Whoever shows the case list learns that a case moved on (an invoice appeared, a refund
    // completed), whichever reader noticed it.
    if (before !== view.state) deps.onChanged?.(stored.caseId);
    return view;
  }

  async function open(request: CaseRequest): Promise<CaseView> {
    const connection = await deps.connection();
    const now = deps.now();
    const period = parsePeriod(request, now);
    const product = await findProduct(request.productId, request.dimension);
    const customer = resolveCustomer(request.customer, await deps.customers.known(), product);
    const choice = await resolveAgreement(deps.agreements(), {
      customer,
      product,
      dimension: request.dimension,
      agreementId: request.agreementId,
    });
    const at = new Date(now).toISOString();
    const stored: StoredCase = {
      version: 1,
      caseId: `case-${at.slice(0, 10).replace(/-/g, '')}-${deps
        .newId()
        .replace(/[^a-z0-9]/gi, '')
        .slice(0, 8)
        .toLowerCase()}`,
      createdAt: at,
      updatedAt: at,
      request,
      connection,
      customer: {
        ...customer,
        ...(choice.licenseArn === undefined ? {} : { licenseArn: choice.licenseArn }),
      },
      product: {
        productId: product.id,
        name: product.name,
        ...(product.productCode === undefined ? {} : { productCode: product.productCode }),
        identityModel: product.identityModel,
      },
      dimension: request.dimension,
      from: period.from,
      to: period.to,
      agreement: {
        agreementId: choice.agreement.agreementId,
        ...(choice.agreement.offerId === undefined ? {} : { offerId: choice.agreement.offerId }),
        ...(choice.agreement.resourceId === undefined
          ? {}
          : { resourceId: choice.agreement.resourceId }),
        currencyCode: choice.currencyCode,
        price: choice.price,
      },
      correct: {},
      entries: [],
    };
    return refresh(stored);
  }

  async function getNow(caseId: string): Promise<CaseView> {
    const stored = await load(caseId);
    await assertConnection(stored);
    return refresh(stored);
  }

  async function setUsageNow(caseId: string, lines: readonly UsageLine[]): Promise<CaseView> {
    const stored = await load(caseId);
    await assertConnection(stored);
    const hours = new Set(hoursOf(stored).map(isoHour));
    const outside = lines.find((l) => !hours.has(l.hour));
    if (outside) {
      throw new AppError('VALIDATION', `${outside.hour} is not an hour of this case.`, {
        hint: `The case covers ${isoHour(stored.from)} to ${isoHour(stored.to)} (exclusive).`,
      });
    }
    const seen = new Set<string>();
    for (const line of lines) {
      if (seen.has(line.hour)) {
        throw new AppError('VALIDATION', `${line.hour} is given twice.`, {
          hint: 'Give each hour once; nothing was changed.',
        });
      }
      seen.add(line.hour);
    }
    stored.correct = Object.fromEntries(lines.map((l) => [l.hour, l.quantity]));
    return refresh(stored);
  }

  async function parseUsage(caseId: string, text: string) {
    const stored = await load(caseId);
    return parseUsageText(text, stored);
  }

  function sendPlan(stored: StoredCase, view: CaseView): CorrectionsBillingPlan {
    const proposal = view.proposal;
    return {
      action: `Send the corrections of case ${stored.caseId}`,
      caseId: stored.caseId,
      connection: stored.connection,
      dimension: stored.dimension,
      topUps: proposal?.topUp?.records ?? [],
      refunds: (proposal?.refunds ?? []).map((r) => ({
        invoiceId: r.invoice.invoiceId,
        amount: r.amount,
        currencyCode: r.invoice.currencyCode,
        units: r.units,
      })),
    };
  }

  async function sendNow(
    caseId: string,
    proposalId: string,
    confirmation: BillingConfirmation | undefined,
  ): Promise<CaseView> {
    const stored = await load(caseId);
    await assertConnection(stored);
    assertNoRefundsInFlight(stored);
    const before = await refresh(stored);
    const proposal = before.proposal;
    if (!proposal || proposal.proposalId !== proposalId) {
      throw new AppError('CONFLICT', 'The case changed since you reviewed it; nothing was sent.', {
        hint: 'Review the new proposal, then send again.',
      });
    }
    if (proposal.blockers.length > 0) {
      throw new AppError('VALIDATION', `Nothing was sent: ${proposal.blockers.join(' ')}`, {
        details: { blockers: proposal.blockers },
      });
    }
    if (proposal.topUp === null && proposal.refunds.length === 0) {
      throw new AppError('VALIDATION', 'There is nothing to send for this case right now.');
    }
    await deps.guard.check(sendPlan(stored, before), confirmation);
    {
      const at = new Date(deps.now()).toISOString();
      const topUp = proposal.topUp === null ? null : planTopUp(stored, proposal.topUp, at);
      const refunds = planRefunds(stored, proposal.refunds, at);
      // Written down before anything leaves: the entries and their client tokens.
      stored.entries.push(...(topUp ? [topUp] : []), ...refunds);
      await deps.cases.save(stored);
      const notes: string[] = [];
      if (topUp) {
        try {
          await sendTopUp(deps, stored, topUp);
        } catch (error) {
          topUp.status = 'failed';
          topUp.outcomes = topUp.records.map((r) => ({
            key: r.key,
            status: 'NotSent',
            error: error instanceof Error ? error.message : String(error),
          }));
          notes.push(
            `The top-up was not sent: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        await deps.cases.save(stored);
      }
      await fileRefunds(deps, stored, refunds);
      await deps.cases.save(stored);
    }
    deps.onChanged?.(caseId);
    return refresh(stored);
  }

  async function resumeNow(
    caseId: string,
    confirmation: BillingConfirmation | undefined,
  ): Promise<CaseView> {
    const stored = await load(caseId);
    await assertConnection(stored);
    const pending: RefundEntry[] = await unansweredRefunds(deps, stored);
    if (pending.length === 0)
      return refresh(stored, ['Nothing to resume: every refund has its answer.']);
    await deps.guard.check(
      {
        action: `Resend ${String(pending.length)} unanswered refund(s) of case ${caseId}`,
        caseId,
        connection: stored.connection,
        dimension: stored.dimension,
        topUps: [],
        refunds: pending.map((e) => ({
          invoiceId: e.invoiceId,
          amount: e.amount,
          currencyCode: e.currencyCode,
          units: e.hours.reduce((sum, h) => sum + h.units, 0),
          clientToken: e.clientToken,
        })),
      },
      confirmation,
    );
    await fileRefunds(deps, stored, pending);
    await deps.cases.save(stored);
    deps.onChanged?.(caseId);
    return refresh(stored);
  }

  async function exportRecord(caseId: string) {
    const view = await serial(caseId, () => getNow(caseId));
    const ids = view.entries.flatMap((e) =>
      e.kind === 'top-up'
        ? e.outcomes.flatMap((o) => (o.meteringRecordId ? [o.meteringRecordId] : []))
        : [],
    );
    const rows = ids.length === 0 ? [] : await deps.audit.rowsByMeteringRecordId(ids);
    const raws = new Map(
      (await deps.audit.rawEvents([...new Set(rows.map((r) => r.eventId))])).map((r) => [
        r.eventId,
        r.raw,
      ]),
    );
    const foundIds = new Set(rows.map((r) => r.meteringRecordId));
    return correctionRecord({
      view,
      createdAt: deps.now(),
      createdBy: deps.osUser,
      topUpEvidence: {
        found: rows.map((r) => ({
          ...r,
          ...(raws.has(r.eventId) ? { raw: raws.get(r.eventId) } : {}),
        })),
        missing: ids.filter((id) => !foundIds.has(id)),
      },
    });
  }

  /**
   * Every case, newest first. A sent case moves on by itself (PENDING → COMPLETED or
   * VALIDATION_FAILED, a top-up's answers): those on the active connection are re-read, so the
   * list tracks them without each being opened. A case that cannot be read keeps its last state.
   */
  async function list() {
    const cases = await deps.cases.list();
    const active = await deps.connection().catch(() => null);
    const summaries = await Promise.all(
      cases.map(async (c) => {
        const here =
          active !== null &&
          c.connection.id === active.id &&
          c.connection.accountId === active.accountId;
        if (!here || c.summary?.state !== 'sent') return summaryOf(c);
        try {
          return await serial(c.caseId, async () => {
            const stored = await load(c.caseId);
            await refresh(stored);
            return summaryOf(stored);
          });
        } catch {
          return summaryOf(c);
        }
      }),
    );
    return summaries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async function customers(query: string | undefined) {
    const known = await deps.customers.known();
    const byAccount = new Map<string, KnownCustomer>();
    for (const k of known) {
      if (k.awsAccountId === undefined) continue;
      const merged = { ...byAccount.get(k.awsAccountId), ...k };
      byAccount.set(k.awsAccountId, merged);
    }
    const q = (query ?? '').trim().toLowerCase();
    return [...byAccount.values()]
      .filter(
        (k) =>
          q === '' ||
          [k.awsAccountId, k.customerIdentifier, k.name].some((v) => v?.toLowerCase().includes(q)),
      )
      .slice(0, 500)
      .map((k) => ({
        awsAccountId: k.awsAccountId ?? '',
        ...(k.customerIdentifier === undefined ? {} : { customerIdentifier: k.customerIdentifier }),
        ...(k.name === undefined ? {} : { name: k.name }),
      }));
  }

  return {
    open,
    get: (caseId: string) => serial(caseId, () => getNow(caseId)),
    setUsage: (caseId: string, lines: readonly UsageLine[]) =>
      serial(caseId, () => setUsageNow(caseId, lines)),
    parseUsage,
    send: (caseId: string, proposalId: string, confirmation: BillingConfirmation | undefined) =>
      serial(caseId, () => sendNow(caseId, proposalId, confirmation)),
    resume: (caseId: string, confirmation: BillingConfirmation | undefined) =>
      serial(caseId, () => resumeNow(caseId, confirmation)),
    exportRecord,
    list,
    customers,
  };
}
