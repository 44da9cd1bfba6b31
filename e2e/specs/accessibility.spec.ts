// axe-core on every screen and its main states, in the light and the dark theme, on the Sandbox
// and on a real (non-sandbox) connection: no serious or critical violation, and no content
// outside a landmark (`region`). Each state is reached as a user reaches it, by role and label.
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { expectAccessible } from '../pages/axe';
import { contrastOf, expectReadableWhenHovered } from '../pages/contrast';
import { ConnectionsPage } from '../pages/connections';
import { MeteringPage, utcHour } from '../pages/metering';
import { Shell, navEntries } from '../pages/shell';
import type { Page, TestInfo } from '@playwright/test';

test.use({ sandboxHistory: 60 });
const ownSandbox = useOwnSandbox();
const themes = ['light', 'dark'] as const;

/** Every screen (and the states behind its tabs) as it first appears. */
async function checkEveryScreen(page: Page, label: string, testInfo: TestInfo): Promise<void> {
  const shell = new Shell(page);
  // "Every screen" is every entry of the app's own navigation, none left out.
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  expect(await links.allInnerTexts()).toEqual(navEntries.map((entry) => entry.name));
  for (const entry of navEntries) {
    await shell.navigateTo(entry);
    await expect(
      page
        .getByRole('main')
        .getByRole('status')
        .filter({ hasText: /^(Loading|Reading)/ }),
    ).toHaveCount(0);
    await expectAccessible(page, `${label} ${entry.name}`, testInfo);
    for (const tab of await page.getByRole('main').getByRole('tab').all()) {
      if ((await tab.getAttribute('aria-selected')) === 'true') continue;
      const name = (await tab.innerText()).trim();
      await tab.click();
      await expectAccessible(page, `${label} ${entry.name} / ${name}`, testInfo);
    }
  }
}

for (const theme of themes) {
  test(`every screen on the Sandbox passes axe in the ${theme} theme`, async ({
    mdesk,
  }, testInfo) => {
    test.setTimeout(300_000);
    const { page } = mdesk;
    await page.emulateMedia({ colorScheme: theme });
    const shell = new Shell(page);
    await shell.waitUntilLoaded();
    await expect(shell.sandboxBand).toBeVisible();
    await checkEveryScreen(page, `sandbox ${theme}`, testInfo);

    // The states with the most on them: a synced audit cache with an event open, and a record
    // the editor flags.
    await shell.navigateTo({ name: 'Audit', path: '/audit' });
    await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
      timeout: 30_000,
    });
    await expectReadableWhenHovered(
      page.getByRole('button', { name: 'Sync CloudTrail' }),
      `Sync CloudTrail (${theme})`,
    );
    const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
    await grid.getByRole('row').nth(1).click();
    await expect(page.getByRole('region', { name: 'Event details' })).toBeVisible();
    await expectAccessible(page, `sandbox ${theme} Audit with an event open`, testInfo);

    await shell.navigateTo({ name: 'Connections', path: '/connections' });
    await expectReadableWhenHovered(
      page.getByRole('button', { name: 'Add connection' }).first(),
      `Add connection (${theme})`,
    );

    await shell.navigateTo({ name: 'Metering', path: '/metering' });
    await page.getByRole('button', { name: 'Add record' }).click();
    await expect(page.getByRole('listitem', { name: 'Record 1', exact: true })).toBeVisible();
    await expectAccessible(page, `sandbox ${theme} Metering with a record`, testInfo);
  });
}

test('every screen on a real connection passes axe in both themes', async ({ mdesk }, testInfo) => {
  test.skip(mdesk.kind !== 'browser', 'Keys are used for this run only in the browser host.');
  test.setTimeout(300_000);
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  const keys = await ownSandbox.mint({ userName: 'e2e-axe' });
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Production',
    ...keys,
    region: 'us-east-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.useForThisRunOnly.click();
  await page.getByRole('button', { name: 'Use Production', exact: true }).click();
  await expect(shell.activeConnection).toContainText('Production');
  await expect(shell.activeConnection).toContainText('Real AWS');
  await expect(shell.sandboxBand).toHaveCount(0);

  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    const badge = shell.activeConnection.getByText('Real AWS', { exact: true });
    expect(await contrastOf(badge), `Real AWS badge (${theme})`).toBeGreaterThanOrEqual(4.5);
    await checkEveryScreen(page, `real ${theme}`, testInfo);
  }

  // The typed billing confirmation, which only a real connection shows.
  const metering = new MeteringPage(page);
  await metering.open();
  await metering.tab(/Product catalog/).click();
  await page.getByRole('button', { name: 'Add product', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('Acme Analytics');
  await page.getByLabel('Dimension 1 name, Acme Analytics').fill('queries');
  await page.getByLabel('Dimension 1 description, Acme Analytics').fill('Queries run');
  await page.getByRole('button', { name: 'Save catalog' }).click();
  await metering.tab(/^Records$/).click();
  await page.getByRole('button', { name: 'Add record', exact: true }).click();
  await metering.field(1, 'Product').selectOption({ label: 'Acme Analytics' });
  await metering.field(1, 'AWS account id').fill('053004027029');
  await metering
    .field(1, 'License ARN')
    .fill('arn:aws:license-manager::111122223333:license:l-0123456789abcdef0');
  await metering.field(1, 'Dimension').fill('queries');
  await metering.field(1, 'Quantity').fill('1250');
  await metering.field(1, 'Usage hour (UTC)').fill(utcHour(1, mdesk.now()));
  await metering.previewButton.click();
  await expect(metering.planSummary).toContainText('1 record in 1 call');
  await metering.submitButton.click();
  const dialog = page.getByRole('dialog', { name: 'Confirm what will be billed' });
  await expect(dialog).toBeVisible();
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    await expectAccessible(page, `real ${theme} billing confirmation`, testInfo);
    const path = testInfo.outputPath(`billing-confirmation-${theme}.png`);
    await page.screenshot({ path });
    await testInfo.attach(`billing confirmation (${theme})`, { path, contentType: 'image/png' });
  }
  // Submit, armed by the phrase, stays readable under the pointer in both themes.
  await dialog.getByLabel('Type “submissions are final”').fill('submissions are final');
  await expect(dialog.getByRole('button', { name: 'Submit' })).toBeEnabled();
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    await expectReadableWhenHovered(
      dialog.getByRole('button', { name: 'Submit' }),
      `Submit (${theme})`,
    );
  }
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
});
