// The time zone a person chooses for a whole CSV file whose times carry none: UTC, a fixed offset
// (+02:00) or a place (Europe/Berlin, whose offset follows daylight saving time). Meterdesk never
// picks one itself: a zone-less time needs review until the person chooses.
import { offsetMinutes, wallAsUtc, type WallTime } from './parse';

export const UTC_ZONE = 'UTC';
const OFFSET_ZONE = /^[+-]\d{2}:\d{2}$/;
const PLACE_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,3}$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  const known = formatters.get(zone);
  if (known) return known;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, formatter);
    return formatter;
  } catch {
    return null;
  }
}

/** Whether `zone` is one a file may be read in: UTC, a real offset, or a place Intl knows. */
export function isFileZone(zone: string): boolean {
  if (zone === UTC_ZONE) return true;
  if (OFFSET_ZONE.test(zone)) return offsetMinutes(zone) !== null;
  return PLACE_ZONE.test(zone) && formatterFor(zone) !== null;
}

// Offsets by (zone, minute): an import asks for the same few minutes many times.
const offsetCache = new Map<string, number>();

/** Minutes east of UTC that `zone` is at the instant `utcMs`. */
export function zoneOffsetAt(zone: string, utcMs: number): number {
  if (zone === UTC_ZONE) return 0;
  const fixed = OFFSET_ZONE.test(zone) ? offsetMinutes(zone) : null;
  if (fixed !== null) return fixed;
  const minute = Math.floor(utcMs / 60_000);
  const cacheKey = `${zone}|${String(minute)}`;
  const cached = offsetCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const formatter = formatterFor(zone);
  if (!formatter) throw new RangeError(`Unknown time zone "${zone}"`);
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(minute * 60_000)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
  );
  const offset = Math.round((local - minute * 60_000) / 60_000);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(cacheKey, offset);
  return offset;
}

export type ZonedWallTime =
  | { kind: 'ok'; ms: number; offset: number }
  /** The clocks jumped over this wall time (daylight saving starts): it never happened there. */
  | { kind: 'gap' }
  /** The clocks went back and this wall time happened twice. */
  | { kind: 'ambiguous'; earlierMs: number; laterMs: number };

/** The instant a wall time stands for in `zone` (every instant it can stand for). */
export function resolveWallTime(wall: WallTime, zone: string): ZonedWallTime {
  const asUtc = wallAsUtc(wall);
  // A zone's offsets around this time: before and after any transition within a day.
  const candidates = new Set([
    zoneOffsetAt(zone, asUtc - DAY_MS),
    zoneOffsetAt(zone, asUtc),
    zoneOffsetAt(zone, asUtc + DAY_MS),
  ]);
  const instants: { ms: number; offset: number }[] = [];
  for (const offset of candidates) {
    const ms = asUtc - offset * 60_000;
    if (zoneOffsetAt(zone, ms) === offset && !instants.some((i) => i.ms === ms)) {
      instants.push({ ms, offset });
    }
  }
  instants.sort((a, b) => a.ms - b.ms);
  const [first, second] = instants;
  if (!first) return { kind: 'gap' };
  if (second) return { kind: 'ambiguous', earlierMs: first.ms, laterMs: second.ms };
  return { kind: 'ok', ms: first.ms, offset: first.offset };
}

/** `+02:00` for 120 minutes, `Z` for 0. */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

/** The wall time written out in ISO 8601 with the offset it had (`2026-07-15T11:00:00+02:00`). */
export function isoWithOffset(wall: WallTime, offset: number): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const fraction = wall.millisecond === 0 ? '' : `.${pad(wall.millisecond, 3)}`;
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${fraction}${formatOffset(offset)}`;
}

/** How a zone reads in a summary: "UTC", "UTC+05:30", "Europe/Berlin". */
export function zoneLabel(zone: string): string {
  if (zone === UTC_ZONE) return 'UTC';
  return OFFSET_ZONE.test(zone) ? `UTC${zone}` : zone;
}
