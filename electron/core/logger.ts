// Logging port. Adapters decide where lines go; callers never pass secrets in `fields`.
export type LogFields = Record<string, unknown>;

export type Logger = {
  info: (message: string, fields?: LogFields) => void;
  warn: (message: string, fields?: LogFields) => void;
  error: (message: string, fields?: LogFields) => void;
};

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Keeps every line in memory; tests read `lines` to check what was (not) logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push(`${level} ${message}${fields ? ` ${safeStringify(fields)}` : ''}`);
    };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof Error
        ? { name: inner.name, message: inner.message, stack: inner.stack }
        : inner,
    );
  } catch {
    return '[unserializable]';
  }
}

/**
 * Warnings that anyone can provoke (a request without the token, a foreign Host) at most once
 * per `windowMs` for each kind: a local program hammering the port cannot fill the disk. The
 * next line of a kind says how many were left out since the previous one.
 */
export function createWarningLimiter(
  logger: Logger,
  options: { windowMs: number; now: () => number },
): (kind: string, message: string, fields?: LogFields) => void {
  const kinds = new Map<string, { lastAt: number; suppressed: number }>();
  return (kind, message, fields) => {
    const at = options.now();
    const seen = kinds.get(kind);
    if (seen && at - seen.lastAt < options.windowMs) {
      seen.suppressed += 1;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    kinds.set(kind, { lastAt: at, suppressed: 0 });
    logger.warn(message, suppressed > 0 ? { ...fields, suppressedSinceLast: suppressed } : fields);
  };
}
