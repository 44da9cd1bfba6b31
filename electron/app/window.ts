// The main window's options, as a pure function so tests can pin every security flag.
import type { BrowserWindowConstructorOptions } from 'electron';

export type ThemePreference = 'system' | 'light' | 'dark';

/** Painted before the first frame so there is no flash; the renderer's --bg in styles.css. */
export const WINDOW_BACKGROUND = { light: '#f4f5f7', dark: '#0e1115' } as const;

export function windowBackground(theme: ThemePreference, systemPrefersDark: boolean): string {
  const dark = theme === 'dark' || (theme === 'system' && systemPrefersDark);
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

export type MainWindowOptionsInput = {
  /** Absolute path of the bundled preload (out/preload/index.cjs). */
  preloadPath: string;
  theme: ThemePreference;
  /** `nativeTheme.shouldUseDarkColors` at creation time. */
  systemPrefersDark: boolean;
  /** DevTools only with an explicit dev flag; off in production builds. */
  devTools?: boolean;
  title?: string;
};

export function mainWindowOptions(input: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: input.title ?? 'Meterdesk',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    // Shown on 'ready-to-show' (see showWhenReady) so the user never sees a blank frame.
    show: false,
    backgroundColor: windowBackground(input.theme, input.systemPrefersDark),
    autoHideMenuBar: false,
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: input.devTools === true,
    },
  };
}

export type ShowableWindow = {
  once: (event: 'ready-to-show', listener: () => void) => unknown;
  show: () => void;
};

export function showWhenReady(window: ShowableWindow): void {
  window.once('ready-to-show', () => window.show());
}
