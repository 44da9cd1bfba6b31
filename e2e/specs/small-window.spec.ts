// A small window (1024×700): the top bar wraps cleanly — the connection, account and region stay
// whole and readable, nothing overlaps, nothing scrolls sideways — on the Sandbox and on a real
// connection with a long name. Screenshots are attached to the report.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, test } from '../fixtures';
import { useOwnSandbox } from '../own-sandbox';
import { ConnectionsPage } from '../pages/connections';
import { Shell } from '../pages/shell';

const ownSandbox = useOwnSandbox();
const small = { width: 1024, height: 700 };

/** Runs in the page: wider content than the box shows (clipped, cut with an ellipsis, scrolled). */
const overflowsSideways = (el: { scrollWidth: number; clientWidth: number }): boolean =>
  el.scrollWidth > el.clientWidth + 1;

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (!found) throw new Error('Not laid out.');
  return found;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The value of a top-bar fact ("Account" → its <dd>), found as a screen reader reads the list. */
function fact(shell: Shell, term: string): Locator {
  return shell.activeConnection.getByRole('definition').filter({
    has: shell.page.locator('xpath=preceding-sibling::dt[1]').getByText(term, { exact: true }),
  });
}

async function expectTopBarReadable(page: Page, shell: Shell, testInfo: TestInfo, name: string) {
  const banner = page.getByRole('banner');
  const values = {
    connection: fact(shell, 'Connection'),
    account: fact(shell, 'Account'),
    region: fact(shell, 'Region'),
  };
  const controls = {
    connectionSwitcher: banner.getByLabel('Switch connection'),
    regionSwitcher: banner.getByLabel('Switch region'),
    manage: banner.getByRole('link', { name: 'Manage connections' }),
  };
  const boxes: [string, Box][] = [];
  for (const [key, locator] of Object.entries({ ...values, ...controls })) {
    await expect(locator, key).toBeVisible();
    const b = await box(locator);
    // Wholly inside the window.
    expect(b.x, `${key} starts inside the window`).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width, `${key} ends inside the window`).toBeLessThanOrEqual(small.width);
    boxes.push([key, b]);
  }
  for (const [key, locator] of Object.entries(values)) {
    // Shown whole: no ellipsis, no clipping.
    const clipped = await locator.evaluate(overflowsSideways);
    expect(clipped, `${key} is shown whole`).toBe(false);
  }
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const [a, boxA] = boxes[i] ?? ['', { x: 0, y: 0, width: 0, height: 0 }];
      const [b, boxB] = boxes[j] ?? ['', { x: 0, y: 0, width: 0, height: 0 }];
      expect(overlaps(boxA, boxB), `${a} and ${b} do not overlap`).toBe(false);
    }
  }
  const sideways = await banner.evaluate(overflowsSideways);
  expect(sideways, 'the top bar does not scroll sideways').toBe(false);
  const path = testInfo.outputPath(`top-bar-1024-${name.replace(/\W+/g, '-')}.png`);
  await page.screenshot({ path, clip: { x: 0, y: 0, width: small.width, height: 160 } });
  await testInfo.attach(`top bar at 1024 px — ${name}`, { path, contentType: 'image/png' });
}

test('at 1024×700 the top bar wraps cleanly: account and region readable', async ({
  mdesk,
}, testInfo) => {
  test.skip(mdesk.kind !== 'browser', 'Keys are used for this run only in the browser host.');
  const { page } = mdesk;
  await page.setViewportSize(small);
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await expect(fact(shell, 'Account')).toHaveText(/^\d{12}$/);
  await expectTopBarReadable(page, shell, testInfo, 'Sandbox');

  const keys = await ownSandbox.mint({ userName: 'e2e-small-window' });
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.fillKeys({
    name: 'Payments production (billing team)',
    ...keys,
    region: 'us-east-1',
    regions: 'eu-west-1',
    endpoint: ownSandbox.endpoint(),
  });
  await connections.useForThisRunOnly.click();
  await page
    .getByRole('button', { name: 'Use Payments production (billing team)', exact: true })
    .click();
  await expect(fact(shell, 'Connection')).toHaveText('Payments production (billing team)');
  await expect(fact(shell, 'Region')).toHaveText('us-east-1');
  // The account is learned by the self-test.
  await connections.test('Payments production (billing team)');
  await expect(fact(shell, 'Account')).toHaveText(/^\d{12}$/);
  await expectTopBarReadable(page, shell, testInfo, 'real connection');
});

test('at 1024×700 the record editor shows every key field of a record without scrolling sideways', async ({
  mdesk,
}, testInfo) => {
  const { page } = mdesk;
  await page.setViewportSize(small);
  const shell = new Shell(page);
  await shell.waitUntilLoaded();
  await page.getByRole('button', { name: 'Add record' }).click();
  const record = page.getByRole('listitem', { name: 'Record 1', exact: true });
  await expect(record).toBeVisible();
  const list = page.getByRole('list', { name: 'Records' });
  const listBox = await box(list);
  for (const label of [
    'Product',
    'Customer identifier',
    'AWS account id',
    'License ARN',
    'Dimension',
    'Quantity',
    'Usage hour (UTC)',
  ]) {
    const field = record.getByLabel(`${label}, record 1`, { exact: true });
    const b = await box(field);
    expect(b.x, `${label} starts inside the editor`).toBeGreaterThanOrEqual(listBox.x);
    expect(b.x + b.width, `${label} ends inside the editor`).toBeLessThanOrEqual(
      listBox.x + listBox.width + 0.5,
    );
    expect(b.width, `${label} is wide enough to type in`).toBeGreaterThan(90);
  }
  expect(await list.evaluate(overflowsSideways), 'the editor does not scroll sideways').toBe(false);
  const path = testInfo.outputPath('record-editor-1024.png');
  await record.screenshot({ path });
  await testInfo.attach('record editor at 1024 px', { path, contentType: 'image/png' });
});
