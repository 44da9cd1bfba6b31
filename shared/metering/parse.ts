// Strict parsers for what a person types or a spreadsheet exports: the usage time (ISO 8601) and
// quantities (whole numbers only, never rounded). Shared by the editor, the CSV import and main.
import { INT32_MAX } from '../aws/metering-rules';

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export type ParsedTimestamp = { ms: number; zoneGiven: boolean };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Strict ISO 8601 (date, or date + time, optional zone). Without a zone it is read as UTC. */
export function parseIsoUsageTime(text: string): ParsedTimestamp | null {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    Number(frac.padEnd(3, '0').slice(0, 3)),
  );
  if (day < 1 || day > daysInMonth(year, month)) return null; // 31 Feb and friends
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, zoneGiven: zone !== undefined };
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
