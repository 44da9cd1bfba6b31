// The main window's frame options and first-paint background, as pure functions.
import type { BrowserWindowConstructorOptions } from 'electron';

export type ThemePreference = 'system' | 'light' | 'dark';

/** Painted before the first frame so there is no flash; the renderer's --bg in styles.css. */
export const WINDOW_BACKGROUND = { light: '#f4f5f7', dark: '#0e1115' } as const;

export function windowBackground(theme: ThemePreference, systemPrefersDark: boolean): string {
  const dark = theme === 'dark' || (theme === 'system' && systemPrefersDark);
  return dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

export type MainWindowFrameInput = {
  theme: ThemePreference;
  /** `nativeTheme.shouldUseDarkColors` at creation time. */
  systemPrefersDark: boolean;
  title?: string;
};

/**
 * The main window's frame: size, title, first-paint background. Its webPreferences are written
 * literally where the window is created (main/index.ts), so every security flag is in one place.
 */
export function mainWindowFrame(
  input: MainWindowFrameInput,
): Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
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
  };
}

export type ShowableWindow = {
  once: (event: 'ready-to-show', listener: () => void) => unknown;
  show: () => void;
};

export function showWhenReady(window: ShowableWindow): void {
  window.once('ready-to-show', () => window.show());
}
