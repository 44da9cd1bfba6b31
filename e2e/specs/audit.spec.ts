// The Audit screen against the real core and the sandbox (its real 2 requests/s LookupEvents
// limit, 300 seeded events so a full 90-day sync takes seconds): an auditor syncs, sees the days
// covered, filters to one customer and dimension, opens an event's raw record, compares two
// events, charts, and exports the rows as CSV. Screenshots (light and dark) for review.
import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import { expect, test, type MeterdeskApp } from '../fixtures';
import { Shell } from '../pages/shell';

test.use({ sandboxHistory: 300 });

type Row = {
  eventId: string;
  customerAwsAccountId?: string;
  dimension: string;
  status: string;
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

test('an auditor syncs 90 days, filters to one customer and dimension, opens the raw record and exports', async ({
  mdesk,
  request,
}, testInfo) => {
  const { page } = mdesk;
  // The screen scrolls inside the shell: a tall viewport shows all of it in one picture.
  const shot = async (name: string): Promise<void> => {
    await page.setViewportSize({ width: 1440, height: 1500 });
    // Clicking a row scrolls the grid sideways to the click; show it from its first column.
    await page
      .getByRole('grid', { name: 'CloudTrail usage records' })
      .evaluateAll('(grids) => grids.forEach((g) => { g.scrollLeft = 0; })');
    await page.screenshot({ path: testInfo.outputPath(name) });
    await page.setViewportSize({ width: 1280, height: 800 });
  };
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await expect(
    page.getByText('No CloudTrail events are cached for this account yet.'),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 30_000,
  });
  // Every day of the 90 is covered in both of the Sandbox's regions (us-east-1 holds the seeded
  // history, eu-west-1 is synced too); today is still going, so it is partial.
  const days = page.getByLabel('Days synced per region');
  await expect(days.getByText(/89 of 90 days complete/)).toHaveCount(2);
  await expect(days.getByRole('list', { name: 'Days in eu-west-1' })).toBeVisible();
  const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
  await expect(grid).toBeVisible();

  // The customer and dimension to look at: a billed record with an account id.
  const sample = await api<{ rows: Row[] }>(request, mdesk, 'audit:query', { limit: 500 });
  const target = sample.rows.find((r) => r.customerAwsAccountId && r.status === 'Success');
  if (!target?.customerAwsAccountId) throw new Error('no sample row');
  const customer = target.customerAwsAccountId;
  const filter = {
    text: [
      { column: 'customerAwsAccountId', op: 'contains', value: customer },
      { column: 'dimension', op: 'contains', value: target.dimension },
    ],
  };
  const expected = await api<{ total: number; rows: Row[] }>(request, mdesk, 'audit:query', {
    filter,
    limit: 5000,
  });
  expect(expected.total).toBeGreaterThan(0);

  await page.getByLabel('Filter Customer account').fill(customer);
  await page.getByLabel('Filter Dimension').fill(target.dimension);
  await expect(page.getByText(new RegExp(`^${expected.total} rows?`))).toBeVisible();
  const dataRows = grid.getByRole('row').filter({ has: page.getByRole('checkbox') });
  await expect(dataRows.first()).toContainText(customer);
  // Text filters match "contains", case-insensitively (filters.ts), so a failed call that sent
  // the dimension in the wrong case (the seeded history has some) is rightly shown too.
  for (const text of await dataRows.allTextContents()) {
    expect(text).toContain(customer);
    expect(text.toLowerCase()).toContain(target.dimension.toLowerCase());
  }

  // One event's raw record, exactly as CloudTrail sent it.
  await dataRows.first().click();
  const detail = page.getByRole('region', { name: 'Event details' });
  const raw = detail.getByLabel('Raw CloudTrail record');
  await expect(raw).toContainText('"eventSource": "metering-marketplace.amazonaws.com"');
  const firstId = expected.rows[0]?.eventId ?? '';
  await expect(raw).toContainText(`"eventID": "${firstId}"`);
  await shot('audit-explorer-light.png');

  // Two events side by side.
  // Rows are records; pick two that belong to different events (default order: newest first).
  const other = expected.rows.findIndex((r) => r.eventId !== firstId);
  expect(other, 'the filtered rows span at least two events to compare').toBeGreaterThan(0);
  await dataRows.nth(0).getByRole('checkbox').check();
  await dataRows.nth(other).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Compare 2 events' }).click();
  const compare = page.getByRole('region', { name: 'Compare events' });
  await expect(compare.getByLabel(`Raw record ${firstId}`)).toContainText(firstId);
  await page.getByRole('button', { name: 'Close comparison' }).click();

  // Export the filtered rows.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^meterdesk-audit-\d{12}-.*\.csv$/);
  const csv = await readFile(await file.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(
    /^event_time_utc,usage_hour_utc,usage_time_utc,customer_aws_account_id,/,
  );
  expect(lines).toHaveLength(expected.total + 1);
  for (const line of lines.slice(1)) {
    // Account ids stay text in a spreadsheet.
    expect(line).toContain(`"=""${customer}"""`);
    // The explorer's dimension filter matches case-insensitively, as documented.
    expect(line.toLowerCase()).toContain(target.dimension.toLowerCase());
  }
  expect(csv).toContain(firstId);

  // Charts for the same filters.
  await page.getByRole('tab', { name: 'Charts and totals' }).click();
  await expect(page.getByRole('img', { name: /Quantity by dimension/ })).toBeVisible();
  await page.getByRole('combobox', { name: 'Chart one customer' }).selectOption(customer);
  await expect(
    page.getByRole('img', { name: new RegExp(`Quantity for .*${customer}`) }),
  ).toBeVisible();
  await shot('audit-charts-light.png');

  // Dark theme, same screens.
  await api(request, mdesk, 'settings:set', { theme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot('audit-charts-dark.png');
  await page.getByRole('tab', { name: 'Records' }).click();
  await dataRows.first().click();
  await expect(page.getByRole('region', { name: 'Event details' })).toBeVisible();
  await shot('audit-explorer-dark.png');
});
