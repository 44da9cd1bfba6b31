// The Customers and Containers screens as a support user finds them (by role and label), plus
// calls through the contract for setting up sandbox tokens fast.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { MeterdeskApp } from '../fixtures';
import { screenshotDir } from '../paths';

export type SandboxWorld = {
  products: { productCode: string; name: string; kind: string; identityModel: string }[];
  customers: { awsAccountId: string; name: string; subscribed: string[] }[];
};

/** Calls a channel through the contract, in either host (see MeterdeskApp.call). */
export function api<T>(mdesk: MeterdeskApp, channel: string, input: unknown): Promise<T> {
  return mdesk.call<T>(channel, input);
}

/** A Sandbox customer with an active concurrent-agreements (LicenseArn) subscription. */
export function licensedCustomer(world: SandboxWorld): {
  customer: SandboxWorld['customers'][number];
  product: SandboxWorld['products'][number];
} {
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

/** Screenshots for review go to MDESK_SCREENSHOTS (or test-results/screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.MDESK_SCREENSHOTS ?? screenshotDir;
  mkdirSync(dir, { recursive: true });
  // The main area scrolls inside a fixed frame: grow the window to show all of it.
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate<number>(
    "document.querySelector('main').scrollHeight + document.querySelector('main').getBoundingClientRect().top + 24",
  );
  await page.setViewportSize({
    width: viewport.width,
    height: Math.ceil(Math.max(viewport.height, height)),
  });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(dir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}

export class CustomersPage {
  constructor(readonly page: Page) {}

  get main(): Locator {
    return this.page.getByRole('main');
  }

  tab(name: string): Locator {
    return this.main.getByRole('tab', { name });
  }

  get pasteBox(): Locator {
    return this.main.getByLabel('Token or request', { exact: true });
  }

  get resolveButton(): Locator {
    return this.main.getByRole('button', { name: /^Resolve with / });
  }

  get result(): Locator {
    return this.main.getByLabel('Resolve result');
  }

  get failure(): Locator {
    return this.main.getByRole('alert', { name: 'Resolve failed' });
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Customers' })
      .click();
    await expect(this.main.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
  }

  /** Mints a token in the Sandbox tools panel and returns the form body it shows. */
  async mint(customerAwsAccountId: string, productCode: string, expired = false): Promise<string> {
    const tools = this.main.getByRole('region', { name: 'Sandbox tools' });
    await tools.getByLabel('Sandbox customer').selectOption(customerAwsAccountId);
    await tools.getByLabel('Product').selectOption(productCode);
    await tools.getByLabel(/Already expired/).setChecked(expired);
    const body = tools.getByLabel('Form body the buyer’s browser would post');
    const before = (await body.count()) > 0 ? await body.inputValue() : '';
    await tools.getByRole('button', { name: 'Mint token' }).click();
    await expect(body).toHaveValue(/^x-amzn-marketplace-token=/);
    await expect(body).not.toHaveValue(before);
    return body.inputValue();
  }
}
