// What a failed metering call means for its records, from the AppError the AWS error map made
// (code, details.aws.{name, requestId, httpStatusCode}).
import { AppError, type ErrorCode } from '../../../shared/errors';
import type { JournalOperation } from '../../../shared/journal';

/** Errors a single bad record can cause: bisect to find it. */
const RECORD_ATTRIBUTABLE = new Set([
  'TimestampOutOfBoundsException',
  'InvalidUsageDimensionException',
  'InvalidLicenseException',
  'InvalidTagException',
  'InvalidUsageAllocationsException',
  'InvalidCustomerIdentifierException',
  'ValidationException',
  'SerializationException',
]);

/** The only failures that stop a whole submission: no later call could fare better. */
const STOP_CODES = new Set<ErrorCode>([
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'CREDENTIALS_MISSING',
  'AWS_ACCESS_DENIED',
  'UNAUTHORIZED',
  'FORBIDDEN',
]);

export type AwsDetails = { name?: string; requestId?: string; httpStatusCode?: number };

export function awsDetails(error: AppError): AwsDetails {
  const details = error.details as { aws?: AwsDetails } | undefined;
  return details?.aws ?? {};
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(
    'INTERNAL',
    `The metering call failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

export type Classified =
  /** Not applied (throttled): resend. */
  | { kind: 'retry'; status: 'Unprocessed'; throttled: boolean }
  /** Maybe applied (5xx, lost answer): resend the identical record to settle it. */
  | { kind: 'retry'; status: 'Unknown'; throttled: false }
  | { kind: 'bisect' }
  | { kind: 'reject' }
  /** Per-record final outcome expressed as an exception (MeterUsage). */
  | { kind: 'final'; status: 'DuplicateRecord' | 'CustomerNotSubscribed' }
  | { kind: 'stop'; status: 'Unprocessed' | 'Unknown' };

export function classify(
  error: AppError,
  operation: JournalOperation,
  productCode?: string,
): Classified {
  const name = awsDetails(error).name ?? '';
  if (error.code === 'AWS_THROTTLED')
    return { kind: 'retry', status: 'Unprocessed', throttled: true };
  if (error.code === 'AWS_UNAVAILABLE' || error.code === 'NETWORK') {
    return { kind: 'retry', status: 'Unknown', throttled: false };
  }
  // Refused before anything was applied.
  if (STOP_CODES.has(error.code)) return { kind: 'stop', status: 'Unprocessed' };
  if (error.code === 'AWS_REJECTED') {
    if (operation === 'MeterUsage') {
      if (name === 'DuplicateRequestException') return { kind: 'final', status: 'DuplicateRecord' };
      if (name === 'CustomerNotEntitledException') {
        return { kind: 'final', status: 'CustomerNotSubscribed' };
      }
      return { kind: 'reject' };
    }
    if (RECORD_ATTRIBUTABLE.has(name)) return { kind: 'bisect' };
    // Without a request ProductCode, a record's missing/odd LicenseArn raises this one.
    if (name === 'InvalidProductCodeException' && productCode === undefined) {
      return { kind: 'bisect' };
    }
    return { kind: 'reject' };
  }
  // Anything unexplained: we cannot know whether it was applied. Stop, keep it resumable.
  return { kind: 'stop', status: 'Unknown' };
}
