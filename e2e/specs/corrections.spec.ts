// One whole over-billing case in the UI, against the real browser host, core and sandbox: open
// the case by the customer's name, see the hour billed, enter what should have been billed, wait
// for the invoice (issued now with the Sandbox tool), send the refund and see it completed.
import { expect, test } from '../fixtures';
import { api, screenshot } from '../pages/customers';
import { Shell } from '../pages/shell';

type World = {
  products: {
    productCode: string;
    name: string;
    kind: string;
    identityModel: string;
    dimensions: string[];
  }[];
  customers: { awsAccountId: string; name: string; subscribed: string[] }[];
};

const HOUR = 3_600_000;

/** units × price, rounded half up to the cent, in integer arithmetic (prices have ≤ 4 decimals). */
function refundAmount(units: number, price: string): string {
  const [whole = '0', fraction = ''] = price.split('.');
  const tenThousandths = units * (Number(whole) * 10_000 + Number(fraction.padEnd(4, '0')));
  const cents = Math.floor((tenThousandths + 50) / 100);
  return `${String(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
}

test('an over-billing case from opening to a completed refund', async ({ mdesk }) => {
  const { page } = mdesk;
  const world = await api<World>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => product && c.subscribed.includes(product.productCode),
  );
  const dimension = product?.dimensions[0];
  if (!product || !customer || !dimension) throw new Error('no sandbox fixture');

  // 50 units were sent for an hour that should have had 10.
  const hour = Math.floor(mdesk.now() / HOUR) * HOUR - 4 * HOUR;
  const { submissionId } = await api<{ submissionId: string }>(mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${product.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: product.productCode,
        customerAwsAccountId: customer.awsAccountId,
        dimension,
        quantity: 50,
        timestamp: new Date(hour + 10 * 60_000).toISOString(),
      },
    ],
  });
  await expect
    .poll(async () => {
      const status = await api<{ state: string }>(mdesk, 'metering:submission-status', {
        submissionId,
      });
      return status.state;
    })
    .toBe('finished');

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Corrections', path: '/corrections' });
  const form = page.getByRole('form', { name: 'Open a correction case' });
  await form.getByLabel('Customer', { exact: true }).fill(customer.name);
  await form.getByLabel('Product', { exact: true }).selectOption({ label: product.name });
  await form.getByLabel('Dimension', { exact: true }).selectOption(dimension);
  await form.getByLabel('Period in', { exact: true }).selectOption('hours');
  const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 13)}:00Z`;
  await form.getByLabel('From', { exact: true }).fill(iso(hour));
  await form.getByLabel('To', { exact: true }).fill(iso(hour + HOUR));
  await form.getByRole('button', { name: 'Open case' }).click();

  const caseView = page.getByRole('article', { name: /^Correction case / });
  await expect(caseView.getByText('Open', { exact: true })).toBeVisible();
  const hours = caseView.getByRole('grid', { name: 'Hours of the case' });
  const hourLabel = `${new Date(hour).toISOString().slice(0, 10)} ${new Date(hour).toISOString().slice(11, 16)} UTC`;
  const row = hours.getByRole('row').filter({ hasText: hourLabel });
  await expect(row).toContainText('50');

  await caseView.getByLabel(`Should have been billed, ${hourLabel}`).fill('10');
  await caseView.getByRole('button', { name: 'Apply typed usage' }).click();
  await expect(caseView.getByText('Waiting for invoice', { exact: true })).toBeVisible();
  await expect(
    caseView.getByRole('heading', { name: /^Waiting for the .* invoice$/ }),
  ).toBeVisible();

  await caseView.getByRole('button', { name: 'Issue this month’s invoices now (Sandbox)' }).click();
  const price = (
    (await caseView.locator('dt:text-is("Price per unit") + dd').textContent()) ?? ''
  ).replace(' USD', '');
  const amount = refundAmount(40, price);
  await expect(
    caseView.getByRole('heading', {
      name: new RegExp(`^Refund ${amount.replace('.', '\\.')} USD on invoice`),
    }),
  ).toBeVisible();
  await screenshot(page, 'corrections-proposal');

  await caseView.getByRole('button', { name: 'Send corrections' }).click();
  await expect(caseView.getByText('Completed', { exact: true }).first()).toBeVisible({
    timeout: 20_000,
  });
  await expect(
    caseView.getByRole('button', { name: 'Copy billing adjustment request id' }),
  ).toBeVisible();
  await expect(caseView.getByRole('heading', { name: /^Refund .* on invoice/ })).toHaveCount(0);
  await screenshot(page, 'corrections-completed');

  // The list shows the case as completed, and the record exports with its hashes.
  const cases = page.getByRole('grid', { name: 'Correction cases' });
  await expect(cases.getByRole('row').filter({ hasText: 'Completed' })).toHaveCount(1);
});

