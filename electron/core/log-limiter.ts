// Keeps a noisy source from flooding the log: at most `limit` lines per key in each window;
// the first line after a quiet spell says how many were left out.
export type LogLimiter = {
  /** null = drop this line; otherwise how many lines of this key were dropped before it. */
  admit: (key: string) => { suppressed: number } | null;
};

export function createLogLimiter(options: {
  limit: number;
  windowMs: number;
  now: () => number;
}): LogLimiter {
  const windows = new Map<string, { start: number; count: number; suppressed: number }>();
  return {
    admit(key) {
      const now = options.now();
      let window = windows.get(key);
      if (!window || now - window.start >= options.windowMs) {
        const suppressed = window?.suppressed ?? 0;
        window = { start: now, count: 0, suppressed };
        windows.set(key, window);
      }
      if (window.count >= options.limit) {
        window.suppressed += 1;
        return null;
      }
      window.count += 1;
      const suppressed = window.suppressed;
      window.suppressed = 0;
      return { suppressed };
    },
  };
}
