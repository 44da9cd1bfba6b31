// Client-side pacing port: AWS quotas are per account, region and API, so the app waits its turn
// instead of bouncing off ThrottlingException. Implemented in adapters/aws/pacer.ts.

export type PacedApi =
  | 'LookupEvents'
  | 'BatchMeterUsage'
  | 'MeterUsage'
  | 'RegisterUsage'
  | 'ResolveCustomer'
  | 'MarketplaceAgreement';

/** Requests per second per account and region (AWS-FACTS §1.1 quotas, §2.4). */
export const PACING_RATES: Readonly<Record<PacedApi, number>> = {
  LookupEvents: 2,
  BatchMeterUsage: 10,
  MeterUsage: 10,
  RegisterUsage: 5,
  // Not published by AWS (UNVERIFIED): the same as the other metering calls.
  ResolveCustomer: 10,
  // The Agreement API's rates are not published (UNVERIFIED); its calls share one modest lane.
  MarketplaceAgreement: 5,
};

export type PacerKey = { accountId: string; region: string; api: PacedApi };

/** How AWS answered a paced call: throttled, or accepted (any answer that was not a throttle). */
export type PacerFeedback = 'throttled' | 'accepted';

export type Pacer = {
  /** Resolves when a call may leave; rejects with the signal's reason when aborted first. */
  acquire: (key: PacerKey, signal?: AbortSignal) => Promise<void>;
  /**
   * AIMD: a throttle halves the lane's rate, each accepted call adds a little back up to the
   * published rate, so the app slows down under throttling instead of stopping.
   */
  feedback?: (key: PacerKey, answer: PacerFeedback) => void;
};

/** Waits `ms`; rejects with the signal's reason if aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
