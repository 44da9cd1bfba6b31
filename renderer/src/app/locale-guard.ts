// Imported first by main.tsx, before any library module loads. Libraries read
// `navigator.language` at load time (uPlot builds `new Intl.NumberFormat(navigator.language)`
// as its module loads): with a tag ICU refuses, that throws and the window stays blank. Where
// the browser's tag is refused, `navigator` is given the app's display locale instead, so every
// library formats in the same locale as the app.
import { browserLocales, displayLocale, usableLocale } from '../locale';

export function alignNavigatorLocale(target: Navigator): boolean {
  if (usableLocale(target.language) !== null) return false;
  const usable = browserLocales(target)
    .map((tag) => usableLocale(tag))
    .filter((tag): tag is string => tag !== null);
  const languages = Object.freeze([...new Set([displayLocale, ...usable])]);
  Object.defineProperty(target, 'language', { value: displayLocale, configurable: true });
  Object.defineProperty(target, 'languages', { value: languages, configurable: true });
  return true;
}

if ('navigator' in globalThis) alignNavigatorLocale(globalThis.navigator);
