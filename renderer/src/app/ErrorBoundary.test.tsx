// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeterdeskBridge } from '../../../shared/contract';
import type { RendererError } from '../../../shared/channels/app-health';
import { RootErrorBoundary } from './ErrorBoundary';

const LOG_FILE = '/home/finance/.config/Meterdesk/logs/meterdesk.log';
let reports: RendererError[] = [];

function Broken(): never {
  throw new Error('Cannot read properties of undefined (reading "totals")');
}

beforeEach(() => {
  reports = [];
  // The preload's bridge as the renderer sees it, answering only the channel this view uses.
  const bridge = {
    'app:report-error': (input: RendererError) => {
      reports.push(input);
      return Promise.resolve({ ok: true, value: { logFile: LOG_FILE } });
    },
  } as unknown as MeterdeskBridge;
  window.meterdesk = bridge;
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the root error boundary', () => {
  it('shows what broke, a Reload button and the log’s path instead of a blank page', async () => {
    render(
      <RootErrorBoundary>
        <Broken />
      </RootErrorBoundary>,
    );
    expect(
      screen.getByRole('heading', { name: 'Meterdesk could not show this window' }),
    ).toBeTruthy();
    expect(screen.getByText(/What broke/).textContent).toContain('(reading "totals")');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(await screen.findByText(LOG_FILE)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy log file path' })).toBeTruthy();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.source).toBe('render');
    expect(reports[0]?.message).toContain('totals');
    expect(reports[0]?.componentStack).toContain('Broken');
  });

  it('reloads the window from the Reload button', async () => {
    const reload = vi.fn();
    vi.spyOn(window, 'location', 'get').mockReturnValue({ reload } as unknown as Location);
    render(
      <RootErrorBoundary>
        <Broken />
      </RootErrorBoundary>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(reload).toHaveBeenCalledOnce();
  });

  it('renders its children when nothing fails', () => {
    render(
      <RootErrorBoundary>
        <p>All well</p>
      </RootErrorBoundary>,
    );
    expect(screen.getByText('All well')).toBeTruthy();
    expect(reports).toHaveLength(0);
  });
});
