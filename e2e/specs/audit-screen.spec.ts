// The Audit screen as an auditor reads it: event details come into view beside or under the
// grid; Compare says when two events share MeteringRecordIds (a replay); chart axes name each
// day or hour once; the customer picker shows names; one customer is found under either of its
// ids; and the "Sent from Meterdesk, not yet seen" panel agrees with the grid. The seeded
// CloudTrail history has identical retries (same MeteringRecordIds) and answers that echo the
// buyer's account id next to the CustomerIdentifier sent.
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from '../fixtures';
import { api } from '../pages/customers';
import { Shell } from '../pages/shell';

test.use({ sandboxHistory: 400 });

type Row = {
  eventId: string;
  customerAwsAccountId?: string;
  customerIdentifier?: string;
  meteringRecordId?: string;
  status: string;
};
type Query = { total: number; rows: Row[] };

async function syncCloudTrail(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 60_000,
  });
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  // The window, as the auditor sees it (the app scrolls inside its own panes).
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('audit screen: details in view, replays pointed out, readable axes, names, either id', async ({
  mdesk,
}, testInfo) => {
  test.skip(mdesk.kind !== 'browser', 'Reads the expected answers through the browser host API.');
  test.setTimeout(150_000);
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await syncCloudTrail(page);
  const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
  const dataRows = grid.getByRole('row').filter({ has: page.getByRole('checkbox') });
  await expect(dataRows.first()).toBeVisible();

  await test.step('a chosen event’s details are brought into view', async () => {
    await dataRows.nth(3).click();
    const detail = page.getByRole('region', { name: 'Event details' });
    await expect(detail.getByLabel('Raw CloudTrail record')).toContainText('"eventID"');
    await expect(detail).toBeInViewport();
    await detail.getByRole('button', { name: 'Close details' }).click();
  });

  const all = await api<Query>(mdesk, 'audit:query', { limit: 5000 });

  await test.step('Compare points out MeteringRecordIds both events carry (a replay)', async () => {
    const byId = new Map<string, Set<string>>();
    for (const r of all.rows) {
      if (r.meteringRecordId === undefined) continue;
      const events = byId.get(r.meteringRecordId) ?? new Set<string>();
      events.add(r.eventId);
      byId.set(r.meteringRecordId, events);
    }
    const replayed = [...byId.entries()].find(([, events]) => events.size >= 2);
    if (!replayed) throw new Error('The seeded history has no replayed MeteringRecordId.');
    const [recordId] = replayed;
    await grid.getByRole('searchbox', { name: 'Filter MeteringRecordId' }).fill(recordId);
    await expect(dataRows).toHaveCount(replayed[1].size);
    await dataRows.nth(0).getByRole('checkbox').check();
    await dataRows.nth(1).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare 2 events' }).click();
    const shared = page
      .getByRole('region', { name: 'Compare events' })
      .getByRole('status', { name: 'Shared MeteringRecordIds' });
    await expect(shared).toContainText('a replay');
    await expect(shared).toContainText(recordId);
    await page.getByRole('button', { name: 'Close comparison' }).click();
    await page.getByRole('button', { name: 'Unpick all' }).click();
    await grid.getByRole('searchbox', { name: 'Filter MeteringRecordId' }).fill('');
  });

  // A customer the directory links (the Sandbox's world knows both of its ids) whose records
  // CloudTrail holds under each of them: the legacy product's under the CustomerIdentifier, the
  // newer products' under the account id.
  const directory = await api<{
    customers: { name?: string; accountIds: string[]; identifiers: string[] }[];
  }>(mdesk, 'customers:directory', {});
  const underBoth = directory.customers.flatMap((c) =>
    c.accountIds.flatMap((customerAwsAccountId) =>
      c.identifiers
        .filter(
          (customerIdentifier) =>
            all.rows.some((r) => r.customerIdentifier === customerIdentifier) &&
            all.rows.some((r) => r.customerAwsAccountId === customerAwsAccountId),
        )
        .map((customerIdentifier) => ({ customerAwsAccountId, customerIdentifier })),
    ),
  );
  const linked = underBoth[0];
  if (!linked) throw new Error('The seeded history has no customer recorded under both ids.');
  const { customerIdentifier, customerAwsAccountId } = linked;

  await test.step('one customer is found under either id, and by name', async () => {
    const count = async (filter: unknown): Promise<number> =>
      (await api<Query>(mdesk, 'audit:query', { filter, limit: 0 })).total;
    const byAccount = await count({
      text: [{ column: 'customerAwsAccountId', op: 'equals', value: customerAwsAccountId }],
    });
    const byIdentifier = await count({
      text: [{ column: 'customerIdentifier', op: 'equals', value: customerIdentifier }],
    });
    const both = await count({
      customers: { accountIds: [customerAwsAccountId], identifiers: [customerIdentifier] },
    });
    expect(byAccount).toBeGreaterThan(0);
    expect(byIdentifier).toBeGreaterThan(0);
    expect(both).toBe(byAccount + byIdentifier);
    const customerBox = page.getByRole('search', { name: 'Audit filters' }).getByLabel('Customer');
    for (const typed of [customerAwsAccountId, customerIdentifier]) {
      await customerBox.fill(typed);
      await expect(page.getByText(new RegExp(`^${String(both)} rows?`))).toBeVisible();
    }
    const world = await api<{ customers: { awsAccountId: string; name: string }[] }>(
      mdesk,
      'sandbox:world',
      {},
    );
    const name = world.customers.find((c) => c.awsAccountId === customerAwsAccountId)?.name;
    if (!name) throw new Error('The linked customer is not one of the Sandbox’s buyers.');
    await customerBox.fill(name);
    await expect(page.getByText(new RegExp(`^${String(both)} rows?`))).toBeVisible();
    await expect(dataRows.first()).toContainText(name);
    await grid.evaluate((element: { scrollLeft: number }) => {
      element.scrollLeft = 0;
    });
    await attachScreenshot(page, testInfo, 'audit screen (one customer, either id)');
    await customerBox.fill('');
  });

  await test.step('chart axes name each day or hour once; the picker shows names', async () => {
    await page.getByRole('tab', { name: 'Charts and totals' }).click();
    const axis = page.getByText(/^Time axis \(UTC\): /).first();
    for (const bucket of ['day', 'hour']) {
      await page.getByRole('combobox', { name: 'Per' }).selectOption(bucket);
      await expect(axis).toHaveText(/: \S/);
      const labels = (await axis.innerText()).replace(/^Time axis \(UTC\): /, '').split(', ');
      expect(labels.length, `${bucket} ticks`).toBeGreaterThan(1);
      expect(new Set(labels).size, `${bucket} ticks are distinct: ${labels.join(' ')}`).toBe(
        labels.length,
      );
    }
    const picker = page.getByRole('combobox', { name: 'Chart one customer' });
    const options = await picker.getByRole('option').allInnerTexts();
    const named = options.find((o) => o.includes(customerAwsAccountId));
    expect(named, 'the linked customer is offered once, by name').toMatch(
      new RegExp(`^\\S.*\\(.*${customerAwsAccountId}`),
    );
    expect(options.filter((o) => o.includes(customerIdentifier))).toHaveLength(1);
    await attachScreenshot(page, testInfo, 'audit screen (charts)');
    await page.getByRole('tab', { name: 'Records' }).click();
  });
});

