// Customers: a support user resolves a buyer's registration token end to end, against the real
// browser host, core and sandbox.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures';
import {
  api,
  CustomersPage,
  licensedCustomer,
  screenshot,
  type SandboxWorld,
} from '../pages/customers';

test('a pasted form body with a fresh token resolves, and opens the metering editor prefilled', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const customers = new CustomersPage(page);
  await customers.open();
  const world = await api<SandboxWorld>(mdesk, 'sandbox:world', {});
  const { customer, product } = licensedCustomer(world);

  // Sandbox tools mint the token a buyer's browser would post.
  const formBody = await customers.mint(customer.awsAccountId, product.productCode);
  await customers.pasteBox.fill(`\n  ${formBody}  \n`);

  // Live extraction: what was found and which normalisation applied.
  const extracted = page.getByLabel('What was extracted');
  await expect(extracted.getByTestId('token-source')).toHaveText('Form body');
  await expect(extracted.getByRole('list', { name: 'Normalisation applied' })).toContainText(
    'URL-decoded once',
  );
  await customers.resolveButton.click();

  const result = customers.result;
  await expect(result.getByRole('heading', { name: 'Customer resolved' })).toBeVisible();
  await expect(result).toContainText(customer.awsAccountId);
  await expect(result).toContainText(product.productCode);
  await expect(result).toContainText(product.name);
  await expect(result.getByRole('button', { name: 'Copy CustomerAWSAccountId' })).toBeVisible();
  await expect(result.getByRole('button', { name: 'Copy LicenseArn' })).toBeVisible();
  const licenseArn = (
    await result
      .locator('.facts-row', { hasText: 'LicenseArn' })
      .locator('.copy-value-text')
      .innerText()
  ).trim();
  expect(licenseArn).toMatch(/^arn:aws:license-manager:/);
  await screenshot(page, 'customers-resolved');

  await result.getByRole('link', { name: 'Meter usage for this customer' }).click();
  await expect(
    page.getByRole('main').getByRole('heading', { level: 1, name: 'Metering' }),
  ).toBeVisible();
  const hash = new URL(page.url()).hash;
  expect(hash.startsWith('#/metering?')).toBe(true);
  const params = Object.fromEntries(new URLSearchParams(hash.slice('#/metering?'.length)));
  expect(params).toEqual({
    customerAwsAccountId: customer.awsAccountId,
    licenseArn,
    productCode: product.productCode,
  });
  // The metering editor (metering area) reads them into a new record.
  const record = page.getByRole('listitem', { name: 'Record 1' });
  await expect(record.getByLabel('AWS account id, record 1')).toHaveValue(customer.awsAccountId);
  await expect(record.getByLabel('License ARN, record 1')).toHaveValue(licenseArn);
  await expect(record.getByLabel('Product, record 1').locator('option:checked')).toContainText(
    product.name,
  );
  await screenshot(page, 'metering-prefilled');
});

test('expired and unknown tokens are explained with the next step, the raw error one click away', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const customers = new CustomersPage(page);
  await customers.open();
  const world = await api<SandboxWorld>(mdesk, 'sandbox:world', {});
  const { customer, product } = licensedCustomer(world);

  await customers.mint(customer.awsAccountId, product.productCode, true);
  await page.getByRole('button', { name: 'Paste into the token console' }).click();
  await expect(customers.pasteBox).toHaveValue(/^x-amzn-marketplace-token=/);
  await customers.resolveButton.click();
  await expect(customers.failure).toContainText('The registration token has expired.');
  await expect(customers.failure).toContainText('Set up your account');
  // Not the seller's credentials (customers-expired.spec.ts has that case): HTTP 400, and the
  // same credentials work for another call.
  const how = customers.failure.getByRole('list', { name: 'How this was decided' });
  await expect(how).toContainText('HTTP 400');
  await expect(how).toContainText('GetCallerIdentity with the same credentials succeeded');
  await customers.failure.getByText('Technical details').click();
  await expect(customers.failure.locator('pre')).toContainText('ExpiredTokenException');
  await screenshot(page, 'customers-expired');

  // The same token again is recognised by its hash (the token itself is not kept).
  await customers.resolveButton.click();
  await expect(customers.result.getByRole('note')).toContainText(
    /Resolved before at .* UTC \(failed: expired\)/,
  );

  // A token AWS does not know, with a few characters cut off: invalid, and it looks truncated.
  await customers.pasteBox.fill(
    'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx+/=',
  );
  await customers.resolveButton.click();
  await expect(customers.failure).toContainText('AWS does not recognise this registration token.');
  const checks = customers.failure.getByRole('list', { name: 'Token checks' });
  await expect(checks.getByRole('listitem').filter({ hasText: 'Looks truncated' })).toContainText(
    'Yes',
  );
  await expect(checks.getByRole('listitem').filter({ hasText: 'double-decoded' })).toContainText(
    'No',
  );
  await screenshot(page, 'customers-invalid');
});

