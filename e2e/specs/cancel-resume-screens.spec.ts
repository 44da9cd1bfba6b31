// Cancelled means resumable (#15.4): a finance user submits a larger import, cancels it mid-way,
// finds it in the Journal's resume list like an interrupted submission, resumes it, and the
// cancelled submission's unsent rows then say "Sent later" with the resume that sent them —
// not "Not sent". The same link holds when the rows are sent later by importing the file again
// (the rows already sent are held back for review, the rest go out).
import type { Page } from '@playwright/test';
import type { JournalRow } from '../../shared/channels/journal';
import { expect, test, type MeterdeskApp } from '../fixtures';
import { expectAccessible } from '../pages/axe';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';
import { Shell } from '../pages/shell';

// Two products with the same identity model (CustomerAWSAccountId + LicenseArn), so the file holds
// enough distinct records that sending it takes seconds even on a busy machine.
const PRODUCTS = ['Nimbus Vector Search', 'Orbit Data Pipeline'];

/**
 * A CSV of `count` distinct records (product × subscription × dimension × hour): at 25 records a
 * call and AWS's pace of BatchMeterUsage calls (10 a second), sending it takes seconds, so a
 * cancel lands mid-way.
 */
async function largeImport(mdesk: MeterdeskApp, count: number): Promise<string> {
  const world = await readSandboxWorld(mdesk.dataDir);
  const lines = ['product,customer_aws_account_id,license_arn,dimension,quantity,timestamp'];
  for (const product of PRODUCTS) {
    const dimensions = world.products.find((p) => p.name === product)?.dimensions ?? [];
    const subs = billableSubscriptions(world, product, mdesk.now() - 23 * 3_600_000);
    for (let hour = 2; hour <= 20; hour += 1) {
      for (const sub of subs) {
        for (const { name } of dimensions) {
          if (lines.length > count) return `${lines.join('\n')}\n`;
          const at = utcHour(hour, mdesk.now());
          lines.push(
            `${product},${sub.customerAwsAccountId},${sub.licenseArn ?? ''},${name},${lines.length},${at}`,
          );
        }
      }
    }
  }
  throw new Error(`only ${lines.length - 1} sandbox buckets`);
}

/** Imports, previews and submits the file, then cancels it as soon as Cancel can be pressed. */
async function submitAndCancel(page: Page, csv: string, count: number): Promise<string> {
  const metering = new MeteringPage(page);
  await metering.open();
  await metering.importCsv('large.csv', csv);
  await expect(metering.importSummary).toContainText(`${count.toLocaleString('en-US')} ready`);
  await metering.previewButton.click();
  await metering.submit();
  const progress = page.getByRole('region', { name: 'Submission progress and outcomes' });
  // Cancel as soon as it can be pressed: the first calls are already on their way by then.
  await progress.getByRole('button', { name: 'Cancel submission' }).click();
  await expect(
    progress.getByText('Cancelled: the calls already on their way were finished'),
  ).toBeVisible({ timeout: 30_000 });
  const id = (
    await progress.getByRole('heading', { level: 2 }).locator('.mono').innerText()
  ).trim();
  expect(id).not.toBe('');
  return id;
}

async function rowsOf(mdesk: MeterdeskApp, submissionId: string): Promise<JournalRow[]> {
  const detail = await mdesk.call<{ rows: JournalRow[] }>('journal:submission', { submissionId });
  return detail.rows;
}

const COUNT = 900;

