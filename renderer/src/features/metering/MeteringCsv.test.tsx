// Metering from a CSV: rows ready to send and rows that need review (each with its reason), a
// row fixed in the editor, the preview's totals, the submission's outcomes, then the same
// submission in the Journal.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';
import { subscribersOf, utcHour } from '../../testing/world';

const PRODUCT = 'Lumen Log Analytics';
let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

describe('CSV import on the Metering screen', () => {
  it('sorts rows into ready and needs review, fixes one in the editor, submits and finds it in the Journal', async () => {
    const { accounts } = await subscribersOf(PRODUCT);
    const [a, b, c] = accounts;
    if (!a || !b || !c) throw new Error('the sandbox has too few Lumen subscribers');
    const hour = utcHour(5, now);
    const old = utcHour(40, now);
    const lines = [
      'Product;Customer_AWS_Account_Id;License ARN;DIMENSION;Quantity;Timestamp',
      `${PRODUCT};${a};;ingested_gb;100;${hour}`, // 2 ready
      `${PRODUCT};${b};;active_users;50;${hour}`, // 3 ready
      `${PRODUCT};${c};;ingested_gb;12.5;${hour}`, // 4 not a whole number
      `${PRODUCT};${b};;ingested_gb;7;${old}`, // 5 outside the window
      `${PRODUCT};${a};;ingested_gb;999;${hour}`, // 6 duplicate of 2
    ];
    const file = new File([`\uFEFF${lines.join('\r\n')}\r\n`], 'usage.csv', { type: 'text/csv' });

    renderAppAt('/metering');
    const user = userEvent.setup();
    await user.upload(await screen.findByLabelText('CSV file'), file);

    const summary = await waitFor(() => {
      const found = screen
        .getAllByRole('status')
        .find((status) => /need review/.test(status.textContent));
      if (!found) throw new Error('no import summary yet');
      return found;
    });
    expect(summary.textContent).toMatch(/5 rows/);
    expect(summary.textContent).toMatch(/2 ready/);
    expect(summary.textContent).toMatch(/3 need review/);
    const reviewTab = screen.getByRole('tab', { name: /Needs review \(3\)/ });
    expect(reviewTab.getAttribute('aria-selected')).toBe('true');
    const review = screen.getByRole('grid', { name: 'Rows that need review' });
    await waitFor(() => expect(within(review).getAllByRole('row').length).toBeGreaterThan(3));
    const row = (line: number) =>
      within(review).getByRole('row', { name: new RegExp(`^${String(line)} `) });
    expect(row(4).textContent).toMatch(/is not a whole number/);
    expect(row(5).textContent).toMatch(/Outside the window/);
    expect(row(6).textContent).toMatch(/Duplicate in file/);

    await user.click(screen.getByRole('tab', { name: /Ready \(2\)/ }));
    const ready = screen.getByRole('grid', { name: 'Rows ready to send' });
    expect(within(ready).getByText(a)).toBeTruthy();
    expect(within(ready).getByText(b)).toBeTruthy();

    await user.click(screen.getByRole('tab', { name: /Needs review/ }));
    await user.click(screen.getByRole('button', { name: 'Fix line 4 in the editor' }));
    const record = await screen.findByRole('listitem', { name: 'Record 1' });
    expect(record.textContent).toMatch(/12\.5 is not a whole number/);
    const quantity = within(record).getByLabelText('Quantity, record 1', { exact: true });
    expect(within(record).getByLabelText<HTMLInputElement>('AWS account id, record 1').value).toBe(
      c,
    );
    await user.clear(quantity);
    await user.type(quantity, '12');
    await waitFor(() => expect(record.textContent).not.toMatch(/not a whole number/));
    await screen.findByRole('tab', { name: /Needs review \(2\)/ });

    await user.click(screen.getByRole('button', { name: 'Preview' }));
    const plan = await screen.findByRole('status', { name: 'Plan summary' });
    expect(plan.textContent).toMatch(/3 records in 1 call \(BatchMeterUsage\) to Sandbox/);
    const totals = screen.getByRole('table', { name: `Totals for ${PRODUCT}` });
    const cells = (dimension: string) =>
      within(within(totals).getByRole('row', { name: new RegExp(dimension) }))
        .getAllByRole('cell')
        .map((cell) => cell.textContent);
    expect(cells('ingested_gb')).toEqual(['ingested_gb', '2', '112']);
    expect(cells('active_users')).toEqual(['active_users', '1', '50']);

    await user.click(screen.getByRole('button', { name: 'Submit 3 records' }));
    const progress = await screen.findByRole('region', {
      name: 'Submission progress and outcomes',
    });
    await within(progress).findByText('Finished: every record has an answer from AWS.');
    const outcomes = within(progress).getByRole('table', { name: 'Record outcomes' });
    const outcomeRows = within(outcomes).getAllByRole('row').slice(1);
    expect(outcomeRows).toHaveLength(3);
    // The sandbox's world has a few suspended buyers; whoever is billed carries its record id.
    const billed = outcomeRows.filter((r) => r.getAttribute('data-status') === 'Success');
    for (const outcome of outcomeRows) {
      expect(['Success', 'CustomerNotSubscribed']).toContain(outcome.getAttribute('data-status'));
    }
    for (const outcome of billed) expect(outcome.textContent).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const counts = within(progress).getByLabelText('Outcome counts');
    expect(counts.textContent).toContain(`Billed${String(billed.length)}`);

    await user.click(within(progress).getByRole('link', { name: 'Open in Journal' }));
    const journal = await screen.findByRole('grid', { name: 'Journal records' });
    await waitFor(() => expect(within(journal).getAllByText(c).length).toBeGreaterThan(0));
    const details = await screen.findByRole('region', { name: 'Submission details' });
    await within(details).findByText('finished');
  });
});
