// Exports agree: the Journal's, the Audit's, bulk resolve's and the resolution history's CSV write the same id the same way
// (="…" for digit-only ids), so an AWS account id with a leading zero survives a spreadsheet in
// every one of them.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { api, CustomersPage } from '../pages/customers';
import { Shell } from '../pages/shell';

test.use({ sandboxHistory: 40 });

type World = {
  products: { productCode: string; kind: string; identityModel: string; dimensions: string[] }[];
  customers: { awsAccountId: string; subscribed: string[] }[];
};

async function downloadedText(page: Page, click: () => Promise<void>): Promise<string> {
  const download: Promise<Download> = page.waitForEvent('download');
  await click();
  return readFile(await (await download).path(), 'utf8');
}

/** The cells of the CSV lines that mention `id`, with the column each sits in. */
function cellsOf(csv: string, id: string): string[] {
  const cells: string[] = [];
  for (const line of csv.split('\r\n')) {
    for (const cell of line.split(',')) if (cell.includes(id)) cells.push(cell);
  }
  return cells;
}

test('every CSV export writes an account id with a leading zero the same way', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const world = await api<World>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => c.awsAccountId.startsWith('0') && product && c.subscribed.includes(product.productCode),
  );
  if (!product || !customer) throw new Error('The sandbox has no leading-zero legacy customer.');
  const id = customer.awsAccountId;
  const hour = Math.floor(mdesk.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
  await api(mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${product.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: product.productCode,
        customerAwsAccountId: id,
        dimension: product.dimensions[0] ?? 'users',
        quantity: 7,
        timestamp: new Date(hour).toISOString(),
      },
    ],
  });
  const expected = `"=""${id}"""`;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  await expect(page.getByText(/^1 records?/)).toBeVisible({ timeout: 20_000 });
  const journal = await downloadedText(page, () =>
    page.getByRole('button', { name: 'Export CSV' }).click(),
  );

  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 30_000,
  });
  await page
    .getByRole('grid', { name: 'CloudTrail usage records' })
    .getByRole('searchbox', { name: 'Filter Customer account' })
    .fill(id);
  await expect(page.getByText(/^[1-9]\d* rows?/)).toBeVisible();
  const audit = await downloadedText(page, () =>
    page.getByRole('button', { name: 'Export CSV' }).click(),
  );

  for (const [name, csv] of [
    ['journal', journal],
    ['audit', audit],
  ] as const) {
    const cells = cellsOf(csv, id);
    expect(cells.length, `${name} mentions the account`).toBeGreaterThan(0);
    // The customer column holds exactly the one id form; other cells (keys) only contain it.
    expect(cells, `${name} writes the id as ="…"`).toContain(expected);
    for (const cell of cells)
      expect(cell === id || cell === `"${id}"`, `${name}: ${cell}`).toBe(false);
  }

  // Bulk resolve exports the same form (its customer resolved from a minted token).
  const customers = new CustomersPage(page);
  await customers.open();
  const minted = await api<{ formBody: string }>(mdesk, 'sandbox:mint-token', {
    customerAwsAccountId: id,
    productCode: product.productCode,
    expired: false,
  });
  await customers.tab('Bulk resolve').click();
  await page.getByLabel('Tokens to resolve').fill(minted.formBody);
  await page.getByRole('button', { name: 'Resolve 1 token' }).click();
  const results = page.getByRole('region', { name: 'Bulk resolve results' });
  await expect(results.getByRole('status').filter({ hasText: 'finished' })).toBeVisible({
    timeout: 20_000,
  });
  const bulk = await downloadedText(page, () =>
    results.getByRole('button', { name: 'Export CSV' }).click(),
  );
  expect(cellsOf(bulk, id)).toEqual([expected]);

  // The resolution history exports the same form, and its table fills the window.
  await customers.tab('History').click();
  const history = page.getByRole('grid', { name: 'Resolution history' });
  await expect(history).toContainText(id);
  const box = await history.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error('The history table has no size.');
  expect(box.y + box.height, 'the history reaches the bottom of the window').toBeGreaterThan(
    viewport.height - 60,
  );
  const historyCsv = await downloadedText(page, () =>
    customers.main.getByRole('button', { name: 'Export CSV' }).click(),
  );
  expect(cellsOf(historyCsv, id)).toContain(expected);
  for (const cell of cellsOf(historyCsv, id)) expect(cell === id || cell === `"${id}"`).toBe(false);
});
