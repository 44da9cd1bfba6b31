// After a finished submission the outcome panel shows totals per dimension and Submit is
// replaced by "New submission", so the same plan cannot be sent again; previewing the same
// record afterwards flags it as already sent.
import { expect, test } from '../fixtures';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';

test('after success: totals per dimension, "New submission" instead of Submit, the same record flagged as already sent', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const metering = new MeteringPage(page);
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const [sub] = billableSubscriptions(world, 'Nimbus Vector Search', mdesk.now() - 3 * 3_600_000);
  if (!sub) throw new Error('The sandbox has no billable Nimbus Vector Search subscription.');

  await page.getByRole('button', { name: 'Add record' }).click();
  await metering.field(1, 'Product').selectOption({ label: 'Nimbus Vector Search (sandbox)' });
  await metering.field(1, 'AWS account id').fill(sub.customerAwsAccountId);
  await metering.field(1, 'License ARN').fill(sub.licenseArn ?? '');
  await metering.field(1, 'Dimension').fill('vector_queries');
  await metering.field(1, 'Quantity').fill('3');
  await metering.field(1, 'Usage hour (UTC)').fill(utcHour(2, mdesk.now()));
  await metering.previewButton.click();
  await expect(metering.planSummary).toContainText('1 record in 1 call');
  await metering.submit();

  const outcome = page.getByRole('table', { name: 'Outcome per dimension' });
  const row = outcome.getByRole('row').filter({ hasText: 'vector_queries' });
  // Dimension, records, billed records, billed quantity, not billed or open.
  await expect(row.getByRole('cell')).toHaveText(['1', '1', '3', '0']);
  await expect(metering.submitButton).toHaveCount(0);
  const newSubmission = page.getByRole('button', { name: 'New submission' });
  await expect(newSubmission).toBeVisible();

  await newSubmission.click();
  await expect(newSubmission).toHaveCount(0);
  await metering.previewButton.click();
  await expect(metering.planSummary).toContainText('1 record in 1 call');
  await expect(
    page.getByText('This exact record was already sent (quantity 3).').first(),
  ).toBeVisible();
});
