// The Journal screen against the live core: a submission made through the bridge shows up
// record by record, the filters narrow the list, and a submission's details list its calls.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';
import { legacySaasTarget, meterOne, utcHour } from '../../testing/world';

let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

function filters(): HTMLElement {
  return screen.getByRole('form', { name: 'Filter the journal' });
}

function recordCount(): number {
  const text = screen.getByText(/^[\d,]+ records?/).textContent;
  return Number((/^([\d,]+)/.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));
}

describe('the Journal screen', { timeout: 90_000 }, () => {
  it('lists a submission, filters it by customer, status and dates, and shows its calls', async () => {
    const target = await legacySaasTarget(3);
    const submissionId = await meterOne(target, 321, utcHour(9, now));
    renderAppAt('/journal');
    const user = userEvent.setup();
    await waitFor(() =>
      expect(
        screen.getAllByRole('status').some((s) => s.textContent.includes('Journal intact')),
      ).toBe(true),
    );
    const grid = await screen.findByRole('grid', { name: 'Journal records' });
    await waitFor(() => expect(grid.textContent).toContain(submissionId));
    const all = recordCount();
    expect(all).toBeGreaterThan(0);

    await user.type(within(filters()).getByLabelText('Customer', { exact: true }), target.account);
    await waitFor(() => expect(recordCount()).toBeLessThanOrEqual(all));
    await waitFor(() => {
      const rows = within(grid).getAllByRole('row').slice(1);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.textContent).toContain(target.account);
    });

    await user.selectOptions(
      within(filters()).getByLabelText('Status', { exact: true }),
      'Rejected',
    );
    await waitFor(() => expect(recordCount()).toBe(0));
    await user.selectOptions(within(filters()).getByLabelText('Status', { exact: true }), '');
    await user.clear(within(filters()).getByLabelText('Customer', { exact: true }));
    await user.type(
      within(filters()).getByLabelText('From (UTC date)', { exact: true }),
      '2000-01-01',
    );
    await user.type(
      within(filters()).getByLabelText('To (UTC date)', { exact: true }),
      '2000-01-02',
    );
    await waitFor(() => expect(recordCount()).toBe(0));
    await user.clear(within(filters()).getByLabelText('From (UTC date)', { exact: true }));
    await user.clear(within(filters()).getByLabelText('To (UTC date)', { exact: true }));
    await waitFor(() => expect(recordCount()).toBeGreaterThanOrEqual(all));

    const detailsButton = await within(grid).findAllByRole('button', {
      name: `Details of submission ${submissionId}`,
    });
    await user.click(detailsButton[0] ?? grid);
    const details = await screen.findByRole('region', { name: 'Submission details' });
    await within(details).findByText('finished');
    const calls = await within(details).findByRole('table', { name: 'Calls' });
    expect(within(calls).getAllByRole('row').length).toBeGreaterThanOrEqual(2);
  });
});
