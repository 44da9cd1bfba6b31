// A finance user imports a CSV of usage corrections with good and bad rows, sees which are ready
// and which need review (and why), fixes one in the editor, previews what will be sent, submits,
// and finds the submission in the Journal.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';

const PRODUCT = 'Nimbus Vector Search';

/** Screenshots for review, light and dark, when MDESK_SHOTS_DIR names a folder. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.MDESK_SHOTS_DIR;
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}-light.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(dir, `${name}-dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('CSV import: ready vs needs review, fix a row in the editor, preview', async ({ mdesk }) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();

  const world = await readSandboxWorld(mdesk.dataDir);
  const subs = billableSubscriptions(world, PRODUCT, mdesk.now() - 3 * 3_600_000);
  expect(subs.length).toBeGreaterThanOrEqual(3);
  const [a, b, c] = subs;
  if (!a || !b || !c) throw new Error('not enough sandbox subscriptions');
  const hour = utcHour(1, mdesk.now());
  const old = utcHour(30, mdesk.now());

  // Semicolons, a BOM, CRLF and headers in mixed case — the way a spreadsheet exports them.
  const lines = [
    'Product;Customer_AWS_Account_Id;License ARN;DIMENSION;Quantity;Timestamp',
    `${PRODUCT};${a.customerAwsAccountId};${a.licenseArn ?? ''};vector_queries;100;${hour}`, // 2 ready
    `${PRODUCT};${b.customerAwsAccountId};${b.licenseArn ?? ''};index_storage_gb;50;${hour}`, // 3 ready
    `${PRODUCT};${c.customerAwsAccountId};${c.licenseArn ?? ''};vector_queries;12.5;${hour}`, // 4 invalid
    `${PRODUCT};${b.customerAwsAccountId};${b.licenseArn ?? ''};vector_queries;7;${old}`, // 5 window
    `${PRODUCT};${a.customerAwsAccountId};${a.licenseArn ?? ''};vector_queries;999;${hour}`, // 6 duplicate
    `${PRODUCT};1.23457E+11;${a.licenseArn ?? ''};vector_queries;1;${hour}`, // 7 Excel-mangled id
  ];
  const csv = `\uFEFF${lines.join('\r\n')}\r\n`;

  await test.step('import: ready and needs-review rows, each with its reasons', async () => {
    await metering.importCsv('usage-july.csv', csv);
    await expect(metering.importSummary).toContainText('6 rows');
    await expect(metering.importSummary).toContainText('2 ready');
    await expect(metering.importSummary).toContainText('4 need review');
    await expect(page.getByText(/1 account id is in scientific notation/)).toBeVisible();

    await expect(metering.tab(/Needs review \(4\)/)).toHaveAttribute('aria-selected', 'true');
    await expect(metering.reviewRow(4)).toContainText('Invalid');
    await expect(metering.reviewRow(4)).toContainText('is not a whole number');
    await expect(metering.reviewRow(5)).toContainText('Outside the window');
    await expect(metering.reviewRow(6)).toContainText('Duplicate in file');
    await expect(metering.reviewRow(7)).toContainText('scientific notation');

    await shoot(page, 'metering-import');
    await metering.tab(/Ready \(2\)/).click();
    await expect(metering.readyGrid).toContainText(a.customerAwsAccountId);
    await expect(metering.readyGrid).toContainText('left in the window');
    // The shared table: keyboard movement between cells, and a remembered column choice.
    await metering.readyGrid.focus();
    const before = await metering.readyGrid.getAttribute('aria-activedescendant');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await metering.readyGrid.getAttribute('aria-activedescendant')).not.toBe(before);
    await page.getByText('Columns', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Notes', exact: true }).uncheck();
    await expect(metering.readyGrid.getByRole('columnheader', { name: /Notes/ })).toHaveCount(0);
    await page.getByText('Columns', { exact: true }).click();
    await metering.tab(/Needs review/).click();
  });

  await test.step('fix a needs-review row in the editor', async () => {
    await metering.fixInEditor(4);
    const record = metering.record(1);
    await expect(record).toContainText('12.5 is not a whole number');
    await expect(record).toContainText('never rounds');
    await expect(metering.field(1, 'AWS account id')).toHaveValue(c.customerAwsAccountId);
    await metering.field(1, 'Quantity').fill('12');
    await expect(record).not.toContainText('Error');
    await expect(record).toContainText('left in the window');
    // The fixed row left the review list.
    await expect(metering.reviewRow(4)).toHaveCount(0);
    await expect(metering.tab(/Needs review \(3\)/)).toBeVisible();
  });

  await test.step('preview: calls and totals per dimension', async () => {
    await metering.previewButton.click();
    await expect(metering.planSummary).toContainText(
      '3 records in 1 call (BatchMeterUsage) to Sandbox',
    );
    expect(await metering.dimensionTotals(PRODUCT, 'vector_queries')).toEqual([
      'vector_queries',
      '2',
      '112',
    ]);
    expect(await metering.dimensionTotals(PRODUCT, 'index_storage_gb')).toEqual([
      'index_storage_gb',
      '1',
      '50',
    ]);
    // The sandbox needs no typed confirmation; the button says exactly what it will send.
    await expect(metering.submitButton).toHaveText('Submit 3 records');
    await expect(metering.submitButton).toBeEnabled();
  });

  await shoot(page, 'metering-preview');

  // Nothing above has sent anything.
  await test.step('submit: outcomes, then the same submission in the Journal', async () => {
    await metering.submit();
    const progress = page.getByRole('region', { name: 'Submission progress and outcomes' });
    await expect(progress.getByRole('progressbar', { name: 'Records answered' })).toBeVisible();
    await expect(progress.getByText('Finished: every record has an answer from AWS.')).toBeVisible({
      timeout: 30_000,
    });
    // Per-record outcomes: every one of the 3 records billed, each with its MeteringRecordId.
    const outcomes = progress.getByRole('table', { name: 'Record outcomes' });
    await expect(outcomes.locator('tbody tr')).toHaveCount(3);
    await expect(outcomes.locator('tbody tr[data-status="Success"]')).toHaveCount(3);
    for (const id of await outcomes.locator('tbody tr td:nth-child(6)').allTextContents()) {
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The same submission in the Journal screen.
    const submissionId =
      (await progress.getByRole('heading', { level: 2 }).locator('.mono').textContent()) ?? '';
    await progress.getByRole('link', { name: 'Open in Journal' }).click();
    const journal = page.getByRole('grid', { name: 'Journal records' });
    await expect(journal.getByRole('row').filter({ hasText: submissionId })).toHaveCount(3);
    await expect(
      page.getByRole('region', { name: 'Submission details' }).getByText('finished'),
    ).toBeVisible();
  });
});

test('editing a record live: unknown dimension needs an explicit acknowledgement', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  await page.getByRole('button', { name: 'Add record', exact: true }).click();
  await metering.field(1, 'Product').selectOption({ label: `${PRODUCT} (sandbox)` });
  await metering.field(1, 'AWS account id').fill('12345678901');
  await metering.field(1, 'Dimension').fill('vector_querys');
  await metering.field(1, 'Quantity').fill('5');
  const record = metering.record(1);
  await expect(record).toContainText('has 11 digits');
  await expect(record).toContainText('each record needs the buyer');
  await expect(record).toContainText('is not in the catalog');
  await record.getByRole('checkbox', { name: /anyway, for this record/ }).check();
  await expect(record).toContainText('you confirmed it anyway');
  await shoot(page, 'metering-editor');
  // Enter in a field submits nothing: there is no form, and no preview appears.
  await metering.field(1, 'Quantity').press('Enter');
  await expect(metering.planSummary).toHaveCount(0);
});

test('the customers screen can link to a prefilled record', async ({ mdesk }) => {
  const page = mdesk.page;
  const world = await readSandboxWorld(mdesk.dataDir);
  const sub = billableSubscriptions(world, PRODUCT, mdesk.now())[0];
  if (!sub?.licenseArn) throw new Error('no subscription');
  const product = world.products.find((p) => p.name === PRODUCT);
  const query = new URLSearchParams({
    customerAwsAccountId: sub.customerAwsAccountId,
    licenseArn: sub.licenseArn,
    productCode: product?.productCode ?? '',
  });
  await page.evaluate(`window.location.hash = ${JSON.stringify(`#/metering?${query.toString()}`)}`);
  const metering = new MeteringPage(page);
  await expect(metering.field(1, 'AWS account id')).toHaveValue(sub.customerAwsAccountId);
  await expect(metering.field(1, 'License ARN')).toHaveValue(sub.licenseArn);
  await expect(metering.field(1, 'Product')).toHaveValue(`sandbox:${product?.productCode ?? ''}`);
});

test('catalog: the user adds a product; sandbox products are listed read-only', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  await metering.tab(/Product catalog/).click();
  await expect(page.getByRole('heading', { name: 'Sandbox products (read-only)' })).toBeVisible();
  await expect(page.getByRole('cell', { name: /Nimbus Vector Search/ })).toBeVisible();
  await page.getByRole('button', { name: 'Add product', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('Acme Analytics');
  await page.getByLabel('Dimension 1 name, Acme Analytics').fill('queries');
  await page.getByLabel('Dimension 1 description, Acme Analytics').fill('Queries run');
  await page.getByRole('button', { name: 'Save catalog' }).click();
  await expect(page.getByRole('button', { name: 'Save catalog' })).toHaveCount(0);
  await shoot(page, 'metering-catalog');
  await metering.tab(/^Records$/).click();
  await page.getByRole('button', { name: 'Add record', exact: true }).click();
  await metering.field(1, 'Product').selectOption({ label: 'Acme Analytics' });
  await metering.field(1, 'Dimension').fill('queries');
  await expect(metering.record(1)).not.toContainText('not in the catalog');
});
