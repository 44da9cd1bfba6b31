// After Resolve, Preview and Submit — each pressed from the keyboard, each disabling its own
// button while it works — focus lands on what the action produced, not on <body>. On the
// Customers screen, text that is not a token (garbage) retires the previous result.
import { expect, test } from '../fixtures';
import { api, CustomersPage, licensedCustomer, type SandboxWorld } from '../pages/customers';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';

test('after Resolve, focus is on the result; garbage typed afterwards clears it', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const customers = new CustomersPage(page);
  await customers.open();
  const world = await api<SandboxWorld>(mdesk, 'sandbox:world', {});
  const { customer, product } = licensedCustomer(world);
  const formBody = await customers.mint(customer.awsAccountId, product.productCode);
  await customers.pasteBox.fill(formBody);

  await customers.resolveButton.focus();
  await page.keyboard.press('Enter');
  await expect(customers.result).toContainText(customer.awsAccountId);
  const focused = page.locator(':focus');
  await expect(focused).toHaveCount(1);
  await expect(focused.getByLabel('Resolve result')).toBeVisible();

  // Garbage in the box: the old customer is no longer on screen as if it were this text's.
  await customers.pasteBox.fill('not a token at all');
  await expect(customers.result).toHaveCount(0);
  await expect(page.getByText('Start by pasting what the buyer’s browser sent')).toBeVisible();
  await expect(customers.resolveButton).toBeDisabled();
});

test('after Preview the plan summary has focus; after Submit the submission has it', async ({
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
  await metering.field(1, 'Usage hour (UTC)').fill(utcHour(1, mdesk.now()));
  await expect(metering.record(1)).not.toContainText('Error');

  await metering.previewButton.focus();
  await page.keyboard.press('Enter');
  await expect(metering.planSummary).toContainText('1 record in 1 call');
  await expect(metering.planSummary).toBeFocused();

  await metering.submitButton.focus();
  await page.keyboard.press('Enter');
  const submission = page.getByRole('status', { name: 'Submission' });
  await expect(submission).toContainText('started with 1 record');
  await expect(submission).toBeFocused();
});
