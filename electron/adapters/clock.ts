// The app's wall clock. Normally Date.now; under test (NODE_ENV=test) MDESK_TEST_NOW pins it to
// an instant from which it runs at real speed, so the core, the built-in sandbox and the test
// agree on dates whatever day the tests run.

/** A clock starting at `startMs` that then runs at real speed. */
export function offsetClock(startMs: number): () => number {
  const origin = performance.now();
  return () => Math.floor(startMs + (performance.now() - origin));
}

type ClockEnv = Readonly<Record<string, string | undefined>>;

/**
 * Date.now, or — only when NODE_ENV is "test" — a clock pinned at MDESK_TEST_NOW (ISO-8601 with
 * a zone). A malformed value is an error rather than a silent fall back to the wall clock.
 */
export function appClock(env: ClockEnv = process.env): () => number {
  const pinned = env.MDESK_TEST_NOW;
  if (env.NODE_ENV !== 'test' || pinned === undefined || pinned === '') return Date.now;
  const start = /(Z|[+-]\d\d:\d\d)$/.test(pinned) ? Date.parse(pinned) : Number.NaN;
  if (Number.isNaN(start)) {
    throw new Error(`MDESK_TEST_NOW="${pinned}" is not an ISO-8601 time with a zone.`);
  }
  return offsetClock(start);
}