test('bulk resolve: paced run with progress, results table, safe CSV export, and history (then cleared)', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const customers = new CustomersPage(page);
  await customers.open();
  const world = await api<SandboxWorld>(mdesk, 'sandbox:world', {});
  const { customer, product } = licensedCustomer(world);
  const mint = (expired: boolean) =>
    api<{ token: string; formBody: string }>(mdesk, 'sandbox:mint-token', {
      productCode: product.productCode,
      customerAwsAccountId: customer.awsAccountId,
      expired,
    });
  const [one, two, three] = await Promise.all([mint(false), mint(false), mint(false)]);
  const fresh = [one, two, three];
  const expired = await mint(true);
  const list = [
    one.formBody,
    `"${two.token}"`,
    three.token,
    'this line is not a token',
    expired.token,
    one.token,
  ].join('\n');

  await customers.tab('Bulk resolve').click();
  await page.getByLabel('Tokens to resolve').fill(list);
  await expect(page.getByRole('main')).toContainText(
    '4 tokens to resolve · 1 repeated · 1 unreadable (line 4)',
  );
  await page.getByRole('button', { name: 'Resolve 4 tokens' }).click();
  const results = page.getByRole('region', { name: 'Bulk resolve results' });
  await expect(results.getByRole('status').filter({ hasText: 'resolved' })).toContainText(
    '4 of 4 resolved — finished',
  );
  await expect(results.getByRole('progressbar', { name: 'Bulk resolve progress' })).toHaveAttribute(
    'value',
    '4',
  );
  const grid = results.getByRole('grid', { name: 'Bulk resolve results' });
  await expect(grid).toContainText('Failed: Expired');
  await expect(grid).toContainText('Duplicate');
  await expect(results).toContainText('Resolved: 3');
  await screenshot(page, 'customers-bulk');

  const downloading = page.waitForEvent('download');
  await results.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  const path = await download.path();
  const csv = await readFile(path, 'utf8');
  expect(csv).toContain(`"=""${customer.awsAccountId}"""`);
  for (const minted of [...fresh, expired]) expect(csv).not.toContain(minted.token.slice(0, 24));

  await customers.tab('History').click();
  const history = page.getByRole('grid', { name: 'Resolution history' });
  await expect(history).toContainText('Failed: Expired');
  await expect(history).toContainText(customer.awsAccountId);
  await screenshot(page, 'customers-history');

  // Clearing the history needs CLEAR typed in the confirmation dialog.
  await customers.main.getByRole('button', { name: 'Clear history…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clear the resolution history?' });
  await expect(dialog).toBeVisible();
  const confirm = dialog.getByRole('button', { name: 'Clear history', exact: true });
  await expect(confirm).toBeDisabled();
  const typed = dialog.getByLabel('Type CLEAR to confirm');
  await typed.fill('clear');
  await expect(confirm).toBeDisabled();
  await dialog.getByRole('button', { name: 'Keep the history' }).click();
  await expect(dialog).toBeHidden();
  await expect(history).toContainText(customer.awsAccountId);

  await customers.main.getByRole('button', { name: 'Clear history…' }).click();
  await typed.fill('CLEAR');
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(
    customers.main.getByRole('status').filter({ hasText: 'History cleared' }),
  ).toBeVisible();
  await expect(history).toContainText('The history was cleared.');
  await expect(history).not.toContainText(customer.awsAccountId);
  await expect(customers.main.getByRole('button', { name: 'Clear history…' })).toBeDisabled();
  expect(await api<{ total: number }>(mdesk, 'customers:history', {})).toMatchObject({ total: 0 });
  await screenshot(page, 'customers-history-cleared');
});
