// The Settings screen.
import { expect, type Locator, type Page } from '@playwright/test';

export type ThemeName = 'System' | 'Light' | 'Dark';

export class SettingsPage {
  constructor(readonly page: Page) {}

  get themeGroup(): Locator {
    return this.page.getByRole('group', { name: 'Theme' });
  }

  theme(name: ThemeName): Locator {
    return this.themeGroup.getByRole('radio', { name, exact: true });
  }

  async chooseTheme(name: ThemeName): Promise<void> {
    await this.theme(name).check();
    await expect(this.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  }

  /** The theme actually painted: the <html data-theme> attribute and the page background. */
  async appliedTheme(): Promise<{ attribute: string | null; backgroundIsDark: boolean }> {
    const attribute = await this.page.locator('html').getAttribute('data-theme');
    // A string expression: the e2e tsconfig has no DOM types.
    const background = await this.page.evaluate<string>(
      'getComputedStyle(document.body).backgroundColor',
    );
    const [r = 255, g = 255, b = 255] = (background.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    return { attribute, backgroundIsDark: luminance < 0.3 };
  }
}
