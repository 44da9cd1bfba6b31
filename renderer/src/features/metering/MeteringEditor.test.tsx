// Metering through the record editor: a finance user enters usage by hand, sees each problem
// under its record as they type, previews the plan and submits it to the built-in sandbox.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { startScreenTest } from '../../testing/screen-test';
import { renderAppAt } from '../../testing/render-app';
import { subscribersOf, utcHour } from '../../testing/world';

let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

const PRODUCT = 'Lumen Log Analytics';

async function addRecord(user: ReturnType<typeof userEvent.setup>, n: number) {
  await user.click(await screen.findByRole('button', { name: 'Add record' }));
  const record = await screen.findByRole('listitem', { name: `Record ${String(n)}` });
  const field = (label: string) =>
    within(record).getByLabelText(`${label}, record ${String(n)}`, { exact: true });
  return { record, field };
}

function productOption(select: HTMLElement): HTMLElement {
  return within(select).getByRole('option', { name: new RegExp(`^${PRODUCT}`) });
}

describe('the record editor', () => {
  it('shows what is wrong under the record as the user types, and clears it when fixed', async () => {
    renderAppAt('/metering');
    const user = userEvent.setup();
    const { record, field } = await addRecord(user, 1);
    await user.selectOptions(field('Product'), productOption(field('Product')));
    await user.clear(field('Quantity'));
    await user.type(field('Quantity'), '12.5');
    expect(await within(record).findByText(/12\.5 is not a whole number/)).toBeTruthy();
    expect(screen.getByText(/1 record, 1 with errors/)).toBeTruthy();
    await user.clear(field('Quantity'));
    await user.type(field('Quantity'), '3');
    await waitFor(() => expect(within(record).queryByText(/not a whole number/)).toBeNull());

    // Clearing asks first, with the count.
    await user.click(screen.getByRole('button', { name: 'Clear all' }));
    await user.click(await screen.findByRole('button', { name: 'Clear 1 record' }));
    expect(await screen.findByText('No records yet: add one, or import a CSV above.')).toBeTruthy();
  });

  it('previews a valid record with its totals and submits it to the sandbox', async () => {
    const { productCode, accounts } = await subscribersOf(PRODUCT);
    const account = accounts[0];
    expect(account).toBeDefined();
    renderAppAt('/metering');
    const user = userEvent.setup();
    const { field } = await addRecord(user, 1);
    await user.selectOptions(field('Product'), productOption(field('Product')));
    await user.type(field('AWS account id'), account ?? '');
    await user.type(field('Dimension'), 'active_users');
    await user.clear(field('Quantity'));
    await user.type(field('Quantity'), '1234');
    await user.clear(field('Usage hour (UTC)'));
    await user.type(field('Usage hour (UTC)'), utcHour(2, now));
    await user.click(screen.getByRole('button', { name: 'Preview' }));

    const summary = await screen.findByRole('status', { name: 'Plan summary' });
    expect(summary.textContent).toMatch(/1 record/);
    const totals = screen.getByRole('table', { name: `Totals for ${PRODUCT}` });
    const totalRow = within(totals).getByRole('row', { name: /active_users/ });
    expect(totalRow.textContent).toContain('1,234');
    expect(productCode).not.toBe('');

    await user.click(screen.getByRole('button', { name: /^Submit \d/ }));
    const outcomes = await screen.findByRole('table', { name: 'Record outcomes' });
    // The row is listed as soon as the plan starts; its outcome arrives with AWS's answer.
    await waitFor(
      () => {
        const row = within(outcomes).getByRole('row', { name: new RegExp(account ?? '') });
        expect(row.textContent).toMatch(/Billed|Accepted|Success/);
      },
      { timeout: 15_000 },
    );
  });
});
