// One true count of money, on the real app and the sandbox: a submission replayed (the same three
// records sent twice) and a trail log file holding a retry pair and a fully truncated event are
// synced and imported; the Journal, the audit totals and charts, the CSV export and the evidence
// pack all show each record billed once, and the truncated event kept and flagged.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test, type MeterdeskApp } from '../fixtures';
import { api } from '../pages/customers';
import { Shell } from '../pages/shell';
import { javaHour } from '../pages/trail';

test.use({ sandboxHistory: 40 });

const HOUR = 3_600_000;
const DAY = 86_400_000;

type World = {
  products: { productCode: string; kind: string; identityModel: string; dimensions: string[] }[];
  customers: { awsAccountId: string; subscribed: string[] }[];
};

const isoSecond = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A record written from the documented BatchMeterUsage sample's layout. */
function trailRecord(id: string, at: number, account: string, extra: Record<string, unknown>) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:alice@example.com',
      arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_BillingAdmin_0123456789abcdef/alice@example.com`,
      accountId: account,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEID',
          arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BillingAdmin_0123456789abcdef`,
          accountId: account,
          userName: 'AWSReservedSSO_BillingAdmin_0123456789abcdef',
        },
      },
    },
    eventTime: isoSecond(at),
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.201',
    userAgent: 'aws-cli/2.22.35',
    requestID: `req-${id}`,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    ...extra,
  };
}

/** Three legacy records of the sandbox, one per recent hour. */
async function threeRecords(mdesk: MeterdeskApp) {
  const world = await api<World>(mdesk, 'sandbox:world', {});
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const customer = world.customers.find(
    (c) => product && c.subscribed.includes(product.productCode),
  );
  const dimension = product?.dimensions[0];
  if (!product || !customer || dimension === undefined) throw new Error('no sandbox fixture');
  const top = Math.floor(mdesk.now() / HOUR) * HOUR;
  return [3, 4, 5].map((hoursBack, i) => ({
    productId: `sandbox:${product.productCode}`,
    operation: 'BatchMeterUsage',
    productCode: product.productCode,
    customerAwsAccountId: customer.awsAccountId,
    dimension,
    quantity: 100 + i,
    timestamp: new Date(top - hoursBack * HOUR).toISOString(),
  }));
}

async function submitAndWait(mdesk: MeterdeskApp, records: unknown[]) {
  const { submissionId } = await api<{ submissionId: string }>(mdesk, 'metering:submit', {
    operation: 'BatchMeterUsage',
    records,
  });
  await expect
    .poll(
      async () =>
        (
          await api<{ state: string }>(mdesk, 'metering:submission-status', {
            submissionId,
          })
        ).state,
      { timeout: 30_000 },
    )
    .toBe('finished');
  return submissionId;
}

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const file = page.waitForEvent('download');
  await click();
  return readFile(await (await file).path());
}

/** summary.md of an evidence pack (a zip). */
function packSummary(zip: Uint8Array): string {
  const summary = unzipSync(zip)['summary.md'];
  if (!summary) throw new Error('The evidence pack has no summary.md');
  return strFromU8(summary);
}

