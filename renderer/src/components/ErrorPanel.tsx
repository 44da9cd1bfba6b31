// Shows an error the way UX.md asks: the message and the next step in plain words, the raw
// details one click away (for the engineer the user will forward it to).

export type DisplayableError = {
  message: string;
  code?: string;
  hint?: string | undefined;
  details?: unknown;
};

type ErrorPanelProps = {
  title?: string;
  error: DisplayableError;
  onRetry?: () => void;
};

function rawDetails(error: DisplayableError): string {
  const raw: Record<string, unknown> = { code: error.code ?? 'UNKNOWN', message: error.message };
  if (error.details !== undefined) raw.details = error.details;
  try {
    return JSON.stringify(raw, null, 2);
  } catch {
    return `${raw.code as string}: ${error.message}`;
  }
}

export function ErrorPanel({ title, error, onRetry }: ErrorPanelProps) {
  return (
    <div className="error-panel" role="alert">
      <p className="error-title">{title ?? error.message}</p>
      {title !== undefined && <p className="error-hint">{error.message}</p>}
      {error.hint !== undefined && <p className="error-hint">{error.hint}</p>}
      <details>
        <summary>Technical details</summary>
        <pre className="mono" tabIndex={0} aria-label="Technical details">
          {rawDetails(error)}
        </pre>
      </details>
      {onRetry && (
        <div className="error-actions">
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}

/** Turns anything thrown into something ErrorPanel can show. */
export function toDisplayableError(value: unknown): DisplayableError {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const record = value as Record<string, unknown>;
    const shown: DisplayableError = { message: String(record.message) };
    if (typeof record.code === 'string') shown.code = record.code;
    if (typeof record.hint === 'string') shown.hint = record.hint;
    if (record.details !== undefined) shown.details = record.details;
    else if (value instanceof Error && value.stack) shown.details = value.stack;
    return shown;
  }
  return { message: String(value) };
}
