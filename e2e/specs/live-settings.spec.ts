// Events from main reach the renderer: a settings change made in one window shows up in
// another through the `settings:changed` event stream, without a reload.
import { expect, test } from '../fixtures';
import { SettingsPage } from '../pages/settings';
import { Shell } from '../pages/shell';

test('a theme chosen in one window is applied in another', async ({ mdesk }) => {
  test.skip(mdesk.kind !== 'browser', 'A second window needs the browser host.');
  const first = new Shell(mdesk.page);
  await first.waitUntilLoaded();

  const otherPage = await mdesk.page.context().newPage();
  await otherPage.goto(`${mdesk.origin ?? ''}/#token=${mdesk.token ?? ''}`);
  const other = new Shell(otherPage);
  await other.waitUntilLoaded();
  const otherSettings = new SettingsPage(otherPage);
  expect((await otherSettings.appliedTheme()).attribute).toBeNull();

  await first.navigateTo({ name: 'Settings', path: '/settings' });
  await new SettingsPage(mdesk.page).chooseTheme('Dark');

  await expect
    .poll(() => otherSettings.appliedTheme())
    .toEqual({
      attribute: 'dark',
      backgroundIsDark: true,
    });
  await otherPage.close();
});
