// (1) The app loads: title, navigation, the sandbox band and connection, and the session token
// is taken out of the address bar.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { navEntries, Shell } from '../pages/shell';
import { screenshotDir } from '../paths';

test('loads with navigation, the sandbox band and the sandbox connection', async ({ mdesk }) => {
  const { page } = mdesk;
  const shell = new Shell(page);

  await expect(page).toHaveTitle(/Meterdesk/);
  await expect(shell.nav).toBeVisible();
  for (const entry of navEntries) await expect(shell.navLink(entry.name)).toBeVisible();
  await expect(shell.screenHeading('Metering')).toBeVisible();

  await expect(shell.sandboxBand).toBeVisible();
  await expect(shell.activeConnection).toContainText('Sandbox');
  await expect(shell.activeConnection).toContainText(/\d{12}/); // account id
  await expect(shell.activeConnection).toContainText(/[a-z]{2}(-[a-z]+)+-\d/); // region
});

test('the session token is gone from the address bar and a reload still works', async ({
  mdesk,
}) => {
  test.skip(mdesk.kind !== 'browser', 'Only the browser host passes a token in the URL.');
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  expect(mdesk.token).not.toBeNull();
  const url = page.url();
  expect(url).not.toContain('token');
  expect(url).not.toContain(mdesk.token ?? '<none>');
  expect(shell.routePath()).toBe('/metering');

  // The token lives on in this tab's sessionStorage, so a reload is still authorised.
  await page.reload();
  await expect(shell.sandboxBand).toBeVisible();
  await expect(shell.activeConnection).toContainText('Sandbox');
  expect(page.url()).not.toContain('token');
});

test('an address naming a screen opens it and still drops the token', async ({ mdesk }) => {
  test.skip(mdesk.kind !== 'browser', 'Only the browser host passes a token in the URL.');
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  // Pasted into the open tab, this is a hash change, not a page load.
  await page.goto(`${mdesk.origin ?? ''}/#/audit?token=${mdesk.token ?? ''}`);
  await expect(shell.screenHeading('Audit')).toBeVisible();
  await expect(page).toHaveURL(/#\/audit$/);
  await expect(shell.activeConnection).toContainText('Sandbox');
});

test('screenshots of the shell in light and dark', async ({ mdesk }, testInfo) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await mkdir(screenshotDir, { recursive: true });
  const project = testInfo.project.name;

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shell.navigateTo({ name: 'Settings', path: '/settings' });
    await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();
    await page.screenshot({ path: join(screenshotDir, `${project}-settings-${scheme}.png`) });
    await shell.navigateTo({ name: 'Metering', path: '/metering' });
    await page.screenshot({ path: join(screenshotDir, `${project}-metering-${scheme}.png`) });
  }
});
