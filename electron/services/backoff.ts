// The app's one retry delay: capped exponential backoff with jitter. Used by the submission
// engine for every retried call (and offered to the CloudTrail sync), so no two places disagree
// about how long to wait after a throttle or a transient failure.

export type BackoffPolicy = {
  /** The first retry's ceiling (ms). AWS SDK standard mode: 500 for throttles, 100 otherwise. */
  baseMs: number;
  /** No delay is longer than this (ms). */
  capMs: number;
  /** [0, 1); default Math.random. */
  random?: () => number;
};

/** The SDK's standard-mode bases and cap (AWS-FACTS §3.3). */
export const THROTTLE_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 20_000 };
export const TRANSIENT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 20_000 };

/**
 * The delay before retry number `attempt` (1 = the first retry): a ceiling that doubles per
 * attempt up to the cap, and a delay drawn from its upper half, so a storm of retries never lines
 * up again at once and no retry comes back immediately.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const random = policy.random ?? Math.random;
  return ceiling / 2 + random() * (ceiling / 2);
}
