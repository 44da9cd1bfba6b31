// The one pinned clock for every test that builds timestamps. AWS's acceptance window has a
// month-end cut-off (06:00 UTC on the 1st), so a test that takes its times from the wall clock
// passes or fails depending on the day it runs. Tests take "now" from here instead; the
// sandbox, the core and the e2e browser all start from the same instant.
// Self-contained on purpose: the sandbox's tests use it too, and the sandbox imports nothing
// from the app.

/** Mid-month, mid-day: far from every month-end and day-end edge. */
export const DEFAULT_TEST_INSTANT = '2026-11-17T12:00:00.000Z';

/** The instants the submission suite is also run at: the edges the cut-off rules care about. */
export const EDGE_INSTANTS = {
  /** Two hours after the previous month closed: records 3–24 h old are out of the window. */
  firstOfMonthAt0800: '2026-08-01T08:00:00.000Z',
  /** Half an hour before the month turns: records are still for the current month. */
  lastDayAt2330: '2026-08-31T23:30:00.000Z',
  /** A day that exists only in leap years. */
  leapDay: '2028-02-29T12:00:00.000Z',
} as const;

/** Environment variable that moves the pinned instant (an ISO-8601 time with a zone). */
export const TEST_INSTANT_ENV = 'MDESK_TEST_NOW';

/** Parses an ISO-8601 instant, refusing anything without an explicit zone. */
export function parseInstant(text: string): number {
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) {
    throw new Error(`"${text}" has no time zone: write it as ISO-8601 ending in Z.`);
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`"${text}" is not an ISO-8601 time.`);
  return ms;
}

/** The pinned instant (epoch ms): MDESK_TEST_NOW when set, else DEFAULT_TEST_INSTANT. */
export function testInstant(): number {
  const fromEnv = process.env[TEST_INSTANT_ENV];
  return parseInstant(fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_TEST_INSTANT);
}

export type PinnedClock = {
  /** Epoch ms: the pinned start plus the real time elapsed since, plus any manual advance. */
  now: () => number;
  /** Moves the clock forward by hand, e.g. past a grace period. */
  advance: (ms: number) => void;
  /** The instant this clock started at. */
  start: number;
};

/**
 * A clock that starts at a pinned instant and then runs at real speed, so pacing and timeouts
 * still see time pass while every date is reproducible.
 */
export function pinnedClock(start: number = testInstant()): PinnedClock {
  const origin = performance.now();
  let offset = 0;
  return {
    start,
    now: () => Math.floor(start + (performance.now() - origin) + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** `hours` whole hours before the clock's now, as an ISO string (records' usual timestamps). */
export function hoursAgo(clock: { now: () => number }, hours: number): string {
  return new Date(clock.now() - hours * 3_600_000).toISOString();
}
