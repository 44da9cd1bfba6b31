// Token-bucket rate limits per (API, region, access key), at AWS's published rates (AWS-FACTS
// §1.1, §2.4). AWS quotas are per account and region; per access key is close enough for a
// single-seller sandbox and lets a test isolate itself with its own key.

export type RateLimitedApi =
  'BatchMeterUsage' | 'MeterUsage' | 'RegisterUsage' | 'ResolveCustomer' | 'LookupEvents';

export type RateLimitConfig = {
  enabled: boolean;
  /** Requests per second (also the burst size). */
  rates: Record<RateLimitedApi, number>;
};

export const DEFAULT_RATES: Record<RateLimitedApi, number> = {
  BatchMeterUsage: 10,
  MeterUsage: 10,
  RegisterUsage: 5,
  // Not published by AWS (UNVERIFIED): assume the same 10/s as the other metering calls.
  ResolveCustomer: 10,
  LookupEvents: 2,
};

type Bucket = { tokens: number; updatedAt: number };

export type RateLimiter = {
  /** True when the call may proceed (a token was taken). */
  take(api: RateLimitedApi, accessKeyId: string, region: string): boolean;
  configure(update: { enabled?: boolean; rates?: Partial<Record<RateLimitedApi, number>> }): void;
  config(): RateLimitConfig;
};

/** `clock` is monotonic milliseconds (the real clock: rate limits are about real time). */
export function createRateLimiter(
  initial: { enabled: boolean; rates?: Partial<Record<RateLimitedApi, number>> },
  clock: () => number = () => performance.now(),
): RateLimiter {
  const config: RateLimitConfig = {
    enabled: initial.enabled,
    rates: { ...DEFAULT_RATES, ...initial.rates },
  };
  const buckets = new Map<string, Bucket>();
  return {
    take(api, accessKeyId, region) {
      if (!config.enabled) return true;
      const rate = config.rates[api];
      if (rate <= 0) return false;
      const key = `${api}\n${region}\n${accessKeyId}`;
      const t = clock();
      const bucket = buckets.get(key) ?? { tokens: rate, updatedAt: t };
      bucket.tokens = Math.min(rate, bucket.tokens + ((t - bucket.updatedAt) / 1000) * rate);
      bucket.updatedAt = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    configure(update) {
      if (update.enabled !== undefined) config.enabled = update.enabled;
      if (update.rates) {
        for (const [api, rate] of Object.entries(update.rates) as [RateLimitedApi, number][]) {
          if (api in DEFAULT_RATES && Number.isFinite(rate)) config.rates[api] = rate;
        }
      }
      // New rates start from full buckets.
      buckets.clear();
    },
    config: () => ({ enabled: config.enabled, rates: { ...config.rates } }),
  };
}
