// A case's period: whole UTC hours [from, to). Dates mean whole days (the `to` date included);
// date-times are used as given and must fall on an hour. A period may not reach into the future
// (nothing there can be billed yet) and is at most 62 days, two billing periods and change.
import { AppError } from '../../../shared/errors';

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_PERIOD_DAYS = 62;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function instant(text: string, field: 'from' | 'to'): number {
  const dateOnly = DATE_ONLY.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms) || (dateOnly && new Date(ms).toISOString().slice(0, 10) !== text)) {
    throw new AppError('VALIDATION', `"${text}" is not a real date.`, {
      details: { field },
    });
  }
  if (!dateOnly && ms % HOUR_MS !== 0) {
    throw new AppError('VALIDATION', `${text} is not on the hour.`, {
      hint: 'Usage is billed per whole UTC hour: give times like 2026-11-17T05:00Z.',
      details: { field },
    });
  }
  return ms;
}

export type Period = { from: number; to: number };

export function parsePeriod(input: { from: string; to: string }, now: number): Period {
  const from = instant(input.from, 'from');
  const to = instant(input.to, 'to') + (DATE_ONLY.test(input.to) ? DAY_MS : 0);
  if (to <= from) {
    throw new AppError('VALIDATION', 'The period ends before it starts.', {
      hint: 'Give the first hour (or day) first.',
    });
  }
  const currentHourEnd = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  if (to > currentHourEnd) {
    throw new AppError(
      'VALIDATION',
      `The period reaches into the future (it ends ${new Date(to).toISOString()}, and it is now ${new Date(now).toISOString()}).`,
      {
        hint: 'Nothing can have been billed yet for hours that have not started; end the period at the current hour or earlier.',
      },
    );
  }
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) {
    throw new AppError('VALIDATION', `A case covers at most ${MAX_PERIOD_DAYS} days.`, {
      hint: 'Open one case per month of usage.',
    });
  }
  return { from, to };
}

export function hoursOf(period: Period): number[] {
  const hours: number[] = [];
  for (let h = period.from; h < period.to; h += HOUR_MS) hours.push(h);
  return hours;
}

export const isoHour = (ms: number): string => new Date(ms).toISOString();

/** The billing period (calendar month, UTC) of an hour. */
export function billingPeriodOf(ms: number): { year: number; month: number } {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** The first instant after a billing period (its invoice comes after this). */
export function periodEnd(period: { year: number; month: number }): number {
  return Date.UTC(period.year, period.month, 1);
}

/** Compact hour ranges for people: "2026-11-17 03:00–05:00 UTC, 2026-11-18 10:00 UTC". */
export function describeHours(hours: readonly number[]): string {
  const sorted = [...hours].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const h of sorted) {
    const last = runs.at(-1);
    if (last && h === last[1] + HOUR_MS) last[1] = h;
    else runs.push([h, h]);
  }
  const time = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
  return runs
    .map(([start, end]) => {
      const day = new Date(start).toISOString().slice(0, 10);
      if (start === end) return `${day} ${time(start)} UTC`;
      const endDay = new Date(end).toISOString().slice(0, 10);
      return endDay === day
        ? `${day} ${time(start)}–${time(end)} UTC`
        : `${day} ${time(start)} – ${endDay} ${time(end)} UTC`;
    })
    .join(', ');
}
