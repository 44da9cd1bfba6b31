// The Journal screen against the real core and sandbox: submissions show up record by record,
// the filters narrow them, the export is a safe CSV, and a submission cut off by a restart is
// shown as interrupted and resumed with one click until every record has its answer.
import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test, type MeterdeskApp } from '../fixtures';
import { screenshot } from '../pages/customers';
import { Shell } from '../pages/shell';

/** The journal's own filter form: the grid has filter boxes and copy buttons with the same names. */
function journalFilters(page: Page) {
  return page.getByRole('form', { name: 'Filter the journal' });
}

type World = {
  products: { productCode: string; kind: string; identityModel: string; dimensions: string[] }[];
  customers: { awsAccountId: string; subscribed: string[] }[];
};

async function api<T>(
  _request: APIRequestContext,
  mdesk: MeterdeskApp,
  channel: string,
  input: unknown,
): Promise<T> {
  // Through the contract in either host; `request` stays for the callers' signature.
  return mdesk.call<T>(channel, input);
}

/** Legacy SaaS records by customer account id: one per (product, customer, dimension, hour). */
async function sandboxRecords(request: APIRequestContext, mdesk: MeterdeskApp, count: number) {
  const world = await api<World>(request, mdesk, 'sandbox:world', {});
  const top = Math.floor(mdesk.now() / 3_600_000) * 3_600_000;
  const records = [];
  for (let hour = 2; hour < 22 && records.length < count; hour += 1) {
    for (const product of world.products) {
      if (product.kind !== 'saas' || product.identityModel !== 'legacy') continue;
      for (const dimension of product.dimensions) {
        for (const customer of world.customers) {
          if (!customer.subscribed.includes(product.productCode)) continue;
          records.push({
            productId: `sandbox:${product.productCode}`,
            operation: 'BatchMeterUsage',
            productCode: product.productCode,
            customerAwsAccountId: customer.awsAccountId,
            dimension,
            quantity: 100 + records.length,
            timestamp: new Date(top - hour * 3_600_000).toISOString(),
          });
        }
      }
    }
  }
  if (records.length < count) throw new Error(`only ${records.length} sandbox buckets`);
  return records.slice(0, count);
}

test('the journal lists a submission, filters it, shows its calls and exports safe CSV', async ({
  mdesk,
  request,
}) => {
  const { page } = mdesk;
  const records = await sandboxRecords(request, mdesk, 40);
  const { submissionId } = await api<{ submissionId: string }>(request, mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records,
  });

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  await expect(page.getByRole('status').filter({ hasText: 'Journal intact' })).toBeVisible();
  const table = page.getByRole('grid', { name: 'Journal records' });
  await expect(page.getByText(/^40 records/)).toBeVisible({ timeout: 20_000 });
  await expect(table.getByRole('row').filter({ hasText: submissionId }).first()).toBeVisible();
  await screenshot(page, 'journal');

  // Filter by customer: only that customer's rows remain.
  const customer = records[0]?.customerAwsAccountId ?? '';
  await journalFilters(page).getByLabel('Customer', { exact: true }).fill(customer);
  const expected = records.filter((r) => r.customerAwsAccountId === customer).length;
  await expect(page.getByText(new RegExp(`^${expected} records`))).toBeVisible();
  // Every visible row's Customer cell (the grid's third column) is that customer.
  const customerCells = table.locator('[role="row"] [role="gridcell"][aria-colindex="3"]');
  await expect(customerCells.first()).toBeVisible();
  for (const cell of await customerCells.locator('.dt-cell-text').allTextContents()) {
    expect(cell).toBe(customer);
  }
  // Filter by a status nothing has: empty.
  await journalFilters(page).getByLabel('Status', { exact: true }).selectOption('Rejected');
  await expect(page.getByText(/^0 records/)).toBeVisible();
  await journalFilters(page).getByLabel('Status', { exact: true }).selectOption('');
  await journalFilters(page).getByLabel('Customer', { exact: true }).fill('');
  // Dimension and date filters narrow too.
  const dimension = records[0]?.dimension ?? '';
  await journalFilters(page).getByLabel('Dimension', { exact: true }).selectOption(dimension);
  const byDimension = records.filter((r) => r.dimension === dimension).length;
  await expect(page.getByText(new RegExp(`^${byDimension} records`))).toBeVisible();
  await journalFilters(page).getByLabel('Dimension', { exact: true }).selectOption('');
  await journalFilters(page).getByLabel('From (UTC date)', { exact: true }).fill('2000-01-01');
  await journalFilters(page).getByLabel('To (UTC date)', { exact: true }).fill('2000-01-02');
  await expect(page.getByText(/^0 records/)).toBeVisible();
  await journalFilters(page).getByLabel('From (UTC date)', { exact: true }).fill('');
  await journalFilters(page).getByLabel('To (UTC date)', { exact: true }).fill('');
  await expect(page.getByText(/^40 records/)).toBeVisible();

  // One submission's details: its calls with request ids.
  await page
    .getByRole('button', { name: `Details of submission ${submissionId}` })
    .first()
    .click();
  const details = page.getByRole('region', { name: 'Submission details' });
  await expect(details.getByText('finished')).toBeVisible();
  const detail = await api<{ calls: unknown[] }>(request, mdesk, 'journal:submission', {
    submissionId,
  });
  expect(detail.calls.length).toBeGreaterThanOrEqual(2);
  await expect(details.getByRole('table', { name: 'Calls' }).getByRole('row')).toHaveCount(
    detail.calls.length + 1,
  );

  // Export: a CSV download with every row, IDs as quoted text.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^meterdesk-journal-.*\.csv$/);
  const csv = await readFile(await file.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines).toHaveLength(41);
  expect(lines[0]).toContain('meteringRecordId');
  expect(csv).toContain(`"${customer}"`);
});

test('a submission cut off by a restart is shown as interrupted and resumed in one click', async ({
  mdesk,
  request,
}) => {
  test.setTimeout(120_000);
  // 500 records are 20+ calls at AWS's 10 calls/s: over 2 s, so a restart lands mid-way.
  const records = await sandboxRecords(request, mdesk, 500);
  await api(request, mdesk, 'metering:submit', { operation: 'BatchMeterUsage', records });
  await new Promise((resolve) => setTimeout(resolve, 800));
  await mdesk.restart();

  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  const interrupted = page.getByRole('region', { name: 'Interrupted submissions' });
  await expect(interrupted).toBeVisible();
  await interrupted.getByRole('button', { name: /^Resume \d[\d,]* records$/ }).click();

  const progress = page.getByRole('region', { name: 'Submission progress and outcomes' });
  await expect(progress.getByRole('progressbar', { name: 'Records answered' })).toBeVisible();
  await expect(progress.getByText('Finished: every record has an answer from AWS.')).toBeVisible({
    timeout: 60_000,
  });
  await expect(interrupted).toHaveCount(0);
  // Every intended record has exactly one final answer across both submissions (those answered
  // before the restart, and the resend's): billed, or refused for a suspended customer.
  type Page = { total: number };
  const count = (status: string) =>
    api<Page>(request, mdesk, 'journal:query', { filter: { status: [status] }, limit: 1 });
  const billed = (await count('Success')).total;
  const refused = (await count('CustomerNotSubscribed')).total;
  expect(billed + refused).toBe(500);
  expect(billed).toBeGreaterThan(0);
  await journalFilters(page).getByLabel('Status', { exact: true }).selectOption('Success');
  await expect(
    page.getByText(new RegExp(`^${billed.toLocaleString('en-US')} records`)),
  ).toBeVisible();
});
