// Containers: RegisterUsage against the sandbox, its Signature verified with the sandbox's key,
// a tampered one refused, an old key version explained; a MeterUsage dry run.
import { expect, test } from '../fixtures';
import { screenshot } from '../pages/customers';

test('RegisterUsage: the signature verifies with the sandbox key and echoes the request', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const main = page.getByRole('main');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Containers' })
    .click();
  await expect(main.getByRole('heading', { level: 1, name: 'Containers' })).toBeVisible();
  await expect(main.getByRole('note')).toContainText('logs them in the buyer’s account');

  await main.getByRole('button', { name: 'Use Helix Inference Server' }).click();
  await expect(main.getByLabel('ProductCode').first()).not.toHaveValue('');
  await main.getByLabel('PublicKeyVersion').fill('2');
  await main.getByLabel('Nonce (optional)').fill('pod-7f3a');
  await main.getByRole('button', { name: 'Call RegisterUsage' }).click();

  const result = main.getByRole('region', { name: 'RegisterUsage result' });
  await expect(result.getByLabel('JWT header')).toContainText('"alg": "PS256"');
  await expect(result.getByLabel('JWT payload')).toContainText('"Nonce": "pod-7f3a"');
  const echo = result.getByRole('table', { name: 'Echo check' });
  await expect(echo.getByRole('row', { name: /ProductCode/ })).toContainText('Matches');
  await expect(echo.getByRole('row', { name: /PublicKeyVersion/ })).toContainText('Matches');
  await expect(echo.getByRole('row', { name: /Nonce/ })).toContainText('Matches');
  await expect(result.getByRole('note', { name: 'Key rotation' })).toHaveCount(0);

  await main.getByRole('button', { name: 'Use the sandbox key (version 2)' }).click();
  await expect(main.getByLabel('Public key (PEM)')).toHaveValue(/BEGIN PUBLIC KEY/);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  const verdict = main.getByLabel('Verification result');
  await expect(verdict).toContainText('Signature verified.');
  await screenshot(page, 'containers-verified');

  // One character of the payload changed: the signature no longer matches.
  const signatureBox = main.getByLabel('Signature (JWT)');
  const signature = await signatureBox.inputValue();
  const [header = '', payload = '', sig = ''] = signature.split('.');
  const flipped = payload.slice(0, 10) + (payload[10] === 'A' ? 'B' : 'A') + payload.slice(11);
  await signatureBox.fill(`${header}.${flipped}.${sig}`);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  await expect(verdict).toContainText('Not verified.');

  // An old key version: AWS still signs, and says when the key was superseded.
  await main.getByLabel('PublicKeyVersion').fill('1');
  await main.getByRole('button', { name: 'Call RegisterUsage' }).click();
  const rotation = result.getByRole('note', { name: 'Key rotation' });
  await expect(rotation).toContainText('PublicKeyRotationTimestamp');
  await expect(rotation).toContainText('2026-01-15 00:00:00 UTC');
  const pemBox = main.getByLabel('Public key (PEM)');
  const v2Pem = await pemBox.inputValue();
  await main.getByRole('button', { name: 'Use the sandbox key (version 1)' }).click();
  await expect(pemBox).not.toHaveValue(v2Pem);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  await expect(verdict).toContainText('Signature verified.');
  await screenshot(page, 'containers-rotation');
});

test('MeterUsage: a journaled dry run meters nothing; a real send on the Sandbox returns a record id', async ({
  mdesk,
}) => {
  const { page } = mdesk;
  const main = page.getByRole('main');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Containers' })
    .click();
  await expect(main.getByRole('heading', { level: 1, name: 'Containers' })).toBeVisible();
  const form = main.getByRole('region', { name: /MeterUsage/ });
  await form.getByLabel('Product').selectOption({ label: 'Helix Inference Server (container)' });
  await expect(form.getByLabel('UsageDimension')).toHaveValue('gpu_hours');

  // Validated as the user types, with the same rules main applies.
  await form.getByLabel('UsageQuantity').fill('-1');
  await form.getByRole('button', { name: 'Dry run' }).click();
  await expect(form.getByText('Cannot be negative')).toBeVisible();
  await form.getByLabel('UsageQuantity').fill('3');

  await form.getByRole('button', { name: 'Dry run' }).click();
  const result = form.getByRole('status', { name: 'MeterUsage result' });
  await expect(result).toContainText('Dry run succeeded');
  await expect(result).toContainText('Journaled as submission');

  // The Sandbox asks no typed confirmation (nothing there is real money).
  await form.getByRole('button', { name: /^Send MeterUsage \(bills\)/ }).click();
  await expect(result).toContainText('Metered. MeteringRecordId');
  await screenshot(page, 'containers-meterusage');
});
