// The Customers screen against the live core: support staff mint a token with the sandbox
// tools, paste it, see what was extracted, resolve it and go on to meter for that customer;
// bulk resolve a list; an expired token is explained.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxWorld } from '../../../../shared/channels/customers';
import { callChannel } from '../../api/bridge';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';
import { sandboxWorld } from '../../testing/world';

beforeAll(() => {
  startScreenTest();
});

function licensedCustomer(world: SandboxWorld) {
  for (const customer of world.customers) {
    const product = world.products.find(
      (p) =>
        p.kind === 'saas' &&
        p.identityModel === 'concurrent-agreements' &&
        customer.subscribed.includes(p.productCode),
    );
    if (product) return { customer, product };
  }
  throw new Error('The sandbox has no customer with a concurrent-agreements subscription.');
}

async function mint(productCode: string, customerAwsAccountId: string, expired: boolean) {
  const minted = await callChannel('sandbox:mint-token', {
    productCode,
    customerAwsAccountId,
    expired,
  });
  if (!minted.ok) throw new Error(minted.error.message);
  return minted.value;
}

describe('the Customers screen', { timeout: 90_000 }, () => {
  it('mints a token, extracts it from a pasted form body, resolves it and meters for the customer', async () => {
    const { customer, product } = licensedCustomer(await sandboxWorld());
    renderAppAt('/customers');
    const user = userEvent.setup();
    const tools = await screen.findByRole('region', { name: 'Sandbox tools' });
    await user.selectOptions(
      within(tools).getByLabelText('Sandbox customer'),
      customer.awsAccountId,
    );
    await user.selectOptions(within(tools).getByLabelText('Product'), product.productCode);
    await user.click(within(tools).getByRole('button', { name: 'Mint token' }));
    const body = await within(tools).findByLabelText('Form body the buyer’s browser would post');
    await waitFor(() =>
      expect((body as HTMLTextAreaElement).value).toMatch(/^x-amzn-marketplace-token=/),
    );
    const formBody = (body as HTMLTextAreaElement).value;

    await user.click(screen.getByLabelText('Token or request', { exact: true }));
    await user.paste(`\n  ${formBody}  \n`);
    const extracted = await screen.findByLabelText('What was extracted');
    expect(within(extracted).getByTestId('token-source').textContent).toBe('Form body');
    expect(
      within(extracted).getByRole('list', { name: 'Normalisation applied' }).textContent,
    ).toContain('URL-decoded once');
    await user.click(screen.getByRole('button', { name: /^Resolve with / }));
    const result = await screen.findByLabelText('Resolve result');
    await within(result).findByRole('heading', { name: 'Customer resolved' });
    expect(result.textContent).toContain(customer.awsAccountId);
    expect(result.textContent).toContain(product.productCode);
    expect(within(result).getByRole('button', { name: 'Copy LicenseArn' })).toBeTruthy();

    await user.click(within(result).getByRole('link', { name: 'Meter usage for this customer' }));
    await screen.findByRole('heading', { level: 1, name: 'Metering' });
    expect(window.location.hash.startsWith('#/metering?')).toBe(true);
    const record = await screen.findByRole('listitem', { name: 'Record 1' });
    expect(within(record).getByLabelText<HTMLInputElement>('AWS account id, record 1').value).toBe(
      customer.awsAccountId,
    );
    expect(within(record).getByLabelText<HTMLInputElement>('License ARN, record 1').value).toMatch(
      /^arn:aws:license-manager:/,
    );
  });

  it('explains an expired token with its next step', async () => {
    const { customer, product } = licensedCustomer(await sandboxWorld());
    const expired = await mint(product.productCode, customer.awsAccountId, true);
    renderAppAt('/customers');
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Token or request', { exact: true }));
    await user.paste(expired.token);
    await user.click(screen.getByRole('button', { name: /^Resolve with / }));
    const failure = await screen.findByRole('alert', { name: 'Resolve failed' });
    expect(failure.textContent).toMatch(/expired/i);
    expect(within(failure).getByRole('list', { name: 'How this was decided' })).toBeTruthy();
  });

  it('bulk-resolves a list: repeats and unreadable lines counted, every token answered', async () => {
    const { customer, product } = licensedCustomer(await sandboxWorld());
    const [one, two, three] = await Promise.all([
      mint(product.productCode, customer.awsAccountId, false),
      mint(product.productCode, customer.awsAccountId, false),
      mint(product.productCode, customer.awsAccountId, false),
    ]);
    const expired = await mint(product.productCode, customer.awsAccountId, true);
    const list = [
      one.formBody,
      `"${two.token}"`,
      three.token,
      'this line is not a token',
      expired.token,
      one.token,
    ].join('\n');

    renderAppAt('/customers');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: /Bulk resolve/ }));
    await user.click(screen.getByLabelText('Tokens to resolve'));
    await user.paste(list);
    await screen.findByText(/4 tokens to resolve · 1 repeated · 1 unreadable \(line 4\)/);
    await user.click(screen.getByRole('button', { name: 'Resolve 4 tokens' }));
    const results = await screen.findByRole('region', { name: 'Bulk resolve results' });
    await waitFor(() =>
      expect(
        within(results)
          .getAllByRole('status')
          .some((s) => s.textContent.includes('4 of 4 resolved — finished')),
      ).toBe(true),
    );
    const grid = within(results).getByRole('grid', { name: 'Bulk resolve results' });
    await waitFor(() => expect(grid.textContent).toContain('Failed: Expired'));
    expect(grid.textContent).toContain('Duplicate');
    expect(results.textContent).toContain('Resolved: 3');

    await user.click(screen.getByRole('tab', { name: /History/ }));
    const history = await screen.findByRole('grid', { name: 'Resolution history' });
    await waitFor(() => expect(history.textContent).toContain(customer.awsAccountId));
    expect(history.textContent).toContain('Failed: Expired');

    // Clearing asks for CLEAR typed; keeping the history leaves it as it was.
    await user.click(screen.getByRole('button', { name: 'Clear history…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Clear the resolution history?' });
    const clear = within(dialog).getByRole('button', { name: 'Clear history' });
    await user.type(within(dialog).getByLabelText('Type CLEAR to confirm'), 'clear');
    expect((clear as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Keep the history' }));
    expect(history.textContent).toContain(customer.awsAccountId);
  });
});
