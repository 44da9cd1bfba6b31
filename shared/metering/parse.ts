// Strict parsers for what a person types or a spreadsheet exports: the usage time (ISO 8601) and
// quantities (whole numbers only, never rounded). Shared by the editor, the CSV import and main.
import { INT32_MAX } from '../aws/metering-rules';

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Real UTC offsets run from −12:00 to +14:00 (in minutes). */
export const OFFSET_MIN_MINUTES = -12 * 60;
export const OFFSET_MAX_MINUTES = 14 * 60;

/** Wall-clock fields of a time as written, before any zone is applied. */
export type WallTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
};

export type UsageTimeReading =
  | { kind: 'empty' }
  | { kind: 'unreadable' }
  /** A zone such as +01:99 or -99:00: no such offset exists. */
  | { kind: 'bad-offset'; offset: string }
  | {
      kind: 'ok';
      /** The instant; without a zone the wall time is taken as UTC (callers decide if that may stand). */
      ms: number;
      wall: WallTime;
      /** The zone as written (`Z`, `+02:00`), or null when the text has none. */
      zone: string | null;
      /** Only a date was given (no time of day). */
      dateOnly: boolean;
    };

export type ParsedTimestamp = { ms: number; zoneGiven: boolean };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Minutes east of UTC for `Z`, `+hh:mm`, `+hhmm`; null when it is not a real offset. */
export function offsetMinutes(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return null;
  const minutes = Number(m[3]);
  if (minutes >= 60) return null;
  const total = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + minutes);
  return total < OFFSET_MIN_MINUTES || total > OFFSET_MAX_MINUTES ? null : total;
}

function wallTimeOf(m: RegExpExecArray): WallTime | null {
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m;
  const wall: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    millisecond: Number(frac.padEnd(3, '0').slice(0, 3)),
  };
  if (wall.month < 1 || wall.month > 12 || wall.hour > 23) return null;
  if (wall.minute > 59 || wall.second > 59) return null;
  if (wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month)) return null; // 31 Feb and friends
  return wall;
}

/** The wall time read as if it were UTC (epoch ms). */
export function wallAsUtc(wall: WallTime): number {
  return Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
}

/** Strict ISO 8601: a date, or a date and time, with an optional zone (Z or a real offset). */
export function readUsageTime(text: string): UsageTimeReading {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  const m = ISO_PATTERN.exec(trimmed);
  if (!m) return { kind: 'unreadable' };
  const wall = wallTimeOf(m);
  if (!wall) return { kind: 'unreadable' };
  const zone = m[8] ?? null;
  let ms = wallAsUtc(wall);
  if (zone !== null) {
    const offset = offsetMinutes(zone);
    if (offset === null) return { kind: 'bad-offset', offset: zone };
    ms -= offset * 60_000;
  }
  return { kind: 'ok', ms, wall, zone, dateOnly: m[4] === undefined };
}

/** readUsageTime for callers that only need the instant (a zone-less time is read as UTC). */
export function parseIsoUsageTime(text: string): ParsedTimestamp | null {
  const reading = readUsageTime(text);
  return reading.kind === 'ok' ? { ms: reading.ms, zoneGiven: reading.zone !== null } : null;
}

export type ParsedQuantity =
  { ok: true; value: number } | { ok: false; code: string; message: string; fix: string };

/** Whole numbers 0..2147483647 only; never rounds, never reads thousands separators. */
export function parseQuantity(value: number | string, what = 'Quantity'): ParsedQuantity {
  let n: number;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') {
      return {
        ok: false,
        code: 'quantity-missing',
        message: `${what} is empty.`,
        fix: 'Enter a whole number (0 is allowed).',
      };
    }
    if (/^-\d+$/.test(t)) {
      return {
        ok: false,
        code: 'quantity-negative',
        message: `${what} ${t} is negative.`,
        fix: 'Usage cannot be negative. Over-billing is corrected with a refund, not a negative record.',
      };
    }
    if (!/^\d+$/.test(t)) {
      const decimal = /^\d*[.,]\d+$/.test(t) && !/^\d{1,3}(,\d{3})+$/.test(t);
      return {
        ok: false,
        code: decimal ? 'quantity-not-integer' : 'quantity-not-number',
        message: decimal
          ? `${what} ${t} is not a whole number.`
          : `${what} "${t}" is not a number.`,
        fix: decimal
          ? 'AWS takes whole units only. Meterdesk never rounds: enter the whole number you mean to bill.'
          : 'Enter digits only, without thousands separators or units.',
      };
    }
    n = Number(t);
  } else {
    n = value;
  }
  if (!Number.isFinite(n)) {
    return {
      ok: false,
      code: 'quantity-not-number',
      message: `${what} is not a number.`,
      fix: 'Enter a whole number.',
    };
  }
  if (n < 0) {
    return {
      ok: false,
      code: 'quantity-negative',
      message: `${what} ${n} is negative.`,
      fix: 'Usage cannot be negative. Over-billing is corrected with a refund, not a negative record.',
    };
  }
  if (!Number.isInteger(n)) {
    return {
      ok: false,
      code: 'quantity-not-integer',
      message: `${what} ${n} is not a whole number.`,
      fix: 'AWS takes whole units only. Meterdesk never rounds: enter the whole number you mean to bill.',
    };
  }
  if (n > INT32_MAX) {
    return {
      ok: false,
      code: 'quantity-too-large',
      message: `${what} ${n} is above AWS's maximum of ${INT32_MAX.toLocaleString('en-US')}.`,
      fix: 'Split the usage across dimensions or hours, or check the unit of measure.',
    };
  }
  return { ok: true, value: n };
}

/** `1.23457E+11`: a spreadsheet turned a long number into scientific notation (digits lost). */
export function looksScientific(text: string): boolean {
  return /^\s*[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$/.test(text);
}
