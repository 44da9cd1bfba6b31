// One LookupEvents page at CloudTrail's pace: waits its turn at the pacer, retries throttles and
// transient faults with the app's one backoff, and tells a stale page token apart.
import { awsErrorDetails } from '../../../shared/aws/aws-error';
import { isAppError } from '../../../shared/errors';
import { backoffDelay, THROTTLE_BACKOFF, TRANSIENT_BACKOFF } from '../backoff';
import type { Pacer, Sleep } from '../pacing';
import type { AuditScope } from './scope';
import type { LookupEvent, LookupEventsParams, LookupEventsPort, SyncCheckpoint } from './sync';

export type LookupErrorKind = 'throttle' | 'transient' | 'invalid-token' | 'fatal';

/**
 * What a failed page means for the sync, read from the one AWS error mapper's verdict (the
 * lookup port fails with its AppError): its code says throttled or transient, and the AWS name
 * says a page token went stale. Anything else, or an error that was never mapped, stops the region.
 */
export function classifyLookupError(error: unknown): LookupErrorKind {
  if (!isAppError(error)) return 'fatal';
  if (error.code === 'AWS_THROTTLED') return 'throttle';
  const name = awsErrorDetails(error).name;
  if (name === 'InvalidNextTokenException' || name === 'InvalidNextToken') return 'invalid-token';
  if (error.code === 'NETWORK' || error.code === 'AWS_UNAVAILABLE') return 'transient';
  return 'fatal';
}

/** The app's one backoff (services/backoff.ts): SDK standard-mode bases, capped, with jitter. */
function backoffMs(kind: 'throttle' | 'transient', attempt: number): number {
  return backoffDelay(attempt, kind === 'throttle' ? THROTTLE_BACKOFF : TRANSIENT_BACKOFF);
}

function isAbort(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The sync was cancelled: it stops where it is, its checkpoint kept. */
export class Cancelled extends Error {}

export type PageFetcher = {
  lookup: LookupEventsPort;
  pacer: Pacer;
  sleep: Sleep;
  target: AuditScope;
  signal: AbortSignal | undefined;
  maxResults: number;
  maxThrottle: number;
  maxTransient: number;
  /** A throttled call is about to be retried. */
  onThrottleRetry: () => void;
};

async function takeTurn(f: PageFetcher): Promise<void> {
  if (isAbort(f.signal)) throw new Cancelled();
  try {
    await f.pacer.acquire(
      { accountId: f.target.accountId, region: f.target.region, api: 'LookupEvents' },
      f.signal,
    );
  } catch (error) {
    if (isAbort(f.signal)) throw new Cancelled();
    throw error;
  }
}

function pageParams(f: PageFetcher, range: SyncCheckpoint): LookupEventsParams {
  const params: LookupEventsParams = {
    region: f.target.region,
    attribute: range.attribute,
    startTime: range.startTime,
    endTime: range.endTime,
    maxResults: f.maxResults,
  };
  if (range.nextToken !== undefined) params.nextToken = range.nextToken;
  return params;
}

/** One LookupEvents page, paced, with throttles and transient faults retried. */
export async function fetchPage(
  f: PageFetcher,
  range: SyncCheckpoint,
): Promise<{ events: LookupEvent[]; nextToken?: string } | 'invalid-token'> {
  let throttles = 0;
  let transients = 0;
  for (;;) {
    await takeTurn(f);
    try {
      // Not aborted mid-call: the page in flight is kept, then the loop stops.
      return await f.lookup(pageParams(f, range));
    } catch (error) {
      const kind = classifyLookupError(error);
      if (kind === 'invalid-token' && range.nextToken !== undefined) return 'invalid-token';
      if (kind === 'throttle' && throttles < f.maxThrottle) {
        throttles++;
        f.onThrottleRetry();
      } else if (kind === 'transient' && transients < f.maxTransient) {
        transients++;
      } else throw error;
      try {
        await f.sleep(
          backoffMs(
            kind === 'throttle' ? 'throttle' : 'transient',
            kind === 'throttle' ? throttles : transients,
          ),
          f.signal,
        );
      } catch {
        throw new Cancelled();
      }
    }
  }
}
