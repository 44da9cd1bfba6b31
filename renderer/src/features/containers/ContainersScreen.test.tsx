// The Containers screen against the live core: RegisterUsage with its echo check, the
// signature verified against the sandbox's public key (and refused when tampered with), and
// MeterUsage as a dry run, then for real on the sandbox.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAppAt } from '../../testing/render-app';
import { startScreenTest } from '../../testing/screen-test';

beforeAll(() => {
  startScreenTest();
});

describe('the Containers screen', { timeout: 90_000 }, () => {
  it('registers usage, checks the echo, and verifies the signature only with the right key', async () => {
    renderAppAt('/containers');
    const user = userEvent.setup();
    const main = await screen.findByRole('main');
    await user.click(
      await within(main).findByRole('button', { name: 'Use Helix Inference Server' }),
    );
    expect(within(main).getByLabelText<HTMLInputElement>('PublicKeyVersion').value).toBe('1');
    await user.type(within(main).getByLabelText('Nonce (optional)'), 'pod-7f3a');
    await user.click(within(main).getByRole('button', { name: 'Call RegisterUsage' }));
    const result = await within(main).findByRole('region', { name: 'RegisterUsage result' });
    expect(within(result).getByLabelText('JWT header').textContent).toContain('"alg": "PS256"');
    expect(within(result).getByLabelText('JWT payload').textContent).toContain(
      '"Nonce": "pod-7f3a"',
    );
    const echo = within(result).getByRole('table', { name: 'Echo check' });
    for (const claim of ['ProductCode', 'PublicKeyVersion', 'Nonce']) {
      expect(within(echo).getByRole('row', { name: new RegExp(claim) }).textContent).toContain(
        'Matches',
      );
    }

    await user.click(within(main).getByRole('button', { name: 'Use the sandbox key (version 1)' }));
    await waitFor(() =>
      expect(
        within(main).getByLabelText<HTMLTextAreaElement>('Public key (PEM) for version 1').value,
      ).toMatch(/BEGIN PUBLIC KEY/),
    );
    await user.click(within(main).getByRole('button', { name: 'Verify signature' }));
    const verdict = await within(main).findByLabelText('Verification result');
    await waitFor(() => expect(verdict.textContent).toContain('Signature verified.'));

    const box = within(main).getByLabelText<HTMLTextAreaElement>('Signature (JWT)');
    const signature = box.value;
    const [header = '', payload = '', sig = ''] = signature.split('.');
    const flipped = payload.slice(0, 10) + (payload[10] === 'A' ? 'B' : 'A') + payload.slice(11);
    await user.clear(box);
    await user.click(box);
    await user.paste(`${header}.${flipped}.${sig}`);
    await user.click(within(main).getByRole('button', { name: 'Verify signature' }));
    await waitFor(() =>
      expect(within(main).getByLabelText('Verification result').textContent).toContain(
        'Not verified.',
      ),
    );
  });

  it('dry-runs MeterUsage with the rules main applies, then meters on the sandbox', async () => {
    renderAppAt('/containers');
    const user = userEvent.setup();
    const caller = await screen.findByLabelText('Caller identity');
    await waitFor(() =>
      expect(caller.textContent).toContain('arn:aws:iam::111122223333:user/meterdesk-sandbox'),
    );
    const form = screen.getByRole('region', { name: /MeterUsage/ });
    const product = within(form).getByLabelText('Product');
    await user.selectOptions(
      product,
      within(product).getByRole('option', { name: 'Helix Inference Server (container)' }),
    );
    expect(within(form).getByLabelText<HTMLInputElement>('UsageDimension').value).toBe('gpu_hours');
    const quantity = within(form).getByLabelText('UsageQuantity');
    await user.clear(quantity);
    await user.type(quantity, '-1');
    await user.click(within(form).getByRole('button', { name: 'Dry run' }));
    expect(await within(form).findByText('Cannot be negative')).toBeTruthy();
    await user.clear(quantity);
    await user.type(quantity, '3');
    await user.click(within(form).getByRole('button', { name: 'Dry run' }));
    const result = await within(form).findByRole('status', { name: 'MeterUsage result' });
    await waitFor(() => expect(result.textContent).toContain('Dry run succeeded'));
    expect(result.textContent).toContain('Journaled as submission');
    await user.click(within(form).getByRole('button', { name: /^Send MeterUsage \(bills\)/ }));
    await waitFor(() =>
      expect(within(form).getByRole('status', { name: 'MeterUsage result' }).textContent).toContain(
        'Metered. MeteringRecordId',
      ),
    );
  });
});
