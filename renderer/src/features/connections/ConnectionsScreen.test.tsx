// The Connections screen against the live core: pasted keys added for this run only, shown in
// the table with their regions and the key's last characters (never the secret), edited with a
// refused region explained, tested, and removed. The built-in Sandbox stays active throughout.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';

beforeAll(() => {
  startScreenTest();
});

const KEY_ID = 'AKIAEXAMPLE00RT7Q4W2';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function rowOf(table: HTMLElement, name: string): HTMLElement | undefined {
  return within(table)
    .queryAllByRole('row')
    .find((row) => within(row).queryByRole('rowheader', { name }) !== null);
}

describe('the Connections screen', { timeout: 90_000 }, () => {
  it('adds pasted keys for this run, edits them, tests them and removes them', async () => {
    const name = `Rt keys ${String(Math.random()).slice(2, 7)}`;
    renderAppAt('/connections');
    const user = userEvent.setup();
    const form = await screen.findByRole('region', { name: 'Add a connection' });
    await user.type(within(form).getByLabelText('Name', { exact: true }), name);
    await user.click(within(form).getByRole('radio', { name: 'Access keys' }));
    await user.type(within(form).getByLabelText('Access key id'), KEY_ID);
    await user.type(within(form).getByLabelText('Secret access key'), SECRET);
    const region = within(form).getByLabelText('Default region');
    await user.clear(region);
    await user.type(region, 'us-east-1');
    await user.type(
      within(form).getByLabelText('Other regions to work across (optional)'),
      'eu-west-1',
    );
    await user.click(
      within(form).getAllByRole('button', { name: 'Use for this run only' })[0] ?? form,
    );
    await waitFor(() =>
      expect(
        screen.getAllByRole('status').some((s) => s.textContent.includes(`Added “${name}”.`)),
      ).toBe(true),
    );
    const table = screen.getByRole('table', { name: 'Connections' });
    await waitFor(() => expect(rowOf(table, name)?.textContent).toContain('us-east-1, eu-west-1'));
    expect(rowOf(table, name)?.textContent).toContain(`…${KEY_ID.slice(-4)}`);
    expect(table.textContent).not.toContain(SECRET);
    expect(screen.queryByRole('button', { name: 'Edit Sandbox' })).toBeNull();

    await user.click(screen.getByRole('button', { name: `Edit ${name}` }));
    const edit = await screen.findByRole('region', { name: `Edit ${name}` });
    expect(within(edit).getByLabelText<HTMLInputElement>('Default region').value).toBe('us-east-1');
    const regions = within(edit).getByLabelText('Other regions to work across (optional)');
    await user.clear(regions);
    await user.type(regions, 'eu-west-1, nowhere');
    await user.click(within(edit).getByRole('button', { name: 'Save changes' }));
    expect(await within(edit).findByText('Use an AWS region name such as us-east-1.')).toBeTruthy();
    const renamed = `${name} edited`;
    await user.clear(regions);
    await user.type(regions, 'eu-west-1, ap-southeast-2');
    const nameField = within(edit).getByLabelText('Name', { exact: true });
    await user.clear(nameField);
    await user.type(nameField, renamed);
    await user.click(within(edit).getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(rowOf(table, renamed)?.textContent).toContain('us-east-1, eu-west-1, ap-southeast-2'),
    );
    expect(rowOf(table, renamed)?.textContent).toContain('this run only');

    // The keys are not the sandbox's: the self-test signs in and says what failed.
    await user.click(screen.getByRole('button', { name: `Test ${renamed}` }));
    const panel = await screen.findByRole('region', { name: `Self-test of ${renamed}` });
    await waitFor(() => expect(panel.textContent).toMatch(/fail|denied|invalid|not/i));

    await user.click(screen.getByRole('button', { name: `Remove ${renamed}` }));
    await waitFor(() => expect(rowOf(table, renamed)).toBeUndefined());
  });
});
