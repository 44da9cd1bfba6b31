// The Metering screen (catalog, CSV import, record editor, preview, submit), found by role and
// label the way a screen reader would.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export type SandboxSubscription = {
  productCode: string;
  customerAwsAccountId: string;
  customerIdentifier?: string;
  licenseArn?: string;
  status: string;
  activatedAt: number;
};
export type SandboxWorldFile = {
  products: {
    productCode: string;
    name: string;
    identityModel: string;
    kind: string;
    dimensions: { name: string }[];
  }[];
  customers: { awsAccountId: string; name: string; suspended: boolean }[];
  subscriptions: SandboxSubscription[];
};

/** The built-in sandbox's seeded world, as persisted in the app's data folder. */
export async function readSandboxWorld(dataDir: string): Promise<SandboxWorldFile> {
  const text = await readFile(join(dataDir, 'sandbox', 'world.json'), 'utf8');
  return JSON.parse(text) as SandboxWorldFile;
}

/** Active, billable subscriptions of one product (buyer not suspended, license active by `before`). */
export function billableSubscriptions(
  world: SandboxWorldFile,
  productName: string,
  before: number,
): SandboxSubscription[] {
  const product = world.products.find((p) => p.name === productName);
  if (!product) throw new Error(`No sandbox product "${productName}".`);
  const suspended = new Set(world.customers.filter((c) => c.suspended).map((c) => c.awsAccountId));
  return world.subscriptions.filter(
    (s) =>
      s.productCode === product.productCode &&
      s.status === 'active' &&
      !suspended.has(s.customerAwsAccountId) &&
      s.activatedAt < before,
  );
}

/** The UTC hour `hoursAgo` hours before `now` (the test's pinned clock), as ISO ("2026-07-20T13:00:00Z"). */
export function utcHour(hoursAgo: number, now: number): string {
  const ms = Math.floor(now / 3_600_000) * 3_600_000 - hoursAgo * 3_600_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export class MeteringPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Metering', exact: true })
      .click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Metering' })).toBeVisible();
  }

  get csvFileInput(): Locator {
    return this.page.getByLabel('CSV file');
  }

  get aggregateCheckbox(): Locator {
    return this.page.getByRole('checkbox', { name: /Aggregate to one record/ });
  }

  async importCsv(fileName: string, text: string): Promise<void> {
    await this.csvFileInput.setInputFiles({
      name: fileName,
      mimeType: 'text/csv',
      buffer: Buffer.from(text, 'utf8'),
    });
    await expect(this.importSummary).toBeVisible();
  }

  get importSummary(): Locator {
    return this.page.getByRole('status').filter({ hasText: /need review/ });
  }

  tab(name: RegExp | string): Locator {
    return this.page.getByRole('tab', { name });
  }

  get reviewGrid(): Locator {
    return this.page.getByRole('grid', { name: 'Rows that need review' });
  }

  get readyGrid(): Locator {
    return this.page.getByRole('grid', { name: 'Rows ready to send' });
  }

  /** The review grid's row for a file line (the row's name starts with its Line cell). */
  reviewRow(line: number): Locator {
    return this.reviewGrid.getByRole('row', { name: new RegExp(`^${String(line)} `) });
  }

  async fixInEditor(line: number): Promise<void> {
    await this.page.getByRole('button', { name: `Fix line ${String(line)} in the editor` }).click();
  }

  record(n: number): Locator {
    return this.page.getByRole('listitem', { name: `Record ${String(n)}`, exact: true });
  }

  field(n: number, label: string): Locator {
    return this.page.getByLabel(`${label}, record ${String(n)}`, { exact: true });
  }

  get previewButton(): Locator {
    return this.page.getByRole('button', { name: 'Preview', exact: true });
  }

  get planSummary(): Locator {
    return this.page.getByRole('status', { name: 'Plan summary' });
  }

  totals(productName: string): Locator {
    return this.page.getByRole('table', { name: `Totals for ${productName}` });
  }

  /** A dimension's [records, total quantity] cells in a product's totals table. */
  async dimensionTotals(productName: string, dimension: string): Promise<string[]> {
    const row = this.totals(productName).getByRole('row').filter({ hasText: dimension });
    return row.getByRole('cell').allInnerTexts();
  }

  get submitButton(): Locator {
    return this.page.getByRole('button', { name: /^(Submit|Dry-run) \d/ });
  }

  /** After a preview: press Submit (the outcomes follow in the submission panel). */
  async submit(): Promise<void> {
    await expect(this.submitButton).toBeEnabled();
    await this.submitButton.click();
  }
}
