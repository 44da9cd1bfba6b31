// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MeterdeskBridge } from '../../../../shared/contract';
import type { VerifyReport } from '../../../../shared/journal';
import { JournalBrokenBanner } from './JournalBrokenBanner';

const PATH = '/home/finance/.config/Meterdesk/journal/journal.jsonl';
const ARCHIVED = '/home/finance/.config/Meterdesk/journal/archive/journal-2026-08-01.jsonl';
let report: VerifyReport;
let archived = 0;

beforeEach(() => {
  archived = 0;
  report = {
    ok: false,
    lines: 7,
    firstBrokenLine: 8,
    reason:
      'the journal holds 7 entries where 8 were written: its end was cut off after line 7, or it was replaced by an older copy',
  };
  // The preload's bridge as the renderer sees it, answering only the channels this view uses.
  window.meterdesk = {
    'journal:verify': () =>
      Promise.resolve({ ok: true, value: { report, path: PATH, checkedAt: '' } }),
    'journal:archive-restart': () => {
      archived += 1;
      report = { ok: true, lines: 1 };
      return Promise.resolve({
        ok: true,
        value: {
          archived: {
            file: ARCHIVED,
            sha256: 'a'.repeat(64),
            lines: 7,
            bytes: 900,
            brokenAtLine: 8,
            reason: 'cut off',
          },
        },
      });
    },
  } as unknown as MeterdeskBridge;
  // jsdom has no modal dialogs.
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.open = false;
  };
});

afterEach(cleanup);

function renderBanner() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <JournalBrokenBanner />
    </QueryClientProvider>,
  );
}

describe('the damaged-journal banner', () => {
  it('names the line and what is wrong, and archives and restarts on confirmation', async () => {
    renderBanner();
    const banner = await screen.findByRole('alert', { name: 'Journal damaged' });
    expect(banner.textContent).toContain('The journal is damaged at line 8:');
    expect(banner.textContent).toContain('its end was cut off after line 7');
    expect(banner.textContent).toContain('Nothing is billed until it is archived');

    await userEvent.click(screen.getByRole('button', { name: 'Archive and start a new journal' }));
    const dialog = screen.getByRole('dialog', { name: 'Archive the damaged journal?' });
    expect(dialog.textContent).toContain(PATH);
    expect(archived).toBe(0);
    const confirm = screen.getAllByRole('button', { name: 'Archive and start a new journal' });
    await userEvent.click(confirm[confirm.length - 1] as HTMLElement);

    expect(await screen.findByText(ARCHIVED)).toBeTruthy();
    expect(archived).toBe(1);
    expect(screen.queryByRole('alert', { name: 'Journal damaged' })).toBeNull();
  });

  it('shows nothing while the journal verifies', async () => {
    report = { ok: true, lines: 12 };
    renderBanner();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
