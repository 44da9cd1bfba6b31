// Never a blank page, whatever locale the browser reports: an invalid tag (Chromium reports
// `en-US@posix` from a POSIX environment), an explicit one, or none at all.
import { expect, test, type MeterdeskApp } from '../fixtures';
import { Shell } from '../pages/shell';

async function expectAppRenders(mdesk: MeterdeskApp): Promise<string[]> {
  const errors: string[] = [];
  mdesk.page.on('pageerror', (error) => errors.push(error.message));
  // The fixture opened the app already: reload so errors thrown while modules load are seen.
  await mdesk.page.reload();
  const shell = new Shell(mdesk.page);
  await expect(shell.screenHeading('Metering')).toBeVisible();
  await expect(shell.activeConnection).toContainText('Sandbox');
  // The audit screen loads the chart library, which reads the locale as it loads.
  await shell.navLink('Audit').click();
  await expect(shell.screenHeading('Audit')).toBeVisible();
  await shell.navLink('Journal').click();
  await expect(shell.screenHeading('Journal')).toBeVisible();
  return errors;
}

test.describe('a browser whose default locale is an invalid tag (en-US@posix)', () => {
  test.use({ browserLocale: 'en-US@posix' });

  test('renders the app, formatting in en-US', async ({ mdesk }) => {
    const errors = await expectAppRenders(mdesk);
    expect(errors).toEqual([]);
    // Libraries that read navigator.language see the app's fallback, never the bad tag.
    expect(await mdesk.page.evaluate('navigator.language')).toBe('en-US');
  });
});

test.describe('a browser with an explicit locale (de-DE)', () => {
  test.use({ browserLocale: 'de-DE' });

  test('renders the app and keeps the user’s locale', async ({ mdesk }) => {
    const errors = await expectAppRenders(mdesk);
    expect(errors).toEqual([]);
    expect(await mdesk.page.evaluate('navigator.language')).toBe('de-DE');
  });
});

test.describe('a browser given no locale at all', () => {
  test.use({ browserLocale: null });

  test('renders the app', async ({ mdesk }) => {
    const errors = await expectAppRenders(mdesk);
    expect(errors).toEqual([]);
  });
});
