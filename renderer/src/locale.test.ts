import { describe, expect, it } from 'vitest';
import { FALLBACK_LOCALE, pickLocale, usableLocale } from './locale';
import { alignNavigatorLocale } from './app/locale-guard';

describe('the display locale', () => {
  it('falls back to en-US for a tag Intl refuses (Chromium’s en-US@posix)', () => {
    expect(() => new Intl.NumberFormat('en-US@posix')).toThrow(RangeError);
    expect(usableLocale('en-US@posix')).toBeNull();
    expect(pickLocale(['en-US@posix'])).toBe(FALLBACK_LOCALE);
    expect(pickLocale([])).toBe('en-US');
    expect(pickLocale([undefined, '', '  '])).toBe('en-US');
  });

  it('takes the first usable tag, in canonical form', () => {
    expect(pickLocale(['en-US@posix', 'de-de', 'fr-FR'])).toBe('de-DE');
    expect(pickLocale(['en-GB'])).toBe('en-GB');
  });
});

describe('aligning navigator for libraries that read it as they load', () => {
  const fakeNavigator = (language: string, languages: string[]) =>
    ({ language, languages }) as unknown as Navigator;

  it('replaces a refused tag with the display locale', () => {
    const target = fakeNavigator('en-US@posix', ['en-US@posix', 'de-DE']);
    expect(alignNavigatorLocale(target)).toBe(true);
    expect(usableLocale(target.language)).not.toBeNull();
    expect(() => new Intl.NumberFormat(target.language)).not.toThrow();
    expect(target.languages).toContain('de-DE');
    expect(target.languages).not.toContain('en-US@posix');
  });

  it('leaves a usable tag alone', () => {
    const target = fakeNavigator('de-DE', ['de-DE']);
    expect(alignNavigatorLocale(target)).toBe(false);
    expect(target.language).toBe('de-DE');
  });
});
