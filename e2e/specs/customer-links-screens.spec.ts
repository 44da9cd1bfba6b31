// One customer, one view (#15.5), from what CloudTrail says: a trail log file holds a legacy
// record sent under a CustomerIdentifier whose answer echoes the buyer's account id beside it
// (the AWS-documented sample's `customerAWSAccountID`), and a newer record sent under that
// account id. Neither id is known to the Sandbox's world or to any ResolveCustomer answer, so
// only the echo can link them: the directory does, and the audit filters then find both records
// whichever id is typed.
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { expect, test } from '../fixtures';
import { readSandboxWorld } from '../pages/metering';
import { Shell } from '../pages/shell';
import { javaHour } from '../pages/trail';

test.use({ sandboxHistory: 0 });

const HOUR = 3_600_000;
/** A BatchMeterUsage record in the documented sample's layout, answered Success. */
function meteringEvent(
  id: string,
  at: number,
  seller: string,
  sent: Record<string, unknown>,
  echo: Record<string, unknown>,
  request: Record<string, unknown> = {},
) {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${seller}:user/metering`,
      accountId: seller,
      accessKeyId: 'AKIAEXAMPLE',
      userName: 'metering',
    },
    eventTime: new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: 'metering-marketplace.amazonaws.com',
    eventName: 'BatchMeterUsage',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-sdk-java/1.12',
    requestParameters: { usageRecords: [sent], ...request },
    responseElements: {
      results: [{ usageRecord: echo, meteringRecordId: `mr-${id}`, status: 'Success' }],
      unprocessedRecords: [],
    },
    requestID: `req-${id}`,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: seller,
  };
}

type Directory = {
  customers: { name?: string; accountIds: string[]; identifiers: string[]; sources: string[] }[];
};

test('an answer echoing the account id beside the CustomerIdentifier links the two; the audit filter finds both under either', async ({
  mdesk,
}, testInfo) => {
  const { page } = mdesk;
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await shell.navigateTo({ name: 'Audit', path: '/audit' });
  const seller = (await mdesk.call<{ accountId: string }>('audit:info', {})).accountId;
  const identifier = 'echo-linked-customer-7Qx';
  const accountId = '987654321098';

  const before = await mdesk.call<Directory>('customers:directory', {});
  const known = before.customers.some(
    (c) => c.identifiers.includes(identifier) || c.accountIds.includes(accountId),
  );
  expect(known, 'the ids are unknown before the file is imported').toBe(false);

  const hour = Math.floor(mdesk.now() / HOUR) * HOUR;
  const legacy = {
    dimension: 'Dimension1',
    timestamp: javaHour(hour - 5 * HOUR),
    customerIdentifier: identifier,
    quantity: 3,
  };
  const newer = {
    dimension: 'Dimension1',
    timestamp: javaHour(hour - 4 * HOUR),
    customerAWSAccountID: accountId,
    licenseArn: `arn:aws:license-manager::${seller}:license:l-echo0000000000000000000000000`,
    quantity: 4,
  };
  const trail = {
    Records: [
      meteringEvent(
        'echo-event-1',
        hour - 5 * HOUR + 60_000,
        seller,
        legacy,
        { ...legacy, customerAWSAccountID: accountId },
        { productCode: 'echo-product' },
      ),
      meteringEvent('echo-event-2', hour - 4 * HOUR + 60_000, seller, newer, newer),
    ],
  };
  const file = testInfo.outputPath(`${seller}_CloudTrail_us-east-1_20261117T0000Z_echo.json.gz`);
  await writeFile(file, gzipSync(JSON.stringify(trail)));
  const importPanel = page.getByRole('region', { name: 'Import CloudTrail log files' });
  await importPanel.getByLabel('Import files').setInputFiles(file);
  await expect(importPanel.getByRole('status', { name: 'Trail import summary' })).toContainText(
    '2 metering events kept (2 new',
  );

  await test.step('the directory links the two ids from the echo', async () => {
    const after = await mdesk.call<Directory>('customers:directory', {});
    const linked = after.customers.filter(
      (c) => c.identifiers.includes(identifier) || c.accountIds.includes(accountId),
    );
    expect(linked).toEqual([
      { accountIds: [accountId], identifiers: [identifier], sources: ['cloudtrail'] },
    ]);
  });

  await test.step('the audit filter finds both records under either id, without a reload', async () => {
    const grid = page.getByRole('grid', { name: 'CloudTrail usage records' });
    const customerBox = page.getByRole('search', { name: 'Audit filters' }).getByLabel('Customer');
    for (const typed of [identifier, accountId]) {
      await customerBox.fill(typed);
      await expect(page.getByText(/^2 rows/)).toBeVisible();
      await expect(grid).toContainText('echo-event-1');
      await expect(grid).toContainText('echo-event-2');
    }
  });
});

test('a record sent under its CustomerIdentifier is answered with the account id beside it; the journal links the two', async ({
  mdesk,
}) => {
  const world = await readSandboxWorld(mdesk.dataDir);
  const product = world.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const sub = world.subscriptions.find(
    (s) => s.productCode === product?.productCode && s.customerIdentifier !== undefined,
  );
  if (!product || !sub?.customerIdentifier) throw new Error('The sandbox has no legacy buyer.');
  const identifier = sub.customerIdentifier;

  const hour = Math.floor(mdesk.now() / HOUR) * HOUR - 3 * HOUR;
  const { submissionId } = await mdesk.call<{ submissionId: string }>('metering:submit', {
    operation: 'BatchMeterUsage',
    records: [
      {
        productId: `sandbox:${product.productCode}`,
        operation: 'BatchMeterUsage',
        productCode: product.productCode,
        customerIdentifier: identifier,
        dimension: product.dimensions[0]?.name ?? '',
        quantity: 9,
        timestamp: new Date(hour).toISOString(),
      },
    ],
  });
  await expect
    .poll(
      async () =>
        (await mdesk.call<{ state: string }>('metering:submission-status', { submissionId })).state,
    )
    .toBe('finished');

  // Billed once, not "answer lost": the echo's extra account id still names our record.
  const detail = await mdesk.call<{ rows: { status: string }[] }>('journal:submission', {
    submissionId,
  });
  expect(detail.rows.map((r) => r.status)).toEqual(['Success']);
  const directory = await mdesk.call<Directory>('customers:directory', {});
  const linked = directory.customers.find((c) => c.identifiers.includes(identifier));
  expect(linked?.accountIds).toContain(sub.customerAwsAccountId);
  expect(linked?.sources).toContain('journal');
});
