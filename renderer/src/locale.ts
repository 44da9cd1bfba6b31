// Every number and date the renderer shows is formatted here, in one display locale that is
// known to work. Chromium can report a default locale that ICU refuses (`en-US@posix` from a
// POSIX environment); an Intl constructor given such a tag throws, and one doing so while a
// module loads leaves a blank window. So the locale is checked once and falls back to en-US.

export const FALLBACK_LOCALE = 'en-US';

/** The first candidate Intl accepts as a language tag, in canonical form, else en-US. */
export function pickLocale(candidates: readonly (string | null | undefined)[]): string {
  for (const candidate of candidates) {
    const canonical = usableLocale(candidate);
    if (canonical !== null) return canonical;
  }
  return FALLBACK_LOCALE;
}

/** The canonical form of a tag every Intl formatter accepts, or null. */
export function usableLocale(candidate: string | null | undefined): string | null {
  if (candidate === null || candidate === undefined || candidate.trim() === '') return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(candidate);
    if (canonical === undefined) return null;
    // Some tags canonicalise but still fail in a formatter; build both kinds to be sure.
    new Intl.NumberFormat(canonical).format(1);
    new Intl.DateTimeFormat(canonical).format(0);
    return canonical;
  } catch {
    return null;
  }
}

/** What the browser says the user prefers, most preferred first. */
export function browserLocales(source: Pick<Navigator, 'language' | 'languages'>): string[] {
  return [...source.languages, source.language];
}

/** The locale of every formatted number and date in this window. */
export const displayLocale: string = pickLocale(
  'navigator' in globalThis ? browserLocales(globalThis.navigator) : [],
);

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(displayLocale, options);
    numberFormats.set(key, format);
  }
  return format;
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(displayLocale, options);
    dateFormats.set(key, format);
  }
  return format;
}

/**
 * A number with thousands separators and every decimal it has: quantities are never rounded.
 * Non-finite values are shown as they are rather than as a misleading figure.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return numberFormat({ maximumFractionDigits: 20 }).format(value);
}

/** An instant (epoch ms) in the user's own time zone, e.g. "Jul 1, 2026, 4:32 PM". */
export function formatLocalDateTime(
  ms: number,
  style: { dateStyle?: 'medium' | 'short'; timeStyle?: 'medium' | 'short' } = {
    dateStyle: 'medium',
    timeStyle: 'short',
  },
): string {
  if (!Number.isFinite(ms)) return '';
  return dateFormat(style).format(ms);
}

/** A short local day and time with the zone's name, e.g. "1 Jul, 16:32 CEST". */
export function formatLocalDayTimeWithZone(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return dateFormat({
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(ms);
}

/** This computer's IANA time zone, e.g. "Europe/Berlin"; empty when the browser does not say. */
export function localTimeZone(): string {
  return dateFormat({}).resolvedOptions().timeZone;
}

/** Every IANA time zone this browser knows, for zone pickers. */
export function supportedTimeZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

/** The display locale's digit-group and decimal marks, for writing exact decimal text. */
export function numberSeparators(): { group: string; decimal: string } {
  const parts = numberFormat({}).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/** A calendar month as its name and year, e.g. "November 2026" (UTC, as AWS bills). */
export function formatMonthYear(year: number, month: number): string {
  return dateFormat({ month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, 1),
  );
}
