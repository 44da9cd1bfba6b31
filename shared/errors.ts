// One union of error codes for everything that crosses the bridge.
import { z } from 'zod';

export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'ENCRYPTION_UNAVAILABLE',
  'AWS_ACCESS_DENIED',
  'AWS_THROTTLED',
  'AWS_REJECTED',
  'AWS_UNAVAILABLE',
  'NETWORK',
  'INTERNAL',
  /** A billing call on a real connection without the typed confirmation of this exact plan. */
  'CONFIRMATION_REQUIRED',
  /** The same plan (planId) was already submitted once. */
  'PLAN_ALREADY_SUBMITTED',
  /** Records of this plan are being sent by another submission right now. */
  'RECORDS_IN_FLIGHT',
  /** The journal does not verify (edited, shrunk, replaced): nothing is sent until it is dealt with. */
  'JOURNAL_BROKEN',
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const appErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** Plain-language next step for the user, where one exists. */
  hint: z.string().optional(),
  /** Whether trying the same thing again can help. */
  retryable: z.boolean().optional(),
  details: z.unknown().optional(),
});
export type AppErrorShape = z.infer<typeof appErrorSchema>;

/** Thrown inside the main process; the router turns it into a Result error. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean | undefined;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { hint?: string; retryable?: boolean; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = extra.hint;
    this.retryable = extra.retryable;
    this.details = extra.details;
  }

  toShape(): AppErrorShape {
    const shape: AppErrorShape = { code: this.code, message: this.message };
    if (this.hint !== undefined) shape.hint = this.hint;
    if (this.retryable !== undefined) shape.retryable = this.retryable;
    if (this.details !== undefined) shape.details = this.details;
    return shape;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
