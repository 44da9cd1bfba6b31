import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueryClient } from '../api/queries';
import { connectLiveCore } from '../testing/live-core';
import { App } from './App';

beforeAll(() => {
  connectLiveCore();
});

function renderApp(path: string): void {
  window.location.hash = `#${path}`;
  render(
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
}

describe('the app shell against the live core', () => {
  it('names the built-in sandbox, its account and region in the banner', async () => {
    renderApp('/metering');
    expect(await screen.findByText('111122223333')).toBeTruthy();
    expect(screen.getByText('Sandbox — not real AWS')).toBeTruthy();
    const regions = screen.getByRole('combobox', { name: /region/i });
    expect(within(regions).getByRole('option', { name: 'us-east-1' })).toBeTruthy();
    expect(document.title).toBe('Metering — Meterdesk');
  });

  it('moves between screens from the navigation and titles the window after each', async () => {
    renderApp('/metering');
    const user = userEvent.setup();
    await user.click(screen.getByRole('link', { name: 'Journal' }));
    expect(window.location.hash).toBe('#/journal');
    expect(document.title).toBe('Journal — Meterdesk');
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    expect(document.title).toBe('Settings — Meterdesk');
  });

  it('says so for an address that names no screen', () => {
    renderApp('/no-such-screen');
    expect(screen.getByText(/no-such-screen/)).toBeTruthy();
    expect(document.title).toBe('Meterdesk');
  });
});