test('records already in CloudTrail are seen, not “not expected yet”', async ({ mdesk }) => {
  test.skip(mdesk.kind !== 'browser', 'Submits through the browser host API.');
  const { page } = mdesk;
  const world = await api<{
    products: { productCode: string; kind: string; identityModel: string; dimensions: string[] }[];
    customers: { awsAccountId: string; subscribed: string[] }[];
  }>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => product && c.subscribed.includes(product.productCode),
  );
  if (!product || !customer) throw new Error('No legacy sandbox subscription.');
  const hour = Math.floor(mdesk.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
  await api(mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${product.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: product.productCode,
        customerAwsAccountId: customer.awsAccountId,
        dimension: product.dimensions[0] ?? 'users',
        quantity: 5,
        timestamp: new Date(hour).toISOString(),
      },
    ],
  });
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await syncCloudTrail(page);
  // The grid marks the record as sent from Meterdesk…
  const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
  await expect(grid.getByText(/^✓ by /).first()).toBeVisible();
  // …and the panel counts it as seen, minutes after it was sent.
  const panel = page.getByRole('region', {
    name: 'Sent from Meterdesk, not yet seen in CloudTrail',
  });
  await expect(panel.getByRole('status')).toContainText(
    '1 journal record of this account was answered by AWS: 1 is in the synced CloudTrail events',
  );
  await expect(panel).not.toContainText('not expected');
});
