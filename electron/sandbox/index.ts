// Starts the sandbox: a local AWS-compatible Marketplace Metering + CloudTrail service, bound to
// 127.0.0.1, with all state under `dataDir`. No electron import: the app, tests, benches and the
// CLI all start it the same way.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAgreementBilling } from './agreement-billing';
import { generateHistory } from './history';
import { loadOrCreateKeys } from './jwt';
import { createRateLimiter, type RateLimitedApi } from './rate-limit';
import { createRegionalCloudTrail, servedRegions } from './regions';
import { createSandboxServer } from './server';
import { openState } from './state';

export type { Faults, DenyRule } from './server';
export type { RateLimitedApi } from './rate-limit';
export { DEFAULT_RATES } from './rate-limit';
export { DEFAULT_REGIONS, parseRegionList } from './regions';
export { verifyPs256 } from './jwt';

export type SandboxOptions = {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** World seed for a new data folder; an existing folder keeps the seed it was made with. */
  seed?: number;
  /**
   * Regions to serve (default us-east-1 and eu-west-1). The first is the home region of a new
   * data folder; an existing folder's home region is always served too.
   */
  regions?: readonly string[];
  /** Seeded CloudTrail history to generate, in the home region, when it has none. */
  historyEvents?: number;
  /** true (default): AWS's published rates; false: off; or per-API overrides. */
  rateLimits?: boolean | Partial<Record<RateLimitedApi, number>>;
  /** The sandbox clock (epoch ms): timestamp windows, token expiry, billedAt. */
  now?: () => number;
};

export type RunningSandbox = {
  endpoint: string;
  /** The home region: where the seeded history is and where a one-region client points. */
  region: string;
  /** Every served region, the home region first. */
  regions: readonly string[];
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
    ...(options.regions?.[0] === undefined ? {} : { region: options.regions[0] }),
  });
  const keys = loadOrCreateKeys(options.dataDir);
  const region = state.world.region;
  const cloudTrail = createRegionalCloudTrail({
    dataDir: options.dataDir,
    regions: servedRegions(region, options.regions),
    now,
  });
  const home = cloudTrail.store(region);
  if (
    home &&
    options.historyEvents !== undefined &&
    options.historyEvents > 0 &&
    home.count() === 0
  ) {
    home.addHistory(
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
  const { server } = createSandboxServer({
    state,
    dataDir: options.dataDir,
    keys,
    cloudTrail,
    limiter,
    adminToken,
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
    regions: cloudTrail.regions,
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
