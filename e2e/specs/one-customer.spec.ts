// One customer, one view: a legacy product's buyer resolved from a token is known by its
// CustomerIdentifier and (in the answer) its AWS account id. "Meter usage for this customer"
// fills exactly the identity the product meters by — the CustomerIdentifier — so the editor's
// record is valid as it opens; the directory links both ids and names the buyer.
import { expect, test } from '../fixtures';
import { api, CustomersPage } from '../pages/customers';

type World = {
  products: { productCode: string; kind: string; identityModel: string; dimensions: string[] }[];
  customers: { awsAccountId: string; name: string; subscribed: string[] }[];
};
type Directory = { customers: { name?: string; accountIds: string[]; identifiers: string[] }[] };

test('a legacy buyer: the link fills the CustomerIdentifier alone, and the directory links both ids by name', async ({
  mdesk,
}) => {
  test.skip(mdesk.kind !== 'browser', 'reads the sandbox through the browser host’s local API');
  const { page } = mdesk;
  const customers = new CustomersPage(page);
  await customers.open();
  const world = await api<World>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => product !== undefined && c.subscribed.includes(product.productCode),
  );
  if (!product || !customer) throw new Error('The sandbox has no legacy subscription.');

  await customers.pasteBox.fill(await customers.mint(customer.awsAccountId, product.productCode));
  await customers.resolveButton.click();
  const result = customers.result;
  await expect(result.getByRole('heading', { name: 'Customer resolved' })).toBeVisible();
  const identifier = (
    await result
      .locator('.facts-row', { hasText: 'CustomerIdentifier' })
      .locator('.copy-value-text')
      .innerText()
  ).trim();
  expect(identifier).not.toBe('');

  // The directory now links the two ids, under the buyer's name.
  const directory = await api<Directory>(mdesk, 'customers:directory', {});
  const linked = directory.customers.find((c) => c.identifiers.includes(identifier));
  expect(linked?.accountIds).toContain(customer.awsAccountId);
  expect(linked?.name).toBe(customer.name);

  await result.getByRole('link', { name: 'Meter usage for this customer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Metering' })).toBeVisible();
  const params = Object.fromEntries(
    new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? ''),
  );
  expect(params).toEqual({ customerIdentifier: identifier, productCode: product.productCode });
  const record = page.getByRole('listitem', { name: 'Record 1', exact: true });
  await expect(record.getByLabel('Customer identifier, record 1')).toHaveValue(identifier);
  await expect(record.getByLabel('AWS account id, record 1')).toHaveValue('');
  await expect(record.getByLabel('License ARN, record 1')).toHaveValue('');
  // With a dimension and a quantity the record is valid: one customer, named the right way.
  await record.getByLabel('Dimension, record 1').fill(product.dimensions[0] ?? '');
  await record.getByLabel('Quantity, record 1').fill('5');
  await expect(page.getByText('1 record, all valid')).toBeVisible();
});
