// The frame around every screen, found the way a screen reader user would find it.
import { expect, type Locator, type Page } from '@playwright/test';

export type NavEntry = { name: string; path: string };

export const navEntries: readonly NavEntry[] = [
  { name: 'Metering', path: '/metering' },
  { name: 'Customers', path: '/customers' },
  { name: 'Containers', path: '/containers' },
  { name: 'Audit', path: '/audit' },
  { name: 'Journal', path: '/journal' },
  { name: 'Corrections', path: '/corrections' },
  { name: 'Connections', path: '/connections' },
  { name: 'Settings', path: '/settings' },
];

export class Shell {
  constructor(readonly page: Page) {}

  get nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  get sandboxBand(): Locator {
    return this.page.getByRole('note').filter({ hasText: 'Sandbox — not real AWS' });
  }

  get activeConnection(): Locator {
    return this.page.getByRole('region', { name: 'Active connection' });
  }

  screenHeading(name: string): Locator {
    return this.page.getByRole('main').getByRole('heading', { level: 1, name, exact: true });
  }

  get skipLink(): Locator {
    return this.page.getByRole('link', { name: 'Skip to content' });
  }

  /** The route part of the address bar's fragment, e.g. "/audit". */
  routePath(): string {
    return new URL(this.page.url()).hash.replace(/^#/, '').split('?')[0] ?? '';
  }

  async waitUntilLoaded(): Promise<void> {
    await expect(this.nav).toBeVisible();
    await expect(this.activeConnection.getByRole('status')).toHaveCount(0);
  }

  async navigateTo(entry: NavEntry): Promise<void> {
    await this.navLink(entry.name).click();
    await expect(this.screenHeading(entry.name)).toBeVisible();
  }

  /** Presses Tab from the top of the page until `target` has focus. */
  async tabTo(target: Locator, maxPresses = 30): Promise<void> {
    // Start where a keyboard user starts: the skip link, the first stop of every page. (A blur
    // alone would leave the browser's starting point inside the screen, whose controls vary.)
    // Strings, not functions: the e2e tsconfig has no DOM types.
    await this.page.evaluate('document.querySelector("a.skip-link").focus()');
    if ((await target.and(this.page.locator(':focus')).count()) === 1) return;
    const focusedTarget = target.and(this.page.locator(':focus'));
    for (let press = 0; press < maxPresses; press += 1) {
      await this.page.keyboard.press('Tab');
      if ((await focusedTarget.count()) === 1) return;
    }
    throw new Error(`Could not reach the element with Tab in ${maxPresses} presses.`);
  }
}
