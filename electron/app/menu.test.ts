import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, HELP_LINKS } from './menu';
import { isAllowedExternalUrl } from './security';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('application menu', () => {
  it('has the standard roles and no DevTools in production', () => {
    const template = buildMenuTemplate({ isMac: false, devTools: false, openExternal: vi.fn() });
    const all = roles(template);
    expect(all).toEqual(expect.arrayContaining(['fileMenu', 'editMenu', 'windowMenu', 'reload']));
    expect(all).not.toContain('toggleDevTools');
    expect(all).not.toContain('appMenu');
  });

  it('adds DevTools with the dev flag and the app menu on macOS', () => {
    const all = roles(buildMenuTemplate({ isMac: true, devTools: true, openExternal: vi.fn() }));
    expect(all).toContain('toggleDevTools');
    expect(all[0]).toBe('appMenu');
  });

  it('opens only allow-listed help links', () => {
    const openExternal = vi.fn<(url: string) => void>();
    const help = buildMenuTemplate({ isMac: false, devTools: false, openExternal }).find(
      (item) => item.role === 'help',
    );
    const items = Array.isArray(help?.submenu) ? help.submenu : [];
    expect(items).toHaveLength(HELP_LINKS.length);
    for (const item of items) {
      // The template's click only uses its own closure; the arguments do not matter here.
      (item.click as () => void)();
    }
    expect(openExternal.mock.calls.map((call) => call[0])).toEqual(HELP_LINKS.map((l) => l.url));
    for (const link of HELP_LINKS) expect(isAllowedExternalUrl(link.url)).toBe(true);
  });
});
