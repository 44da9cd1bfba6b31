// Containers: RegisterUsage against the sandbox (key version 1, as AWS documents), its Signature
// verified with the key for the version it names, a tampered one refused, a missing key version
// said plainly; a MeterUsage dry run.
import { expect, test } from '../fixtures';
import { screenshot } from '../pages/customers';

test('RegisterUsage: the signature verifies with the key for the version it names, and says so when there is none', async ({
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
  // Version 1: the key version AWS documents.
  await expect(main.getByLabel('PublicKeyVersion')).toHaveValue('1');
  await main.getByLabel('Nonce (optional)').fill('pod-7f3a');
  await main.getByRole('button', { name: 'Call RegisterUsage' }).click();

  const result = main.getByRole('region', { name: 'RegisterUsage result' });
  await expect(result.getByLabel('JWT header')).toContainText('"alg": "PS256"');
  await expect(result.getByLabel('JWT payload')).toContainText('"Nonce": "pod-7f3a"');
  const echo = result.getByRole('table', { name: 'Echo check' });
  await expect(echo.getByRole('row', { name: /ProductCode/ })).toContainText('Matches');
  await expect(echo.getByRole('row', { name: /PublicKeyVersion/ })).toContainText('Matches');
  await expect(echo.getByRole('row', { name: /Nonce/ })).toContainText('Matches');
  await expect(result.getByLabel('Claim spelling')).toContainText('PascalCase');
  await expect(result.getByRole('note', { name: 'Key rotation' })).toHaveCount(0);

  await main.getByRole('button', { name: 'Use the sandbox key (version 1)' }).click();
  const pem = main.getByLabel('Public key (PEM) for version 1');
  await expect(pem).toHaveValue(/BEGIN PUBLIC KEY/);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  const verdict = main.getByLabel('Verification result');
  await expect(verdict).toContainText('Signature verified.');
  await expect(verdict).toContainText('your key for version 1');
  await screenshot(page, 'containers-verified');

  // One character of the payload changed: the signature no longer matches.
  const signatureBox = main.getByLabel('Signature (JWT)');
  const signature = await signatureBox.inputValue();
  const [header = '', payload = '', sig = ''] = signature.split('.');
  const flipped = payload.slice(0, 10) + (payload[10] === 'A' ? 'B' : 'A') + payload.slice(11);
  await signatureBox.fill(`${header}.${flipped}.${sig}`);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  await expect(verdict).toContainText('Not verified.');

  // The same key filed under another version: the token names version 1, and there is no key
  // for version 1, which the app says instead of trying the wrong key.
  await signatureBox.fill(signature);
  await main.getByLabel('Key version, key 1').fill('2');
  await expect(main.getByLabel('Public key (PEM) for version 2')).toHaveValue(/BEGIN PUBLIC KEY/);
  await main.getByRole('button', { name: 'Verify signature' }).click();
  await expect(verdict).toContainText('No key for version 1.');
  await expect(verdict).toContainText('names public key version 1, and no key for version 1');
  await screenshot(page, 'containers-no-key');
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
  // What identifies the caller: AWS dedups MeterUsage per instance, task or pod, not per account.
  const caller = main.getByLabel('Caller identity');
  await expect(caller).toContainText('arn:aws:iam::111122223333:user/meterdesk-sandbox');
  await expect(caller).toContainText('IAM user (long-term keys)');
  await expect(caller).toContainText(
    'for each EC2 instance, ECS task or EKS pod, not one per account',
  );
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
