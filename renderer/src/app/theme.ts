// Applies the theme setting to <html data-theme>. "system" removes the attribute so the CSS
// follows prefers-color-scheme. The choice is mirrored in localStorage (it is not a secret)
// only so the next launch paints in the right theme before settings arrive.
import { useEffect } from 'react';
import type { Settings } from '../../../shared/contract';

type Theme = Settings['theme'];

const THEME_CACHE_KEY = 'meterdesk.theme';

function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function applyCachedTheme(): void {
  try {
    const cached = window.localStorage.getItem(THEME_CACHE_KEY);
    if (cached === 'light' || cached === 'dark') applyTheme(cached);
  } catch {
    // No storage: the first paint simply follows the OS.
  }
}

export function useApplyTheme(theme: Theme | undefined): void {
  useEffect(() => {
    if (theme === undefined) return;
    applyTheme(theme);
    try {
      window.localStorage.setItem(THEME_CACHE_KEY, theme);
    } catch {
      // Only the early paint depends on this.
    }
  }, [theme]);
}
