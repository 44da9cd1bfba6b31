// Unsent work is not lost: the records typed in the editor and the open CSV import (with the
// lines taken out of it) are kept in main per connection, and come back after navigating away,
// a reload and a restart of the host. Leaving the screen with unsent work asks first, and
// "Clear all" asks with the count.
import { expect, test } from '../fixtures';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';
import { Shell } from '../pages/shell';

const PRODUCT = 'Nimbus Vector Search';

test('unsent records and the open import survive navigation, reload and restart; leaving and clearing ask', async ({
  mdesk,
}) => {
  test.setTimeout(120_000);
  let page = mdesk.page;
  let metering = new MeteringPage(page);
  await new Shell(page).waitUntilLoaded();
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const [a, b, c] = billableSubscriptions(world, PRODUCT, mdesk.now() - 3 * 3_600_000);
  if (!a || !b || !c) throw new Error('not enough sandbox subscriptions');
  const hour = utcHour(2, mdesk.now());
  const csv = [
    'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp',
    `${PRODUCT},${a.customerAwsAccountId},${a.licenseArn ?? ''},vector_queries,100,${hour}`,
    `${PRODUCT},${b.customerAwsAccountId},${b.licenseArn ?? ''},vector_queries,200,${hour}`,
    `${PRODUCT},${c.customerAwsAccountId},${c.licenseArn ?? ''},vector_queries,300,${hour}`,
  ].join('\n');

  await metering.importCsv('usage.csv', `${csv}\n`);
  await expect(metering.importSummary).toContainText('3 ready');
  await metering.tab(/^Ready/).click();
  await page.getByRole('button', { name: 'Leave line 4 out' }).click();
  await expect(metering.tab(/^Ready/)).toHaveText('Ready (2)');
  for (const quantity of ['7', '8']) {
    await page.getByRole('button', { name: 'Add record' }).click();
    const n = quantity === '7' ? 1 : 2;
    await metering.field(n, 'AWS account id').fill(a.customerAwsAccountId);
    await metering.field(n, 'Quantity').fill(quantity);
  }

  /** The work as it was left: two typed records and the import without line 4. */
  const expectWorkKept = async (): Promise<void> => {
    await expect(metering.field(1, 'Quantity')).toHaveValue('7');
    await expect(metering.field(2, 'Quantity')).toHaveValue('8');
    await expect(metering.field(2, 'AWS account id')).toHaveValue(a.customerAwsAccountId);
    await expect(metering.importSummary).toContainText('3 ready');
    await expect(metering.tab(/^Ready/)).toHaveText('Ready (2)');
  };

  await test.step('leaving with unsent work asks first; staying keeps the screen', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Journal' })
      .click();
    const ask = page.getByRole('dialog', { name: 'Leave Metering with unsent work?' });
    await expect(ask).toContainText(
      '2 records in the editor and 2 ready import rows are not sent yet.',
    );
    await ask.getByRole('button', { name: 'Stay on Metering' }).click();
    await expect(ask).toBeHidden();
    await expect(page.getByRole('heading', { level: 1, name: 'Metering' })).toBeVisible();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Journal' })
      .click();
    await ask.getByRole('button', { name: 'Leave (keep the draft)' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Journal' })).toBeVisible();
  });

  await test.step('the work is back after navigating away', async () => {
    await metering.open();
    await expectWorkKept();
  });

  await test.step('…after a reload', async () => {
    await page.reload();
    await new Shell(page).waitUntilLoaded();
    await expect(page.getByRole('heading', { level: 1, name: 'Metering' })).toBeVisible();
    await expectWorkKept();
  });

  await test.step('…and after a restart of the host', async () => {
    await mdesk.restart();
    page = mdesk.page;
    metering = new MeteringPage(page);
    await new Shell(page).waitUntilLoaded();
    await metering.open();
    await expectWorkKept();
  });

  await test.step('"Clear all" asks with the count; keeping changes nothing', async () => {
    await page.getByRole('button', { name: 'Clear all' }).click();
    const ask = page.getByRole('dialog', { name: 'Clear all records?' });
    await expect(ask).toContainText('2 records typed in the editor will be removed.');
    await ask.getByRole('button', { name: 'Keep them' }).click();
    await expect(metering.field(2, 'Quantity')).toHaveValue('8');
    await page.getByRole('button', { name: 'Clear all' }).click();
    await ask.getByRole('button', { name: 'Clear 2 records' }).click();
    await expect(metering.record(1)).toHaveCount(0);
    // The cleared editor is what comes back; the import stays.
    await page.reload();
    await new Shell(page).waitUntilLoaded();
    await expect(metering.tab(/^Ready/)).toHaveText('Ready (2)');
    await expect(metering.record(1)).toHaveCount(0);
  });
});
