// A connection with a secret, added and used through the real renderer and browser host: the
// browser host refuses to save keys (no OS encryption) and the keys are used for this run only;
// afterwards the secret is nowhere the renderer can reach (DOM, Web Storage, IndexedDB, any
// /api/* answer of the flow) nor anywhere under the data folder (logs included).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from '@playwright/test';
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { ConnectionsPage } from '../pages/connections';
import { Shell } from '../pages/shell';
import { screenshot } from '../pages/customers';

const ownSandbox = useOwnSandbox();
const { mint } = ownSandbox;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

// String expressions: the e2e tsconfig has no DOM types.
const DUMP_WEB_STORAGE = `(() => {
  const dump = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { const k = s.key(i); o[k] = s.getItem(k); } return o; };
  return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage) });
})()`;
const DUMP_INDEXED_DB = `(async () => {
  const out = [];
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  for (const info of dbs) {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open(info.name); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
    });
    for (const name of Array.from(db.objectStoreNames)) {
      const all = await new Promise((resolve) => {
        const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => resolve(r.result); r.onerror = () => resolve([]);
      });
      out.push({ db: info.name, store: name, rows: all });
    }
    db.close();
  }
  return JSON.stringify({ databases: dbs.map((d) => d.name), out });
})()`;

test('pasted keys: saving refused in the browser host, used for this run, the secret never reaches the renderer or the disk', async ({
  mdesk,
}) => {
  test.skip(mdesk.kind !== 'browser', 'The save-refusal path is the browser host’s.');
  const keys = await mint({ userName: 'e2e-pasted' });
  const { page } = mdesk;
  const answers: { url: string; body: string }[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    // The event stream never ends; its payloads are checked through what they caused.
    if (!url.pathname.startsWith('/api/') || url.pathname === '/api/events') return;
    pending.push(
      response.text().then(
        (body) => void answers.push({ url: url.pathname, body }),
        () => undefined,
      ),
    );
  });

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Pasted e2e',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: 'us-east-1',
    endpoint: ownSandbox.endpoint(),
  });
  // The refusal and its reason are shown before anything is sent.
  await expect(connections.saveRefusal).toContainText('Keys cannot be saved here');
  await expect(connections.saveRefusal).toContainText('browser host');
  await connections.useForThisRunOnly.click();
  await expect(page.getByRole('status').filter({ hasText: 'Added “Pasted e2e”.' })).toBeVisible();

  const row = connections.row('Pasted e2e');
  await expect(row).toContainText(`…${keys.accessKeyId.slice(-4)}`);
  await expect(row).toContainText('this run only');

  // Use it: the self-test signs in with the pasted key against the sandbox.
  const panel = await connections.test('Pasted e2e');
  await expect(panel).toContainText('arn:aws:iam::111122223333:user/e2e-pasted');
  await expect(panel.getByRole('cell', { name: /Allowed/ })).toHaveCount(4);
  await screenshot(page, 'connections-selftest');
  // And make it the active connection: a real connection never looks like the sandbox.
  await connections.connectionSwitcher.selectOption({ label: 'Pasted e2e' });
  await expect(shell.activeConnection).toContainText('Pasted e2e');
  await expect(shell.activeConnection).toContainText('Real AWS');
  await expect(shell.sandboxBand).toHaveCount(0);
  await expect(shell.activeConnection).toContainText('111122223333');

  await Promise.all(pending);
  expect(answers.some((a) => a.url === '/api/connections:add')).toBe(true);
  expect(answers.some((a) => a.url === '/api/connections:test')).toBe(true);

  const secret = keys.secretAccessKey;
  const html = await page.evaluate<string>('document.documentElement.outerHTML');
  expect(html).not.toContain(secret);
  expect(html).not.toContain(keys.accessKeyId);
  const storage = await page.evaluate<string>(DUMP_WEB_STORAGE);
  expect(storage).not.toContain(secret);
  expect(storage).not.toContain(keys.accessKeyId);
  const indexed = await page.evaluate<string>(DUMP_INDEXED_DB);
  expect(indexed).not.toContain(secret);
  for (const answer of answers) {
    expect(answer.body, `${answer.url} must not carry the secret`).not.toContain(secret);
    expect(answer.body, `${answer.url} must not carry the key id`).not.toContain(keys.accessKeyId);
  }
  // Input values live in the DOM as properties, not in outerHTML: check them too.
  const inputValues = await page.evaluate<string>(
    'JSON.stringify(Array.from(document.querySelectorAll("input, textarea")).map((e) => e.value))',
  );
  expect(inputValues).not.toContain(secret);

  // Nothing in plaintext anywhere under the data folder: settings, sandbox, logs, everything.
  const files = await filesUnder(mdesk.dataDir);
  expect(files.some((f) => f.includes(join('logs', '')))).toBe(true);
  for (const file of files) {
    const bytes = await readFile(file);
    expect(bytes.includes(Buffer.from(secret)), `${file} holds the secret`).toBe(false);
    expect(bytes.includes(Buffer.from(keys.accessKeyId)), `${file} holds the key id`).toBe(false);
  }
});

test('the top bar switches connection and region; every screen shows which it acts on', async ({
  mdesk,
}) => {
  const keys = await mint({ userName: 'e2e-regions' });
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await expect(shell.sandboxBand).toBeVisible();
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Two regions',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.secretAccessKey,
    region: 'us-east-1',
    regions: 'eu-west-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.addForm.getByRole('button', { name: 'Use for this run only' }).first().click();
  await expect(connections.row('Two regions')).toContainText('us-east-1, eu-west-1');

  await connections.connectionSwitcher.selectOption({ label: 'Two regions' });
  await expect(shell.activeConnection).toContainText('Two regions');
  await expect(shell.activeConnection).toContainText('us-east-1');
  await connections.regionSwitcher.selectOption('eu-west-1');
  await expect(shell.activeConnection).toContainText('eu-west-1');

  // Another screen shows the same connection and region in its top bar.
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await expect(shell.activeConnection).toContainText('Two regions');
  await expect(shell.activeConnection).toContainText('eu-west-1');

  // Back to the sandbox: the band returns.
  await connections.connectionSwitcher.selectOption({ label: 'Sandbox (sandbox)' });
  await expect(shell.sandboxBand).toBeVisible();
  await expect(shell.activeConnection).toContainText('Sandbox');
});