test('a replay and an imported retry pair are billed once everywhere; a truncated event is kept and flagged', async ({
  mdesk,
}, testInfo) => {
  test.skip(
    mdesk.kind !== 'browser',
    'Seeds submissions and reads answers through the browser host API.',
  );
  test.setTimeout(150_000);
  const { page } = mdesk;
  const shot = (name: string) =>
    page.screenshot({ path: testInfo.outputPath(name), fullPage: true });

  // The same three records submitted twice: AWS answers the second send with the same ids.
  const records = await threeRecords(mdesk);
  const first = await submitAndWait(mdesk, records);
  // CloudTrail times events to the second, and two events in the same second are ordered by
  // event id (shared/billing.ts); the replay goes out in a later second so that the first send
  // is the one CloudTrail shows as billed (the host's clock runs at real speed).
  await mdesk.page.waitForTimeout(1_100);
  const second = await submitAndWait(mdesk, records);

  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Journal', path: '/journal' });
  const filters = page.getByRole('form', { name: 'Filter the journal' });
  const status = filters.getByLabel('Status', { exact: true });
  await expect(status.getByRole('option', { name: 'Billed (3)' })).toHaveCount(1);
  await expect(status.getByRole('option', { name: 'Replay, billed before (3)' })).toHaveCount(1);
  await expect(page.getByRole('status', { name: 'Billed once' })).toContainText(
    '6 records · billed: 3 (quantity 303) · replays, not billed again: 3',
  );
  await status.selectOption('replay');
  const journal = page.getByRole('grid', { name: 'Journal records' });
  await expect(journal.getByRole('row').filter({ hasText: 'Replay (billed before)' })).toHaveCount(
    3,
  );
  await expect(journal.getByRole('row').filter({ hasText: second })).toHaveCount(3);
  await expect(page.getByRole('status', { name: 'Billed once' })).toContainText(
    `3 records · billed: 0`,
  );
  // The replaying submission's own details: nothing billed, three replays.
  await page
    .getByRole('button', { name: `Details of submission ${second}` })
    .first()
    .click();
  const details = page.getByRole('region', { name: 'Submission details' });
  await expect(details.getByRole('status', { name: 'Billed once' })).toContainText(
    '3 records · billed: 0 (quantity 0) · replays, not billed again: 3',
  );
  await expect(details).not.toContainText('Billed: 3');
  await shot('journal-replay.png');

  // Sync, then import a trail log file the sandbox's LookupEvents never had.
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  await page.getByRole('button', { name: 'Sync CloudTrail' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Sync finished/ })).toBeVisible({
    timeout: 30_000,
  });
  const info = await api<{ accountId: string }>(mdesk, 'audit:info', {});
  const account = info.accountId;
  const now = mdesk.now();
  const usage = {
    dimension: 'trail-dimension',
    timestamp: javaHour(Math.floor(now / HOUR) * HOUR - 6 * HOUR),
    customerIdentifier: 'trail-customer',
    customerAWSAccountID: '210987654321',
    quantity: 77,
  };
  const send = (id: string, at: number) =>
    trailRecord(id, at, account, {
      requestParameters: { usageRecords: [usage], productCode: 'trail-product' },
      responseElements: {
        results: [{ usageRecord: usage, meteringRecordId: 'trail-mr-1', status: 'Success' }],
        unprocessedRecords: [],
      },
    });
  const truncated = trailRecord('trail-truncated', now - 5 * HOUR, account, {
    requestParameters: { omitted: true },
    responseElements: { omitted: true },
  });
  const old = trailRecord('trail-old', now - 120 * DAY, account, {
    requestParameters: {
      usageRecords: [{ ...usage, timestamp: javaHour(now - 120 * DAY - HOUR), quantity: 5 }],
    },
    responseElements: {
      results: [{ meteringRecordId: 'trail-mr-old', status: 'Success' }],
      unprocessedRecords: [],
    },
  });
  const file = testInfo.outputPath(
    `AWSLogs/${account}/CloudTrail/us-east-1/2026/07/10/${account}_CloudTrail_us-east-1_trail.json.gz`,
  );
  await mkdir(dirname(file), { recursive: true });
  const trail = {
    Records: [
      send('trail-retry-a', now - 5.5 * HOUR),
      send('trail-retry-b', now - 5.4 * HOUR),
      truncated,
      old,
    ],
  };
  await writeFile(file, gzipSync(JSON.stringify(trail)));

  // The sandbox's own history holds truncated events too: the imported one adds one to them.
  const before = await api<{ truncatedEvents: Record<string, number> }>(
    mdesk,
    'audit:completeness',
    {},
  );
  const truncatedCount = (by: Record<string, number>): number =>
    Object.values(by).reduce((sum, n) => sum + n, 0);
  const seededUsEast = before.truncatedEvents['us-east-1'] ?? 0;
  const expectedTruncated = truncatedCount(before.truncatedEvents) + 1;

  const importPanel = page.getByRole('region', { name: 'Import CloudTrail log files' });
  await importPanel.getByLabel('Import files').setInputFiles(file);
  const summary = importPanel.getByRole('status', { name: 'Trail import summary' });
  await expect(summary).toContainText(
    'Imported 1 of 1 files: 4 events read, 4 metering events kept (4 new, 0 duplicates skipped) · 1 older than CloudTrail’s 90 days · 1 truncated by CloudTrail',
  );
  // The same file again, with a copy of it beside: one import of two files (main holds the
  // first and stores both together), merged by event id, nothing counted twice.
  const copy = file.replace('_trail.json.gz', '_trail-copy.json.gz');
  await writeFile(copy, gzipSync(JSON.stringify(trail)));
  await importPanel.getByLabel('Import files').setInputFiles([file, copy]);
  await expect(summary).toContainText(
    'Imported 2 of 2 files: 8 events read, 8 metering events kept (0 new, 8 duplicates skipped)',
  );

  // The truncated event: counted on the day strip and in a banner, and one filter away.
  await expect(page.getByLabel('Days synced per region')).toContainText(
    `${String(seededUsEast + 1)} truncated by CloudTrail`,
  );
  const banner = page.getByRole('region', { name: 'Truncated by CloudTrail' });
  await expect(banner).toContainText(
    `${String(expectedTruncated)} ${expectedTruncated === 1 ? 'event was' : 'events were'} truncated by CloudTrail.`,
  );
  await banner.getByLabel('Only truncated events').check();
  const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
  const dataRows = grid.getByRole('row').filter({ has: page.getByRole('checkbox') });
  // The imported event is listed, with whatever truncated events the seeded history holds in
  // this window: its caller is the SSO person, and with both fields omitted nothing about its
  // records or answer is known.
  const imported = dataRows.filter({ hasText: 'trail-truncated' });
  await expect(imported).toHaveCount(1);
  await expect(
    imported.getByRole('gridcell', { name: 'alice@example.com', exact: true }),
  ).toHaveCount(1);
  await expect(imported.getByRole('gridcell', { name: 'Unknown', exact: true })).toHaveCount(1);
  await imported.first().getByRole('checkbox').check();
  await shot('audit-truncated.png');
  await banner.getByLabel('Only truncated events').uncheck();

  // The retry pair: two rows, billed once, in the explorer, the totals and the charts.
  await page.getByLabel('Filter MeteringRecordId').fill('trail-mr-1');
  await expect(dataRows).toHaveCount(2);
  const billingCell = (text: string) =>
    dataRows.filter({ has: page.getByRole('gridcell', { name: text, exact: true }) });
  await expect(billingCell('replay')).toHaveCount(1);
  await expect(billingCell('billed')).toHaveCount(1);
  for (const row of await dataRows.all()) await row.getByRole('checkbox').check();

  const csv = (
    await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click())
  ).toString('utf8');
  const [header, ...lines] = csv.trimEnd().split('\r\n');
  const billingAt = header?.split(',').indexOf('billing') ?? -1;
  expect(billingAt).toBeGreaterThan(0);
  expect(lines.map((l) => l.split(',')[billingAt]).sort()).toEqual(['billed', 'replay']);

  await page.getByRole('tab', { name: 'Charts and totals' }).click();
  await expect(
    page.getByText(/billed once 77 \(1 records\) · replays, not billed again: 1/),
  ).toBeVisible();
  await expect(
    page.getByRole('img', { name: /Quantity by dimension \(billed once\)/ }),
  ).toBeVisible();
  await shot('audit-charts-billed-once.png');
  await page.getByRole('tab', { name: 'Records' }).click();

  // The app's own replay, synced: three billed, three replays, each event to its own send.
  const mine = await api<{
    rows: { eventId: string; billing?: string; sent?: { submissionId: string } }[];
  }>(mdesk, 'audit:query', {
    filter: {
      text: [
        { column: 'dimension', op: 'equals', value: records[0]?.dimension ?? '' },
        {
          column: 'customerAwsAccountId',
          op: 'equals',
          value: records[0]?.customerAwsAccountId ?? '',
        },
      ],
    },
    limit: 100,
  });
  const sent = mine.rows.filter((r) => r.sent !== undefined);
  expect(sent.filter((r) => r.billing === 'billed').map((r) => r.sent?.submissionId)).toEqual([
    first,
    first,
    first,
  ]);
  expect(sent.filter((r) => r.billing === 'replay').map((r) => r.sent?.submissionId)).toEqual([
    second,
    second,
    second,
  ]);

  // Their evidence pack: each event under the submission that sent it, the replay billed once.
  const ownPack = await api<{ base64: string }>(mdesk, 'audit:evidence', {
    eventIds: [...new Set(sent.map((r) => r.eventId))],
  });
  const ownSummary = packSummary(Buffer.from(ownPack.base64, 'base64'));
  expect(ownSummary).toContain(
    'Billed once: 3 records, quantity 303; replays (billed before, not again): 3',
  );
  const sections = ownSummary.split('## Event ').slice(1);
  expect(sections).toHaveLength(2);
  const replaySection = sections.find((t) => t.includes('replay: billed before, not again'));
  const billedSection = sections.find((t) => !t.includes('replay: billed before, not again'));
  expect(replaySection).toContain(`submission ${second}`);
  expect(replaySection).toContain('(matched by its request id)');
  expect(billedSection).toContain(`submission ${first}`);
  expect(billedSection).toContain('(matched by its request id)');

  // The evidence pack for the retry pair and the truncated event.
  const text = packSummary(
    await download(page, () => page.getByRole('button', { name: 'Evidence pack (3)' }).click()),
  );
  expect(text).toContain(
    'Billed once: 1 records, quantity 77; replays (billed before, not again): 1',
  );
  expect(text).toContain('Truncated by CloudTrail: both omitted');
  expect(text).toContain('by alice@example.com (AssumedRole)');
});
