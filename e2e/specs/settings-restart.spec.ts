// (3) A setting survives a restart of the host on the same data folder.
import { expect, test } from '../fixtures';
import { SettingsPage } from '../pages/settings';
import { Shell } from '../pages/shell';

test('the Dark theme survives a restart of the host', async ({ mdesk }) => {
  let shell = new Shell(mdesk.page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Settings', path: '/settings' });

  let settings = new SettingsPage(mdesk.page);
  await expect(settings.theme('System')).toBeChecked();
  // The context prefers light, so a dark page can only come from the setting.
  expect(await settings.appliedTheme()).toEqual({ attribute: null, backgroundIsDark: false });

  await settings.chooseTheme('Dark');
  await expect(settings.theme('Dark')).toBeChecked();
  await expect
    .poll(() => settings.appliedTheme())
    .toEqual({
      attribute: 'dark',
      backgroundIsDark: true,
    });

  await mdesk.restart();

  shell = new Shell(mdesk.page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Settings', path: '/settings' });
  settings = new SettingsPage(mdesk.page);
  await expect(settings.theme('Dark')).toBeChecked();
  await expect(settings.theme('System')).not.toBeChecked();
  await expect
    .poll(() => settings.appliedTheme())
    .toEqual({
      attribute: 'dark',
      backgroundIsDark: true,
    });
});
