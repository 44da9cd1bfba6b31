// Editing a connection through the real renderer and browser host: a pasted-key connection (kept
// for this run only) is renamed and given other regions; the form shows its non-secret settings,
// checks them with the core's schema before sending, and the stored keys keep working. The secret
// is never in the form, in what the edit sends, nor in any /api/* answer of the flow.
import type { Request, Response } from '@playwright/test';
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { ConnectionsPage } from '../pages/connections';
import { Shell } from '../pages/shell';

type Phase = 'add' | 'edit';
const ownSandbox = useOwnSandbox();
const { mint } = ownSandbox;

test('edit a pasted-key connection: new name and regions in the table and the top bar, keys kept, secret never sent back', async ({
  mdesk,
}) => {
  const keys = await mint({ userName: 'e2e-edit' });
  const { page } = mdesk;
  // Which part of the flow a request or answer belongs to, taken when it is made.
  let phase: Phase = 'add';
  const answers: { phase: Phase; url: string; body: string }[] = [];
  const sent: { phase: Phase; url: string; body: string }[] = [];
  const pending: Promise<void>[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) {
      sent.push({ phase, url: url.pathname, body: request.postData() ?? '' });
    }
  });
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    // The event stream never ends; its payloads are checked through what they caused.
    if (!url.pathname.startsWith('/api/') || url.pathname === '/api/events') return;
    const at = phase;
    pending.push(
      response.text().then(
        (body) => void answers.push({ phase: at, url: url.pathname, body }),
        () => undefined,
      ),
    );
  });

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Edit me',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: 'us-east-1',
    regions: 'eu-west-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.useForThisRunOnly.first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Added “Edit me”.' })).toBeVisible();
  await expect(connections.row('Edit me')).toContainText('us-east-1, eu-west-1');
  phase = 'edit';

  // The sandbox cannot be edited; the pasted-key connection can.
  await expect(connections.editButton('Sandbox')).toHaveCount(0);
  const form = await connections.edit('Edit me');
  await expect(connections.editButton('Edit me')).toHaveAttribute('aria-expanded', 'true');
  // Prefilled with the non-secret settings; the focus is on the first field.
  const name = form.getByLabel('Name', { exact: true });
  await expect(name).toBeFocused();
  await expect(name).toHaveValue('Edit me');
  await expect(form.getByLabel('Default region')).toHaveValue('us-east-1');
  await expect(form.getByLabel('Other regions to work across (optional)')).toHaveValue('eu-west-1');
  await expect(form.getByLabel('Custom endpoint (optional)')).toHaveValue(ownSandbox.endpoint());
  const keyField = form.getByLabel('Access key', { exact: true });
  await expect(keyField).toHaveValue(new RegExp(`…${keys.accessKeyId.slice(-4)}`));
  await expect(keyField).toHaveJSProperty('readOnly', true);
  await expect(form.locator('input[type="password"]')).toHaveCount(0);
  const formValues = await form
    .locator('input')
    .evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
  expect(formValues.join('\n')).not.toContain(keys.secretAccessKey);
  expect(formValues.join('\n')).not.toContain(keys.accessKeyId);

  // Checked with the core's schema before anything is sent: the error sits next to its field.
  await name.fill('Edited e2e');
  const regions = form.getByLabel('Other regions to work across (optional)');
  await regions.fill('eu-west-1, nowhere');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByText('Use an AWS region name such as us-east-1.')).toBeVisible();
  await expect(regions).toHaveAttribute('aria-describedby', /.+/);
  expect(sent.some((s) => s.url === '/api/connections:update')).toBe(false);

  // Fixed, and saved from the keyboard.
  await regions.fill('eu-west-1, ap-southeast-2');
  await regions.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saved “Edited e2e”.' })).toBeVisible();
  await expect(form).toHaveCount(0);
  await expect(connections.editButton('Edited e2e')).toBeFocused();
  await expect(connections.row('Edit me')).toHaveCount(0);
  const row = connections.row('Edited e2e');
  await expect(row).toContainText('us-east-1, eu-west-1, ap-southeast-2');
  await expect(row).toContainText(`…${keys.accessKeyId.slice(-4)}`);
  await expect(row).toContainText('this run only');

  // Escape closes the form without saving.
  const again = await connections.edit('Edited e2e');
  await again.getByLabel('Name', { exact: true }).fill('Not saved');
  await page.keyboard.press('Escape');
  await expect(again).toHaveCount(0);
  await expect(connections.row('Edited e2e')).toHaveCount(1);

  // Activated, the top bar names it and offers its new regions.
  await connections.connectionSwitcher.selectOption({ label: 'Edited e2e' });
  await expect(shell.activeConnection).toContainText('Edited e2e');
  await expect(shell.activeConnection).toContainText('us-east-1');
  await expect(connections.regionSwitcher.locator('option')).toHaveText([
    'us-east-1',
    'eu-west-1',
    'ap-southeast-2',
  ]);
  await connections.regionSwitcher.selectOption('ap-southeast-2');
  await expect(shell.activeConnection).toContainText('ap-southeast-2');

  // The stored keys were kept: the self-test still signs in with them.
  const panel = await connections.test('Edited e2e');
  await expect(panel).toContainText('arn:aws:iam::111122223333:user/e2e-edit');

  await Promise.all(pending);
  const update = sent
    .filter((s) => s.phase === 'edit')
    .filter((s) => s.url === '/api/connections:update');
  expect(update).toHaveLength(1);
  expect(update[0]?.body).toContain('Edited e2e');
  const editAnswers = answers.filter((a) => a.phase === 'edit');
  expect(editAnswers.some((a) => a.url === '/api/connections:update')).toBe(true);
  for (const request of sent.filter((s) => s.phase === 'edit')) {
    expect(request.body, `${request.url} must not send the secret`).not.toContain(
      keys.secretAccessKey,
    );
    expect(request.body, `${request.url} must not send the key id`).not.toContain(keys.accessKeyId);
  }
  for (const answer of editAnswers) {
    expect(answer.body, `${answer.url} must not carry the secret`).not.toContain(
      keys.secretAccessKey,
    );
    expect(answer.body, `${answer.url} must not carry the key id`).not.toContain(keys.accessKeyId);
  }
  const html = await page.evaluate<string>('document.documentElement.outerHTML');
  expect(html).not.toContain(keys.secretAccessKey);
});
