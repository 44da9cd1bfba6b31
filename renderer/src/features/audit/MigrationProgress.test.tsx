// @vitest-environment jsdom
// The bar shown while an older audit cache moves into its database: determinate, with the
// share done, the megabytes and the time left; a plain "reading" until main reports a total.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../../../shared/contract';
import { MigrationProgress } from './MigrationProgress';

const MB = 2 ** 20;

function progress(done: number, total: number | null): TaskProgress {
  return {
    taskId: 'migrate-1',
    kind: 'audit:migrate',
    done,
    total,
    ratePerSecond: 10 * MB,
    secondsLeft: total === null ? null : (total - done) / (10 * MB),
    finished: false,
  };
}

afterEach(cleanup);

describe('MigrationProgress', () => {
  it('shows how far the move is, in a labelled progress bar', () => {
    const { rerender } = render(<MigrationProgress progress={progress(30 * MB, 120 * MB)} />);
    const bar = screen.getByRole('progressbar', { name: 'Moving the audit cache' });
    expect(bar.getAttribute('value')).toBe('25');
    expect(screen.getByRole('status').textContent).toBe('25% — 30 of 120 MB, about 9 s left');
    expect(screen.getByText(/old files stay until every event is safely in/)).toBeTruthy();

    rerender(<MigrationProgress progress={progress(120 * MB, 120 * MB)} />);
    expect(bar.getAttribute('value')).toBe('100');
  });

  it('says it is reading until the size of the old cache is known', () => {
    render(<MigrationProgress progress={progress(0, null)} />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText('Reading the audit cache…')).toBeTruthy();
  });
});
