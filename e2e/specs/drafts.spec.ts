// Unsent work is not lost: the records typed in the editor and the open CSV import (with the
// lines taken out of it) are kept in main per connection, and come back after navigating away,
// a reload and a restart of the host. Leaving the screen with unsent work asks first — a link
// to another screen through the app's own question, a reload or a closing window through the
// browser's beforeunload question — and "Clear all" asks with the count.
import type { Dialog, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { billableSubscriptions, MeteringPage, readSandboxWorld, utcHour } from '../pages/metering';
import { Shell } from '../pages/shell';

const PRODUCT = 'Nimbus Vector Search';

/** Reloads while unsent work is kept: the browser asks first, and "Leave" goes on. */
async function reloadLeavingWork(page: Page, kind: 'browser' | 'electron'): Promise<void> {
  if (kind === 'electron') {
    // The desktop app asks natively; the fixture answers "Leave".
    await page.reload();
    return;
  }
  const asked = page.waitForEvent('dialog');
  const reloaded = page.reload();
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.accept();
  await reloaded;
}

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
    await reloadLeavingWork(page, mdesk.kind);
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
    // The cleared editor is what comes back; the import stays (still unsent, so it asks).
    await reloadLeavingWork(page, mdesk.kind);
    await new Shell(page).waitUntilLoaded();
    await expect(metering.tab(/^Ready/)).toHaveText('Ready (2)');
    await expect(metering.record(1)).toHaveCount(0);
  });
});

test('a reload with unsent work asks first (beforeunload); staying keeps the page, and without unsent work nothing asks', async ({
  mdesk,
}) => {
  test.skip(
    mdesk.kind !== 'browser',
    'in the desktop app main asks with a native dialog (electron/app/leave-prompt.test.ts)',
  );
  const { page } = mdesk;
  const metering = new MeteringPage(page);
  await new Shell(page).waitUntilLoaded();
  await metering.open();
  const dialogs: Dialog[] = [];
  let answer: 'accept' | 'dismiss' = 'dismiss';
  page.on('dialog', (dialog) => {
    dialogs.push(dialog);
    void (answer === 'accept' ? dialog.accept() : dialog.dismiss());
  });
  /** A mark on this page's window: gone once the page has really reloaded. */
  const mark = () => page.evaluate(() => void Object.assign(globalThis, { unsentMark: true }));
  const marked = () => page.evaluate(() => 'unsentMark' in globalThis);

  await page.getByRole('button', { name: 'Add record' }).click();
  await metering.field(1, 'Quantity').fill('7');
  await mark();

  await test.step('"Stay" cancels the reload: the same page, the record still typed', async () => {
    answer = 'dismiss';
    // The reload is cancelled, so it never finishes loading: don't wait for it.
    void page
      .evaluate(() => {
        (globalThis as unknown as { location: { reload: () => void } }).location.reload();
      })
      .catch(() => undefined);
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]?.type()).toBe('beforeunload');
    expect(await marked()).toBe(true);
    await expect(metering.field(1, 'Quantity')).toHaveValue('7');
  });

  await test.step('"Leave" reloads, and the draft comes back', async () => {
    answer = 'accept';
    await page.reload();
    expect(dialogs.map((d) => d.type())).toEqual(['beforeunload', 'beforeunload']);
    expect(await marked()).toBe(false);
    await expect(metering.field(1, 'Quantity')).toHaveValue('7');
  });

  await test.step('with nothing unsent a reload asks nothing', async () => {
    // A click first, so the page has the user activation a beforeunload question needs.
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page
      .getByRole('dialog', { name: 'Clear all records?' })
      .getByRole('button', { name: 'Clear 1 record' })
      .click();
    await expect(metering.record(1)).toHaveCount(0);
    await mark();
    await page.reload();
    await new Shell(page).waitUntilLoaded();
    expect(await marked()).toBe(false);
    expect(dialogs).toHaveLength(2);
  });
});
