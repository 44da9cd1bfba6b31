// A finance user imports a spreadsheet export that the import cannot read with certainty: an
// unquoted "1,234", a time without a zone, an id with a trailing space. Nothing is guessed: those
// lines need review, by their own line numbers; choosing the file's zone settles the zone-less
// times for the whole file; a ragged line can be fixed in the editor once checked against the
// file. Ready rows can be edited or left out, and a fixed row that now collides with a ready row
// says which one and offers to merge, drop the line or drop the record.
import { expect, test } from '../fixtures';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';

const PRODUCT = 'Nimbus Vector Search';

test('CSV lines that cannot be read with certainty need review; nothing is guessed', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const [a, b, c, d] = billableSubscriptions(world, PRODUCT, mdesk.now() - 3 * 3_600_000);
  if (!a || !b || !c || !d) throw new Error('not enough sandbox subscriptions');
  const hour = utcHour(2, mdesk.now());
  const zoneless = hour.replace('T', ' ').replace(':00Z', ':00');
  const row = (s: typeof a, dim: string, q: string, t: string): string =>
    `${PRODUCT},${s.customerAwsAccountId},${s.licenseArn ?? ''},${dim},${q},${t}`;
  const csv = [
    'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp', // 1
    row(a, 'vector_queries', '100', hour), // 2 ready
    row(b, 'vector_queries', '1,234', hour), // 3 seven cells for six columns
    '', // 4
    row(c, 'vector_queries', '30', zoneless), // 5 no zone
    `${PRODUCT},"${d.customerAwsAccountId} ",${d.licenseArn ?? ''},vector_queries,4,${hour}`, // 6 trailing space
    row(a, 'index_storage_gb', '9', hour), // 7 ready
  ].join('\r\n');

  await test.step('each uncertain line needs review, named by its own line number', async () => {
    await metering.importCsv('export.csv', `${csv}\r\n`);
    await expect(metering.importSummary).toContainText('2 ready');
    await expect(metering.importSummary).toContainText('3 need review');
    await expect(metering.importSummary).toContainText('Times without a zone: no zone chosen');
    await expect(metering.reviewRow(3)).toContainText(
      '7 cells for 6 columns: a thousands separator or an unquoted comma?',
    );
    await expect(metering.reviewRow(3)).toContainText("Cells don't match the header");
    await expect(metering.reviewRow(5)).toContainText('No time zone');
    await expect(metering.reviewRow(5)).toContainText('does not guess one');
    await expect(metering.reviewRow(6)).toContainText('starts or ends with spaces');
  });

  await test.step('one zone for the whole file settles the zone-less line, shown in the summary', async () => {
    await page.getByLabel('Time zone for times without one').selectOption('UTC');
    await page.getByRole('button', { name: 'Check the file again with this zone' }).click();
    await expect(metering.importSummary).toContainText('3 ready');
    await expect(metering.importSummary).toContainText('Times without a zone: read in UTC');
    await expect(
      page.getByText('1 time without a zone read in UTC, as you chose for this file.'),
    ).toBeVisible();
    await expect(metering.reviewRow(5)).toHaveCount(0);
  });

  await test.step('a ragged line fixed in the editor only once checked against the file', async () => {
    await metering.fixInEditor(3);
    const record = metering.record(1);
    await expect(record).toContainText('line 3');
    await expect(record).toContainText('7 cells for 6 columns');
    // The cells after the split moved one place: the quantity reads 1, the time "234".
    await expect(metering.field(1, 'Quantity')).toHaveValue('1');
    await metering.field(1, 'Quantity').fill('1234');
    await metering.field(1, 'Usage hour (UTC)').fill(hour);
    await expect(record).toContainText('Error');
    await record
      .getByRole('checkbox', { name: /I checked every field of record 1 against line 3/ })
      .check();
    await expect(record).not.toContainText('Error');
  });
});

test('ready rows can be edited or left out; a fixed row that collides with a ready row offers merge or drop', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const [a, b, c] = billableSubscriptions(world, PRODUCT, mdesk.now() - 3 * 3_600_000);
  if (!a || !b || !c) throw new Error('not enough sandbox subscriptions');
  const hour = utcHour(1, mdesk.now());
  const row = (s: typeof a, q: string): string =>
    `${PRODUCT},${s.customerAwsAccountId},${s.licenseArn ?? ''},vector_queries,${q},${hour}`;
  const csv = [
    'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp',
    row(a, '100'), // 2 ready
    row(b, '50'), // 3 ready
    row(c, '7'), // 4 ready
    row(a, '25'), // 5 duplicate of line 2
  ].join('\n');
  await metering.importCsv('ready.csv', csv);
  await expect(metering.importSummary).toContainText('3 ready');

  await test.step('leave a ready row out, and take another into the editor', async () => {
    await metering.tab(/Ready/).click();
    await page.getByRole('button', { name: 'Leave line 4 out' }).click();
    await expect(metering.tab(/Ready \(2\)/)).toBeVisible();
    await expect(metering.importSummary).toContainText('1 left out');
    await page.getByRole('button', { name: 'Edit line 3 in the editor' }).click();
    await expect(metering.tab(/Ready \(1\)/)).toBeVisible();
    await expect(metering.record(1)).toContainText('line 3');
    await expect(metering.field(1, 'AWS account id')).toHaveValue(b.customerAwsAccountId);
  });

  await test.step('a fixed duplicate says which ready line it collides with, and merges', async () => {
    await metering.tab(/Needs review/).click();
    await metering.fixInEditor(5);
    const collision = page.getByRole('group', { name: 'Collision of record 2' });
    await expect(collision).toContainText(
      'Same customer, dimension and hour as line 2 of the import',
    );
    await collision
      .getByRole('button', { name: /Merge line 2 into record 2 \(quantity 125\)/ })
      .click();
    await expect(metering.field(2, 'Quantity')).toHaveValue('125');
    await expect(collision).toHaveCount(0);
    await expect(metering.tab(/Ready \(0\)/)).toBeVisible();
    await expect(metering.importSummary).toContainText('1 merged into edited records');
  });

  await test.step('the preview sends the edited records and nothing left out', async () => {
    await metering.previewButton.click();
    await expect(metering.planSummary).toContainText('2 records in 1 call');
    expect(await metering.dimensionTotals(PRODUCT, 'vector_queries')).toEqual([
      'vector_queries',
      '2',
      '175',
    ]);
  });
});

