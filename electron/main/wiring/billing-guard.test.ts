// The billing guard through the real core: on a connection that is not the built-in Sandbox
// (pasted keys with a custom endpoint that happens to reach the sandbox) nothing bills without
// the typed phrase bound to the exact plan; the Sandbox keeps its one-click flow.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BILLING_CONFIRMATION_PHRASE,
  previewFromError,
  type BillingPreview,
} from '../../../shared/billing-confirmation';
import { createJournal } from '../../services/journal/journal';
import { createJournalFile } from '../../adapters/storage/journal-file';
import { pinnedClock } from '../../testing/time';
import {
  activateRealConnection,
  adminState,
  bootCore,
  call,
  callError,
  finished,
  REAL_PRODUCT_PREFIX,
  sandboxRecords,
} from './testing/core-testkit';

const clock = pinnedClock();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function realCore() {
  const booted = await bootCore(clock.now);
  cleanups.push(() => booted.close());
  const real = await activateRealConnection(booted);
  const state = adminState(booted.dataDir);
  return { ...booted, real, state };
}

async function journalLines(dataDir: string): Promise<number> {
  const file = createJournalFile(dataDir);
  const lines = (await createJournal(file).entries()).length;
  await file.close();
  return lines;
}

function confirmed(preview: BillingPreview, phrase = BILLING_CONFIRMATION_PHRASE) {
  return { digest: preview.digest, phrase };
}

