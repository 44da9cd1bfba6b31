// One error type for every AWS-shaped failure the sandbox returns, so the HTTP layer can map
// any thrown error to the JSON 1.1 error body (__type/message) and status without guessing.
export class SandboxApiError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }
}

export function isSandboxApiError(error: unknown): error is SandboxApiError {
  return error instanceof SandboxApiError;
}
