// One error type for every AWS-shaped failure the sandbox returns, so the HTTP layer can map
// any thrown error to the JSON error body (__type/message) and status without guessing.
export class SandboxApiError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    /** Further modelled members of the error shape (e.g. `reason`, `fields`, `resourceId`). */
    public readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }
}

export function isSandboxApiError(error: unknown): error is SandboxApiError {
  return error instanceof SandboxApiError;
}
