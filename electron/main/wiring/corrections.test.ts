// Corrections end to end through the real core (router, journal, metering engine, audit area)
// and the real MarketplaceAgreementClient against the sandbox: a refund right to the cent, the
// cap, waiting for the invoice, a top-up in the right hour, usage too old to meter, a crash
// between the journal entry and the answer, VALIDATION_FAILED, bad input, and the typed
// confirmation on a real connection. Times come from the pinned clock.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { BatchCreateBillingAdjustmentRequestCommand } from '@aws-sdk/client-marketplace-agreement';
import { BatchMeterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseView } from '../../../shared/channels/corrections';
import type { Channel, ChannelOutput } from '../../../shared/contract';
import { previewFromError } from '../../../shared/billing-confirmation';
import type { AppErrorShape } from '../../../shared/errors';
import type { UsageRecord } from '../../../shared/metering';
import { createMemoryLogger } from '../../core/logger';
import { createMemoryStore } from '../../adapters/storage/memory-store';
import { correctionCasesDir } from '../../adapters/storage/correction-cases';
import type { SandboxAgreement } from '../../sandbox/agreement-world';
import type { SandboxInvoice } from '../../sandbox/agreement-billing';
import {
  startTestSandbox,
  type AdminState,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import type { AgreementApi } from '../../services/corrections/ports';
import { SANDBOX_ID_PREFIX } from '../../services/metering/catalog';
import { pinnedClock, type PinnedClock } from '../../testing/time';
import { startCore, type Core } from '../core';

const HOUR = 3_600_000;
const PRICE = '0.0125';
const PHRASE = 'submissions are final';

type Adjustment = {
  billingAdjustmentRequestId: string;
  clientToken: string;
  adjustmentAmount: string;
  adjustmentReasonCode: string;
  description?: string;
  originalInvoiceId: string;
  status: string;
};
type AgreementsState = {
  agreements: SandboxAgreement[];
  invoices: SandboxInvoice[];
  adjustments: Adjustment[];
};

type Harness = {
  core: Core;
  t: TestSandbox;
  clock: PinnedClock;
  dataDir: string;
  productCode: string;
  productId: string;
  dimension: string;
  accountId: string;
  customerIdentifier: string;
  agreementId: string;
  /** The top of the current hour minus `k` hours. */
  hour: (k: number) => number;
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startCoreOn(
  h: Pick<Harness, 't' | 'clock' | 'dataDir'>,
  wrap?: (api: AgreementApi) => AgreementApi,
) {
  const core = await startCore({
    host: 'browser',
    dataDir: h.dataDir,
    settingsStore: createMemoryStore(),
    logger: createMemoryLogger(),
    sandbox: h.t.sandbox,
    now: h.clock.now,
    ...(wrap === undefined ? {} : { corrections: { wrapAgreements: wrap } }),
  });
  return core;
}

/** A sandbox, a core on it, and a legacy customer whose dimension costs 0.0125 USD. */
async function boot(wrap?: (api: AgreementApi) => AgreementApi): Promise<Harness> {
  const clock = pinnedClock();
  const t = await startTestSandbox({ now: clock.now });
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-corrections-'));
  const core = await startCoreOn({ t, clock, dataDir }, wrap);
  const closer = { core };
  cleanups.push(async () => {
    await closer.core.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  const state = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
  const product = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const suspended = new Set(state.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  const sub = state.subscriptions.find(
    (s) =>
      s.productCode === product?.productCode &&
      s.status === 'active' &&
      s.customerIdentifier !== undefined &&
      !suspended.has(s.customerAwsAccountId) &&
      s.activatedAt < clock.now() - 5 * 24 * HOUR,
  );
  const dimension = product?.dimensions[0]?.name;
  if (!product || !sub?.customerIdentifier || !dimension) throw new Error('no fixture');
  const agreements = (await t.admin<AgreementsState>('GET', '/_sandbox/agreements')).body;
  const agreement = agreements.agreements.find(
    (a) =>
      a.productCode === product.productCode && a.acceptorAccountId === sub.customerAwsAccountId,
  );
  if (!agreement) throw new Error('no agreement');
  await t.admin('PUT', '/_sandbox/agreement-terms', {
    agreementId: agreement.agreementId,
    rateCard: agreement.rateCard.map((r) =>
      r.dimensionKey === dimension ? { ...r, price: PRICE } : r,
    ),
  });
  await t.admin('PUT', '/_sandbox/agreement-settings', { adjustmentDelayMs: 300 });
  const base = () => Math.floor(clock.now() / HOUR) * HOUR;
  const h: Harness = {
    core,
    t,
    clock,
    dataDir,
    productCode: product.productCode,
    productId: `${SANDBOX_ID_PREFIX}${product.productCode}`,
    dimension,
    accountId: sub.customerAwsAccountId,
    customerIdentifier: sub.customerIdentifier,
    agreementId: agreement.agreementId,
    hour: (k) => base() - k * HOUR,
  };
  Object.defineProperty(h, 'core', {
    get: () => closer.core,
    set: (next: Core) => {
      closer.core = next;
    },
  });
  return h;
}

async function call<C extends Channel>(
  h: Harness,
  channel: C,
  input: unknown,
): Promise<ChannelOutput<C>> {
  const result = await h.core.router.call(channel, input, { host: 'test' });
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.value as ChannelOutput<C>;
}

async function refused(h: Harness, channel: Channel, input: unknown): Promise<AppErrorShape> {
  const result = await h.core.router.call(channel, input, { host: 'test' });
  if (result.ok) throw new Error(`${channel} was expected to fail`);
  return result.error;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Meters through the app (Sandbox connection): quantity per hour, 10 minutes into the hour, by
 * CustomerIdentifier unless `byAccount` (legacy products take either).
 */
async function meter(
  h: Harness,
  usage: { hour: number; quantity: number; minutes?: number }[],
  byAccount = false,
) {
  const records: UsageRecord[] = usage.map((u) => ({
    productId: h.productId,
    operation: 'BatchMeterUsage',
    productCode: h.productCode,
    ...(byAccount
      ? { customerAwsAccountId: h.accountId }
      : { customerIdentifier: h.customerIdentifier }),
    dimension: h.dimension,
    quantity: u.quantity,
    timestamp: iso(u.hour + (u.minutes ?? 10) * 60_000),
  }));
  const { submissionId } = await call(h, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records,
  });
  for (let i = 0; i < 200; i += 1) {
    const status = await call(h, 'metering:submission-status', { submissionId });
    if (status.state !== 'running') {
      expect(status.outcomes.map((o) => o.status)).toEqual(records.map(() => 'Success'));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the submission did not finish');
}

const openCase = (h: Harness, fromK: number, toK: number, extra: Record<string, unknown> = {}) =>
  call(h, 'corrections:open', {
    customer: h.accountId,
    productId: h.productId,
    dimension: h.dimension,
    from: iso(h.hour(fromK)),
    to: iso(h.hour(toK)),
    ...extra,
  });

const setUsage = (h: Harness, caseId: string, lines: { hour: number; quantity: number }[]) =>
  call(h, 'corrections:set-usage', {
    caseId,
    lines: lines.map((l) => ({ hour: iso(l.hour), quantity: l.quantity })),
  });

/** Syncs the audit cache from the sandbox's CloudTrail through the app. */
async function syncCloudTrail(h: Harness): Promise<void> {
  const { taskId } = await call(h, 'audit:sync-start', {});
  for (let i = 0; i < 200; i += 1) {
    const status = await call(h, 'audit:sync-status', { taskId });
    if (status?.state !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the CloudTrail sync did not finish');
}

async function agreementsState(h: Harness): Promise<AgreementsState> {
  return (await h.t.admin<AgreementsState>('GET', '/_sandbox/agreements')).body;
}

async function until(
  h: Harness,
  caseId: string,
  done: (view: CaseView) => boolean,
): Promise<CaseView> {
  for (let i = 0; i < 100; i += 1) {
    const view = await call(h, 'corrections:get', { caseId });
    if (done(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the case never got there');
}

const refundsOf = (view: CaseView) => view.entries.filter((e) => e.kind === 'refund');

async function listedState(h: Harness, caseId: string): Promise<string | undefined> {
  const { cases } = await call(h, 'corrections:list', {});
  return cases.find((c) => c.caseId === caseId)?.state;
}

/** Polls the case list only (the case itself is never opened meanwhile). */
async function untilListed(h: Harness, caseId: string, state: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await listedState(h, caseId)) === state) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the case list never showed ${caseId} as ${state}`);
}

/** units × 0.0125 USD, rounded half up to the cent, in integer arithmetic (1e-4 USD). */
function expectedCents(units: number): string {
  const tenThousandths = units * 125;
  const cents = Math.floor((tenThousandths + 50) / 100);
  return `${String(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
}

describe('over-billing', () => {
  it('waits for the invoice, then refunds units × price right to the cent once close-period issued it', async () => {
    const h = await boot();
    await meter(h, [
      { hour: h.hour(5), quantity: 50 },
      { hour: h.hour(4), quantity: 61 },
      { hour: h.hour(3), quantity: 20 },
    ]);
    const opened = await openCase(h, 5, 2);
    expect(opened.agreement).toMatchObject({
      agreementId: h.agreementId,
      price: PRICE,
      currencyCode: 'USD',
    });
    expect(opened.hours.map((x) => [x.sent, x.billed, x.billedFrom])).toEqual([
      [50, 50, 'journal'],
      [61, 61, 'journal'],
      [20, 20, 'journal'],
    ]);
    expect(opened.hours.every((x) => x.invoice === null)).toBe(true);
    expect(opened.proposal).toBeNull();

    const entered = await setUsage(h, opened.caseId, [
      { hour: h.hour(5), quantity: 10 },
      { hour: h.hour(4), quantity: 19 },
      { hour: h.hour(3), quantity: 20 },
    ]);
    expect(entered.hours.map((x) => [x.differenceUnits, x.differenceAmount])).toEqual([
      [-40, '-0.50'],
      [-42, '-0.525'],
      [0, '0.00'],
    ]);
    expect(entered.differenceAmount).toBe('-1.025');
    expect(entered.state).toBe('waiting-for-invoice');
    expect(await listedState(h, opened.caseId)).toBe('waiting-for-invoice');
    expect(entered.proposal?.refunds).toEqual([]);
    const period = new Date(h.hour(5));
    expect(entered.proposal?.waiting).toEqual([
      {
        period: { year: period.getUTCFullYear(), month: period.getUTCMonth() + 1 },
        hours: [
          { hour: iso(h.hour(5)), units: 40 },
          { hour: iso(h.hour(4)), units: 42 },
        ],
        units: 82,
        amount: '1.025',
        expectedFrom: iso(Date.UTC(period.getUTCFullYear(), period.getUTCMonth() + 1, 1)).slice(
          0,
          10,
        ),
      },
    ]);

    const changed: string[] = [];
    h.core.bus.subscribe((e) => {
      if (e.event === 'corrections:changed') changed.push(e.payload.caseId);
    });
    expect((await call(h, 'corrections:sandbox-close-period', {})).invoices).toBeGreaterThan(0);
    const invoiced = await call(h, 'corrections:get', { caseId: opened.caseId });
    expect(invoiced.state).toBe('open');
    // Reading the case noticed the invoice: the case list is told the case moved on.
    expect(changed).toEqual([opened.caseId]);
    await call(h, 'corrections:get', { caseId: opened.caseId });
    expect(changed).toEqual([opened.caseId]);
    expect(await listedState(h, opened.caseId)).toBe('open');
    const [refund] = invoiced.proposal?.refunds ?? [];
    const invoice = (await agreementsState(h)).invoices.find(
      (i) => i.agreementId === h.agreementId,
    );
    expect(refund?.invoice.invoiceId).toBe(invoice?.invoiceId);
    expect(refund?.units).toBe(82);
    expect(refund?.value).toBe('1.025');
    expect(refund?.amount).toBe(expectedCents(82));
    expect(refund?.amount).toBe('1.03');
    expect(refund?.capped).toBe(false);
    expect(refund?.description).toContain(h.accountId);
    expect(refund?.description).toContain(h.dimension);
    expect(refund?.description).toContain('82 units');
    expect(refund?.description).toContain(iso(h.hour(5)).slice(0, 10));

    const sent = await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: invoiced.proposal?.proposalId,
    });
    expect(sent.state).toBe('sent');
    // The list tracks the refund to COMPLETED by itself (it was PENDING when sent).
    await untilListed(h, opened.caseId, 'completed');
    const completed = await call(h, 'corrections:get', { caseId: opened.caseId });
    expect(refundsOf(completed)[0]?.status).toBe('COMPLETED');
    expect(completed.state).toBe('completed');
    expect(completed.proposal?.refunds).toEqual([]);
    const [filed] = (await agreementsState(h)).adjustments;
    const [entry] = refundsOf(completed);
    expect((await agreementsState(h)).adjustments).toHaveLength(1);
    expect(filed).toMatchObject({
      adjustmentAmount: '1.03',
      adjustmentReasonCode: 'INCORRECT_METERING',
      clientToken: entry?.kind === 'refund' ? entry.clientToken : '',
      billingAdjustmentRequestId: entry?.kind === 'refund' ? entry.billingAdjustmentRequestId : '',
    });
    expect(filed?.description).toContain('82 units');

    // The correction record proves it: before/after per hour, the refund sent with its id and
    // status, in the JSON and the actions CSV, each file with its SHA-256.
    const { files } = await call(h, 'corrections:export', { caseId: opened.caseId });
    const text = (suffix: string): string =>
      files.find((f) => f.fileName.endsWith(suffix))?.text ?? '';
    const record = JSON.parse(text('.json')) as {
      case: { state: string };
      hours: { hour: string; before: { billed: number }; after: { correct: number } }[];
      sent: {
        kind: string;
        billingAdjustmentRequestId?: string;
        status: string;
        amount?: string;
      }[];
    };
    expect(record.case.state).toBe('completed');
    expect(record.hours.map((x) => [x.hour, x.before.billed, x.after.correct])).toEqual([
      [iso(h.hour(5)), 50, 10],
      [iso(h.hour(4)), 61, 19],
      [iso(h.hour(3)), 20, 20],
    ]);
    expect(record.sent).toEqual([
      expect.objectContaining({
        kind: 'refund',
        billingAdjustmentRequestId: filed?.billingAdjustmentRequestId,
        status: 'COMPLETED',
        amount: '1.03',
      }),
    ]);
    const [header, ...actions] = text('-actions.csv').trim().split(/\r?\n/);
    expect(header).toContain('billing_adjustment_request_id');
    expect(actions).toHaveLength(1);
    expect(actions[0]).toContain(filed?.billingAdjustmentRequestId ?? '?');
    expect(actions[0]).toContain(',COMPLETED,');
    expect(actions[0]).toContain(',1.03,USD,');
    const hoursCsv = text('-hours.csv').trim().split(/\r?\n/);
    expect(hoursCsv).toHaveLength(4);
    expect(hoursCsv[1]).toMatch(new RegExp(`^${iso(h.hour(5))},50,`));
    const manifest = text('.sha256');
    for (const f of files.filter((x) => !x.fileName.endsWith('.sha256'))) {
      expect(f.sha256).toBe(createHash('sha256').update(f.text, 'utf8').digest('hex'));
      expect(manifest).toContain(`${f.sha256}  ${f.fileName}`);
    }

    // The case file is private to the user.
    const file = join(correctionCasesDir(h.dataDir), `${opened.caseId}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(correctionCasesDir(h.dataDir)).mode & 0o777).toBe(0o700);
  });

  it('caps the refund at the invoice’s maximum adjustment amount', async () => {
    const h = await boot();
    await meter(h, [
      { hour: h.hour(5), quantity: 50 },
      { hour: h.hour(4), quantity: 61 },
    ]);
    await call(h, 'corrections:sandbox-close-period', {});
    const invoice = (await agreementsState(h)).invoices.find(
      (i) => i.agreementId === h.agreementId,
    );
    expect(invoice?.amount).toBe(expectedCents(111));
    // Someone already refunded 1.00 of the 1.39 in AWS Marketplace Management Portal.
    await h.t.agreement().send(
      new BatchCreateBillingAdjustmentRequestCommand({
        billingAdjustmentRequestEntries: [
          {
            agreementId: h.agreementId,
            originalInvoiceId: invoice?.invoiceId,
            adjustmentAmount: '1.00',
            currencyCode: 'USD',
            adjustmentReasonCode: 'OTHER',
            clientToken: 'earlier-refund',
          },
        ],
      }),
    );
    const opened = await openCase(h, 5, 3);
    const view = await setUsage(h, opened.caseId, [
      { hour: h.hour(5), quantity: 10 },
      { hour: h.hour(4), quantity: 21 },
    ]);
    const [refund] = view.proposal?.refunds ?? [];
    expect(refund?.units).toBe(80);
    expect(refund?.value).toBe('1.00');
    expect(refund?.invoice.maxAdjustmentAmount).toBe('0.39');
    expect(refund?.amount).toBe('0.39');
    expect(refund?.capped).toBe(true);
    await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    await until(h, opened.caseId, (v) => refundsOf(v)[0]?.status === 'COMPLETED');
    const mine = (await agreementsState(h)).adjustments.filter(
      (a) => a.clientToken !== 'earlier-refund',
    );
    expect(mine.map((a) => a.adjustmentAmount)).toEqual(['0.39']);
  });

  it('shows VALIDATION_FAILED with AWS’s message and the next step, and offers the refund again', async () => {
    const h = await boot();
    await meter(h, [{ hour: h.hour(4), quantity: 30 }]);
    await call(h, 'corrections:sandbox-close-period', {});
    await h.t.admin('PUT', '/_sandbox/agreement-settings', {
      failAdjustmentsWith: 'The invoice was already credited in full.',
    });
    const opened = await openCase(h, 4, 3);
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(4), quantity: 10 }]);
    await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    const failed = await until(
      h,
      opened.caseId,
      (v) => refundsOf(v)[0]?.status === 'VALIDATION_FAILED',
    );
    const [entry] = refundsOf(failed);
    expect(entry?.kind === 'refund' && entry.statusMessage).toBe(
      'The invoice was already credited in full.',
    );
    expect(entry?.kind === 'refund' && entry.nextStep).toMatch(/Refresh the case/);
    expect(failed.state).toBe('failed');
    expect(await listedState(h, opened.caseId)).toBe('failed');
    expect(failed.proposal?.refunds[0]?.units).toBe(20);
  });
});

describe('under-billing', () => {
  it('tops up the missing units in the earliest open hour with nothing billed, through the metering engine', async () => {
    const h = await boot();
    const now = h.clock.now();
    // The earliest hour with an instant AWS accepts now and still will in 10 minutes.
    const start = Math.floor((now - 24 * HOUR) / HOUR) * HOUR;
    const earliest = start + 30 * 60_000 >= now - 24 * HOUR + 10 * 60_000 ? start : start + HOUR;
    await meter(h, [
      { hour: earliest, quantity: 1, minutes: 45 },
      { hour: earliest + HOUR, quantity: 1, minutes: 45 },
      { hour: h.hour(6), quantity: 10 },
      { hour: h.hour(5), quantity: 10 },
    ]);
    const opened = await openCase(h, 6, 4);
    const view = await setUsage(h, opened.caseId, [
      { hour: h.hour(6), quantity: 15 },
      { hour: h.hour(5), quantity: 12 },
    ]);
    const topUp = view.proposal?.topUp;
    expect(topUp?.units).toBe(7);
    expect(topUp?.records.map((r) => [r.hour, r.quantity])).toEqual([
      [iso(earliest + 2 * HOUR), 7],
    ]);
    expect(topUp?.explanation).toContain('DuplicateRecord');
    expect(topUp?.amount).toBe('0.0875');
    expect(view.proposal?.refunds).toEqual([]);

    await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    const billed = await until(h, opened.caseId, (v) =>
      v.entries.some((e) => e.kind === 'top-up' && e.status === 'billed'),
    );
    const ledger = (await h.t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
    const topped = ledger.filter(
      (e) => e.hour === iso(earliest + 2 * HOUR) && e.dimension === h.dimension,
    );
    expect(topped.map((e) => [e.quantity, e.customerAwsAccountId])).toEqual([[7, h.accountId]]);
    expect(billed.hours.map((x) => x.billed)).toEqual([10, 10]);
    expect(billed.proposal?.topUp).toBeNull();
    expect(billed.state).toBe('completed');

    // The correction record carries the CloudTrail event that shows the top-up.
    await syncCloudTrail(h);
    const { files } = await call(h, 'corrections:export', { caseId: opened.caseId });
    const json = files.find((f) => f.fileName.endsWith('.json'));
    const record = JSON.parse(json?.text ?? '{}') as {
      cloudTrail: { topUpEvents: { meteringRecordId?: string; eventId: string; raw?: string }[] };
      hours: { hour: string; before: { billed: number }; after: { correct: number } }[];
    };
    expect(record.cloudTrail.topUpEvents.map((e) => e.meteringRecordId)).toEqual([
      topped[0]?.meteringRecordId,
    ]);
    expect(record.cloudTrail.topUpEvents[0]?.raw).toContain('BatchMeterUsage');
    expect(record.hours.map((x) => [x.before.billed, x.after.correct])).toEqual([
      [10, 15],
      [10, 12],
    ]);
    const manifest = files.find((f) => f.fileName.endsWith('.sha256'))?.text ?? '';
    for (const f of files.filter((x) => !x.fileName.endsWith('.sha256'))) {
      const digest = createHash('sha256').update(f.text, 'utf8').digest('hex');
      expect(f.sha256).toBe(digest);
      expect(manifest).toContain(`${digest}  ${f.fileName}`);
    }
  });

  it('a top-up AWS refuses fails with a note on the case saying why; its units stay owed', async () => {
    const h = await boot();
    await meter(h, [{ hour: h.hour(6), quantity: 10 }]);
    const opened = await openCase(h, 6, 5);
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(6), quantity: 15 }]);
    expect(view.proposal?.topUp?.units).toBe(5);
    expect(view.notes.filter((n) => n.includes('top-up'))).toEqual([]);
    await h.t.admin('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'us-east-1': ['BatchMeterUsage'] },
    });
    await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    const failed = await until(h, opened.caseId, (v) =>
      v.entries.some((e) => e.kind === 'top-up' && e.status === 'failed'),
    );
    const notes = failed.notes.filter((n) => n.includes('top-up'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^The top-up sent \S+ failed for 1 of 1 record\(s\): /);
    expect(notes[0]).toContain('This API is not enabled for the product in us-east-1. The units');
    expect(failed.state).toBe('failed');
    expect(failed.proposal?.topUp?.units).toBe(5);
  });

  it('skips an open hour billed outside Meterdesk, known only from CloudTrail', async () => {
    const h = await boot();
    const now = h.clock.now();
    const start = Math.floor((now - 24 * HOUR) / HOUR) * HOUR;
    const earliest = start + 30 * 60_000 >= now - 24 * HOUR + 10 * 60_000 ? start : start + HOUR;
    // Another system of the seller billed the earliest open hour straight to AWS: the journal
    // does not know it, CloudTrail does.
    const direct = await h.t.metering().send(
      new BatchMeterUsageCommand({
        ProductCode: h.productCode,
        UsageRecords: [
          {
            CustomerIdentifier: h.customerIdentifier,
            Dimension: h.dimension,
            Quantity: 3,
            Timestamp: new Date(earliest + 45 * 60_000),
          },
        ],
      }),
    );
    expect(direct.Results?.[0]?.Status).toBe('Success');
    await meter(h, [
      { hour: earliest + HOUR, quantity: 1, minutes: 45 },
      { hour: h.hour(5), quantity: 10 },
    ]);
    await syncCloudTrail(h);
    const opened = await openCase(h, 5, 4);
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(5), quantity: 14 }]);
    expect(view.proposal?.topUp?.records.map((r) => [r.hour, r.quantity])).toEqual([
      [iso(earliest + 2 * HOUR), 4],
    ]);
    await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    const done = await until(h, opened.caseId, (v) =>
      v.entries.some((e) => e.kind === 'top-up' && e.status !== 'running'),
    );
    expect(done.entries.map((e) => e.kind === 'top-up' && e.status)).toEqual(['billed']);
    const ledger = (await h.t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger;
    expect(
      ledger
        .filter((e) => e.hour === iso(earliest) && e.dimension === h.dimension)
        .map((e) => e.quantity),
    ).toEqual([3]);
  });

  it('says usage too old to meter cannot be metered, with a summary for a private offer', async () => {
    const h = await boot();
    await meter(h, [{ hour: h.hour(5), quantity: 10 }]);
    const hour = h.hour(5);
    h.clock.advance(48 * HOUR);
    const opened = await call(h, 'corrections:open', {
      customer: h.customerIdentifier,
      productId: h.productId,
      dimension: h.dimension,
      from: iso(hour),
      to: iso(hour + HOUR),
    });
    expect(opened.customer.awsAccountId).toBe(h.accountId);
    const view = await setUsage(h, opened.caseId, [{ hour, quantity: 25 }]);
    expect(view.hours[0]?.windowOpen).toBe(false);
    expect(view.proposal?.topUp).toBeNull();
    expect(view.proposal?.unmeterable).toMatchObject({ units: 15, amount: '0.1875' });
    expect(view.proposal?.unmeterable?.summary).toContain('private offer or a manual invoice');
    expect(view.proposal?.unmeterable?.summary).toContain(h.accountId);
    const error = await refused(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/nothing to send/i);
  });
});

describe('a crash between the journal entry and the answer', () => {
  it('resumes with the same client token and files no second refund', async () => {
    let applied = 0;
    // The process dies after the request left and AWS applied it, before the answer is back.
    const crashAfterSending = (api: AgreementApi): AgreementApi => ({
      ...api,
      createAdjustments: async (entries) => {
        await api.createAdjustments(entries);
        applied += 1;
        return new Promise(() => undefined);
      },
    });
    const h = await boot(crashAfterSending);
    await meter(h, [{ hour: h.hour(4), quantity: 30 }]);
    await call(h, 'corrections:sandbox-close-period', {});
    const opened = await openCase(h, 4, 3);
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(4), quantity: 10 }]);
    void h.core.router.call(
      'corrections:send',
      { caseId: opened.caseId, proposalId: view.proposal?.proposalId },
      { host: 'test' },
    );
    for (let i = 0; i < 200 && applied === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(applied).toBe(1);
    const [filed] = (await agreementsState(h)).adjustments;
    expect(filed).toBeDefined();

    // Restart on the same data folder: only what is on disk survives.
    await h.core.close();
    h.core = await startCoreOn(h);
    const after = await call(h, 'corrections:get', { caseId: opened.caseId });
    expect(after.interrupted).toBe(1);
    expect(after.state).toBe('sent');
    const [pending] = refundsOf(after);
    expect(pending?.kind === 'refund' && pending.status).toBe('sending');
    expect(pending?.kind === 'refund' && pending.clientToken).toBe(filed?.clientToken);
    const again = await refused(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: after.proposal?.proposalId,
    });
    expect(again.code).toBe('CONFLICT');

    const resumed = await call(h, 'corrections:resume', { caseId: opened.caseId });
    const [answered] = refundsOf(resumed);
    expect(answered?.kind === 'refund' && answered.billingAdjustmentRequestId).toBe(
      filed?.billingAdjustmentRequestId,
    );
    expect((await agreementsState(h)).adjustments).toHaveLength(1);
    await until(h, opened.caseId, (v) => refundsOf(v)[0]?.status === 'COMPLETED');

    const journal = readFileSync(join(h.dataDir, 'journal', 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; request?: { clientToken: string } });
    const intents = journal.filter((l) => l.kind === 'adjustment-intent');
    expect(intents.map((l) => l.request?.clientToken)).toEqual([
      filed?.clientToken,
      filed?.clientToken,
    ]);
    expect(journal.filter((l) => l.kind === 'adjustment-outcome')).toHaveLength(1);
    expect((await call(h, 'journal:verify', {})).report.ok).toBe(true);
  });
});

describe('bad input: a clear error and nothing sent', () => {
  it('refuses an unknown customer, a period in the future and a price missing from the terms', async () => {
    const h = await boot();
    const unknown = await refused(h, 'corrections:open', {
      customer: 'Nobody At All Ltd',
      productId: h.productId,
      dimension: h.dimension,
      from: iso(h.hour(4)),
      to: iso(h.hour(2)),
    });
    expect(unknown).toMatchObject({ code: 'VALIDATION' });
    expect(unknown.message).toMatch(/No customer matches/);
    // An account id nobody knows: AWS has no agreement of this seller with it.
    const stranger = await refused(h, 'corrections:open', {
      customer: '999999999999',
      productId: h.productId,
      dimension: h.dimension,
      from: iso(h.hour(4)),
      to: iso(h.hour(2)),
    });
    expect(stranger.code).toBe('VALIDATION');
    expect(stranger.message).toMatch(/No agreement of this seller with AWS account 999999999999/);

    const future = await refused(h, 'corrections:open', {
      customer: h.accountId,
      productId: h.productId,
      dimension: h.dimension,
      from: iso(h.hour(2)),
      to: iso(h.hour(-3)),
    });
    expect(future.code).toBe('VALIDATION');
    expect(future.message).toMatch(/future/);

    const agreement = (await agreementsState(h)).agreements.find(
      (a) => a.agreementId === h.agreementId,
    );
    await h.t.admin('PUT', '/_sandbox/agreement-terms', {
      agreementId: h.agreementId,
      rateCard: agreement?.rateCard.filter((r) => r.dimensionKey !== h.dimension),
    });
    const unpriced = await refused(h, 'corrections:open', {
      customer: h.accountId,
      productId: h.productId,
      dimension: h.dimension,
      from: iso(h.hour(4)),
      to: iso(h.hour(2)),
    });
    expect(unpriced.code).toBe('VALIDATION');
    expect(unpriced.message).toContain(`No price for ${h.dimension}`);
    expect((await call(h, 'corrections:list', {})).cases).toEqual([]);
    expect((await agreementsState(h)).adjustments).toEqual([]);
  });

  it('refuses to send when the invoice’s currency is not the agreement’s', async () => {
    const h = await boot();
    await meter(h, [{ hour: h.hour(4), quantity: 30 }]);
    await call(h, 'corrections:sandbox-close-period', {});
    const agreement = (await agreementsState(h)).agreements.find(
      (a) => a.agreementId === h.agreementId,
    );
    await h.t.admin('PUT', '/_sandbox/agreement-terms', {
      agreementId: h.agreementId,
      currencyCode: 'EUR',
      rateCard: agreement?.rateCard,
    });
    const opened = await openCase(h, 4, 3);
    expect(opened.agreement.currencyCode).toBe('EUR');
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(4), quantity: 10 }]);
    expect(view.proposal?.refunds).toEqual([]);
    expect(view.proposal?.blockers.join(' ')).toMatch(
      /is in USD, but the agreement prices .* in EUR/,
    );
    const error = await refused(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId: view.proposal?.proposalId,
    });
    expect(error.code).toBe('VALIDATION');
    expect((await agreementsState(h)).adjustments).toEqual([]);
  });
});

describe('the typed confirmation on a real connection', () => {
  it('is enforced by main: without the phrase nothing is sent, with it the refund goes', async () => {
    const h = await boot();
    // Off the Sandbox the app knows a customer by what it sent: here, by account id.
    await meter(h, [{ hour: h.hour(4), quantity: 30 }], true);
    await call(h, 'corrections:sandbox-close-period', {});
    const product = (await h.t.admin<AdminState>('GET', '/_sandbox/state')).body.products.find(
      (p) => p.productCode === h.productCode,
    );
    await call(h, 'metering:catalog-save', {
      products: [
        {
          id: 'lumen',
          name: product?.name ?? 'Lumen',
          kind: 'saas',
          identityModel: 'legacy',
          productCode: h.productCode,
          dimensions: (product?.dimensions ?? []).map((d) => ({
            name: d.name,
            description: d.description,
          })),
          source: 'user',
        },
      ],
    });
    const real = await call(h, 'connections:add', {
      name: 'Seller account',
      region: 'us-east-1',
      endpoint: h.t.sandbox.endpoint,
      source: {
        kind: 'keys',
        accessKeyId: h.t.sandbox.accessKeyId,
        secretAccessKey: h.t.sandbox.secretAccessKey,
        storage: 'session',
      },
    });
    await call(h, 'connections:activate', { id: real.id });
    const opened = await call(h, 'corrections:open', {
      customer: h.accountId,
      productId: 'lumen',
      dimension: h.dimension,
      from: iso(h.hour(4)),
      to: iso(h.hour(3)),
    });
    expect(opened.confirmationRequired).toBe(true);
    const view = await setUsage(h, opened.caseId, [{ hour: h.hour(4), quantity: 10 }]);
    expect(view.hours[0]?.sent).toBe(30);
    const proposalId = view.proposal?.proposalId;
    const unconfirmed = await refused(h, 'corrections:send', { caseId: opened.caseId, proposalId });
    expect(unconfirmed.code).toBe('CONFIRMATION_REQUIRED');
    // Main says what would be billed: the account and the refund's exact amount.
    const preview = previewFromError(unconfirmed.details);
    expect(preview?.kind).toBe('billing-adjustment');
    expect(preview?.target.accountId).toBe(h.t.sandbox.accountId);
    expect(preview?.amounts?.map((a) => [a.amount, a.currency])).toEqual([
      [view.proposal?.refunds[0]?.amount, 'USD'],
    ]);
    const digest = preview?.digest ?? '';
    for (const confirmation of [
      { digest, phrase: 'yes' },
      { digest: 'f'.repeat(64), phrase: PHRASE },
    ]) {
      const wrong = await refused(h, 'corrections:send', {
        caseId: opened.caseId,
        proposalId,
        confirmation,
      });
      expect(wrong.code).toBe('CONFIRMATION_REQUIRED');
    }
    expect((await agreementsState(h)).adjustments).toEqual([]);
    const sent = await call(h, 'corrections:send', {
      caseId: opened.caseId,
      proposalId,
      confirmation: { digest, phrase: PHRASE },
    });
    // Filed: PENDING, or already COMPLETED when the sandbox's settling delay passed meanwhile.
    expect(['PENDING', 'COMPLETED']).toContain(refundsOf(sent)[0]?.status);
    expect((await agreementsState(h)).adjustments).toHaveLength(1);
  });
});