test('a cancelled submission is in the resume list; resuming it links its unsent rows as sent later', async ({
  mdesk,
}, testInfo) => {
  test.setTimeout(180_000);
  const { page } = mdesk;
  await new Shell(page).waitUntilLoaded();
  const cancelledId = await submitAndCancel(page, await largeImport(mdesk, COUNT), COUNT);

  const before = await rowsOf(mdesk, cancelledId);
  expect(before).toHaveLength(COUNT);
  const unsent = before.filter((r) => r.status === 'NotSent');
  const billed = before.filter((r) => r.status === 'Success');
  // Cancelled mid-way: some records went out, the rest were never sent.
  expect(unsent.length).toBeGreaterThan(0);
  expect(billed.length).toBeGreaterThan(0);
  expect(unsent.length + billed.length).toBe(COUNT);

  const shell = new Shell(page);
  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  const list = page.getByRole('region', { name: 'Interrupted submissions' });
  const item = list.getByRole('listitem').filter({ hasText: cancelledId });
  await expect(item).toContainText('cancelled');
  await expectAccessible(page, 'Journal with a cancelled submission to resume', testInfo);
  await expect(item).toContainText(`${unsent.length.toLocaleString('en-US')} without an answer`);
  await item
    .getByRole('button', { name: `Resume ${unsent.length.toLocaleString('en-US')} records` })
    .click();

  const progress = page.getByRole('region', { name: 'Submission progress and outcomes' });
  await expect(progress.getByText('Finished: every record has an answer from AWS.')).toBeVisible({
    timeout: 90_000,
  });
  const resumeId = (
    await progress.getByRole('heading', { level: 2 }).locator('.mono').innerText()
  ).trim();
  expect(resumeId).not.toBe(cancelledId);
  await expect(list).toHaveCount(0);

  // The cancelled submission's unsent rows now name the resume that sent them.
  const after = await rowsOf(mdesk, cancelledId);
  expect(after.filter((r) => r.status === 'NotSent')).toEqual([]);
  const sentLater = after.filter((r) => r.status === 'SentLater');
  expect(sentLater.map((r) => r.key).sort()).toEqual(unsent.map((r) => r.key).sort());
  expect(new Set(sentLater.map((r) => r.sentIn))).toEqual(new Set([resumeId]));
  // …and the resume billed exactly those records, once.
  const resumed = await rowsOf(mdesk, resumeId);
  expect(resumed.filter((r) => r.status === 'Success')).toHaveLength(unsent.length);

  // As the Journal shows it: "Sent later" rows with where, and no "Not sent" left.
  const filters = page.getByRole('form', { name: 'Filter the journal' });
  const status = filters.getByLabel('Status', { exact: true });
  await expect(status.locator('option', { hasText: /^Not sent \(/ })).toHaveText('Not sent (0)');
  await status.selectOption({ label: `Sent later (${unsent.length.toLocaleString('en-US')})` });
  const grid = page.getByRole('grid', { name: 'Journal records' });
  await expect(
    page.getByText(new RegExp(`^${unsent.length.toLocaleString('en-US')} records`)),
  ).toBeVisible();
  const first = grid.getByRole('row').filter({ hasText: 'Sent later' }).first();
  await expect(first).toContainText(cancelledId);
  await expect(first).toContainText(`Sent in ${resumeId}.`);
});

test('rows a cancelled submission never sent, sent by importing the file again, say sent later there', async ({
  mdesk,
}) => {
  test.setTimeout(180_000);
  const { page } = mdesk;
  await new Shell(page).waitUntilLoaded();
  const csv = await largeImport(mdesk, COUNT);
  const cancelledId = await submitAndCancel(page, csv, COUNT);
  const before = await rowsOf(mdesk, cancelledId);
  const unsent = before.filter((r) => r.status === 'NotSent');
  const sent = COUNT - unsent.length;
  expect(unsent.length).toBeGreaterThan(0);

  // The same file again: the rows already billed are held back, the rest are ready.
  const metering = new MeteringPage(page);
  await page.getByRole('button', { name: 'New submission' }).click();
  await metering.importCsv('large.csv', csv);
  await expect(metering.importSummary).toContainText(
    `${unsent.length.toLocaleString('en-US')} ready`,
  );
  await expect(metering.importSummary).toContainText(`${sent.toLocaleString('en-US')} need review`);
  await metering.previewButton.click();
  await metering.submit();
  const progress = page.getByRole('region', { name: 'Submission progress and outcomes' });
  await expect(progress.getByText('Finished: every record has an answer from AWS.')).toBeVisible({
    timeout: 90_000,
  });
  const laterId = (
    await progress.getByRole('heading', { level: 2 }).locator('.mono').innerText()
  ).trim();

  const after = await rowsOf(mdesk, cancelledId);
  expect(after.filter((r) => r.status === 'NotSent')).toEqual([]);
  const sentLater = after.filter((r) => r.status === 'SentLater');
  expect(sentLater.map((r) => r.key).sort()).toEqual(unsent.map((r) => r.key).sort());
  expect(new Set(sentLater.map((r) => r.sentIn))).toEqual(new Set([laterId]));
  // Nothing is left to resume: the Journal no longer offers to send those rows again.
  await new Shell(page).navigateTo({ name: 'Journal', path: '/journal' });
  await expect(page.getByText(/^Journal intact/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Interrupted submissions' })).toHaveCount(0);
});