test('an under-billing case: a top-up in the earliest open hour, and a summary for what is too old', async ({
  mdesk,
}) => {
  test.skip(mdesk.kind !== 'browser', 'Seeds the usage through the browser host API.');
  const { page } = mdesk;
  const world = await api<World>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => product && c.subscribed.includes(product.productCode),
  );
  const dimension = product?.dimensions[0];
  if (!product || !customer || !dimension) throw new Error('no sandbox fixture');
  const base = Math.floor(mdesk.now() / HOUR) * HOUR;
  const hour = (k: number): number => base - k * HOUR;
  const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 13)}:00Z`;
  const label = (ms: number): string =>
    `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;

  // 10 units were billed 4 hours ago where 15 were used; 30 hours ago 5 were used and never sent.
  const { submissionId } = await api<{ submissionId: string }>(mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${product.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: product.productCode,
        customerAwsAccountId: customer.awsAccountId,
        dimension,
        quantity: 10,
        timestamp: new Date(hour(4) + 10 * 60_000).toISOString(),
      },
    ],
  });
  await expect
    .poll(async () => {
      const status = await api<{ state: string }>(mdesk, 'metering:submission-status', {
        submissionId,
      });
      return status.state;
    })
    .toBe('finished');

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Corrections', path: '/corrections' });
  const form = page.getByRole('form', { name: 'Open a correction case' });
  await form.getByLabel('Customer', { exact: true }).fill(customer.awsAccountId);
  await form.getByLabel('Product', { exact: true }).selectOption({ label: product.name });
  await form.getByLabel('Dimension', { exact: true }).selectOption(dimension);
  await form.getByLabel('Period in', { exact: true }).selectOption('hours');
  await form.getByLabel('From', { exact: true }).fill(iso(hour(30)));
  await form.getByLabel('To', { exact: true }).fill(iso(hour(3)));
  await screenshot(page, 'corrections-new-case');
  await form.getByRole('button', { name: 'Open case' }).click();

  const caseView = page.getByRole('article', { name: /^Correction case / });
  // One hour typed and applied, the other pasted: the paste keeps the typed hour.
  await caseView.getByLabel(`Should have been billed, ${label(hour(30))}`).fill('5');
  await caseView.getByRole('button', { name: 'Apply typed usage' }).click();
  await expect(caseView.getByRole('heading', { name: 'Cannot be metered: 5 units' })).toBeVisible();
  await caseView.getByLabel('Paste usage', { exact: true }).fill(`${iso(hour(4))}, 15`);
  await caseView.getByRole('button', { name: 'Apply pasted usage' }).click();

  const topUp = caseView.getByRole('heading', { name: /^Top-up: meter 5 missing units/ });
  await expect(topUp).toBeVisible();
  const action = caseView
    .locator('.corrections-action')
    .filter({ has: page.getByRole('heading', { name: /^Top-up: meter 5 missing units/ }) });
  await expect(action).toContainText('DuplicateRecord');
  // The earliest hour AWS still takes (24 h back) with nothing billed, not the hour of use.
  const slot =
    [hour(24), hour(23)].find((h) => h + 30 * 60_000 >= mdesk.now() - 24 * HOUR + 10 * 60_000) ??
    hour(23);
  await expect(action.getByRole('listitem')).toHaveText(new RegExp(`^${label(slot)}: 5 units`));
  const tooOld = caseView.getByRole('heading', { name: 'Cannot be metered: 5 units' });
  await expect(tooOld).toBeVisible();
  await expect(
    caseView
      .locator('.corrections-action')
      .filter({ has: page.getByRole('heading', { name: 'Cannot be metered: 5 units' }) }),
  ).toContainText('private offer or a manual invoice');
  await screenshot(page, 'corrections-under-billing');

  await caseView.getByRole('button', { name: 'Send corrections' }).click();
  const sent = caseView.getByRole('region', { name: 'Sent' });
  await expect(sent.getByText(/^Top-up \(billed\)/)).toBeVisible({ timeout: 20_000 });
  await expect(sent.getByRole('button', { name: 'Copy MeteringRecordId' })).toBeVisible();
  await expect(caseView.getByRole('heading', { name: /^Top-up:/ })).toHaveCount(0);
  // What could not be metered is still owed: the case stays open, not completed.
  await expect(caseView.locator('dt:text-is("State") + dd')).toHaveText('Open');
  await expect(caseView.getByRole('heading', { name: 'Cannot be metered: 5 units' })).toBeVisible();
  await screenshot(page, 'corrections-under-billing-sent');
});
