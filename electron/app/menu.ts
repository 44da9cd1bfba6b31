// The application menu as a pure template: standard roles (so shortcuts, copy/paste and the
// macOS conventions work) and DevTools only when a dev flag asks for them.
import type { MenuItemConstructorOptions } from 'electron';

/** Help links; each must pass isAllowedExternalUrl (a test checks). */
export const HELP_LINKS: readonly { label: string; url: string }[] = [
  {
    label: 'AWS Marketplace Seller Guide',
    url: 'https://docs.aws.amazon.com/marketplace/latest/userguide/what-is-marketplace.html',
  },
  {
    label: 'Metering Service API Reference',
    url: 'https://docs.aws.amazon.com/marketplacemetering/latest/APIReference/Welcome.html',
  },
];

export type MenuOptions = {
  isMac: boolean;
  /** Adds Toggle Developer Tools; pass true only for a dev build or an explicit dev flag. */
  devTools: boolean;
  /** Opens a help link; wire it to shell.openExternal. */
  openExternal: (url: string) => void;
};

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(options.devTools
      ? ([{ role: 'forceReload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[])
      : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(options.isMac ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: HELP_LINKS.map((link) => ({
        label: link.label,
        click: () => options.openExternal(link.url),
      })),
    },
  ];
}
