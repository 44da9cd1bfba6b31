// The Connections screen and the top-bar switchers, found by role and label.
import { expect, type Locator, type Page } from '@playwright/test';

export type PastedKeys = {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  regions?: string;
  endpoint?: string;
};

export class ConnectionsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connections', exact: true })
      .click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  }

  get addForm(): Locator {
    return this.page.getByRole('region', { name: 'Add a connection' });
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Connections' });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name }) });
  }

  /** Fills the form for pasted keys (without submitting). */
  async fillKeys(keys: PastedKeys): Promise<void> {
    const form = this.addForm;
    await form.getByLabel('Name', { exact: true }).fill(keys.name);
    await form.getByRole('radio', { name: 'Access keys' }).check();
    await form.getByLabel('Access key id').fill(keys.accessKeyId);
    await form.getByLabel('Secret access key').fill(keys.secretAccessKey);
    if (keys.sessionToken !== undefined) {
      await form.getByLabel('Session token (optional)').fill(keys.sessionToken);
    }
    await form.getByLabel('Default region').fill(keys.region);
    if (keys.regions !== undefined) {
      await form.getByLabel('Other regions to work across (optional)').fill(keys.regions);
    }
    if (keys.endpoint !== undefined) {
      await form.getByLabel('Custom endpoint (optional)').fill(keys.endpoint);
    }
  }

  get useForThisRunOnly(): Locator {
    return this.addForm.getByRole('button', { name: 'Use for this run only' });
  }

  get saveRefusal(): Locator {
    return this.addForm.getByRole('note');
  }

  /** The edit form of a connection (open it with `edit`). */
  editForm(name: string): Locator {
    return this.page.getByRole('region', { name: `Edit ${name}`, exact: true });
  }

  editButton(name: string): Locator {
    return this.page.getByRole('button', { name: `Edit ${name}`, exact: true });
  }

  async edit(name: string): Promise<Locator> {
    await this.editButton(name).click();
    const form = this.editForm(name);
    await expect(form).toBeVisible();
    return form;
  }

  async test(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Test ${name}`, exact: true }).click();
    const panel = this.page.getByRole('region', { name: `Self-test of ${name}` });
    await expect(panel.getByRole('table', { name: 'Permissions by region' })).toBeVisible({
      timeout: 20_000,
    });
    return panel;
  }

  /** The top bar's switchers. */
  get connectionSwitcher(): Locator {
    return this.page.getByRole('banner').getByLabel('Switch connection');
  }

  get regionSwitcher(): Locator {
    return this.page.getByRole('banner').getByLabel('Switch region');
  }
}
