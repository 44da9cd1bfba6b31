// The billing confirmation on a connection that is not the built-in Sandbox (pasted keys with a
// custom endpoint that reaches the sandbox): the dialog names the account, region and endpoint,
// the records, calls and totals, and nothing is sent until the phrase is typed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, test, type MeterdeskApp } from '../fixtures';
import { screenshot } from '../pages/customers';

async function api<T>(
  _request: APIRequestContext,
  mdesk: MeterdeskApp,
  channel: string,
  input: unknown,
): Promise<T> {
  // Through the contract in either host; `request` stays for the callers' signature.
  return mdesk.call<T>(channel, input);
}

type Connection = { id: string; region: string; endpoint?: string; isSandbox: boolean };
type CatalogView = { sandbox: { id: string; productCode?: string; name: string }[] };

/** Copies the sandbox's products into the user's catalog and activates a pasted-keys connection. */
async function useRealConnection(request: APIRequestContext, mdesk: MeterdeskApp) {
  const info = await api<{ activeConnection: Connection }>(request, mdesk, 'app:info', {});
  const sandbox = info.activeConnection;
  const catalog = await api<CatalogView>(request, mdesk, 'metering:catalog-list', {});
  await api(request, mdesk, 'metering:catalog-save', {
    products: catalog.sandbox.map((p) => ({ ...p, id: `real-${p.name}`, source: 'user' })),
  });
  const [seller] = JSON.parse(
    await readFile(join(mdesk.dataDir, 'sandbox', 'credentials.json'), 'utf8'),
  ) as { accessKeyId: string; secretAccessKey: string; accountId: string }[];
  if (!seller) throw new Error('no sandbox credentials');
  const added = await api<{ id: string }>(request, mdesk, 'connections:add', {
    name: 'Production (test)',
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    source: {
      kind: 'keys',
      accessKeyId: seller.accessKeyId,
      secretAccessKey: seller.secretAccessKey,
      storage: 'session',
    },
  });
  await api(request, mdesk, 'connections:activate', { id: added.id });
  return { accountId: seller.accountId, region: sandbox.region, endpoint: sandbox.endpoint ?? '' };
}

test('a real connection: the dialog names account, region, endpoint and totals; nothing bills until the phrase is typed', async ({
  mdesk,
  request,
}) => {
  const real = await useRealConnection(request, mdesk);
  const { page } = mdesk;
  await page.reload();
  const main = page.getByRole('main');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Containers' })
    .click();
  const form = main.getByRole('region', { name: /MeterUsage/ });
  await form.getByLabel('Product').selectOption({ label: 'Helix Inference Server (container)' });
  await form.getByLabel('UsageQuantity').fill('3');
  await form.getByRole('button', { name: /^Send MeterUsage \(bills\)/ }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm what will be billed' });
  await expect(dialog).toBeVisible();
  const facts = dialog.getByRole('definition');
  await expect(dialog.getByLabel('Billed account')).toContainText(real.accountId);
  await expect(dialog.getByLabel('Billed account')).toContainText(real.region);
  await expect(dialog.getByLabel('Billed account')).toContainText(real.endpoint);
  await expect(facts.filter({ hasText: /^1$/ })).toHaveCount(2); // one record, one call
  const totals = dialog.getByRole('table', { name: 'Totals per dimension' });
  await expect(totals.getByRole('row', { name: /gpu_hours/ })).toContainText('3');
  await screenshot(page, 'billing-confirmation-dialog');

  const go = dialog.getByRole('button', { name: 'Submit' });
  await expect(go).toBeDisabled();
  await dialog.getByLabel('Type “submissions are final”').fill('submissions are');
  await expect(go).toBeDisabled();
  // Cancelled: nothing was journaled, so nothing was sent.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  const before = await api<{ total: number }>(request, mdesk, 'journal:query', { filter: {} });
  expect(before.total).toBe(0);

  await form.getByRole('button', { name: /^Send MeterUsage \(bills\)/ }).click();
  await dialog.getByLabel('Type “submissions are final”').fill('Submissions are final');
  await go.click();
  const result = form.getByRole('status', { name: 'MeterUsage result' });
  await expect(result).toContainText('Metered. MeteringRecordId');
  const after = await api<{ total: number; rows: { account: string }[] }>(
    request,
    mdesk,
    'journal:query',
    { filter: {} },
  );
  expect(after.total).toBe(1);
  expect(after.rows[0]?.account).toBe(real.accountId);
});