describe('billing guard in main', () => {
  it('refuses raw records on a real connection with CONFIRMATION_REQUIRED, even confirmed', async () => {
    const { core, state, dataDir } = await realCore();
    const records = sandboxRecords(state, 3, clock.now(), REAL_PRODUCT_PREFIX);
    const refused = await callError(core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records,
    });
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    expect(refused.hint).toMatch(/metering:plan/);
    const again = await callError(core, 'metering:submit', {
      operation: 'BatchMeterUsage',
      records,
      confirmation: { digest: '0'.repeat(64), phrase: BILLING_CONFIRMATION_PHRASE },
    });
    expect(again.code).toBe('CONFIRMATION_REQUIRED');
    expect(await journalLines(dataDir)).toBe(0);
  });

  it('refuses MeterUsage without DryRun on a real connection: it bills', async () => {
    const { core, state, dataDir } = await realCore();
    const ami = state.products.find((p) => p.kind !== 'saas');
    const dimension = ami?.dimensions[0]?.name;
    if (!ami || dimension === undefined) throw new Error('no AMI or container product');
    const record = {
      productId: `${REAL_PRODUCT_PREFIX}${ami.productCode}`,
      operation: 'MeterUsage',
      productCode: ami.productCode,
      dimension,
      quantity: 1,
      timestamp: new Date(clock.now() - 60_000).toISOString(),
    };
    const refused = await callError(core, 'metering:submit', {
      operation: 'MeterUsage',
      records: [record],
      dryRun: false,
    });
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    expect(await journalLines(dataDir)).toBe(0);
  });

  it('a plan is billed only with the phrase and its own digest, and the preview names who is billed', async () => {
    const { core, state, real, dataDir } = await realCore();
    const records = sandboxRecords(state, 30, clock.now(), REAL_PRODUCT_PREFIX);
    const plan = await call(core, 'metering:plan', { records });
    expect(plan.planId).not.toBeNull();
    const preview = plan.checks.billing;
    if (!preview) throw new Error('the plan has no billing preview');
    expect(preview).toMatchObject({
      kind: 'metering-submit',
      required: true,
      records: 30,
      calls: 2,
      target: {
        connectionId: real.id,
        isSandbox: false,
        accountId: real.accountId,
        region: real.region,
        endpoint: real.endpoint,
      },
    });
    const quantity = records.reduce((sum, r) => sum + r.quantity, 0);
    expect(preview.totals.reduce((sum, t) => sum + t.quantity, 0)).toBe(quantity);
    expect(preview.totals.reduce((sum, t) => sum + t.records, 0)).toBe(30);

    // No confirmation: refused, with the same preview to show.
    const missing = await callError(core, 'metering:submit', { planId: plan.planId });
    expect(missing.code).toBe('CONFIRMATION_REQUIRED');
    expect(previewFromError(missing.details)?.digest).toBe(preview.digest);
    // The wrong phrase, or the digest of another plan: refused.
    const wrongPhrase = await callError(core, 'metering:submit', {
      planId: plan.planId,
      confirmation: confirmed(preview, 'yes'),
    });
    expect(wrongPhrase.code).toBe('CONFIRMATION_REQUIRED');
    const other = await call(core, 'metering:plan', { records: records.slice(0, 29) });
    const otherPreview = other.checks.billing;
    if (!otherPreview) throw new Error('no preview');
    expect(otherPreview.digest).not.toBe(preview.digest);
    const wrongPlan = await callError(core, 'metering:submit', {
      planId: plan.planId,
      confirmation: confirmed(otherPreview),
    });
    expect(wrongPlan.code).toBe('CONFIRMATION_REQUIRED');
    expect(await journalLines(dataDir)).toBe(0);

    // Confirmed as shown: sent and billed.
    const started = await call(core, 'metering:submit', {
      planId: plan.planId,
      confirmation: confirmed(preview, '  Submissions  are FINAL '),
    });
    const status = await finished(core, started.submissionId);
    expect(status.counts.success).toBe(30);
    expect(status.connection).toMatchObject({ id: real.id, account: real.accountId });
  });

  it('resume shows its own preview and needs its confirmation on a real connection', async () => {
    const { core, state, real, dataDir } = await realCore();
    const records = sandboxRecords(state, 4, clock.now(), REAL_PRODUCT_PREFIX);
    // A crash left a plan of 4 behind, nothing sent.
    const file = createJournalFile(dataDir);
    const journal = createJournal(file);
    const context = {
      connectionId: real.id,
      connectionName: 'Production (test)',
      account: real.accountId,
      region: real.region,
      osUser: 'someone',
    };
    await journal.append({
      kind: 'submission-started',
      submissionId: 'sub-cut',
      operation: 'BatchMeterUsage',
      context,
      groups: [
        {
          productCode: records[0]?.productCode,
          records: 4,
          keys: ['row-1', 'row-2', 'row-3', 'row-4'],
        },
      ],
      totalRecords: 4,
      planned: records.map((r, i) => ({
        key: `row-${i + 1}`,
        record: {
          Timestamp: r.timestamp,
          Dimension: r.dimension,
          Quantity: r.quantity,
          CustomerIdentifier: r.customerIdentifier,
        },
      })),
    });
    await file.close();
    const preview = await call(core, 'metering:resume-preview', { submissionId: 'sub-cut' });
    expect(preview.records.map((r) => r.key)).toEqual(['row-1', 'row-2', 'row-3', 'row-4']);
    expect(preview.billing).toMatchObject({
      kind: 'metering-resume',
      required: true,
      records: 4,
      target: { accountId: real.accountId, endpoint: real.endpoint, region: real.region },
    });
    const refused = await callError(core, 'metering:resume', { submissionId: 'sub-cut' });
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    if (preview.billing === null) throw new Error('the resume sends nothing');
    const resumed = await call(core, 'metering:resume', {
      submissionId: 'sub-cut',
      confirmation: confirmed(preview.billing),
    });
    if (resumed.submissionId === null) throw new Error('nothing was resent');
    expect((await finished(core, resumed.submissionId)).counts.success).toBe(4);
  });

  it('RegisterUsage needs the confirmation on a real connection', async () => {
    const { core, state } = await realCore();
    const container = state.products.find((p) => p.kind === 'container');
    if (!container) throw new Error('no container product');
    const input = { productCode: container.productCode, publicKeyVersion: 1 };
    const refused = await callError(core, 'containers:register-usage', input);
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    const preview = previewFromError(refused.details);
    if (!preview) throw new Error('no preview');
    expect(preview).toMatchObject({ kind: 'register-usage', records: 1, calls: 1 });
    // A confirmation for another product code is not this call's.
    const other = await callError(core, 'containers:register-usage', {
      ...input,
      nonce: 'different',
      confirmation: confirmed(preview),
    });
    expect(other.code).toBe('CONFIRMATION_REQUIRED');
    const answer = await call(core, 'containers:register-usage', {
      ...input,
      confirmation: confirmed(preview),
    });
    expect(answer.signature.split('.')).toHaveLength(3);
  });

  it('the Sandbox keeps its one-click flow', async () => {
    const booted = await bootCore(clock.now);
    cleanups.push(() => booted.close());
    const state = adminState(booted.dataDir);
    const records = sandboxRecords(state, 2, clock.now());
    const plan = await call(booted.core, 'metering:plan', { records });
    expect(plan.checks.billing).toMatchObject({ required: false, target: { isSandbox: true } });
    const started = await call(booted.core, 'metering:submit', { planId: plan.planId });
    expect((await finished(booted.core, started.submissionId)).counts.success).toBe(2);
  });
});
