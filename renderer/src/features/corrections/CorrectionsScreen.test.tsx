// The Corrections screen against the live core: over-billing seeded through the bridge (50 units
// for an hour that should have had 10), a case opened for that customer and hour, the correct
// usage typed in, and the case waiting for the month's invoice.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';
import { legacySaasTarget, meterOne, sandboxWorld } from '../../testing/world';

const HOUR = 3_600_000;
let now = 0;
beforeAll(() => {
  now = startScreenTest().now;
});

describe('the Corrections screen', { timeout: 90_000 }, () => {
  it('opens a case for an over-billed hour and proposes nothing until the invoice exists', async () => {
    const target = await legacySaasTarget(4);
    const world = await sandboxWorld();
    const product = world.products.find((p) => p.productCode === target.productCode);
    const customer = world.customers.find((c) => c.awsAccountId === target.account);
    if (!product || !customer) throw new Error('no sandbox fixture');
    const hour = Math.floor(now / HOUR) * HOUR - 11 * HOUR;
    await meterOne(target, 50, new Date(hour + 10 * 60_000).toISOString());

    renderAppAt('/corrections');
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Open a correction case' });
    await user.type(within(form).getByLabelText('Customer', { exact: true }), customer.name);
    const productSelect = within(form).getByLabelText('Product', { exact: true });
    await user.selectOptions(
      productSelect,
      within(productSelect).getByRole('option', { name: product.name }),
    );
    await user.selectOptions(
      within(form).getByLabelText('Dimension', { exact: true }),
      target.dimension,
    );
    await user.selectOptions(within(form).getByLabelText('Period in', { exact: true }), 'hours');
    const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 13)}:00Z`;
    const from = within(form).getByLabelText('From', { exact: true });
    const to = within(form).getByLabelText('To', { exact: true });
    await user.clear(from);
    await user.type(from, iso(hour));
    await user.clear(to);
    await user.type(to, iso(hour + HOUR));
    await user.click(within(form).getByRole('button', { name: 'Open case' }));

    const caseView = await screen.findByRole('article', { name: /^Correction case / });
    await within(caseView).findByText('Open', { exact: true });
    const hours = await within(caseView).findByRole('grid', { name: 'Hours of the case' });
    const at = new Date(hour).toISOString();
    const hourLabel = `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
    await waitFor(() => expect(hours.textContent).toContain(hourLabel));
    const row = within(hours)
      .getAllByRole('row')
      .find((r) => r.textContent.includes(hourLabel));
    expect(row?.textContent).toContain('50');

    const shouldHave = within(caseView).getByLabelText(`Should have been billed, ${hourLabel}`);
    await user.type(shouldHave, '10');
    await user.click(within(caseView).getByRole('button', { name: 'Apply typed usage' }));
    await within(caseView).findByText('Waiting for invoice', { exact: true });
    expect(
      await within(caseView).findByRole('heading', { name: /^Waiting for the .* invoice$/ }),
    ).toBeTruthy();

    const cases = screen.getByRole('grid', { name: 'Correction cases' });
    await waitFor(() => expect(cases.textContent).toContain('Waiting for invoice'));
  });
});
