// A connection that works across two regions, against a sandbox serving both: the self-test grid
// probes each region for real, and an API that is not enabled in one region (DisabledApiException,
// AWS-FACTS §1.1) is said to be so, for that region only, with the next step.
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { ConnectionsPage } from '../pages/connections';
import { screenshot } from '../pages/customers';
import { Shell } from '../pages/shell';

const ownSandbox = useOwnSandbox();

test('the self-test grid probes both regions; BatchMeterUsage not enabled in eu-west-1 is shown there', async ({
  mdesk,
}) => {
  const keys = await ownSandbox.mint({ userName: 'e2e-two-regions' });
  await ownSandbox.admin('PUT', '/_sandbox/behaviour', {
    disabledApis: { 'eu-west-1': ['BatchMeterUsage'] },
  });
  const { page } = mdesk;
  await new Shell(page).waitUntilLoaded();
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Two regions',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: 'us-east-1',
    regions: 'eu-west-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.useForThisRunOnly.first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Added “Two regions”.' })).toBeVisible();

  const panel = await connections.test('Two regions');
  const grid = panel.getByRole('table', { name: 'Permissions by region' });
  await expect(grid.getByRole('columnheader', { name: 'us-east-1' })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: 'eu-west-1' })).toBeVisible();
  const batch = grid
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: /BatchMeterUsage/ }) });
  const [east, west] = [batch.getByRole('cell').nth(0), batch.getByRole('cell').nth(1)];
  await expect(east).toContainText('Allowed');
  await expect(west).toContainText('Could not tell');
  await expect(west).toContainText('BatchMeterUsage is not enabled for this seller in eu-west-1.');
  await expect(west).toContainText('Switch to the region where the product meters');
  // Every other API answers in both regions.
  for (const api of ['ResolveCustomer', 'MeterUsage', 'LookupEvents']) {
    const row = grid
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${api}`) }) });
    await expect(row.getByRole('cell').filter({ hasText: 'Allowed' })).toHaveCount(2);
  }
  await screenshot(page, 'connections-two-regions');
});
