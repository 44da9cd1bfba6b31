// The Query tab against the real core and the sandbox: an auditor syncs, runs a built-in
// question, writes their own SQL, sees a write refused by the database, cancels a long query,
// exports the result as CSV and Parquet, and saves the query for next time.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures';
import type { AuditSqlResult } from '../../shared/channels/audit-sql';
import { api } from '../pages/customers';
import { Shell } from '../pages/shell';

test.use({ sandboxHistory: 200 });

test('an auditor asks the cache in SQL: built-in questions, own SQL, refused writes, cancel, export, save', async ({
  mdesk,
}, testInfo) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 30_000,
  });
  await page.getByRole('tab', { name: 'Query' }).click();

  // A built-in question, from the list beside the editor.
  const saved = page.getByRole('navigation', { name: 'Saved queries' });
  await saved.getByRole('button', { name: 'Monthly totals per customer and dimension' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const result = page.getByRole('grid', { name: 'Query result' });
  await expect(result).toBeVisible();
  await expect(result.getByRole('columnheader', { name: /billed_quantity/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /rows? in .* ms/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('audit-query-light.png'), fullPage: true });

  // Own SQL, run with Ctrl+Enter.
  const editor = page.getByLabel('SQL', { exact: true });
  await editor.fill(
    'SELECT billing, count(*) AS records FROM usage_records GROUP BY billing ORDER BY billing',
  );
  await editor.press('Control+Enter');
  await expect(result.getByRole('gridcell', { name: 'billed', exact: true })).toBeVisible();

  // The database refuses a write: the tab says it only reads.
  await editor.fill('DELETE FROM store.records');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The Query tab only reads');

  // A long statement is cancelled.
  await editor.fill('SELECT sum(a.range) FROM range(1000000000000) a');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Running…/ })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The query was cancelled.');

  // Export the whole result, as CSV and as Parquet.
  await editor.fill(
    "SELECT event_id, customer, billed_quantity FROM usage_records WHERE billing = 'billed'",
  );
  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csvFile = await csvDownload;
  expect(csvFile.suggestedFilename()).toMatch(/^meterdesk-query-\d{12}-.*\.csv$/);
  const csv = await readFile(await csvFile.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('event_id,customer,billed_quantity');
  const parquetDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export Parquet' }).click();
  const parquet = await readFile(await (await parquetDownload).path());
  expect(parquet.subarray(0, 4).toString('latin1')).toBe('PAR1');

  // Saved for next time, beside the built-in ones.
  await page.getByLabel('Query name').fill('Billed records');
  await page.getByRole('button', { name: 'Save query' }).click();
  await expect(saved.getByRole('button', { name: 'Billed records', exact: true })).toBeVisible();
  await saved.getByRole('button', { name: 'Delete saved query Billed records' }).click();
  await expect(saved.getByRole('button', { name: 'Billed records', exact: true })).toHaveCount(0);
});

test('scripts ask the same SQL over the local API, and the engine refuses their writes too', async ({
  mdesk,
}) => {
  test.skip(mdesk.kind !== 'browser', 'the local API is the browser host’s');
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 30_000,
  });

  const count = 'SELECT count(*) AS records, sum(billed_quantity) AS billed FROM usage_records';
  const before = await api<AuditSqlResult>(mdesk, 'audit:sql', { sql: count, queryId: 'api-1' });
  expect(before.columns.map((c) => c.name)).toEqual(['records', 'billed']);
  expect(Number(before.rows[0]?.[0])).toBeGreaterThan(0);

  await expect(
    api(mdesk, 'audit:sql', { sql: 'DELETE FROM store.records', queryId: 'api-2' }),
  ).rejects.toThrow(/only reads/);
  const after = await api<AuditSqlResult>(mdesk, 'audit:sql', { sql: count, queryId: 'api-3' });
  expect(after.rows).toEqual(before.rows);
});