test('a fixed row that collides with a ready row can drop the line or drop the record', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const [a, b] = billableSubscriptions(world, PRODUCT, mdesk.now() - 3 * 3_600_000);
  if (!a || !b) throw new Error('not enough sandbox subscriptions');
  const hour = utcHour(1, mdesk.now());
  const row = (s: typeof a, q: string): string =>
    `${PRODUCT},${s.customerAwsAccountId},${s.licenseArn ?? ''},vector_queries,${q},${hour}`;
  const csv = [
    'product,customer_aws_account_id,license_arn,dimension,quantity,timestamp',
    row(a, '100'), // 2 ready
    row(b, '50'), // 3 ready
    row(a, '25'), // 4 duplicate of line 2
    row(b, '9'), // 5 duplicate of line 3
  ].join('\n');
  await metering.importCsv('collide.csv', csv);
  await expect(metering.importSummary).toContainText('2 ready');
  await expect(metering.importSummary).toContainText('2 need review');

  await test.step('drop the ready line, keep the fixed record', async () => {
    await metering.fixInEditor(4);
    const collision = page.getByRole('group', { name: 'Collision of record 1' });
    await expect(collision).toContainText(
      'Same customer, dimension and hour as line 2 of the import',
    );
    await collision.getByRole('button', { name: 'Drop line 2, keep record 1' }).click();
    await expect(collision).toHaveCount(0);
    await expect(metering.field(1, 'Quantity')).toHaveValue('25');
    await expect(metering.tab(/Ready \(1\)/)).toBeVisible();
    await expect(metering.importSummary).toContainText('1 left out');
  });

  await test.step('drop the fixed record, keep the ready line', async () => {
    await metering.fixInEditor(5);
    const collision = page.getByRole('group', { name: 'Collision of record 2' });
    await expect(collision).toContainText(
      'Same customer, dimension and hour as line 3 of the import',
    );
    await collision.getByRole('button', { name: 'Drop record 2, keep line 3' }).click();
    await expect(metering.record(2)).toHaveCount(0);
    await expect(metering.tab(/Ready \(1\)/)).toBeVisible();
  });

  await test.step('the preview sends the kept record and the kept line, once each', async () => {
    await metering.previewButton.click();
    await expect(metering.planSummary).toContainText('2 records in 1 call');
    expect(await metering.dimensionTotals(PRODUCT, 'vector_queries')).toEqual([
      'vector_queries',
      '2',
      '75',
    ]);
  });
});

test('Add record copies the product and the customer; the usage hour is ISO text with a UTC hour picker', async ({
  mdesk,
}) => {
  const page = mdesk.page;
  const metering = new MeteringPage(page);
  await metering.open();
  const world = await readSandboxWorld(mdesk.dataDir);
  const sub = billableSubscriptions(world, PRODUCT, mdesk.now())[0];
  if (!sub?.licenseArn) throw new Error('no subscription');
  await page.getByRole('button', { name: 'Add record', exact: true }).click();
  await metering.field(1, 'Product').selectOption({ label: `${PRODUCT} (sandbox)` });
  await metering.field(1, 'AWS account id').fill(sub.customerAwsAccountId);
  await metering.field(1, 'License ARN').fill(sub.licenseArn);
  await page.getByRole('button', { name: 'Add record', exact: true }).click();
  await expect(metering.field(2, 'Product')).toHaveValue(
    await metering.field(1, 'Product').inputValue(),
  );
  await expect(metering.field(2, 'AWS account id')).toHaveValue(sub.customerAwsAccountId);
  await expect(metering.field(2, 'License ARN')).toHaveValue(sub.licenseArn);
  await expect(metering.field(2, 'Quantity')).toHaveValue('');

  const day = new Date(mdesk.now()).toISOString().slice(0, 10);
  await page.getByLabel('Date (UTC) for Usage hour (UTC), record 2').fill(day);
  await page.getByLabel('Hour (UTC) for Usage hour (UTC), record 2').selectOption('07');
  await expect(metering.field(2, 'Usage hour (UTC)')).toHaveValue(`${day}T07:00Z`);
  // The same input in the containers screen's MeterUsage form; no local or 12-hour picker.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Containers' })
    .click();
  // Leaving unsent records asks first; they stay as the connection's draft.
  await page
    .getByRole('dialog', { name: 'Leave Metering with unsent work?' })
    .getByRole('button', { name: 'Leave (keep the draft)' })
    .click();
  const panel = page.getByRole('region', { name: /MeterUsage/ });
  await expect(panel.getByRole('textbox', { name: 'Usage time (UTC)', exact: true })).toHaveValue(
    /^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/,
  );
  await panel.getByLabel('Hour (UTC) for Usage time (UTC)').selectOption('05');
  await expect(panel.getByRole('textbox', { name: 'Usage time (UTC)', exact: true })).toHaveValue(
    /T05:00Z$/,
  );
  await expect(page.locator('input[type="datetime-local"]')).toHaveCount(0);
});
