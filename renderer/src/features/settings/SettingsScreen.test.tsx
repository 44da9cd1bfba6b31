// The Settings screen against the live core: the theme chosen applies at once, is saved, and is
// what a fresh window starts with.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callChannel } from '../../api/bridge';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';

beforeAll(() => {
  startScreenTest();
});

afterAll(async () => {
  await callChannel('settings:set', { theme: 'system' });
});

describe('the Settings screen', { timeout: 60_000 }, () => {
  it('applies and saves the chosen theme', async () => {
    const first = renderAppAt('/settings');
    const user = userEvent.setup();
    const themes = await screen.findByRole('group', { name: 'Theme' });
    await user.click(within(themes).getByRole('radio', { name: 'Dark' }));
    await waitFor(() =>
      expect(screen.getAllByRole('status').some((s) => s.textContent.includes('Saved.'))).toBe(
        true,
      ),
    );
    await waitFor(() => expect(document.documentElement.getAttribute('data-theme')).toBe('dark'));

    first.unmount();
    renderAppAt('/settings');
    const again = await screen.findByRole('group', { name: 'Theme' });
    await waitFor(() =>
      expect(within(again).getByRole<HTMLInputElement>('radio', { name: 'Dark' }).checked).toBe(
        true,
      ),
    );
    await user.click(within(again).getByRole('radio', { name: 'Light' }));
    await waitFor(() => expect(document.documentElement.getAttribute('data-theme')).toBe('light'));
  });
});
