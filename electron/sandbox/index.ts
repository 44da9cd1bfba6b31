// Starts the sandbox: a local AWS-compatible Marketplace Metering + CloudTrail service, bound to
// 127.0.0.1, with all state under `dataDir`. No electron import: the app, tests, benches and the
// CLI all start it the same way.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAgreementBilling } from './agreement-billing';
import { createCloudTrailStore } from './cloudtrail';
import { generateHistory } from './history';
import { loadOrCreateKeys } from './jwt';
import { createRateLimiter, type RateLimitedApi } from './rate-limit';
import { createSandboxServer } from './server';
import { openState } from './state';

export type { Faults, DenyRule } from './server';
export type { RateLimitedApi } from './rate-limit';
export { DEFAULT_RATES } from './rate-limit';
export { verifyPs256 } from './jwt';

export type SandboxOptions = {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** World seed for a new data folder; an existing folder keeps the seed it was made with. */
  seed?: number;
  /** Seeded CloudTrail history to generate when the data folder has none. */
  historyEvents?: number;
  /** true (default): AWS's published rates; false: off; or per-API overrides. */
  rateLimits?: boolean | Partial<Record<RateLimitedApi, number>>;
  /** The sandbox clock (epoch ms): timestamp windows, token expiry, billedAt. */
  now?: () => number;
};

export type RunningSandbox = {
  endpoint: string;
  region: string;
  /** The seller account the built-in key belongs to. */
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  adminToken: string;
  close(): Promise<void>;
};

export const DEFAULT_SEED = 20260701;

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const now = options.now ?? Date.now;
  const state = openState({
    dataDir: options.dataDir,
    seed: options.seed ?? DEFAULT_SEED,
    now: now(),
  });
  const keys = loadOrCreateKeys(options.dataDir);
  const cloudTrail = createCloudTrailStore({ dataDir: options.dataDir, now });
  if (
    options.historyEvents !== undefined &&
    options.historyEvents > 0 &&
    cloudTrail.count() === 0
  ) {
    cloudTrail.addHistory(
      generateHistory(state.world, {
        events: options.historyEvents,
        seed: state.seed,
        endTime: now(),
      }),
    );
  }
  const rateOption = options.rateLimits ?? true;
  const limiter = createRateLimiter(
    typeof rateOption === 'boolean'
      ? { enabled: rateOption }
      : { enabled: true, rates: rateOption },
  );
  const adminToken = randomBytes(24).toString('base64url');
  const region = state.world.region;
  const { server } = createSandboxServer({
    state,
    keys,
    cloudTrail,
    limiter,
    adminToken,
    region,
    now,
    agreements: createAgreementBilling({ state, now }),
  });
  // Keep-alive sockets from SDK clients must not hold close() open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const seller = state.credentials()[0];
  if (!seller) throw new Error('The sandbox credential table is empty.');

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId: seller.accountId,
    accessKeyId: seller.accessKeyId,
    secretAccessKey: seller.secretAccessKey,
    adminToken,
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // The ledger is written synchronously per call; the CloudTrail store may buffer.
        await cloudTrail.flush();
      })();
      return closed;
    },
  };
}
