// (2) Every navigation entry opens its screen, by mouse and by keyboard.
import { expect, test } from '../fixtures';
import { navEntries, Shell } from '../pages/shell';

test('every navigation entry opens its screen and changes the address', async ({ mdesk }) => {
  const shell = new Shell(mdesk.page);
  await shell.waitUntilLoaded();

  // Start from the last entry so the first click really changes the screen.
  for (const entry of [...navEntries].reverse()) {
    await shell.navigateTo(entry);
    expect(shell.routePath()).toBe(entry.path);
    await expect(shell.navLink(entry.name)).toHaveAttribute('aria-current', 'page');
    await expect(mdesk.page).toHaveTitle(`${entry.name} — Meterdesk`);
    // Every screen says in one line what it is for.
    await expect(mdesk.page.getByRole('main').locator('header p')).not.toBeEmpty();
  }
});

test('every navigation entry is reachable and usable with the keyboard', async ({ mdesk }) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  for (const entry of [...navEntries].reverse()) {
    const link = shell.navLink(entry.name);
    await shell.tabTo(link);
    await page.keyboard.press('Enter');
    await expect(shell.screenHeading(entry.name)).toBeVisible();
    expect(shell.routePath()).toBe(entry.path);
    // Focus lands on the new screen's heading, so the reader hears where they are.
    await expect(shell.screenHeading(entry.name)).toBeFocused();
  }
});

test('the skip link moves focus past the navigation to the content', async ({ mdesk }) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  await shell.tabTo(shell.skipLink, 1);
  await expect(shell.skipLink).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  expect(shell.routePath()).toBe('/metering');
});

test('browser back and forward follow the screens', async ({ mdesk }) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();

  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  await page.goBack();
  await expect(shell.screenHeading('Audit')).toBeVisible();
  await page.goForward();
  await expect(shell.screenHeading('Journal')).toBeVisible();
});
