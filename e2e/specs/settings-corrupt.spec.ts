// A settings file damaged between two runs does not stop the app: it is set aside, the app
// starts with defaults, and a banner says what happened and where the damaged file is.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { SettingsPage } from '../pages/settings';
import { Shell } from '../pages/shell';

test('a damaged settings.json is set aside, the app starts with defaults and says so', async ({
  mdesk,
}) => {
  let shell = new Shell(mdesk.page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Settings', path: '/settings' });
  const settings = new SettingsPage(mdesk.page);
  await settings.chooseTheme('Dark');
  await expect(settings.theme('Dark')).toBeChecked();
  await expect(mdesk.page.getByRole('status', { name: 'Start-up notices' })).toHaveCount(0);

  // A torn write, as a full disk or a crash of another program could leave it.
  await writeFile(join(mdesk.dataDir, 'settings.json'), '{"settings":{"theme":"da');
  await mdesk.restart();

  shell = new Shell(mdesk.page);
  await shell.waitUntilLoaded();
  const banner = mdesk.page.getByRole('status', { name: 'Start-up notices' });
  await expect(banner).toContainText('The settings file could not be read');
  await expect(banner).toContainText('settings.json.corrupt-');
  const names = await readdir(mdesk.dataDir);
  const aside = names.filter((name) => name.startsWith('settings.json.corrupt-'));
  expect(aside).toHaveLength(1);
  await expect(banner).toContainText(aside[0] ?? '<none>');

  await shell.navigateTo({ name: 'Settings', path: '/settings' });
  await expect(new SettingsPage(mdesk.page).theme('System')).toBeChecked();
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
});
