// The product catalog on the Metering screen: sandbox products listed read-only, a product of
// the user's own added with a dimension, saved, and offered to the record editor.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';

beforeAll(() => {
  startScreenTest();
});

describe('the product catalog', { timeout: 60_000 }, () => {
  it('lists sandbox products and saves a product of the user’s own, then offers it to records', async () => {
    const product = `Acme Analytics ${String(Math.random()).slice(2, 7)}`;
    renderAppAt('/metering');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: /Product catalog/ }));
    expect(
      await screen.findByRole('heading', { name: 'Sandbox products (read-only)' }),
    ).toBeTruthy();
    expect(screen.getByRole('cell', { name: /Nimbus Vector Search/ })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add product' }));
    const fresh = screen.getAllByRole('group', { name: /^New product \d+$/ }).at(-1);
    if (!fresh) throw new Error('no new product form');
    const name = within(fresh).getByLabelText('Name', { exact: true });
    await user.clear(name);
    await user.type(name, product);
    // Saving waits until every product is complete.
    await user.type(screen.getByLabelText(`Dimension 1 name, ${product}`), 'queries');
    await user.type(screen.getByLabelText(`Dimension 1 description, ${product}`), 'Queries run');
    const save = screen.getByRole<HTMLButtonElement>('button', { name: 'Save catalog' });
    await waitFor(() => expect(save.disabled).toBe(false));
    await user.click(save);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save catalog' })).toBeNull());

    await user.click(screen.getByRole('tab', { name: /^Records$/ }));
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    const select = await screen.findByLabelText('Product, record 1', { exact: true });
    expect(within(select).getByRole('option', { name: new RegExp(product) })).toBeTruthy();
  });
});
