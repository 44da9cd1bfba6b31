// What the one AWS error mapper (electron/adapters/aws/error-map.ts) keeps of a raw AWS error in
// an AppError's `details.aws`, and how services and the renderer read it back without knowing
// the SDK: the mapper writes this shape, everything else reads it through these functions.

/** The raw AWS error, for the engineer the user forwards it to. Never holds credentials. */
export type AwsErrorDetails = {
  /** The modelled error name, e.g. ExpiredTokenException; for network faults the JS name. */
  name?: string;
  message?: string;
  /** Node's code for network faults, e.g. ECONNRESET. */
  code?: string;
  fault?: unknown;
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `details.aws` of a mapped error (an AppError or its shape); empty when there is none. */
export function awsErrorDetails(error: unknown): AwsErrorDetails {
  if (!isObject(error)) return {};
  const details = error.details;
  if (!isObject(details) || !isObject(details.aws)) return {};
  const aws = details.aws;
  const out: AwsErrorDetails = {};
  const name = text(aws.name);
  const message = text(aws.message);
  const code = text(aws.code);
  const requestId = text(aws.requestId);
  if (name !== undefined) out.name = name;
  if (message !== undefined) out.message = message;
  if (code !== undefined) out.code = code;
  if (aws.fault !== undefined) out.fault = aws.fault;
  if (typeof aws.httpStatusCode === 'number') out.httpStatusCode = aws.httpStatusCode;
  if (requestId !== undefined) out.requestId = requestId;
  if (typeof aws.attempts === 'number') out.attempts = aws.attempts;
  return out;
}

/** The AWS error name behind a mapped error, e.g. InvalidNextTokenException. */
export function awsErrorName(error: unknown): string | undefined {
  return awsErrorDetails(error).name;
}
