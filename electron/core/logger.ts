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
